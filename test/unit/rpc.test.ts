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

test('a host error rejects with the structured ErrorInfo', async () => {
  const { client } = pair({ count: async () => { throw new Error('No field named nope'); } });
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
