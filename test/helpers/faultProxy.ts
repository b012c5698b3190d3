// A small HTTP proxy in front of the S3 server, to test what a real network does to the data layer:
// added latency per request, dropped connections and 500s on a share of requests (seeded, so a run
// repeats), and a count of the requests each action makes. Headers go through untouched (the engine
// signs the Host header with the proxy's address; s3rver accepts that).
import { mulberry32 } from '../fixtures/random';
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface FaultOptions {
  latencyMs?: number;
  /** Share (0–1) of requests answered 500 InternalError without reaching the server. */
  fail500?: number;
  /** Share (0–1) of requests whose connection is closed without an answer. */
  drop?: number;
  /**
   * Share (0–1) of PUT requests passed to the server and then answered 500: the write lands but its
   * answer is lost, the case where a retry could write a second time.
   */
  lostPutAnswers?: number;
  seed?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Requests seen since the last reset, by kind ("GET list", "GET range", "GET", "HEAD", "PUT", …). */
  counts(): Record<string, number>;
  total(): number;
  /** PUTs that reached the server but were answered 500 (lostPutAnswers) since the last reset. */
  lostAnswers(): number;
  reset(): void;
  set(opts: FaultOptions): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, opts: FaultOptions = {}): Promise<FaultProxy> {
  const to = new URL(target);
  let o = { ...opts };
  let rand = mulberry32(o.seed ?? 1);
  let counts: Record<string, number> = {};
  let lostAnswers = 0;
  const server = http.createServer((req, res) => {
    const kind = requestKind(req);
    counts[kind] = (counts[kind] ?? 0) + 1;
    const r = rand();
    setTimeout(() => {
      if (r < (o.drop ?? 0)) return req.socket.destroy();
      if (r < (o.drop ?? 0) + (o.fail500 ?? 0)) {
        req.resume();
        res.writeHead(500, { 'content-type': 'application/xml' });
        return res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the test proxy</Message></Error>');
      }
      const loseAnswer = req.method === 'PUT' && rand() < (o.lostPutAnswers ?? 0);
      const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
        if (loseAnswer) {
          ur.resume();
          ur.on('end', () => {
            lostAnswers++;
            res.writeHead(500, { 'content-type': 'application/xml' });
            res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>answer lost by the test proxy</Message></Error>');
          });
          return;
        }
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    }, o.latencyMs ?? 0);
  });
  // Keep-alive connections would hold close() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    lostAnswers: () => lostAnswers,
    reset: () => {
      counts = {};
      lostAnswers = 0;
    },
    set: (next) => {
      o = { ...next };
      rand = mulberry32(o.seed ?? 1);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function requestKind(req: http.IncomingMessage): string {
  // Path-style URLs: a GET of the bucket itself (/bucket?…) is a listing, V1 or V2.
  const pathPart = (req.url ?? '').split('?')[0];
  if (req.method === 'GET' && /^\/[^/]+\/?$/.test(pathPart)) return 'GET list';
  if (req.method === 'GET' && req.headers.range) return 'GET range';
  return req.method ?? '?';
}

export interface Measured<T> {
  value: T;
  /** Requests by kind and in all that the action made (through this proxy). */
  counts: Record<string, number>;
  total: number;
  ms: number;
}

/** Runs one action and returns its time and the object-store requests it made through `p`. */
export async function measureRequests<T>(p: FaultProxy, fn: () => Promise<T>): Promise<Measured<T>> {
  p.reset();
  const t0 = performance.now();
  const value = await fn();
  return { value, counts: p.counts(), total: p.total(), ms: Math.round(performance.now() - t0) };
}
