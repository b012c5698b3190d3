// Sorting the whole table: sorted pages agree with an independent sort of the same columns read in
// full (ties by row id, nulls last, both directions, several keys, with a filter, at far offsets), on a
// table of awkward values written in three fragments, and on the ImageNet-like fixture with its images.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Bool, Field, Float64, Int32, Int64, TimestampMicrosecond, Utf8 } from 'apache-arrow';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { LanceError } from '../../src/extension/lance/errors';
import { describeSort, toggleSort, unsortableReason } from '../../src/shared/sort';
import type { SortKey } from '../../src/shared/types';
import { column, tableOf } from '../fixtures/arrowUtil';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { lancedb } from '../fixtures/lance';
import { mulberry32 } from '../fixtures/random';

const N = 3_000;
let dir: string;
let ds: LanceDataset;
let imagenet: LanceDataset;
/** Every row of the awkward table as JS values, with its row id, in table order. */
let all: Record<string, unknown>[];

const NAMES = ['b', 'B', 'a', 'ä', 'Zebra', '', 'a b', '日本', 'z'];

/** The awkward table: many ties, nulls in every key, NaN and ±∞, Unicode, a spaced column name. */
async function writeAwkward(parent: string): Promise<string> {
  const rng = mulberry32(11);
  const fields = [
    new Field('id', new Int64(), false),
    new Field('grp', new Int32(), true),
    new Field('name', new Utf8(), true),
    new Field('score', new Float64(), true),
    new Field('flag', new Bool(), true),
    new Field('ts', new TimestampMicrosecond('UTC'), true),
    new Field('Mixed Case', new Int32(), true),
  ];
  const db = await lancedb.connect(parent);
  try {
    let t: import('@lancedb/lancedb').Table | undefined;
    // Three appends: three fragments, so row ids are not one contiguous range.
    for (let part = 0; part < 3; part++) {
      const idx = Array.from({ length: N / 3 }, (_, i) => part * (N / 3) + i);
      const special = [NaN, Infinity, -Infinity, -0, 0];
      const data = [
        column(
          new Int64(),
          idx.map((i) => BigInt(i)),
        ),
        column(
          new Int32(),
          idx.map((i) => (i % 17 === 0 ? null : Math.floor(rng() * 5))),
        ),
        column(
          new Utf8(),
          idx.map((i) => (i % 13 === 0 ? null : NAMES[Math.floor(rng() * NAMES.length)])),
        ),
        column(
          new Float64(),
          idx.map((i) => (i % 11 === 0 ? null : i % 7 === 0 ? special[i % 5] : Math.round(rng() * 20) / 4)),
        ),
        column(
          new Bool(),
          idx.map((i) => (i % 5 === 0 ? null : rng() < 0.5)),
        ),
        column(
          new TimestampMicrosecond('UTC'),
          idx.map((i) => (i % 9 === 0 ? null : 1_700_000_000_000 + Math.floor(rng() * 10) * 86_400_000)),
        ),
        column(
          new Int32(),
          idx.map((i) => (i % 2 ? 1 : 2)),
        ),
      ];
      const batch = tableOf(fields, data);
      if (!t) t = await db.createTable('awkward', batch);
      else await t.add(batch);
    }
    t!.close();
  } finally {
    db.close();
  }
  return path.join(parent, 'awkward.lance');
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-sort-'));
  const uri = await writeAwkward(dir);
  ds = await LanceDataset.open({ uri, name: 'awkward' });
  all = await ds.engineTable().query().withRowId().toArray();
  const imagenetUri = await generateImagenetLike({ dir, rows: 300, seed: 5 });
  imagenet = await LanceDataset.open({ uri: imagenetUri, name: 'imagenet_val' });
});

