// Listing the tables under an s3:// prefix. The engine cannot: `connect('s3://bucket/db').tableNames()`
// returned [] on s3rver with the tables there (lancedb 0.37.1, manifestEnabled true, false or unset;
// it asks for `db/__manifest/_versions/`, the namespace manifest, and does not list folders). So this
// sends one ListObjectsV2 request with delimiter "/" (a page of up to 1,000 "folders", never the
// objects inside them), signed with AWS Signature V4 from the same storage options the engine gets.
// Credentials: the storage options, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN);
// AWS profiles and instance roles are not read here (the engine still honours them for opening).
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import { LanceError } from './errors';
import { classifyObjectStore } from './objectStoreErrors';

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
}

const LIST_TIMEOUT_MS = 30_000;

export function s3Target(uri: string, options: Record<string, string> = {}, env: NodeJS.ProcessEnv = process.env): S3Target {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(uri);
  if (!m) throw new LanceError('not-a-dataset', `${uri} is not an s3:// URI.`);
  const o = Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
  const region = o.aws_region ?? o.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const custom = o.aws_endpoint ?? o.endpoint ?? env.AWS_ENDPOINT ?? env.AWS_ENDPOINT_URL;
  const prefix = m[2].replace(/\/+$/, '');
  return {
    endpoint: new URL(custom ?? `https://s3.${region}.amazonaws.com`),
    bucket: m[1],
    prefix: prefix ? `${prefix}/` : '',
    region,
    // The engine's default is path-style for a custom endpoint unless told otherwise; AWS itself takes both.
    pathStyle: (o.aws_virtual_hosted_style_request ?? env.AWS_VIRTUAL_HOSTED_STYLE_REQUEST ?? 'false') !== 'true',
    keyId: o.aws_access_key_id ?? o.access_key_id ?? env.AWS_ACCESS_KEY_ID,
    secret: o.aws_secret_access_key ?? o.secret_access_key ?? env.AWS_SECRET_ACCESS_KEY,
    token: o.aws_session_token ?? o.session_token ?? env.AWS_SESSION_TOKEN,
    allowHttp: (o.allow_http ?? env.AWS_ALLOW_HTTP ?? 'false') === 'true',
  };
}

/** Folders found by the skip-scan at most (each costs one request). */
const MAX_SKIP_SCAN = 200;

/**
 * Names of the immediate "sub-folders" of an s3:// prefix (without the trailing "/"). One request with
 * delimiter "/" answers on S3 (up to 1,000). s3rver 3.7 answers it with no folders when they hold only
 * deeper objects (as a dataset's do), so when that comes back empty the folders are found one request
 * each: the first key after the last folder found ("<folder>0" sorts right after every "<folder>/…"),
 * so a prefix of N tables costs N + 2 requests, whatever the size of the tables.
 */
export async function listS3Folders(uri: string, options?: Record<string, string>): Promise<string[]> {
  const t = s3Target(uri, options);
  const body = await signedGet(t, `delimiter=%2F&list-type=2&max-keys=1000&prefix=${rfc3986(t.prefix)}`);
  const folders = [...body.matchAll(/<CommonPrefixes>\s*<Prefix>([^<]*)<\/Prefix>/g)].map((m) => xmlText(m[1]).slice(t.prefix.length).replace(/\/$/, ''));
  if (folders.length) return folders;
  let after = '';
  while (folders.length < MAX_SKIP_SCAN) {
    // ListObjects V1 (marker): s3rver 3.7 answers a truncated V2 listing with a 500 on Node 20 (its
    // continuation token uses a cipher OpenSSL 3 dropped); S3 answers both.
    const q = `${after ? `marker=${rfc3986(after)}&` : ''}max-keys=1&prefix=${rfc3986(t.prefix)}`;
    const key = /<Key>([^<]*)<\/Key>/.exec(await signedGet(t, q))?.[1];
    if (key === undefined) break;
    const rest = xmlText(key).slice(t.prefix.length);
    const cut = rest.indexOf('/');
    if (cut < 0) {
      after = xmlText(key); // an object directly under the prefix: not a folder, skip it
      continue;
    }
    folders.push(rest.slice(0, cut));
    after = `${t.prefix}${rest.slice(0, cut)}0`;
  }
  return folders;
}

async function signedGet(t: S3Target, query: string): Promise<string> {
  if (t.endpoint.protocol === 'http:' && !t.allowHttp) {
    throw new LanceError('unreachable', `The endpoint ${t.endpoint.origin} is http:// but plain HTTP is not allowed: set allow_http to "true" in the storage options.`);
  }
  const host = t.pathStyle ? t.endpoint.host : `${t.bucket}.${t.endpoint.host}`;
  const path = t.pathStyle ? `/${t.bucket}` : '/';
  const headers: Record<string, string> = { host, 'x-amz-content-sha256': sha256(''), 'x-amz-date': amzDate(new Date()) };
  if (t.token) headers['x-amz-security-token'] = t.token;
  if (t.keyId && t.secret) headers.authorization = authorization(t, 'GET', path, query, headers);
  const url = `${t.endpoint.protocol}//${host}${path}?${query}`;
  const uri = `s3://${t.bucket}/${t.prefix}`;
  const { status, text } = await get(url, headers).catch((err: Error) => {
    throw classifyObjectStore(`store: "S3" tcp connect error ${err.message}`, uri) ?? new LanceError('unreachable', err.message);
  });
  if (status !== 200) {
    throw classifyObjectStore(`store: "S3" status: ${status} ${text}`, uri, keyOptions(t)) ?? new LanceError('io', `Listing ${uri} failed: HTTP ${status}.`, text);
  }
  return text;
}

function keyOptions(t: S3Target): Record<string, string> {
  return { aws_endpoint: t.endpoint.origin, ...(t.keyId ? { aws_access_key_id: t.keyId } : {}) };
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const lib = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(url, { headers, timeout: LIST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${LIST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
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

function rfc3986(s: string): string {
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

function xmlText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
