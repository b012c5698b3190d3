// Row sets through the data layer the panel uses: a kept list of row ids shows as pages taken by id in
// the set's order, with its score as the pseudo-column; a filter keeps the set's rows that pass it (in
// the set's order), sort keys reorder them; Export Rows and Materialize Subset write the set's rows in
// its order; a few sets are kept, the least recently used dropped first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { exportRows } from '../../src/extension/lance/exportRows';
import { ROW_SETS_KEPT } from '../../src/extension/lance/rowSets';
import { materializeSubset } from '../../src/extension/lance/subset';
import { SCORE_COLUMN } from '../../src/shared/types';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { lancedb } from '../fixtures/lance';

const ROWS = 400;
let dir: string;
let ds: LanceDataset;
/** Every row's engine id, `id` and label, in table order. */
let all: { rowId: string; id: number; label: number }[];
/** A set of 120 rows in a scrambled order, with a score per row (descending). */
let setIds: string[];
let setScores: number[];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-rowsets-'));
  const uri = await generateImagenetLike({ dir, rows: ROWS, seed: 31, minSide: 32, maxSide: 64, indices: false });
  ds = await LanceDataset.open({ uri, name: 'imagenet_val' });
  const page = await ds.rows({ columns: ['id', 'label'], offset: 0, limit: ROWS });
  all = page.rowIds.map((rowId, i) => ({ rowId, id: Number(page.rows[i][0]), label: Number(page.rows[i][1]) }));
  // Every third row, from the end backwards: an order the table does not have.
  const picked = all.filter((_, i) => i % 3 === 1).reverse();
  setIds = picked.map((r) => r.rowId);
  setScores = picked.map((_, i) => 1 - i / picked.length);
  assert.ok(setIds.length > 100);
});

