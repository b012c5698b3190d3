// The embedding map's request as the panel's host answers it (DatasetSession's `embeddingMap` handler,
// plain Node, the real worker script dist/mapWorker.js) on the ImageNet-like fixture: a point per row,
// PCA coordinates equal to projection.ts's, row ids exact (u64 as Uint32 pairs), the label colours, the
// cache (hit the second time, replaced by "recompute", keyed by version and method), cancel, a seeded
// sample, and UMAP deterministic for a seed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatasetSession } from '../../src/extension/host/session';
import { mapCacheKey } from '../../src/extension/lance/embeddingMap';
import { pca2d } from '../../src/extension/lance/projection';
import { cacheKey } from '../../src/extension/lance/resultCache';
import { UMAP } from 'umap-js';
import { fuzzyGraph, umapLayout, type UmapInput } from '../../src/extension/lance/umapLayout';
import { readVectors } from '../../src/extension/lance/vectorColumn';
import type { EmbeddingMap, MapRequest } from '../../src/shared/types';
import { float32Of, int32Of, rowIdAt, rowIdPairs, uint32Of } from '../../src/shared/typedBytes';
import { mulberry32 } from '../../src/shared/random';
import { generateImagenetLike } from '../fixtures/imagenetLike';

const ROWS = 600;
/** Built tests run from out/test/unit/; the worker is built to dist/ by the same esbuild run. */
const WORKER = path.resolve(__dirname, '../../../dist/mapWorker.js');

let dir: string;
let uri: string;
let cacheFolder: string;
let session: DatasetSession;

async function open(maxPoints = 100_000): Promise<DatasetSession> {
  return DatasetSession.open({ uri, name: 'imagenet_val' }, {}, { maxImageBytes: 1 << 20, map: { maxPoints, cacheFolder, workerPath: WORKER } });
}

