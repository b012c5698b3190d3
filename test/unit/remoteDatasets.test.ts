// The Datasets tree's Remote list (per workspace): most recent first, no repeats, a dataset under a
// remembered LanceDB folder not listed again, Remove forgets one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { RemoteDatasets } from '../../src/extension/tree/remoteDatasets';

function memento(): vscode.Memento {
  const store = new Map<string, unknown>();
  return {
    keys: () => [...store.keys()],
    get: <T>(key: string, dflt?: T) => (store.has(key) ? (store.get(key) as T) : dflt),
    update: async (key: string, value: unknown) => void store.set(key, value),
  };
}

test('remembers object-store datasets and folders, most recent first, and forgets on remove', async () => {
  let changes = 0;
  const r = new RemoteDatasets(memento());
  r.onDidChange(() => changes++);
  await r.add({ uri: 's3://b/a.lance', kind: 'dataset' });
  await r.add({ uri: 's3://b/db/', kind: 'database' });
  await r.add({ uri: 's3://b/a.lance', kind: 'dataset' });
  assert.deepEqual(r.list(), [
    { uri: 's3://b/a.lance', kind: 'dataset' },
    { uri: 's3://b/db', kind: 'database' },
  ]);
  await r.add({ uri: 's3://b/db/t.lance', kind: 'dataset' });
  assert.equal(r.list().length, 2, 'a table of a remembered folder is not listed twice');
  await r.remove('s3://b/a.lance');
  assert.deepEqual(r.list(), [{ uri: 's3://b/db', kind: 'database' }]);
  assert.equal(changes, 4);
});
