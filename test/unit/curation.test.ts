// The embedding map and the curation signals on the ImageNet-like fixture with planted problems
// (near-duplicates, byte duplicates, mislabels): the planted rows come out on top. Precision, recall,
// the index's recall against an exact scan and the timings are printed (`# …` lines in the test output).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Connection, Table } from '@lancedb/lancedb';
import { byteDuplicates } from '../../src/extension/lance/byteDuplicates';
import { curationSignals, CurationSignals, labelDisagreement, nearDuplicateGroups, rankByScore } from '../../src/extension/lance/curation';
import { LanceError } from '../../src/extension/lance/errors';
import { distanceFn, Metric, nearestNeighbours, vectorIndexOf } from '../../src/extension/lance/neighbours';
import { projectColumn } from '../../src/extension/lance/projection';
import { loadNeighbours, loadProjection, saveNeighbours, saveProjection } from '../../src/extension/lance/mapCache';
import { cacheKey } from '../../src/extension/lance/resultCache';
import { readVectors, VectorSet } from '../../src/extension/lance/vectorColumn';
import { pairKey, precisionRecall } from '../helpers/precision';
import { generateImagenetLike, ImagenetLikeOptions, imagenetPlanted, PlantedRows } from '../fixtures/imagenetLike';
import { lancedb } from '../fixtures/lance';

const OPTS: Omit<ImagenetLikeOptions, 'dir'> = { rows: 2000, seed: 9, minSide: 32, maxSide: 48, plant: true, ftsIndex: false };
const K = 10;

let dir: string;
let db: Connection;
let table: Table;
let planted: PlantedRows;
/** Row id → the `id` column (the planted lists name rows by id). */
let idOf: Map<bigint, number>;
let signals: CurationSignals;

const log = (s: string) => console.log(s);
const load = () => os.loadavg()[0].toFixed(2);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-curation-'));
  const t0 = performance.now();
  const uri = await generateImagenetLike({ dir, ...OPTS });
  log(`fixture: ${OPTS.rows} rows in ${(performance.now() - t0).toFixed(0)} ms`);
  planted = imagenetPlanted(OPTS);
  db = await lancedb.connect(path.dirname(uri));
  table = await db.openTable(path.basename(uri, '.lance'));
  const rows = await table.query().select(['id']).withRowId().toArray();
  idOf = new Map(rows.map((r: { id: bigint; _rowid: bigint }) => [r._rowid, Number(r.id)]));
  const t1 = performance.now();
  signals = await curationSignals(table, 'image_emb', { k: K, metric: 'cosine', labelColumn: 'label_name' });
  const t = signals.timings;
  log(
    `signals: read ${t.readMs.toFixed(0)} ms, neighbours ${t.neighboursMs.toFixed(0)} ms (${(t.neighboursMs / signals.set.count).toFixed(2)} ms/row), ` +
      `scores ${t.scoreMs.toFixed(0)} ms, total ${(performance.now() - t1).toFixed(0)} ms, load ${load()}`,
  );
});

