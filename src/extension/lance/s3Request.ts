// Signed GET requests to S3 (AWS Signature V4), for the few reads the engine does not offer: listing
// the tables under a prefix and reading manifests a page of versions at a time. The endpoint and
// credentials come from the same storage options the engine gets. Credentials: the storage options,
// else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), else the static keys of the AWS
// profile (awsProfile.ts); SSO, assumed roles and instance roles are not read here (the engine still
// honours them for everything it reads itself).
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import { awsProfileKeys } from './awsProfile';
import { LanceError } from './errors';
import { classifyObjectStore } from './objectStoreErrors';
import { withSourcesOf } from './storageOptions';

export interface S3Target {
  endpoint: URL;
  bucket: string;
  /** Key prefix without a leading slash, ending in "/" (or empty: the bucket's root). */
  prefix: string;
  region: string;
  pathStyle: boolean;
  keyId?: string;
  secret?: string;
  token?: string;
  allowHttp: boolean;
  /** Time limit for one read, retries included (the inspector's query timeout); REQUEST_TIMEOUT_MS when unset. */
  timeoutMs?: number;
  /** The options it was made from (their sources name where a key came from in errors). */
  options?: Record<string, string>;
}

const REQUEST_TIMEOUT_MS = 30_000;

export function s3Target(uri: string, options: Record<string, string> = {}, env: NodeJS.ProcessEnv = process.env): S3Target {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(uri);
  if (!m) throw new LanceError('not-a-dataset', `${uri} is not an s3:// URI.`);
  const o = Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
  const region = o.aws_region ?? o.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const custom = o.aws_endpoint ?? o.endpoint ?? env.AWS_ENDPOINT ?? env.AWS_ENDPOINT_URL;
  const prefix = m[2].replace(/\/+$/, '');
  // Keys in the options or the environment come first, as for the engine; then the profile's.
  const givenKeyId = o.aws_access_key_id ?? o.access_key_id ?? env.AWS_ACCESS_KEY_ID;
  const profile = givenKeyId === undefined ? awsProfileKeys(env) : undefined;
  return {
    endpoint: new URL(custom ?? `https://s3.${region}.amazonaws.com`),
    bucket: m[1],
    prefix: prefix ? `${prefix}/` : '',
    region,
    // The engine's default is path-style for a custom endpoint unless told otherwise; AWS itself takes both.
    pathStyle: (o.aws_virtual_hosted_style_request ?? env.AWS_VIRTUAL_HOSTED_STYLE_REQUEST ?? 'false') !== 'true',
    keyId: givenKeyId ?? profile?.keyId,
    secret: o.aws_secret_access_key ?? o.secret_access_key ?? env.AWS_SECRET_ACCESS_KEY ?? profile?.secret,
    token: o.aws_session_token ?? o.session_token ?? env.AWS_SESSION_TOKEN ?? profile?.token,
    allowHttp: (o.allow_http ?? env.AWS_ALLOW_HTTP ?? 'false') === 'true',
    options,
  };
}

/** GET of the bucket (a listing, `key` undefined) or of one object; `range` as in an HTTP Range header. */
export async function s3Get(t: S3Target, key: string | undefined, query = '', range?: string): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  if (t.endpoint.protocol === 'http:' && !t.allowHttp) {
    throw new LanceError('unreachable', `The endpoint ${t.endpoint.origin} is http:// but plain HTTP is not allowed: set allow_http to "true" in the storage options.`);
  }
  const host = t.pathStyle ? t.endpoint.host : `${t.bucket}.${t.endpoint.host}`;
  const objectPath = key === undefined ? '' : `/${key.split('/').map(rfc3986).join('/')}`;
  const path = t.pathStyle ? `/${t.bucket}${objectPath}` : objectPath || '/';
  const headers: Record<string, string> = { host, 'x-amz-content-sha256': sha256(''), 'x-amz-date': amzDate(new Date()) };
  if (t.token) headers['x-amz-security-token'] = t.token;
  if (range) headers.range = range;
  if (t.keyId && t.secret) headers.authorization = authorization(t, 'GET', path, query, headers);
  const url = `${t.endpoint.protocol}//${host}${path}${query ? `?${query}` : ''}`;
  const uri = `s3://${t.bucket}/${t.prefix}`;
  const limitMs = t.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const deadline = Date.now() + limitMs;
  const res = await withRetries(deadline, () => get(url, headers, deadline)).catch((err: Error) => {
    if (Date.now() >= deadline) throw new LanceError('timeout', `The object store did not answer within ${Math.round(limitMs / 1000)} s (${uri}).`, err.message);
    throw classifyObjectStore(`store: "S3" tcp connect error ${err.message}`, uri, keyOptions(t)) ?? new LanceError('unreachable', err.message);
  });
  if (res.status === 404 && key !== undefined) return res;
  if (res.status !== 200 && res.status !== 206) {
    const text = res.body.toString('utf8');
    throw classifyObjectStore(`store: "S3" status: ${res.status} ${text}`, uri, keyOptions(t)) ?? new LanceError('io', `Reading ${uri} failed: HTTP ${res.status}.`, text);
  }
  return res;
}

/** Retries after these pauses (ms) on a dropped connection, a 5xx or a 429, as the engine's own client does (3 retries). */
const RETRY_PAUSES = [100, 300, 900];

async function withRetries(deadline: number, send: () => Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }>) {
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= RETRY_PAUSES.length || Date.now() + RETRY_PAUSES[attempt] >= deadline;
    try {
      const res = await send();
      if (last || (res.status < 500 && res.status !== 429)) return res;
    } catch (err) {
      if (last) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSES[attempt]));
  }
}

/** The body of a bucket listing, as text. */
export async function s3ListXml(t: S3Target, query: string): Promise<string> {
  return (await s3Get(t, undefined, query)).body.toString('utf8');
}

/** The endpoint and key id for an error message; those from the environment are left to describeAttempt, which names the variable. */
function keyOptions(t: S3Target): Record<string, string> {
  const given = new Set(Object.keys(t.options ?? {}).map((k) => k.toLowerCase()));
  const fromOptions = (...keys: string[]) => keys.some((k) => given.has(k)) || !t.options;
  return withSourcesOf(
    {
      ...(fromOptions('aws_endpoint', 'endpoint') ? { aws_endpoint: t.endpoint.origin } : {}),
      ...(t.keyId && fromOptions('aws_access_key_id', 'access_key_id') ? { aws_access_key_id: t.keyId } : {}),
    },
    t.options,
  );
}

function get(url: string, headers: Record<string, string>, deadline: number): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  const lib = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const req = lib.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers });
      });
      res.on('error', fail);
    });
    // The whole exchange, body included, ends by the deadline (a socket timeout restarts with every byte).
    const timer = setTimeout(() => req.destroy(new Error('timed out')), Math.max(0, deadline - Date.now()));
    req.on('error', fail);
  });
}

/** AWS Signature Version 4 for one request whose payload is empty. */
function authorization(t: S3Target, method: string, path: string, query: string, headers: Record<string, string>): string {
  const date = headers['x-amz-date'];
  const day = date.slice(0, 8);
  const names = Object.keys(headers).sort();
  const canonical = [method, path, canonicalQuery(query), ...names.map((n) => `${n}:${headers[n].trim()}`), '', names.join(';'), headers['x-amz-content-sha256']].join('\n');
  const scope = `${day}/${t.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${t.secret}`, day);
  for (const part of [t.region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = crypto.createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${t.keyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

function canonicalQuery(q: string): string {
  return q.split('&').filter(Boolean).sort().join('&');
}

export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function sha256(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

export function xmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
