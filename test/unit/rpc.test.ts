// The protocol plumbing: every request settles exactly once (result, error, timeout, supersession,
// disposal), late replies are dropped, cancellation reaches the host handler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Envelope } from '../../src/shared/protocol';
import { RpcClient, RpcError, RpcServer, type Handlers } from '../../src/shared/rpc';
import type { DatasetDescription } from '../../src/shared/types';

function pair(handlers: Partial<Handlers>, timeoutMs = 1000) {
  const toHost: Envelope[] = [];
  let server!: RpcServer;
  const client = new RpcClient((m) => {
    toHost.push(m);
    // Structured clone on the way, as postMessage does.
    void server.handle(structuredClone(m));
  }, timeoutMs);
  server = new RpcServer(
    (m) => client.handle(structuredClone(m)),
    handlers as Handlers,
    (err) => ({ kind: 'bad-filter', message: (err as Error).message }),
  );
  return { client, server, toHost };
}

test('a result resolves the caller', async () => {
  const { client } = pair({ count: async ({ filter }) => (filter ? 7 : 10) });
  assert.equal(await client.request('count', { filter: 'x > 1' }), 7);
  assert.equal(await client.request('count', {}), 10);
  assert.equal(client.pendingCount, 0);
});

test('an answer given ahead is taken by the first identical request, without asking the host', async () => {
  const { client, toHost } = pair({ count: async ({ filter }) => (filter ? 7 : 10) });
  client.answerAhead('count', {}, 42);
  // What the panel sends for an unfiltered count: the filter key is there, undefined (dropped by JSON).
  assert.equal(await client.request('count', { filter: undefined }), 42);
  assert.equal(toHost.length, 0, 'nothing sent');
  assert.equal(await client.request('count', {}), 10, 'taken once: the same question again asks');
  client.answerAhead('count', {}, 42);
  assert.equal(await client.request('count', { filter: 'x > 1' }), 7, 'another question asks');
  assert.equal(toHost.length, 2);
});

test('a question asked ahead is sent at once; the identical request joins it, another on its channel supersedes it, and an untaken one is cancelled', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const seen: { filter?: string; signal: AbortSignal }[] = [];
  const { client, toHost } = pair({
    count: async ({ filter }, signal) => {
      seen.push({ filter, signal });
      await gate;
      // The first 'd' question waits until it is stopped.
      if (filter === 'd > 1' && seen.filter((x) => x.filter === filter).length === 1) await new Promise((r) => signal.addEventListener('abort', r));
      return filter ? 7 : 10;
    },
  });
  const requests = () => toHost.filter((m) => m.type === 'request').length;
  client.askAhead('count', { filter: 'a > 1' }, { channel: 'c', ttlMs: 60_000 });
  assert.equal(requests(), 1, 'sent at once');
  const joined = client.request('count', { filter: 'a > 1' }, { channel: 'c' });
  assert.equal(requests(), 1, 'the identical request joins it on its way');
  release();
  assert.equal(await joined, 7);
  assert.equal(await client.request('count', { filter: 'a > 1' }), 7);
  assert.equal(requests(), 2, 'taken once: asked again');

  client.askAhead('count', { filter: 'b > 1' }, { channel: 'c', ttlMs: 60_000 });
  assert.equal(await client.request('count', { filter: 'c > 1' }, { channel: 'c' }), 7, 'another question on its channel');
  assert.ok(seen.find((x) => x.filter === 'b > 1')?.signal.aborted, 'the one asked ahead was superseded: the host saw it stop');
  assert.equal(await client.request('count', { filter: 'b > 1' }), 7);
  const sentFor = (f: string) => toHost.filter((m) => m.type === 'request' && (m.params as { filter?: string }).filter === f).length;
  assert.equal(sentFor('b > 1'), 2, 'so the identical request asked for itself');

  client.askAhead('count', { filter: 'd > 1' }, { ttlMs: 20 });
  await new Promise((r) => setTimeout(r, 60));
  assert.ok(seen.find((x) => x.filter === 'd > 1')?.signal.aborted, 'untaken: cancelled, and the host saw it');
  assert.equal(await client.request('count', { filter: 'd > 1' }), 7, 'and the request asks for itself');
  assert.equal(client.pendingCount, 0);
});

test('a host error rejects with the structured ErrorInfo', async () => {
  const { client } = pair({
    count: async () => {
      throw new Error('No field named nope');
    },
  });
  await assert.rejects(client.request('count', { filter: 'nope = 1' }), (e: unknown) => e instanceof RpcError && e.info.kind === 'bad-filter' && /nope/.test(e.info.message));
});

test('typed arrays survive the trip as Uint8Array', async () => {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
  const { client } = pair({
    rows: async () => ({ offset: 0, columns: ['image'], rowIds: ['1'], rows: [[{ t: 'bin', size: 6, media: 'image/jpeg', head: 'ff d8 ff', bytes }]] }),
  });
  const page = await client.request('rows', { offset: 0, limit: 1 });
  const cell = page.rows[0][0] as { bytes: Uint8Array };
  assert.ok(cell.bytes instanceof Uint8Array);
  assert.deepEqual([...cell.bytes], [...bytes]);
});