after(() => {
  ds?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const byRowId = () => new Map(all.map((r) => [r.rowId, r]));

describe('row sets', () => {
  test("pages are the set's rows taken by id in the set's order, with the score as a column", async () => {
    const info = ds.rowSets.keep({ rowIds: setIds, label: 'Test set', scores: setScores, scoreLabel: 'closeness' });
    assert.equal(info.count, setIds.length);
    assert.equal(info.label, 'Test set');
    assert.equal(info.scoreLabel, 'closeness');
    assert.equal(await ds.count(undefined, undefined, info.id), setIds.length);
    const first = await ds.rows({ rowSet: info.id, columns: [SCORE_COLUMN, 'id'], offset: 0, limit: 50 });
    assert.deepEqual(first.columns, [SCORE_COLUMN, 'id']);
    assert.deepEqual(first.rowIds, setIds.slice(0, 50));
    const m = byRowId();
    assert.deepEqual(
      first.rows.map((r) => r[1]),
      setIds.slice(0, 50).map((id) => m.get(id)!.id),
      'the cells are those rows',
    );
    assert.deepEqual(
      first.rows.map((r) => r[0]),
      setScores.slice(0, 50).map((s) => Number(s.toPrecision(6))),
    );
    const second = await ds.rows({ rowSet: info.id, columns: ['id'], offset: 50, limit: 50 });
    assert.deepEqual(second.rowIds, setIds.slice(50, 100), 'the next page continues the order');
    const last = await ds.rows({ rowSet: info.id, columns: ['id'], offset: 100, limit: 50 });
    assert.equal(last.rowIds.length, setIds.length - 100, 'the last page stops at the end of the set');
  });

  test("a filter keeps the set's rows that pass it, in the set's order; the count agrees", async () => {
    const info = ds.rowSets.keep({ rowIds: setIds, label: 'Filtered', scores: setScores });
    const filter = 'label < 6';
    const m = byRowId();
    const want = setIds.filter((id) => m.get(id)!.label < 6);
    assert.ok(want.length > 5 && want.length < setIds.length, `the filter keeps some of the set (${want.length})`);
    assert.equal(await ds.count(filter, undefined, info.id), want.length);
    const page = await ds.rows({ rowSet: info.id, filter, columns: [SCORE_COLUMN, 'label'], offset: 0, limit: 500 });
    assert.deepEqual(page.rowIds, want);
    assert.ok(page.rows.every((r) => (r[1] as number) < 6));
    // Scores follow their rows.
    const scoreOf = new Map(setIds.map((id, i) => [id, Number(setScores[i].toPrecision(6))]));
    assert.deepEqual(
      page.rows.map((r) => r[0]),
      want.map((id) => scoreOf.get(id)),
    );
    assert.equal(info.scoreLabel, 'score', 'scores without a label are called "score"');
  });

  test('sort keys reorder the set (and only the set)', async () => {
    const info = ds.rowSets.keep({ rowIds: setIds, label: 'Sorted', scores: setScores });
    const page = await ds.rows({ rowSet: info.id, sort: [{ column: 'id', descending: true }], columns: [SCORE_COLUMN, 'id'], offset: 0, limit: 500 });
    const m = byRowId();
    const want = setIds.map((id) => m.get(id)!.id).sort((a, b) => b - a);
    assert.deepEqual(
      page.rows.map((r) => r[1]),
      want,
    );
    const scoreOf = new Map(setIds.map((id, i) => [id, Number(setScores[i].toPrecision(6))]));
    assert.deepEqual(
      page.rows.map((r) => r[0]),
      page.rowIds.map((id) => scoreOf.get(id)),
      'each row keeps its own score',
    );
    const filtered = await ds.rows({ rowSet: info.id, filter: 'label >= 10', sort: [{ column: 'id' }], columns: ['id', 'label'], offset: 0, limit: 500 });
    assert.ok(filtered.rows.length > 0);
    assert.ok(filtered.rows.every((r, i) => (r[1] as number) >= 10 && (i === 0 || (r[0] as number) > (filtered.rows[i - 1][0] as number))));
    assert.ok(filtered.rowIds.every((id) => setIds.includes(id)));
  });

  test("Export Rows and Materialize Subset write the set's rows in its order", async () => {
    const info = ds.rowSets.keep({ rowIds: setIds, label: 'Exported', scores: setScores });
    const m = byRowId();
    const wantIds = setIds.map((id) => m.get(id)!.id);
    fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
    const outFile = path.join(dir, 'out', 'set.jsonl');
    const res = await exportRows(ds, { rowSet: info.id, columns: ['id', 'label'], format: 'jsonl', outFile });
    assert.equal(res.rows, setIds.length);
    const lines = fs
      .readFileSync(outFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number });
    assert.deepEqual(
      lines.map((l) => l.id),
      wantIds,
    );
    const dest = path.join(dir, 'out', 'set_subset.lance');
    const sub = await materializeSubset(ds, { rowSet: info.id, filter: 'label < 6', columns: ['id', 'label'], dest });
    const wantFiltered = setIds.filter((id) => m.get(id)!.label < 6).map((id) => m.get(id)!.id);
    assert.equal(sub.rows, wantFiltered.length);
    const db = await lancedb.connect(path.dirname(dest));
    const t = await db.openTable('set_subset');
    const got = (await t.query().select(['id']).toArray()).map((r) => Number(r.id));
    t.close();
    assert.deepEqual(got, wantFiltered, 'the filtered set, in its order');
  });

  test('repeated ids are kept once; bad input is refused; only the last few sets are kept', async () => {
    const dup = ds.rowSets.keep({ rowIds: [setIds[0], setIds[1], setIds[0]], label: ' ', scores: [3, 2, 1] });
    assert.equal(dup.count, 2);
    assert.equal(dup.label, 'Row set', 'a blank label gets a name');
    const page = await ds.rows({ rowSet: dup.id, columns: [SCORE_COLUMN], offset: 0, limit: 10 });
    assert.deepEqual(page.rows, [[3], [2]]);
    assert.throws(() => ds.rowSets.keep({ rowIds: ['12x'], label: 'bad' }), /Not a row id/);
    assert.throws(() => ds.rowSets.keep({ rowIds: [setIds[0]], label: 'bad', scores: [1, 2] }), /scores must match/);
    const first = ds.rowSets.keep({ rowIds: setIds.slice(0, 5), label: 'first' });
    for (let i = 0; i < ROW_SETS_KEPT; i++) ds.rowSets.keep({ rowIds: setIds.slice(0, 2), label: `filler ${i}` });
    await assert.rejects(
      ds.rows({ rowSet: first.id, columns: ['id'], offset: 0, limit: 5 }),
      (err: Error & { kind?: string }) => err.kind === 'not-found' && /no longer kept/.test(err.message),
    );
  });

  test('the plan of a row set page names the take by row id', async () => {
    const info = ds.rowSets.keep({ rowIds: setIds, label: 'Planned' });
    const plan = await ds.explain({ target: { view: 'rows', rowSet: info.id, columns: ['id'], offset: 0, limit: 20 }, analyze: false });
    assert.match(plan.what, /take by row id of the page's 20 rows of the row set/);
    assert.ok(plan.text.length > 0);
  });
});
