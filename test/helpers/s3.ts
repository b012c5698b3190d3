// A real S3-compatible server for the tests: s3rver (npm), in-process, on 127.0.0.1 with a fresh
// folder and one bucket. Tests that need it call startS3() and skip with its reason when it is
// undefined (the suite must still run where the module or a port is missing).
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

/** What the engine needs to reach s3rver (checked by experiment: without allow_http the engine refuses http://). */
export function s3StorageOptions(endpoint: string, keys = { id: 'S3RVER', secret: 'S3RVER' }): Record<string, string> {
  return {
    aws_endpoint: endpoint,
    allow_http: 'true',
    aws_access_key_id: keys.id,
    aws_secret_access_key: keys.secret,
    aws_region: 'us-east-1',
    // s3rver serves path-style URLs (http://host/bucket/key); virtual-hosted ones would need DNS for bucket.127.0.0.1.
    aws_virtual_hosted_style_request: 'false',
  };
}

export interface S3Server {
  endpoint: string;
  port: number;
  bucket: string;
  dir: string;
  storageOptions: Record<string, string>;
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance;

/** A running s3rver, or the reason it could not start (a string: the caller skips with it). */
export async function startS3(bucket = 'bucket'): Promise<S3Server | string> {
  let S3rver: S3rverClass;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a devDependency without typings, loaded only here
    S3rver = require('s3rver') as S3rverClass;
  } catch (err) {
    return `s3rver is not installed (${(err as Error).message})`;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: process.env.S3RVER_DEBUG ? false : true, configureBuckets: [{ name: bucket }] });
  try {
    const addr = await server.run();
    const endpoint = `http://127.0.0.1:${addr.port}`;
    return {
      endpoint,
      port: addr.port,
      bucket,
      dir,
      storageOptions: s3StorageOptions(endpoint),
      stop: async () => {
        await server.close().catch(() => undefined);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return `s3rver could not start: ${(err as Error).message}`;
  }
}

/**
 * Copies a local folder (a dataset) to `s3://<bucket>/<prefix>/` by plain HTTP PUTs to s3rver's own
 * API. s3rver accepts unsigned requests, so no S3 client is needed; the bytes and keys are exactly
 * the local files', which is what the engine would have written there.
 */
export async function uploadDir(s3: S3Server, localDir: string, prefix: string): Promise<number> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(localDir);
  const queue = [...files];
  const worker = async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const key = `${prefix.replace(/\/+$/, '')}/${path.relative(localDir, f).split(path.sep).join('/')}`;
      await putObject(s3, key, fs.readFileSync(f));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return files.length;
}

/** One object, by an unsigned PUT (also how a test damages a file). */
export function putObject(s3: S3Server, key: string, body: Buffer): Promise<void> {
  const url = `${s3.endpoint}/${s3.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${key}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