function run(s: DatasetSession, req: MapRequest, signal = new AbortController().signal, stages: string[] = []): Promise<EmbeddingMap> {
  return s.handlers.embeddingMap(req, signal, (_d, _t, stage) => {
    if (stage && stages.at(-1) !== stage) stages.push(stage);
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-map-'));
  cacheFolder = path.join(dir, 'cache');
  // 300 rows a write: two fragments, so row ids of the second carry a high word (fragment 1 << 32).
  uri = await generateImagenetLike({ dir, rows: ROWS, seed: 4, minSide: 24, maxSide: 32, batchRows: 300, ftsIndex: false });
  assert.ok(fs.existsSync(WORKER), `the worker script is built (${WORKER})`);
  session = await open();
});

after(() => {
  session?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('PCA map: a point per row, coordinates equal to pca2d of the column, exact row ids, label colours; the cache answers the second time', async () => {
  const stages: string[] = [];
  const t0 = performance.now();
  const map = await run(session, { column: 'image_emb', method: 'pca', colorBy: 'label_name' }, undefined, stages);
  console.log(`# PCA map of ${map.count} rows: ${(performance.now() - t0).toFixed(0)} ms (read ${map.readMs.toFixed(0)}, compute ${map.computeMs.toFixed(0)})`);
  assert.equal(map.count, ROWS);
  assert.equal(map.totalRows, ROWS);
  assert.equal(map.sampled, false);
  assert.equal(map.cached, false);
  assert.deepEqual(stages, ['reading vectors', 'computing PCA']);

  const set = await readVectors(session.dataset.engineTable(), 'image_emb', { limit: 100_000, seed: 1 });
  const ref = await pca2d(set.vectors, set.count, set.dim);
  assert.deepEqual(Array.from(float32Of(map.x)), Array.from(ref.x));
  assert.deepEqual(Array.from(float32Of(map.y)), Array.from(ref.y));
  const pairs = uint32Of(map.rowIds);
  const ids = Array.from({ length: map.count }, (_, i) => rowIdAt(pairs, i));
  assert.deepEqual(
    ids,
    Array.from(set.rowIds, (v) => v.toString()),
  );
  assert.ok(
    ids.some((id) => BigInt(id) >= 1n << 32n),
    'rows of the second fragment have ids above 2^32',
  );

  assert.equal(map.colour?.kind, 'category');
  if (map.colour?.kind !== 'category') return;
  const codes = int32Of(map.colour.codes);
  assert.equal(codes.length, ROWS);
  assert.equal(map.colour.counts.reduce((a, b) => a + b, 0) + map.colour.otherCount, ROWS);
  // Each point's code names its own row's label.
  const page = await session.handlers.rows({ columns: ['label_name'], offset: 0, limit: 5 }, new AbortController().signal, () => undefined);
  for (let r = 0; r < 5; r++) {
    const at = ids.indexOf(page.rowIds[r]);
    assert.equal(map.colour.values[codes[at]], page.rows[r][0]);
  }

  const again = await run(session, { column: 'image_emb', method: 'pca', colorBy: 'label_name' });
  assert.equal(again.cached, true);
  assert.deepEqual(Array.from(float32Of(again.x)), Array.from(float32Of(map.x)));
  assert.equal(again.computedAt, map.computedAt);
  const redo = await run(session, { column: 'image_emb', method: 'pca', recompute: true });
  assert.equal(redo.cached, false);
  assert.ok(redo.computedAt >= map.computedAt);
  assert.equal(redo.colour, undefined);
  // The cache lives in the folder given, never in the dataset.
  assert.ok(fs.readdirSync(cacheFolder).some((f) => f.endsWith('.bin')));
});

test('a numeric column colours on a scale; an integer label column by category', async () => {
  const byLabel = await run(session, { column: 'image_emb', method: 'pca', colorBy: 'label' });
  assert.equal(byLabel.colour?.kind, 'category');
  const map = await run(session, { column: 'image_emb', method: 'pca', colorBy: 'id' });
  assert.equal(map.colour?.kind, 'numeric');
  if (map.colour?.kind !== 'numeric') return;
  const v = float32Of(map.colour.values);
  assert.equal(v.length, ROWS);
  assert.deepEqual([map.colour.min, map.colour.max], [0, ROWS - 1]);
  assert.ok(v.every(Number.isFinite));
});

test('a table larger than map.maxPoints gives a seeded sample of that many, the same twice', async () => {
  const small = await open(250);
  try {
    const a = await run(small, { column: 'image_emb', method: 'pca', recompute: true });
    const b = await run(small, { column: 'image_emb', method: 'pca', recompute: true });
    assert.equal(a.count, 250);
    assert.equal(a.sampled, true);
    assert.equal(a.maxPoints, 250);
    assert.deepEqual(Array.from(uint32Of(a.rowIds)), Array.from(uint32Of(b.rowIds)));
  } finally {
    small.close();
  }
});

test('cancel stops the computation (the worker is terminated) and caches nothing', async () => {
  const before = fs.readdirSync(cacheFolder).length;
  const ac = new AbortController();
  const stages: string[] = [];
  const started = performance.now();
  const p = session.handlers.embeddingMap({ column: 'image_emb', method: 'umap', recompute: true }, ac.signal, (_d, _t, stage) => {
    if (stage && !stages.includes(stage)) stages.push(stage);
    // Cancel once the layout (in the worker) has started.
    if (stage?.startsWith('UMAP')) ac.abort();
  });
  await assert.rejects(p, (e: { kind?: string }) => e.kind === 'cancelled');
  console.log(`# cancelled after ${(performance.now() - started).toFixed(0)} ms, stages ${stages.join(' → ')}`);
  assert.ok(stages.includes('finding neighbours') && stages.some((s) => s.startsWith('UMAP')), stages.join(', '));
  assert.equal(fs.readdirSync(cacheFolder).length, before);
});

test('UMAP map through the vector index: a finite point per row; the same seed gives the same map', async () => {
  const t0 = performance.now();
  const a = await run(session, { column: 'image_emb', method: 'umap', recompute: true });
  console.log(`# UMAP map of ${a.count} rows: ${(performance.now() - t0).toFixed(0)} ms (neighbours ${a.neighbours?.ms.toFixed(0)} ms by ${a.neighbours?.answeredBy})`);
  assert.equal(a.count, ROWS);
  assert.match(a.neighbours?.answeredBy ?? '', /index/);
  const x = float32Of(a.x);
  assert.ok(x.every(Number.isFinite));
  const b = await run(session, { column: 'image_emb', method: 'umap', recompute: true });
  assert.deepEqual(Array.from(float32Of(b.x)), Array.from(x));
  assert.deepEqual(Array.from(float32Of(b.y)), Array.from(float32Of(a.y)));
});

test('umapLayout: same seed, same coordinates; another seed, another layout', async () => {
  // Two well-separated rings of 40 points, 5 neighbours each (by position on the ring).
  const n = 80;
  const k = 5;
  const index = new Int32Array(n * k);
  const distance = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const ring = i < 40 ? 0 : 40;
    for (let j = 0; j < k; j++) {
      index[i * k + j] = ring + ((i - ring + j + 1) % 40);
      distance[i * k + j] = 0.1 * (j + 1);
    }
  }
  const input: UmapInput = { n, k, metric: 'cosine', index, distance };
  const a = await umapLayout(input, { seed: 7, nEpochs: 60 });
  const b = await umapLayout(input, { seed: 7, nEpochs: 60 });
  const c = await umapLayout(input, { seed: 8, nEpochs: 60 });
  assert.deepEqual(Array.from(a.x), Array.from(b.x));
  assert.deepEqual(Array.from(a.y), Array.from(b.y));
  assert.notDeepEqual(Array.from(a.x), Array.from(c.x));
});

test("fuzzyGraph (typed arrays) equals umap-js 1.4.0's own fuzzySimplicialSet on the same lists", () => {
  const n = 300;
  const k = 9;
  const rng = mulberry32(11);
  const index = new Int32Array(n * k);
  const distance = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const seen = new Set([i]);
    let d = 0;
    for (let j = 0; j < k; j++) {
      let t: number;
      do t = Math.floor(rng() * n);
      while (seen.has(t));
      seen.add(t);
      index[i * k + j] = t;
      // Nearest first; some exact duplicates (distance 0) as near-duplicate rows give.
      d += j === 0 && i % 17 === 0 ? 0 : rng() * 0.2;
      distance[i * k + j] = d;
    }
  }
  const mine = fuzzyGraph({ n, k, metric: 'cosine', index, distance });
  const theirs = new UMAP({ nNeighbors: k + 1 });
  theirs.setPrecomputedKNN(
    Array.from({ length: n }, (_, i) => [i, ...index.subarray(i * k, (i + 1) * k)]),
    Array.from({ length: n }, (_, i) => [0, ...distance.subarray(i * k, (i + 1) * k)]),
  );
  const inner = theirs as unknown as { fuzzySimplicialSet(x: unknown[], nn: number, mix: number): { getAll(): { row: number; col: number; value: number }[] } };
  const expected = inner
    .fuzzySimplicialSet(new Array(n).fill([]), k + 1, 1)
    .getAll()
    .filter((e) => e.value > 0);
  const got: { row: number; col: number; value: number }[] = [];
  for (let r = 0; r < n; r++) for (let e = mine.start[r]; e < mine.start[r + 1]; e++) got.push({ row: r, col: mine.col[e], value: mine.weight[e] });
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) {
    assert.deepEqual([got[i].row, got[i].col], [expected[i].row, expected[i].col]);
    assert.ok(Math.abs(got[i].value - expected[i].value) < 1e-9, `${got[i].value} vs ${expected[i].value}`);
  }
});

