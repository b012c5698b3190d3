// The host's request handling over a real dataset (issue 10): 200 page requests of a table of 20 MB
// strings, each superseding the one before (a fast scroll), through the same RpcServer options the
// panel uses and a real DatasetSession. Only a few may start; the newest answers with the right rows;
// the host's memory stays bounded (the peak is printed). And a webview load that replaces another while
// a page is running never receives that page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DATA_METHODS, DatasetSession, LONG_DATA_METHODS } from '../../src/extension/host/session';
import type { RequestMethod } from '../../src/shared/protocol';
import { RpcClient, RpcServer, type Handlers } from '../../src/shared/rpc';
import { generateHostile, HUGE_ROWS, type HostileDatasets } from '../fixtures/hostile';

let dir: string;
let ds: Partial<HostileDatasets>;
let session: DatasetSession;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-queue-'));
  ds = await generateHostile({ dir, only: ['huge', 'wide'] });
  session = await DatasetSession.open({ uri: ds.huge!, name: 'huge' }, {}, { maxImageBytes: 1 << 20 });
});

after(() => {
  session?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A server set up as WebviewEndpoint sets it up, counting the rows requests that really started. */
function serverOver(s: DatasetSession, started: { n: number }) {
  const clients: RpcClient[] = [];
  const handlers = {
    ...s.handlers,
    rows: (p, signal, progress) => {
      started.n++;
      return s.handlers.rows(p, signal, progress);
    },
  } as Handlers;
  const server = new RpcServer(
    (m) => clients.forEach((c) => c.handle(structuredClone(m))),
    handlers,
    (e) => ({ kind: 'internal', message: String(e) }),
    {
      queued: new Set<RequestMethod>(['rows', 'count', 'row', 'describe']),
      maxRunning: 3,
      timeoutMs: () => 60_000,
    },
  );
  const load = () => {
    const c = new RpcClient((m) => void server.handle(structuredClone(m)), 0);
    clients.push(c);
    c.ready();
    return c;
  };
  return { server, load };
}

test('200 superseded pages of 20 MB strings: a few start, the newest answers, memory stays bounded', async () => {
  const started = { n: 0 };
  const { server, load } = serverOver(session, started);
  const c = load();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const columns = ['id', 'text', 'blob', 'items'];
  const all = Array.from({ length: 200 }, (_, i) => c.request('rows', { offset: i % HUGE_ROWS, limit: HUGE_ROWS, columns, withImages: true }, { channel: 'page' }));
  const outcomes = await Promise.allSettled(all);
  clearInterval(sampler);
  const last = outcomes[199];
  assert.equal(last.status, 'fulfilled');
  const page = last.value;
  assert.equal(page.offset, 199 % HUGE_ROWS);
  assert.equal(page.rows[0][0], 199 % HUGE_ROWS, 'the newest request’s rows');
  assert.ok(
    outcomes.slice(0, 199).every((o) => o.status === 'rejected'),
    'every older request was superseded',
  );
  const peakMB = Math.round((peak - rss0) / 1e6);
  console.log(`# 200 superseded pages of the 20 MB-string table: ${started.n} started, host RSS peak +${peakMB} MB over ${Math.round(rss0 / 1e6)} MB`);
  assert.ok(started.n <= 4, `superseded requests never started (${started.n} started)`);
  assert.ok(peakMB < 1500, `host memory bounded (peak +${peakMB} MB)`);
  assert.deepEqual(server.load, { running: 0, waiting: 0 });
});

test('a new webview load while a page of the old one runs: the old page is aborted and never delivered', async () => {
  const wide = await DatasetSession.open({ uri: ds.wide!, name: 'wide' }, {}, { maxImageBytes: 0 });
  try {
    const started = { n: 0 };
    const { server, load } = serverOver(wide, started);
    const old = load();
    let oldSettled = false;
    void old.request('rows', { offset: 0, limit: 50 }).then(
      () => (oldSettled = true),
      () => (oldSettled = true),
    );
    await new Promise((r) => setTimeout(r, 1));
    server.endConnection();
    const fresh = load();
    const page = await fresh.request('rows', { offset: 100, limit: 5, columns: ['id'] });
    assert.deepEqual(
      page.rows.map((r) => r[0]),
      [100, 101, 102, 103, 104],
    );
    // The old page stops at its next batch boundary (the engine cannot be interrupted inside one).
    for (let i = 0; i < 200 && server.load.running > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(server.load, { running: 0, waiting: 0 }, 'the old page stopped');
    assert.equal(oldSettled, false, 'nothing reached the old load');
  } finally {
    wide.close();
  }
});

test('every request a session answers is a queued, time-limited data method (DATA_METHODS) or a long one with progress and cancel (LONG_DATA_METHODS)', () => {
  assert.deepEqual(Object.keys(session.handlers).sort(), [...DATA_METHODS, ...LONG_DATA_METHODS].sort());
  assert.deepEqual(
    DATA_METHODS.filter((m) => (LONG_DATA_METHODS as readonly string[]).includes(m)),
    [],
    'no method in both lists',
  );
});