after(() => {
  table?.close();
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ids = (set: VectorSet, positions: Iterable<number>) => [...positions].map((p) => idOf.get(set.rowIds[p])!);
const report = precisionRecall;

test('the fixture plants what imagenetPlanted says', async () => {
  assert.equal(planted.nearDuplicates.length, 20);
  assert.equal(planted.byteDuplicates.length, 4);
  assert.equal(planted.mislabels.length, 20);
  const wanted = [...planted.nearDuplicates.flat(), ...planted.byteDuplicates.flat(), ...planted.mislabels.map((m) => m.id)];
  assert.equal(new Set(wanted).size, wanted.length, 'planted rows are disjoint');
  const rows = await table
    .query()
    .where(`id IN (${wanted.join(',')})`)
    .select(['id', 'image', 'label', 'label_name'])
    .toArray();
  const byId = new Map((rows as { id: bigint; image: Uint8Array; label: number; label_name: string }[]).map((r) => [Number(r.id), r]));
  const names = (await table.schema()).metadata.get('lance:class_names')!.split(',');
  for (const [s, c] of planted.byteDuplicates) assert.deepEqual(Buffer.from(byId.get(c)!.image), Buffer.from(byId.get(s)!.image));
  for (const [s, c] of planted.nearDuplicates) {
    assert.notDeepEqual(Buffer.from(byId.get(c)!.image), Buffer.from(byId.get(s)!.image), 'a near-duplicate has other bytes');
    assert.equal(byId.get(c)!.label, byId.get(s)!.label);
  }
  for (const m of planted.mislabels) {
    assert.equal(byId.get(m.id)!.label, m.label);
    assert.equal(byId.get(m.id)!.label_name, names[m.label]);
    assert.notEqual(m.label, m.trueLabel);
  }
  assert.deepEqual(imagenetPlanted({ rows: 2000 }), { nearDuplicates: [], byteDuplicates: [], mislabels: [] }, 'off by default');
});

test('PCA of the fixture: the classes separate on the map', async () => {
  const t0 = performance.now();
  const map = await projectColumn(table, 'image_emb');
  log(
    `PCA ${map.rowIds.length} × ${map.dim}: read ${map.readMs.toFixed(0)} ms, compute ${map.computeMs.toFixed(0)} ms, total ${(performance.now() - t0).toFixed(0)} ms, load ${load()}`,
  );
  assert.equal(map.x.length, OPTS.rows);
  assert.equal(map.sampled, false);
  // Share of the 2-D spread explained by the class (between-class / total sum of squares).
  const labels = signals.set.labels!;
  const posOf = new Map(Array.from(signals.set.rowIds, (id, i) => [id, i]));
  const sums = new Map<number, [number, number, number]>();
  let mx = 0;
  let my = 0;
  for (let i = 0; i < map.x.length; i++) {
    mx += map.x[i] / map.x.length;
    my += map.y[i] / map.x.length;
  }
  let total = 0;
  for (let i = 0; i < map.x.length; i++) {
    const code = labels.codes[posOf.get(map.rowIds[i])!];
    const s = sums.get(code) ?? [0, 0, 0];
    sums.set(code, [s[0] + map.x[i], s[1] + map.y[i], s[2] + 1]);
    total += (map.x[i] - mx) ** 2 + (map.y[i] - my) ** 2;
  }
  let between = 0;
  for (const [sx, sy, n] of sums.values()) between += n * ((sx / n - mx) ** 2 + (sy / n - my) ** 2);
  log(`PCA: explained variance ${map.explained.map((v) => v.toFixed(3)).join(', ')}; class R² on the map ${(between / total).toFixed(3)}`);
  assert.ok(between / total > 0.8, `classes separate: R² ${between / total}`);

  const sample = await projectColumn(table, 'image_emb', { limit: 500, seed: 3 });
  assert.equal(sample.x.length, 500);
  assert.equal(sample.sampled, true);
  const again = await projectColumn(table, 'image_emb', { limit: 500, seed: 3 });
  assert.deepEqual(again.rowIds, sample.rowIds);
  assert.deepEqual(again.x, sample.x);
});

test('near-duplicates: the planted pairs (re-encoded and byte copies) are the groups found', () => {
  const truth = new Set([...planted.nearDuplicates, ...planted.byteDuplicates].map(([a, b]) => pairKey(a, b)));
  const predicted = new Set<string>();
  for (const g of signals.duplicates) {
    const m = ids(signals.set, g.members);
    for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) predicted.add(pairKey(m[i], m[j]));
  }
  const found = [...predicted].filter((p) => truth.has(p)).length;
  const { precision, recall } = report('near-duplicate pairs (threshold 0.05)', found, predicted.size, truth.size);
  assert.ok(precision >= 0.9 && recall >= 0.9);
  // The histogram shows the gap: the planted copies sit in the lowest bins, every other row far above.
  const h = signals.histogram;
  const sum = (lo: number, hi: number) => Array.from(h.counts).reduce((acc, c, i) => acc + (h.edges[i] >= lo && h.edges[i + 1] <= hi ? c : 0), 0);
  log(`nearest-neighbour distance histogram: ${h.counts.length} bins over [${h.edges[0].toFixed(3)}, ${h.edges[h.edges.length - 1].toFixed(3)}]; ${sum(0, 0.05)} rows below 0.05`);
  assert.equal(sum(0, 0.05), 2 * truth.size);
  assert.equal(sum(0.05, 0.2), 0);
  // A stricter threshold keeps only the byte copies (distance 0).
  const exactOnly = nearDuplicateGroups(signals.neighbours, 1e-6);
  assert.deepEqual(
    exactOnly.map((g) => ids(signals.set, g.members).sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]),
    planted.byteDuplicates.map((p) => [...p].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]),
  );
});