test('the map cache key changes with the version, the method and the sample size', () => {
  const src = { uri: '/data/x.lance', version: 3 };
  const settings = { maxPoints: 100_000 };
  const k = (s: typeof src, method: 'pca' | 'umap', st = settings) => cacheKey(mapCacheKey(s, { column: 'emb', method }, st));
  assert.notEqual(k(src, 'pca'), k({ ...src, version: 4 }, 'pca'));
  assert.notEqual(k(src, 'pca'), k(src, 'umap'));
  assert.notEqual(k(src, 'umap'), k({ ...src, version: 4 }, 'umap'));
  assert.notEqual(k(src, 'pca'), k(src, 'pca', { maxPoints: 5000 }));
  assert.equal(k(src, 'pca'), k({ ...src }, 'pca'));
});

test('row ids keep every bit of a u64 as Uint32 pairs', () => {
  const rng = mulberry32(3);
  const ids = new BigUint64Array([
    0n,
    1n,
    (1n << 32n) + 7n,
    (1n << 53n) + 1n,
    0xffffffffffffffffn,
    ...Array.from({ length: 50 }, () => BigInt(Math.floor(rng() * 2 ** 32)) << 20n),
  ]);
  const pairs = rowIdPairs(ids);
  assert.deepEqual(
    Array.from({ length: ids.length }, (_, i) => rowIdAt(pairs, i)),
    Array.from(ids, (v) => v.toString()),
  );
});

test('colour by a curation signal: refused with what to do before the signals are computed, then the same scores as the Curation tab, point by point', async () => {
  const s = await open();
  try {
    await assert.rejects(
      run(s, { column: 'image_emb', method: 'pca', colorBy: 'signal:outliers' }),
      (e: Error & { kind?: string }) => e.kind === 'not-found' && /compute the signals in the Curation tab first/.test(e.message),
    );
    await s.handlers.curationSignals({ column: 'image_emb', labelColumn: 'label_name' }, new AbortController().signal, () => undefined);
    const map = await run(s, { column: 'image_emb', method: 'pca', colorBy: 'signal:outliers' });
    assert.equal(map.colour?.kind, 'numeric');
    const values = float32Of((map.colour as { values: Uint8Array }).values);
    const pairs = uint32Of(map.rowIds);
    const ids = BigUint64Array.from({ length: map.count }, (_, i) => BigInt(rowIdAt(pairs, i)));
    const expected = s.curation.signalScores('outliers', ids)!;
    assert.deepEqual(Array.from(values), Array.from(expected));
    assert.ok(
      Array.from(values).every((v) => Number.isFinite(v) && v >= 0),
      'every point has an outlier distance',
    );
    assert.ok(new Set(values).size > map.count / 2, 'the scores differ from point to point');
  } finally {
    s.close();
  }
});
