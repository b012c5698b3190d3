// Export Rows and Materialize Subset of a sorted view write the rows in the view's order (the order the
// grid shows), with the filter, images included; the subset is written in a few versions, not one per
// reordered slice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { exportRows } from '../../src/extension/lance/exportRows';
import { materializeSubset } from '../../src/extension/lance/subset';
import type { SortKey } from '../../src/shared/types';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { lancedb } from '../fixtures/lance';

const ROWS = 600;
const FILTER = 'label < 8';
const SORT: SortKey[] = [{ column: 'label_name', descending: true }, { column: 'id' }];
let dir: string;
let ds: LanceDataset;
/** `id` of the filtered view's rows in sort order, by the data layer's pages. */
let wantIds: number[];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-sorted-export-'));
  const uri = await generateImagenetLike({ dir, rows: ROWS, seed: 21, minSide: 48, maxSide: 96, indices: false });
  ds = await LanceDataset.open({ uri, name: 'imagenet_val' });
  const n = await ds.count(FILTER);
  const page = await ds.rows({ filter: FILTER, sort: SORT, columns: ['id'], offset: 0, limit: n });
  wantIds = page.rows.map((r) => Number(r[0]));
  assert.ok(wantIds.length > 50, `the filter keeps enough rows (${wantIds.length})`);
  // The sort really reorders: not the table's own order.
  assert.notDeepEqual(
    wantIds,
    wantIds.slice().sort((a, b) => a - b),
  );
});

after(() => {
  ds?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('sorted views written in their order', () => {
  test('Export Rows (JSON Lines, images as files) follows the sort', async () => {
    const outFile = path.join(dir, 'out', 'rows.jsonl');
    const res = await exportRows(ds, { filter: FILTER, sort: SORT, columns: ['id', 'label_name', 'image'], format: 'jsonl', outFile, imagesDir: path.join(dir, 'out', 'images') });
    assert.equal(res.rows, wantIds.length);
    const lines = fs
      .readFileSync(outFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; label_name: string; image: string });
    assert.deepEqual(
      lines.map((r) => r.id),
      wantIds,
    );
    for (let i = 1; i < lines.length; i++) assert.ok(Buffer.compare(Buffer.from(lines[i - 1].label_name), Buffer.from(lines[i].label_name)) >= 0, `label_name descending at ${i}`);
    assert.equal(res.imagesWritten, wantIds.length);
    assert.ok(fs.existsSync(path.join(dir, 'out', lines[0].image)), "the first row's image file exists");
  });

  test('Export Rows (CSV) follows the sort', async () => {
    const outFile = path.join(dir, 'out', 'rows.csv');
    await exportRows(ds, { filter: FILTER, sort: SORT, columns: ['id', 'label'], format: 'csv', outFile });
    const ids = fs
      .readFileSync(outFile, 'utf8')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => Number(l.split(',')[0]));
    assert.deepEqual(ids, wantIds);
  });

  test('Export Rows of a text search writes its matches, best first', async () => {
    const search = { column: 'caption', text: 'photo' };
    const want = Array.from(await ds.searchIds(FILTER, search));
    const ids = (await ds.rows({ filter: FILTER, search, columns: ['id'], offset: 0, limit: want.length })).rows.map((r) => Number(r[0]));
    assert.ok(ids.length > 5, `the search finds rows (${ids.length})`);
    const outFile = path.join(dir, 'out', 'search.jsonl');
    const res = await exportRows(ds, { filter: FILTER, search, columns: ['id'], format: 'jsonl', outFile });
    assert.equal(res.rows, want.length);
    assert.deepEqual(
      fs
        .readFileSync(outFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: number }).id),
      ids,
    );
  });

  test('Materialize Subset writes the rows in the sort order, in few versions', async () => {
    const dest = path.join(dir, 'subset', 'sorted.lance');
    const res = await materializeSubset(ds, { filter: FILTER, sort: SORT, columns: ['id', 'label_name', 'image'], dest });
    assert.equal(res.rows, wantIds.length);
    const db = await lancedb.connect(path.dirname(dest));
    try {
      const t = await db.openTable('sorted');
      const rows = await t.query().select(['id', 'image']).toArray();
      assert.deepEqual(
        rows.map((r) => Number(r.id)),
        wantIds,
        "the new dataset holds the rows in the view's order",
      );
      assert.ok((rows[0].image as Uint8Array).length > 100, 'images copied');
      const versions = await t.listVersions();
      assert.ok(versions.length <= 3, `written in few versions (${versions.length}), not one per reordered slice`);
      t.close();
    } finally {
      db.close();
    }
  });
});
