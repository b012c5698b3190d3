// The cache of maps and signals: its key names the dataset version (a new version is a new key), and a
// file round-trips its arrays and metadata, and is ignored when missing, damaged or of another key.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheKey, CacheKeyParts, readCached, writeCached } from '../../src/extension/lance/resultCache';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-cache-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const base: CacheKeyParts = { uri: '/data/imagenet_val.lance', version: 7, column: 'image_emb', method: 'pca', params: { limit: 100000, seed: 1 } };

test('the key changes with the version, column, method and parameters, not with parameter order', () => {
  const k = cacheKey(base);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.notEqual(cacheKey({ ...base, version: 8 }), k);
  assert.notEqual(cacheKey({ ...base, uri: '/data/other.lance' }), k);
  assert.notEqual(cacheKey({ ...base, column: 'text_emb' }), k);
  assert.notEqual(cacheKey({ ...base, method: 'umap' }), k);
  assert.notEqual(cacheKey({ ...base, params: { limit: 100000, seed: 2 } }), k);
  assert.equal(cacheKey({ ...base, params: { seed: 1, limit: 100000 } }), k);
});

test('a cached result round-trips; other keys and damaged files read as missing', async () => {
  const arrays = {
    x: Float32Array.from([1.5, -2, NaN]),
    rowIds: BigUint64Array.from([0n, 1n, (5n << 32n) + 3n]),
    codes: Int32Array.from([3, -1, 7]),
    odd: Uint8Array.from([1, 2, 3]),
  };
  const file = await writeCached(dir, base, { meta: { ms: 1234, explained: [0.1, 0.05] }, arrays });
  assert.ok(file.startsWith(dir));
  const back = await readCached<{ ms: number; explained: number[] }>(dir, base);
  assert.ok(back);
  assert.deepEqual(back.meta, { ms: 1234, explained: [0.1, 0.05] });
  assert.deepEqual(back.arrays, arrays);
  assert.equal(await readCached(dir, { ...base, version: 8 }), undefined);
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 40));
  assert.equal(await readCached(dir, base), undefined);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
});