test('a newer request on the same channel supersedes the older one, and its late reply is dropped', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  const { client, toHost } = pair({
    count: async ({ filter }, signal) => {
      calls++;
      if (filter === 'slow') {
        await gate;
        assert.ok(signal.aborted, 'the host saw the cancel');
      }
      return filter === 'slow' ? 1 : 2;
    },
  });
  const slow = client.request('count', { filter: 'slow' }, { channel: 'count' });
  const fast = client.request('count', { filter: 'fast' }, { channel: 'count' });
  await assert.rejects(slow, (e: unknown) => e instanceof RpcError && e.info.kind === 'superseded');
  assert.equal(await fast, 2);
  assert.ok(toHost.some((m) => m.type === 'cancel'));
  release();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(calls, 2);
  assert.equal(client.pendingCount, 0);
});

test('a request with no answer times out', async () => {
  const { client } = pair({ describe: () => new Promise<DatasetDescription>(() => undefined) }, 50);
  await assert.rejects(client.request('describe', {}), (e: unknown) => e instanceof RpcError && e.info.kind === 'timeout');
});

test('dispose rejects every pending request', async () => {
  const { client } = pair({ describe: () => new Promise<DatasetDescription>(() => undefined) }, 0);
  const p = client.request('describe', {});
  client.dispose();
  await assert.rejects(p, (e: unknown) => e instanceof RpcError && e.info.kind === 'cancelled');
});

test('events reach their listeners', async () => {
  const { client, server } = pair({});
  const seen: number[] = [];
  const off = client.on('datasetChanged', (e) => seen.push(e.latestVersion));
  server.event('datasetChanged', { latestVersion: 4 });
  off();
  server.event('datasetChanged', { latestVersion: 5 });
  assert.deepEqual(seen, [4]);
});

// ---- connections, the queue and time limits (issue 10) ----

/** One host server and any number of webview loads (clients) talking to it, as a panel's webviews do. */
function host(handlers: Partial<Handlers>, opts: ConstructorParameters<typeof RpcServer>[3] = {}) {
  const clients: RpcClient[] = [];
  const server = new RpcServer(
    (m) => {
      for (const c of clients) c.handle(structuredClone(m));
    },
    handlers as Handlers,
    (err) => ({ kind: 'internal', message: (err as Error).message }),
    opts,
  );
  const load = () => {
    const c = new RpcClient((m) => void server.handle(structuredClone(m)), 0);
    clients.push(c);
    c.ready();
    return c;
  };
  return { server, load };
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

test('a new webview load gets its own rows, never the replies to the old load’s same-numbered requests', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const aborted: number[] = [];
  const { server, load } = host({
    rows: async ({ offset }, signal) => {
      if (offset === 0) {
        await gate;
        if (signal.aborted) aborted.push(offset);
      }
      return { offset, columns: ['id'], rowIds: [String(offset)], rows: [[offset]] };
    },
  });
  const old = load();
  const oldPage = old.request('rows', { offset: 0, limit: 5 }); // id 1 of the old load, slow
  await tick();
  server.endConnection(); // the panel was hidden: its webview is destroyed
  const fresh = load(); // the new webview numbers from 1 again
  const page = await fresh.request('rows', { offset: 100, limit: 5 });
  assert.equal(page.offset, 100);
  assert.deepEqual(page.rows, [[100]]);
  release();
  await tick();
  assert.deepEqual(aborted, [0], 'the old load’s request was aborted');
  // The old client never hears back (its webview is gone); it would time out on its own.
  let settled = false;
  void oldPage.then(
    () => (settled = true),
    () => (settled = true),
  );
  await tick();
  assert.equal(settled, false, 'no reply went to the old connection');
  old.dispose();
});

test('a new load aborts the previous load’s work even without endConnection, and a cancel reaches only its own request', async () => {
  const started: string[] = [];
  const abortedBy: string[] = [];
  const { load } = host({
    count: async ({ filter }, signal) => {
      started.push(filter!);
      await new Promise<void>((r) => signal.addEventListener('abort', () => r()));
      abortedBy.push(filter!);
      return 0;
    },
  });
  const a = load();
  void a.request('count', { filter: 'a' }).catch(() => undefined);
  await tick();
  const b = load();
  const req = b.start('count', { filter: 'b' });
  req.result.catch(() => undefined);
  await tick();
  assert.deepEqual(abortedBy, ['a']);
  req.cancel();
  await tick();
  assert.deepEqual(abortedBy, ['a', 'b']);
  assert.deepEqual(started, ['a', 'b']);
});