test('label errors: the planted mislabels score highest, with their true class as the majority', () => {
  const lab = signals.labels!;
  const order = rankByScore(lab.score, lab.majorityShare);
  const top = ids(signals.set, order.subarray(0, planted.mislabels.length));
  const truth = new Map(planted.mislabels.map((m) => [m.id, m]));
  const found = top.filter((id) => truth.has(id)).length;
  const { precision, recall } = report(`label errors (top ${top.length}, k ${K})`, found, top.length, truth.size);
  assert.ok(precision >= 0.9 && recall >= 0.9);
  const values = signals.set.labels!.values;
  const names = signals.set.labels!;
  for (let i = 0; i < planted.mislabels.length; i++) {
    const m = truth.get(top[i]);
    if (!m) continue;
    const majorityName = values[lab.majority[order[i]]];
    const trueName = values[names.codes[signals.set.rowIds.findIndex((id) => idOf.get(id) === m.id)]];
    assert.notEqual(majorityName, trueName, 'the written label is not the majority');
  }
  log(`label errors: top score ${lab.score[order[0]].toFixed(2)}, score at rank ${planted.mislabels.length + 1}: ${lab.score[order[planted.mislabels.length]].toFixed(2)}`);
});

test('outliers: the k-th neighbour distance, finite for every row', () => {
  const o = signals.outliers;
  assert.equal(o.length, signals.set.count);
  assert.ok(o.every((v) => Number.isFinite(v) && v > 0));
  const order = rankByScore(o);
  log(`outliers: k-th neighbour distance from ${o[order[order.length - 1]].toFixed(3)} to ${o[order[0]].toFixed(3)}`);
});