after(() => {
  ds?.close();
  imagenet?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The engine's order of two non-null values of one column: numbers with NaN above +∞, strings by UTF-8 bytes. */
function compareValues(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    // −0 and +0 are equal to the engine's sort (measured): their order is the row ids'.
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error(`cannot compare ${typeof a} with ${typeof b}`);
}

/** The independent sort: keys in order, nulls last in both directions, ties by row id. */
function expectedIds(rows: Record<string, unknown>[], keys: SortKey[]): bigint[] {
  const sorted = rows.slice().sort((x, y) => {
    for (const k of keys) {
      const a = x[k.column];
      const b = y[k.column];
      if (a === null || b === null) {
        if (a === b) continue;
        return a === null ? 1 : -1;
      }
      const c = compareValues(a, b);
      if (c) return k.descending ? -c : c;
    }
    return (x._rowid as bigint) < (y._rowid as bigint) ? -1 : 1;
  });
  return sorted.map((r) => r._rowid as bigint);
}

async function pageIds(d: LanceDataset, keys: SortKey[], offset: number, limit: number, filter?: string): Promise<bigint[]> {
  const page = await d.rows({ sort: keys, filter, columns: ['id'], offset, limit });
  return page.rowIds.map(BigInt);
}

describe('sorted pages agree with an independent sort', () => {
  const cases: [string, SortKey[]][] = [
    ['one int key with ties and nulls, ascending', [{ column: 'grp' }]],
    ['one int key, descending', [{ column: 'grp', descending: true }]],
    ['strings by bytes, nulls last, descending', [{ column: 'name', descending: true }]],
    ['floats with NaN, ±∞, −0 and nulls', [{ column: 'score' }]],
    ['floats descending', [{ column: 'score', descending: true }]],
    ['booleans then timestamps', [{ column: 'flag' }, { column: 'ts', descending: true }]],
    ['three keys', [{ column: 'grp', descending: true }, { column: 'name' }, { column: 'score', descending: true }]],
    ['a spaced, mixed-case column name', [{ column: 'Mixed Case', descending: true }, { column: 'grp' }]],
  ];
  for (const [name, keys] of cases) {
    test(`${name} (${describeSort(keys)})`, async () => {
      const want = expectedIds(all, keys);
      for (const offset of [0, 50, 1_500, N - 50]) {
        assert.deepEqual(await pageIds(ds, keys, offset, 50), want.slice(offset, offset + 50), `page at ${offset}`);
      }
    });
  }

  test('with a filter, a page at a far offset and the count', async () => {
    const keys: SortKey[] = [{ column: 'name' }, { column: 'score', descending: true }];
    const filter = 'grp IN (1, 3) OR grp IS NULL';
    const rows = all.filter((r) => r.grp === 1 || r.grp === 3 || r.grp === null);
    const want = expectedIds(rows, keys);
    assert.ok(want.length > 500, `the filter keeps enough rows (${want.length})`);
    assert.equal(await ds.count(filter), want.length);
    assert.deepEqual(await pageIds(ds, keys, 0, 50, filter), want.slice(0, 50));
    assert.deepEqual(await pageIds(ds, keys, want.length - 20, 50, filter), want.slice(-20), 'the last page is short');
    assert.deepEqual(await pageIds(ds, keys, want.length + 10, 50, filter), [], 'past the end: no rows');
  });

  test('the page holds the rows of those ids, columns as asked', async () => {
    const page = await ds.rows({ sort: [{ column: 'grp' }, { column: 'id', descending: true }], offset: 100, limit: 5, columns: ['id', 'grp'] });
    const byId = new Map(all.map((r) => [String(r._rowid), r]));
    page.rowIds.forEach((id, i) => {
      const r = byId.get(id)!;
      assert.deepEqual(page.rows[i], [Number(r.id), r.grp], `row ${i}`);
    });
  });

  test('the same order every time (a fresh dataset computes it again)', async () => {
    const keys: SortKey[] = [{ column: 'flag' }];
    const again = await LanceDataset.open({ uri: path.join(dir, 'awkward.lance'), name: 'awkward' });
    try {
      assert.deepEqual(await again.sortedIds(undefined, keys), await ds.sortedIds(undefined, keys));
    } finally {
      again.close();
    }
  });

  test('rowIdAt follows the sort', async () => {
    const keys: SortKey[] = [{ column: 'score', descending: true }];
    const want = expectedIds(all, keys);
    assert.equal(await ds.rowIdAt(7, undefined, keys), String(want[7]));
  });

  test('a cancelled sort stops and a later one still answers', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(ds.rows({ sort: [{ column: 'ts' }], offset: 0, limit: 10, columns: ['id'] }, ac.signal), (e: LanceError) => e.kind === 'cancelled');
    const ok = await pageIds(ds, [{ column: 'ts' }], 0, 10);
    assert.deepEqual(ok, expectedIds(all, [{ column: 'ts' }]).slice(0, 10));
  });

  test('sorting by a column that does not exist says so', async () => {
    await assert.rejects(ds.rows({ sort: [{ column: 'nope' }], offset: 0, limit: 10 }), (e: LanceError) => {
      assert.match(e.message, /nope/);
      return true;
    });
  });
});

describe('sorting the ImageNet-like fixture with its images', () => {
  test('label_name then id: pages with images match the sort of the key columns', async () => {
    const keys: SortKey[] = [{ column: 'label_name' }, { column: 'id', descending: true }];
    const rows = await imagenet.engineTable().query().select(['label_name', 'id']).withRowId().toArray();
    const want = expectedIds(rows, keys);
    const page = await imagenet.rows({ sort: keys, offset: 150, limit: 20, withImages: true, maxImageBytes: 1 << 20 });
    assert.deepEqual(page.rowIds.map(BigInt), want.slice(150, 170));
    const img = page.rows[0][page.columns.indexOf('image')] as { t: string; media?: string; bytes?: Uint8Array };
    assert.equal(img.t, 'bin');
    assert.equal(img.media, 'image/jpeg');
    assert.ok(img.bytes && img.bytes.length > 100, 'the JPEG bytes came with the sorted page');
  });

  test('the sort with a label filter', async () => {
    const keys: SortKey[] = [{ column: 'id', descending: true }];
    const rows = await imagenet.engineTable().query().select(['label', 'id']).withRowId().where('label < 3').toArray();
    const page = await imagenet.rows({ sort: keys, filter: 'label < 3', offset: 0, limit: 1000, columns: ['id', 'label'] });
    assert.deepEqual(page.rowIds.map(BigInt), expectedIds(rows, keys));
    assert.ok(page.rows.every((r) => (r[1] as number) < 3));
  });
});

describe('sort rules (shared)', () => {
  test('which kinds sort', () => {
    for (const kind of ['int', 'float', 'decimal', 'bool', 'string', 'temporal'] as const) assert.equal(unsortableReason({ kind }), undefined, kind);
    for (const kind of ['binary', 'vector', 'list', 'struct', 'other'] as const) assert.match(unsortableReason({ kind }) ?? '', /sort/, kind);
  });

  test('header clicks: cycle, Shift adds keys, at most three', () => {
    let k = toggleSort([], 'a', false);
    assert.deepEqual(k, [{ column: 'a' }]);
    k = toggleSort(k, 'a', false);
    assert.deepEqual(k, [{ column: 'a', descending: true }]);
    assert.deepEqual(toggleSort(k, 'a', false), []);
    k = toggleSort(k, 'b', true);
    assert.deepEqual(k, [{ column: 'a', descending: true }, { column: 'b' }]);
    k = toggleSort(toggleSort(k, 'c', true), 'd', true);
    assert.deepEqual(
      k.map((x) => x.column),
      ['a', 'b', 'd'],
      'a fourth key replaces the third',
    );
    assert.deepEqual(toggleSort(k, 'c', false), [{ column: 'c' }], 'a plain click sorts by that column alone');
    k = toggleSort(toggleSort(k, 'b', true), 'b', true);
    assert.deepEqual(
      k.map((x) => x.column),
      ['a', 'd'],
      'Shift+click cycles a key out in place',
    );
  });
});