test('200 superseded page requests start only a few; the newest answers', async () => {
  let running = 0;
  let peak = 0;
  let calls = 0;
  const { server, load } = host(
    {
      rows: async ({ offset }, signal) => {
        calls++;
        running++;
        peak = Math.max(peak, running);
        await tick(20);
        running--;
        if (signal.aborted) throw new Error('aborted');
        return { offset, columns: [], rowIds: [], rows: [] };
      },
    },
    { queued: new Set(['rows']), maxRunning: 3 },
  );
  const c = load();
  const all = Array.from({ length: 200 }, (_, i) => c.request('rows', { offset: i * 50, limit: 50 }, { channel: 'page' }));
  const settled = Promise.allSettled(all);
  const outcomes = await settled;
  const last = outcomes[199];
  assert.equal(last.status === 'fulfilled' && last.value.offset, 199 * 50);
  assert.ok(outcomes.slice(0, 199).every((r) => r.status === 'rejected'));
  await tick(50);
  assert.ok(peak <= 3, `at most 3 ran at once (peak ${peak})`);
  assert.ok(calls <= 4, `superseded requests never started (${calls} started)`);
  assert.deepEqual(server.load, { running: 0, waiting: 0 });
});

test('a running data request stops at the host’s time limit and says so; other requests do not', async () => {
  let sawAbort = false;
  const { load } = host(
    {
      count: (_p, signal) =>
        new Promise<number>((_r, reject) =>
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('stopped'));
          }),
        ),
      settings: async () => ({ pageSize: 50, thumbnailSize: 64, similarK: 10, similarNprobes: 20, similarRefineFactor: 0, queryTimeoutSeconds: 1 }),
    },
    { queued: new Set(['count']), timeoutMs: () => 30 },
  );
  const c = load();
  await assert.rejects(c.request('count', { filter: 'x' }), (e: unknown) => e instanceof RpcError && e.info.kind === 'timeout' && /time limit/.test(e.info.message));
  assert.ok(sawAbort, 'the handler’s signal was aborted');
  assert.equal((await c.request('settings', {})).queryTimeoutSeconds, 1);
});

test('messages of an ended connection are ignored, not adopted', async () => {
  let calls = 0;
  const { server, load } = host({ count: async () => ++calls });
  const a = load();
  assert.equal(await a.request('count', {}), 1);
  load(); // b takes over; a is ended
  assert.notEqual(server.connection, a.conn);
  const late = a.start('count', {}).result.catch((e: RpcError) => e.info.kind);
  await tick();
  assert.equal(calls, 1, 'the ended connection’s request never ran');
  a.dispose();
  assert.equal(await late, 'cancelled');
});

test('the pending count is reported as it changes; cancelAll stops every waiting request and tells the host', async () => {
  const aborted: string[] = [];
  const { client, toHost } = pair({
    count: (_p, signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted.push('count');
          reject(new Error('aborted'));
        });
      }),
    versions: async () => ({ versions: [], total: 0, latest: 1 }),
  });
  const seen: number[] = [];
  client.onPendingChange((n) => seen.push(n));
  const a = client.request('count', {});
  const b = client.request('count', { filter: 'x = 1' });
  await client.request('versions', { offset: 0, limit: 1 });
  assert.equal(client.pendingCount, 2);
  assert.equal(client.cancelAll(), 2);
  for (const p of [a, b]) await assert.rejects(p, (e: unknown) => e instanceof RpcError && e.info.kind === 'cancelled');
  assert.equal(client.pendingCount, 0);
  assert.deepEqual(seen, [1, 2, 3, 2, 1, 0]);
  assert.equal(toHost.filter((m) => m.type === 'cancel').length, 2, 'the host is told of each');
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(aborted, ['count', 'count'], 'the host aborted both');
  assert.equal(client.cancelAll(), 0);
});

test('a handler that cannot stop: the caller gets "timeout" at the limit, and its slot stays taken until it ends', async () => {
  let release!: () => void;
  const stuck = new Promise<void>((r) => (release = r));
  let started = 0;
  let client!: RpcClient;
  const server = new RpcServer(
    (m) => client.handle(structuredClone(m)),
    {
      count: async () => {
        started++;
        await stuck; // ignores its signal, as an engine call waiting on a slow store does
        return 1;
      },
    } as unknown as Handlers,
    (err) => ({ kind: 'internal', message: String(err) }),
    { queued: new Set(['count']), maxRunning: 1, timeoutMs: () => 100 },
  );
  client = new RpcClient((m) => void server.handle(structuredClone(m)), 5000);
  const t0 = Date.now();
  await assert.rejects(client.request('count', {}), (e: unknown) => e instanceof RpcError && e.info.kind === 'timeout');
  assert.ok(Date.now() - t0 < 1000, `answered after ${Date.now() - t0} ms`);
  const second = client.request('count', { filter: 'x = 1' });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(started, 1, 'the next request waits for the slot');
  release();
  assert.equal(await second, 1);
  assert.equal(started, 2);
});
