// The Curation tab's request through the session handlers, in plain Node, on the ImageNet-like fixture with
// planted near-duplicates, byte duplicates and mislabels: the planted rows are on top of each list
// (precision and recall printed, `# …` lines, and asserted above a floor); the neighbour lists are cached
// in the folder given (a second session loads them, no new search); a threshold or label-column change
// recomputes the scores without a new search; Recompute searches again; a cancel stops the work and
// caches nothing; each signal becomes a row set ordered by its score; the scores align with given row ids.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatasetSession } from '../../src/extension/host/session';
import { LanceError } from '../../src/extension/lance/errors';
import { SCORE_COLUMN, type CurationRequest, type CurationResult } from '../../src/shared/types';
import { pairKey, precisionRecall } from '../helpers/precision';
import { generateImagenetLike, imagenetPlanted, type ImagenetLikeOptions, type PlantedRows } from '../fixtures/imagenetLike';

const OPTS: Omit<ImagenetLikeOptions, 'dir'> = { rows: 2000, seed: 9, minSide: 32, maxSide: 48, plant: true, ftsIndex: false };
const REQ: CurationRequest = { column: 'image_emb', labelColumn: 'label_name', imageColumn: 'image', top: 50 };

let dir: string;
let uri: string;
let cacheFolder: string;
let session: DatasetSession;
let planted: PlantedRows;
/** Engine row id → the `id` column (the planted lists name rows by id). */
let idOf: Map<string, number>;
let first: CurationResult;
const stages = new Set<string>();

const log = (s: string) => console.log(s);
const signal = () => new AbortController().signal;
const open = (folder = cacheFolder) => DatasetSession.open({ uri, name: 'imagenet_val' }, {}, { maxImageBytes: 1 << 20, curation: { cacheFolder: folder } });
const report = precisionRecall;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-curation-signals-'));
  cacheFolder = path.join(dir, 'global-storage', 'curation');
  uri = await generateImagenetLike({ dir, ...OPTS });
  planted = imagenetPlanted(OPTS);
  session = await open();
  const all = await session.handlers.rows({ columns: ['id'], offset: 0, limit: OPTS.rows }, signal(), () => undefined);
  idOf = new Map(all.rowIds.map((r, i) => [r, Number(all.rows[i][0])]));
  const t0 = performance.now();
  first = await session.handlers.curationSignals(REQ, signal(), (_d, _t, stage) => stage && stages.add(stage));
  const t = first.timings;
  log(
    `signals through the handler: ${(performance.now() - t0).toFixed(0)} ms (read ${t.readMs.toFixed(0)}, neighbours ${t.neighboursMs.toFixed(0)}, labels ${t.labelsMs.toFixed(0)}, scores ${t.scoreMs.toFixed(1)}, byte hashing ${first.byteDuplicates?.ms.toFixed(0)})`,
  );
});