test('byte duplicates of the image column by hash: exactly the planted copies', async () => {
  const t0 = performance.now();
  const res = await byteDuplicates(table, 'image');
  log(`byte duplicates: ${res.rowsRead} images hashed in ${(performance.now() - t0).toFixed(0)} ms, load ${load()}`);
  const got = res.groups.map((g) => g.rowIds.map((id) => idOf.get(id)!).sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
  const want = planted.byteDuplicates.map((p) => [...p].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
  report('byte duplicates (pairs)', got.filter((g) => want.some((w) => w.join() === g.join())).length, got.length, want.length);
  assert.deepEqual(got, want);
  assert.ok(res.groups.every((g) => /^[0-9a-f]{40}$/.test(g.sha1) && g.bytes > 0));
});

test('the index against an exact scan: recall of the neighbour lists and of the planted pairs', async () => {
  const set = signals.set;
  const queries = Int32Array.from({ length: 200 }, (_, i) => (i * 7919) % set.count);
  const t0 = performance.now();
  const exact = await nearestNeighbours(table, set, { k: K, metric: 'cosine', exact: true, queries });
  const exactMs = performance.now() - t0;
  const approx = signals.neighbours;
  let hit = 0;
  for (let q = 0; q < queries.length; q++) {
    const truth = new Set(exact.index.subarray(q * K, (q + 1) * K));
    for (let j = 0; j < K; j++) if (truth.has(approx.index[queries[q] * K + j])) hit++;
  }
  log(
    `index recall@${K} vs exact scan on ${queries.length} rows: ${(hit / (queries.length * K)).toFixed(3)} (nprobes 10, 5×k candidates re-ranked); exact scan ${(exactMs / queries.length).toFixed(1)} ms/row`,
  );
  // Within a class every row is about as far from every other (cosine ≈ 0.35): which 10 of ~100 come
  // back is near chance, so the figure that matters is the pairs' recall and the neighbours' class.
  const posOfId = new Map(Array.from(set.rowIds, (id, i) => [idOf.get(id)!, i]));
  const pairs = [...planted.nearDuplicates, ...planted.byteDuplicates];
  const pairHits = pairs.filter(([s, c]) => approx.index.subarray(posOfId.get(s)! * K, (posOfId.get(s)! + 1) * K).includes(posOfId.get(c)!)).length;
  log(`planted pairs found as nearest neighbours through the index: ${pairHits}/${pairs.length}`);
  assert.ok(pairHits / pairs.length >= 0.9);
  let sameClass = 0;
  let total = 0;
  const codes = set.labels!.codes;
  for (let q = 0; q < exact.queries.length; q++)
    for (let j = 0; j < K; j++) {
      const p = approx.index[exact.queries[q] * K + j];
      const e = exact.index[q * K + j];
      total++;
      if (p >= 0 && e >= 0 && codes[p] === codes[e]) sameClass++;
    }
  log(`neighbour class agreement index vs exact (rank by rank): ${(sameClass / total).toFixed(3)}`);
  // Label errors from the exact lists agree with the index's.
  const fromExact = labelDisagreement(exact, codes);
  let agree = 0;
  for (let q = 0; q < queries.length; q++) if (Math.abs(fromExact.score[q] - signals.labels!.score[queries[q]]) <= 0.2) agree++;
  log(`label-error score within 0.2 of the exact scan's: ${agree}/${queries.length}`);
  assert.ok(agree / queries.length >= 0.9);
});

test('engine facts: each metric is the engine’s own distance; the flat scan needs distanceType', async () => {
  assert.deepEqual(await vectorIndexOf(table, 'image_emb'), { name: 'image_emb_idx', type: 'IvfPq', metric: 'cosine' });
  assert.equal(await vectorIndexOf(table, 'label'), undefined);
  const set = signals.set;
  const norms = Float64Array.from({ length: set.count }, (_, i) => Math.hypot(...set.vectors.subarray(i * set.dim, (i + 1) * set.dim)));
  const pos = new Map(Array.from(set.rowIds, (id, i) => [id, i]));
  for (const metric of ['cosine', 'l2', 'dot'] as Metric[]) {
    const f = distanceFn(metric, set.vectors, norms, set.dim);
    const rows = await table.vectorSearch(set.vectors.subarray(0, set.dim)).column('image_emb').distanceType(metric).bypassVectorIndex().limit(5).select([]).withRowId().toArray();
    for (const r of rows as { _rowid: bigint; _distance: number }[]) {
      const js = f(0, pos.get(r._rowid)!);
      assert.ok(Math.abs(js - r._distance) < 1e-4, `${metric}: engine ${r._distance} vs ${js}`);
    }
  }
});

test('neighbour search and reading can be cancelled', async () => {
  const ctl = new AbortController();
  const p = nearestNeighbours(table, signals.set, { k: K, metric: 'cosine', batchSize: 50, signal: ctl.signal, progress: () => ctl.abort() });
  await assert.rejects(p, (e) => e instanceof LanceError && e.kind === 'cancelled');
  const aborted = AbortSignal.abort();
  await assert.rejects(readVectors(table, 'image_emb', { signal: aborted }), (e) => e instanceof LanceError && e.kind === 'cancelled');
});

test('the cache key of a map changes with the dataset version', async () => {
  const latest = await table.version();
  const first = await db.openTable(table.name, undefined, { version: 1 });
  try {
    const parts = { uri: dir, column: 'image_emb', method: 'pca' };
    assert.notEqual(cacheKey({ ...parts, version: await first.version() }), cacheKey({ ...parts, version: latest }));
  } finally {
    first.close();
  }
});

test('a map and the neighbour lists round-trip through the cache; scores recomputed from them agree', async () => {
  const folder = path.join(dir, 'global-storage');
  const version = await table.version();
  const mapKey = { uri: dir, version, column: 'image_emb', method: 'pca', params: { limit: 500, seed: 3 } };
  const map = await projectColumn(table, 'image_emb', { limit: 500, seed: 3 });
  await saveProjection(folder, mapKey, map);
  const back = await loadProjection(folder, mapKey);
  assert.ok(back);
  assert.deepEqual(back, map);
  assert.equal(await loadProjection(folder, { ...mapKey, version: version + 1 }), undefined);

  const nbKey = { uri: dir, version, column: 'image_emb', method: 'neighbours', params: { k: K, nprobes: 10, label: 'label_name' } };
  await saveNeighbours(folder, nbKey, signals.set, signals.neighbours, signals.timings.neighboursMs);
  const nb = await loadNeighbours(folder, nbKey);
  assert.ok(nb);
  assert.deepEqual(nb.neighbours, signals.neighbours);
  assert.deepEqual(nb.rowIds, signals.set.rowIds);
  assert.deepEqual(nb.labels, signals.set.labels);
  assert.deepEqual(labelDisagreement(nb.neighbours, nb.labels!.codes), signals.labels);
  assert.deepEqual(nearDuplicateGroups(nb.neighbours, 0.05), signals.duplicates);
  // The cache folder holds cache files only (no temporary file left behind).
  assert.ok(fs.readdirSync(folder).every((f) => f.endsWith('.bin')));
});