after(() => {
  session?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('curation signals through the session', () => {
  test('the first answer searched, through the index, and reported its stages', () => {
    assert.equal(first.searched, true);
    assert.equal(first.cached, false);
    assert.deepEqual(first.answeredBy, { kind: 'index', name: 'image_emb_idx', type: 'IvfPq', nprobes: 10 });
    assert.equal(first.metric, 'cosine');
    assert.equal(first.rows, OPTS.rows);
    assert.equal(first.sampled, false);
    assert.equal(first.threshold, 0.05);
    assert.deepEqual([...stages].sort(), ['Finding nearest neighbours', 'Hashing image', 'Reading label_name', 'Reading vectors']);
    assert.equal(first.histogram.counts.length + 1, first.histogram.edges.length);
    assert.equal(
      first.histogram.counts.reduce((a, b) => a + b, 0),
      OPTS.rows,
      'every row in the histogram',
    );
  });

  test('near-duplicates: the planted pairs are the groups on top', () => {
    const truth = new Set([...planted.nearDuplicates, ...planted.byteDuplicates].map(([a, b]) => pairKey(a, b)));
    const predicted = new Set<string>();
    for (const g of first.duplicates.groups) {
      const m = g.rowIds.map((r) => idOf.get(r)!);
      for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) predicted.add(pairKey(m[i], m[j]));
      assert.equal(g.distances.length, g.rowIds.length);
      assert.ok(g.minDistance <= g.maxDistance && g.maxDistance <= first.threshold);
    }
    const found = [...predicted].filter((p) => truth.has(p)).length;
    const { precision, recall } = report('handler near-duplicate pairs (threshold 0.05)', found, predicted.size, truth.size);
    assert.ok(precision >= 0.9 && recall >= 0.9);
    assert.equal(first.duplicates.groupCount, first.duplicates.groups.length);
    // Byte copies (distance 0) come first.
    assert.equal(first.duplicates.groups[0].minDistance, 0);
  });

  test('exact byte duplicates by hash: the planted copies', () => {
    const got = first.byteDuplicates!.groups.map((g) => g.rowIds.map((r) => idOf.get(r)!).sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
    const want = planted.byteDuplicates.map((p) => [...p].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
    assert.deepEqual(got, want);
    assert.equal(first.byteDuplicates!.rowsRead, OPTS.rows);
    assert.ok(first.byteDuplicates!.groups.every((g) => /^[0-9a-f]{40}$/.test(g.sha1) && g.bytes > 0));
  });

  test('possible label errors: the planted mislabels on top, with the class their image belongs to as the majority', () => {
    const le = first.labelErrors!;
    const top = le.rows.slice(0, planted.mislabels.length);
    const truth = new Map(planted.mislabels.map((m) => [m.id, m]));
    const found = top.filter((r) => truth.has(idOf.get(r.rowId)!)).length;
    const { precision, recall } = report(`handler label errors (top ${top.length})`, found, top.length, truth.size);
    assert.ok(precision >= 0.9 && recall >= 0.9);
    for (const r of top) {
      assert.ok(r.share > 0.5 && r.share <= 1);
      assert.notEqual(r.label, r.majority);
      assert.match(r.label, /^[a-zA-Z_'-]+$/, 'label_name values are names');
    }
    assert.ok(le.flagged >= found);
  });

  test('outliers: the largest k-th neighbour distances first', () => {
    const d = first.outliers.rows.map((r) => r.distance);
    assert.equal(d.length, 50);
    assert.ok(d.every((v, i) => Number.isFinite(v) && (i === 0 || v <= d[i - 1])));
  });

  test('a threshold change or another label column: scores recomputed, no new search', async () => {
    const searches = session.curation.searches;
    const t0 = performance.now();
    const strict = await session.handlers.curationSignals({ ...REQ, threshold: 1e-6 }, signal(), () => undefined);
    log(`threshold change answered in ${(performance.now() - t0).toFixed(1)} ms (scores ${strict.timings.scoreMs.toFixed(1)} ms)`);
    assert.equal(strict.searched, false);
    assert.equal(session.curation.searches, searches);
    assert.equal(strict.threshold, 1e-6);
    const groups = strict.duplicates.groups.map((g) => g.rowIds.map((r) => idOf.get(r)!).sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
    assert.deepEqual(
      groups,
      planted.byteDuplicates.map((p) => [...p].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]),
      'only the byte copies are within 1e-6',
    );
    const byIndex = await session.handlers.curationSignals({ ...REQ, labelColumn: 'label' }, signal(), () => undefined);
    assert.equal(byIndex.searched, false);
    assert.equal(session.curation.searches, searches);
    assert.equal(byIndex.labelErrors!.column, 'label');
    // `label` holds class indices: shown by their class names, the same rows flagged as with label_name.
    assert.deepEqual(
      byIndex.labelErrors!.rows.map((r) => [r.rowId, r.label, r.majority]),
      first.labelErrors!.rows.map((r) => [r.rowId, r.label, r.majority]),
    );
  });

  test('a second session loads the neighbour lists and the byte duplicates from the cache; Recompute searches again', async () => {
    // Asked for what is cached only (a webview shown again): an empty cache answers not-found and searches nothing.
    const empty = await open(path.join(dir, 'empty-cache'));
    try {
      await assert.rejects(
        empty.handlers.curationSignals({ ...REQ, cachedOnly: true }, signal(), () => undefined),
        (e) => e instanceof LanceError && e.kind === 'not-found' && /have not been computed for version/.test(e.message),
      );
      assert.equal(empty.curation.searches, 0);
    } finally {
      empty.close();
    }
    const other = await open();
    try {
      const only = await other.handlers.curationSignals({ ...REQ, cachedOnly: true }, signal(), () => undefined);
      assert.equal(only.cached, true);
      assert.equal(only.byteDuplicates?.cached, true, 'cached byte duplicates come along');
      const t0 = performance.now();
      const again = await other.handlers.curationSignals(REQ, signal(), () => undefined);
      log(`from the cache: ${(performance.now() - t0).toFixed(0)} ms`);
      assert.equal(again.cached, true);
      assert.equal(again.searched, false);
      assert.equal(again.byteDuplicates!.cached, true);
      assert.equal(other.curation.searches, 0);
      assert.deepEqual(again.duplicates, first.duplicates);
      assert.deepEqual(again.labelErrors, first.labelErrors);
      assert.deepEqual(again.byteDuplicates!.groups, first.byteDuplicates!.groups);
      assert.ok(fs.readdirSync(cacheFolder).every((f) => f.endsWith('.bin')));
      assert.ok(!fs.readdirSync(uri).some((f) => /bin$/.test(f)), 'nothing written inside the dataset');
      const fresh = await other.handlers.curationSignals({ ...REQ, recompute: true }, signal(), () => undefined);
      assert.equal(fresh.searched, true);
      assert.equal(fresh.cached, false);
      assert.equal(fresh.byteDuplicates!.cached, false);
      assert.equal(other.curation.searches, 1);
    } finally {
      other.close();
    }
  });

  test('cancel: the search stops with "cancelled", and nothing is cached', async () => {
    const folder = path.join(dir, 'cancel-cache');
    const other = await open(folder);
    try {
      const ctl = new AbortController();
      await assert.rejects(
        other.handlers.curationSignals({ column: 'image_emb' }, ctl.signal, (done, _total, stage) => {
          if (stage === 'Finding nearest neighbours' && done > 0) ctl.abort();
        }),
        (e) => e instanceof LanceError && e.kind === 'cancelled',
      );
      assert.ok(!fs.existsSync(folder) || fs.readdirSync(folder).length === 0, 'no cache file');
      await assert.rejects(
        Promise.resolve().then(() => other.curation.rowSet('outliers')),
        /Compute the curation signals first/,
      );
    } finally {
      other.close();
    }
  });

  test('each signal becomes a row set ordered by its score, every row of it; the scores align with given row ids', async () => {
    await session.handlers.curationSignals(REQ, signal(), () => undefined);
    const le = await session.handlers.curationRowSet({ signal: 'labelErrors' }, signal(), () => undefined);
    assert.match(le.label, /Possible label errors \(label_name\)/);
    assert.equal(le.scoreLabel, 'share of neighbours that disagree');
    assert.ok(le.count >= first.labelErrors!.flagged);
    const page = await session.handlers.rows({ rowSet: le.id, columns: [SCORE_COLUMN, 'id'], offset: 0, limit: 50 }, signal(), () => undefined);
    assert.deepEqual(
      page.rowIds,
      first.labelErrors!.rows.map((r) => r.rowId),
      "the set starts with the list's rows",
    );
    const shares = page.rows.map((r) => r[0] as number);
    assert.ok(shares.every((s, i) => i === 0 || s <= shares[i - 1]));
    const dup = await session.handlers.curationRowSet({ signal: 'duplicates' }, signal(), () => undefined);
    assert.equal(dup.count, first.duplicates.rowCount);
    const bytes = await session.handlers.curationRowSet({ signal: 'byteDuplicates' }, signal(), () => undefined);
    assert.equal(bytes.count, planted.byteDuplicates.length * 2);
    const out = await session.handlers.curationRowSet({ signal: 'outliers' }, signal(), () => undefined);
    assert.equal(out.count, OPTS.rows);
    const outPage = await session.handlers.rows({ rowSet: out.id, columns: [SCORE_COLUMN], offset: 0, limit: 3 }, signal(), () => undefined);
    assert.deepEqual(
      outPage.rowIds,
      first.outliers.rows.slice(0, 3).map((r) => r.rowId),
    );

    // The accessor the map colours by: aligned with the ids asked for, NaN where the signal has none.
    const ids = BigUint64Array.from([...first.outliers.rows.slice(0, 2).map((r) => BigInt(r.rowId)), 999_999_999n]);
    const o = session.curation.signalScores('outliers', ids)!;
    assert.ok(Math.abs(o[0] - first.outliers.rows[0].distance) < 1e-6);
    assert.ok(Number.isNaN(o[2]));
    const copy = planted.byteDuplicates[0][1];
    const copyRowId = [...idOf].find(([, id]) => id === copy)![0];
    assert.deepEqual(Array.from(session.curation.signalScores('byteDuplicates', BigUint64Array.from([BigInt(copyRowId), ids[0]]))!), [2, 0]);
    const nn = session.curation.signalScores('duplicates', BigUint64Array.from([BigInt(copyRowId)]))!;
    assert.equal(nn[0], 0, 'a byte copy is at distance 0 from its source');
  });
});

describe('curation signals without a vector index', () => {
  test('an exact scan on a small table (and it says so); a clear error past the limit', async () => {
    const small = path.join(dir, 'small');
    const smallUri = await generateImagenetLike({ dir: small, rows: 300, seed: 5, minSide: 32, maxSide: 40, indices: false });
    const s = await DatasetSession.open({ uri: smallUri, name: 'imagenet_val' }, {}, { maxImageBytes: 1 << 20, curation: { exactMaxRows: 1000 } });
    try {
      const r = await s.handlers.curationSignals({ column: 'image_emb', labelColumn: 'label_name' }, signal(), () => undefined);
      assert.deepEqual(r.answeredBy, { kind: 'scan' });
      assert.equal(r.metric, 'l2');
      assert.equal(r.threshold, 0.1);
      assert.equal(r.rows, 300);
    } finally {
      s.close();
    }
    const limited = await DatasetSession.open({ uri: smallUri, name: 'imagenet_val' }, {}, { maxImageBytes: 1 << 20, curation: { exactMaxRows: 100 } });
    try {
      await assert.rejects(
        limited.handlers.curationSignals({ column: 'image_emb' }, signal(), () => undefined),
        (e) => e instanceof LanceError && /has no vector index/.test(e.message) && /Create a vector index on image_emb/.test(e.message),
      );
    } finally {
      limited.close();
    }
  });
});
