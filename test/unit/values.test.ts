// Values that survive the trip to the webview (issue 10, items 3, 6, 8), through LanceDataset and a
// real JSON round trip (VS Code posts webview messages as JSON: NaN and ±Infinity would become null, -0
// would become 0):
// - non-finite floats and -0 as scalars, inside vectors, in full rows and in column statistics;
// - huge cells capped in pages and full rows (a 20 MB string, a 50 MB binary, a million-item list,
//   lists of lists), whole through the `cell` request, and never capped in exports and subsets;
// - filters built from cells and from statistics bars select exactly the rows holding the value,
//   checked through the engine for NaN, ±Infinity, -0, 0, Float16, i64::MIN/MAX, uint64 beyond
//   i64::MAX, quoted and long strings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Field, Float16, Float32, Float64, Int32, Int64, List, Uint64, Utf8, Vector } from 'apache-arrow';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { hasNonFinite, PAGE_STRING_CHARS, FULL_ROW_STRING_CHARS, vectorValues, shortestFloat32 } from '../../src/extension/lance/cells';
import { fullCell } from '../../src/extension/lance/fullCell';
import { exportRows } from '../../src/extension/lance/exportRows';
import { materializeSubset } from '../../src/extension/lance/subset';
import { LanceError } from '../../src/extension/lance/errors';
import { cellJson, cellToJson } from '../../src/shared/cellJson';
import { fromWire } from '../../src/shared/floats';
import { conditionFor, equalsFilter } from '../../src/shared/sql';
import type { Cell, ColumnStats, RowsPage } from '../../src/shared/types';
import { column, tableOf } from '../fixtures/arrowUtil';
import {
  generateHostile,
  HUGE_BLOB_BYTES,
  HUGE_BLOB_ROW,
  HUGE_LIST_ITEMS,
  HUGE_LIST_ROW,
  HUGE_TEXT_CHARS,
  HUGE_TEXT_ROWS,
  hugeTextPrefix,
  NONFINITE_ROWS,
  NONFINITE_VEC_DIM,
  NONFINITE_VEC_ROWS,
  NONFINITE_VEC_SPECIAL_INDEX,
  type HostileDatasets,
} from '../fixtures/hostile';
import { lancedb } from '../fixtures/lance';
import { treeChecksums } from '../helpers/corpus';

let dir: string;
let hostile: Partial<HostileDatasets>;
let exactUri: string;
let checksums: Map<string, string>;
const opened: LanceDataset[] = [];

/** What a webview receives: the message after JSON. */
const rt = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

async function open(uri: string): Promise<LanceDataset> {
  const d = await LanceDataset.open({ uri, name: path.basename(uri, '.lance') });
  opened.push(d);
  return d;
}

// ---- the "exact" dataset: every kind of value a filter has to get exactly right ------------------------

const LONG_A = 'x'.repeat(3000) + 'é';
const LONG_B = '\u{1F600}'.repeat(1500) + "it's"; // astral characters: 2 UTF-16 units, 4 UTF-8 bytes each
const MID = 'm'.repeat(1000); // longer than the stats' display cut (512), shorter than the page cap
const FLOATS = [NaN, Infinity, -Infinity, -0, 0, 1.5, null, 0.1, NaN, -0, 1.5, 2.5e-310, 1e300, -1e-7];
const I64 = [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n + 1n), 0n, -1n, null, 5n, 5n, -(2n ** 63n), 7n, 8n, 9n, 10n];
const U64 = [2n ** 64n - 1n, 2n ** 63n, 0n, 1n, null, 2n ** 64n - 1n, 2n ** 63n - 1n, 3n, 3n, 4n, 5n, 6n, 7n, 8n];
const STRS = ["it's", '', LONG_A, LONG_B, "O'Neil", null, MID, LONG_A, "it's", 'plain', LONG_B, MID, '\\', '日本'];
const EXACT_ROWS = FLOATS.length * 2;
const rep = <T>(xs: T[]): T[] => Array.from({ length: EXACT_ROWS }, (_, r) => xs[r % xs.length]);
/** Row 0: a list of 100 lists of 100 items (10,000 in all). */
const NESTED = Array.from({ length: EXACT_ROWS }, (_, r) => (r === 0 ? Array.from({ length: 100 }, (_, i) => Array.from({ length: 100 }, (_, j) => i * 100 + j)) : [[r]]));

async function writeExact(parent: string): Promise<string> {
  const f = (name: string, type: ConstructorParameters<typeof Field>[1]) => new Field(name, type, true);
  const inner = new List(new Field('item', new Int32(), true));
  const texts = new List(new Field('item', new Utf8(), true));
  const table = tableOf(
    [
      new Field('id', new Int32(), false),
      f('f64', new Float64()),
      f('f32', new Float32()),
      f('f16', new Float16()),
      f('i64', new Int64()),
      f('u64', new Uint64()),
      f('s', new Utf8()),
      f('nested', new List(new Field('item', inner, true))),
      f('texts', texts),
    ],
    [
      column(
        new Int32(),
        Array.from({ length: EXACT_ROWS }, (_, r) => r),
      ),
      column(new Float64(), rep(FLOATS)),
      column(new Float32(), rep(FLOATS)),
      column(new Float16(), rep(FLOATS)),
      column(new Int64(), rep(I64)),
      column(new Uint64(), rep(U64)),
      column(new Utf8(), rep(STRS)),
      column(new List(new Field('item', inner, true)), NESTED),
      column(
        texts,
        Array.from({ length: EXACT_ROWS }, (_, r) => (r === 0 ? [LONG_A, 'short', LONG_B] : [])),
      ),
    ],
  );
  const db = await lancedb.connect(parent);
  (await db.createTable('exact', table)).close();
  db.close();
  return path.join(parent, 'exact.lance');
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-values-'));
  hostile = await generateHostile({ dir, only: ['nonFinite', 'huge', 'deep'] });
  exactUri = await writeExact(dir);
  checksums = treeChecksums(dir);
});

after(() => {
  for (const d of opened) d.close();
  if (checksums)
    assert.deepEqual(
      [...treeChecksums(dir).entries()].filter(([k]) => !k.includes('subset') && !k.includes('export')),
      [...checksums.entries()],
      'reading wrote nothing',
    );
  fs.rmSync(dir, { recursive: true, force: true });
});

function byColumn(page: RowsPage, name: string): Cell[] {
  const j = page.columns.indexOf(name);
  assert.ok(j >= 0, `column ${name} in the page`);
  return page.rows.map((r) => r[j]);
}

function vec(c: Cell): Extract<Cell, { t: 'vec' }> {
  assert.ok(c !== null && typeof c === 'object' && c.t === 'vec', `a vector cell, got ${JSON.stringify(c)}`);
  return c;
}

/** Same value as the engine's `=` sees it: floats by total order (NaN = NaN, -0 ≠ 0), the rest by ===. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);
  return a === b;
}

// ---------------------------------------------------------------------------------------------

describe('non-finite floats and -0', () => {
  test('scalars arrive as { t: "float" } after JSON; other floats stay numbers', async () => {
    const d = await open(hostile.nonFinite!);
    const page = rt(await d.rows({ offset: 0, limit: 10 }));
    const expected: Cell[] = [{ t: 'float', v: 'NaN' }, { t: 'float', v: 'Infinity' }, { t: 'float', v: '-Infinity' }, { t: 'float', v: '-0' }, 0, 1.5, null];
    for (const col of ['f64', 'f32']) {
      const cells = byColumn(page, col);
      for (const [name, r] of Object.entries(NONFINITE_ROWS)) assert.deepEqual(cells[r], expected[r], `${col} ${name}`);
    }
  });

  test('vectors: NaN and ±Infinity entries as text, counted, with a non-finite norm; ordinary vectors unchanged', async () => {
    const d = await open(hostile.nonFinite!);
    const cells = byColumn(rt(await d.rows({ offset: 0, limit: 10, columns: ['vec'] })), 'vec');
    const allNaN = vec(cells[NONFINITE_VEC_ROWS.allNaN]);
    assert.deepEqual([allNaN.dim, allNaN.norm, allNaN.nonFinite, allNaN.head], [NONFINITE_VEC_DIM, 'NaN', NONFINITE_VEC_DIM, new Array(NONFINITE_VEC_DIM).fill('NaN')]);
    const pos = vec(cells[NONFINITE_VEC_ROWS.posInf]);
    assert.deepEqual([pos.norm, pos.nonFinite, pos.head[NONFINITE_VEC_SPECIAL_INDEX]], ['Infinity', 1, 'Infinity']);
    assert.ok(
      pos.head.every((v, k) => k === NONFINITE_VEC_SPECIAL_INDEX || typeof v === 'number'),
      'the finite entries stay numbers',
    );
    const neg = vec(cells[NONFINITE_VEC_ROWS.negInf]);
    assert.deepEqual([neg.norm, neg.nonFinite, neg.head[NONFINITE_VEC_SPECIAL_INDEX]], ['Infinity', 1, '-Infinity']);
    const ok = vec(cells[0]);
    assert.equal(ok.nonFinite, undefined);
    assert.ok(typeof ok.norm === 'number' && Math.abs(ok.norm - 1) < 1e-5, `unit norm, got ${ok.norm}`);
    assert.ok(ok.head.every((v) => typeof v === 'number'));
  });

  test('a full row carries every value; vectorValues restores NaN and ±Infinity; hasNonFinite tells them', async () => {
    const d = await open(hostile.nonFinite!);
    const page = await d.rows({ offset: 0, limit: 10, columns: ['id'] });
    for (const [name, r] of Object.entries(NONFINITE_VEC_ROWS)) {
      const full = rt(await d.fullRow(page.rowIds[r], ['vec'], 0));
      const values = vectorValues(full.row[0])!;
      assert.equal(values.length, NONFINITE_VEC_DIM, name);
      assert.equal(hasNonFinite(values), true, name);
      if (name === 'allNaN') assert.ok(values.every(Number.isNaN));
      else assert.equal(values[NONFINITE_VEC_SPECIAL_INDEX], name === 'posInf' ? Infinity : -Infinity);
    }
    const ordinary = vectorValues(rt(await d.fullRow(page.rowIds[0], ['vec'], 0)).row[0])!;
    assert.equal(hasNonFinite(ordinary), false);
    assert.equal(vectorValues(5), undefined, 'not a vector');
    assert.equal(vectorValues(rt(byColumn(await d.rows({ offset: 0, limit: 1, columns: ['vec'] }), 'vec')[0])), undefined, 'a summary carries no values');
    // -0 inside a vector survives too (shared/floats on both ends).
    assert.ok(Object.is(fromWire(rt({ v: '-0' as const }).v), -0));
  });

  test('find similar from a vector holding NaN or ±Infinity is refused with a reason', async () => {
    const d = await open(hostile.nonFinite!);
    const page = await d.rows({ offset: 0, limit: 10, columns: ['id'] });
    for (const r of Object.values(NONFINITE_VEC_ROWS)) {
      await assert.rejects(d.similar({ rowId: page.rowIds[r], vectorColumn: 'vec', k: 3 }), (e: unknown) => e instanceof LanceError && /NaN|infinite|finite/i.test(e.message));
    }
    const ok = await d.similar({ rowId: page.rowIds[0], vectorColumn: 'vec', k: 3, columns: ['id'] });
    assert.ok(ok.rowIds.length > 0);
  });

  test('column statistics: NaN counted, ±Infinity extremes, NaN / -0 / 0 bars apart, after JSON', async () => {
    const d = await open(hostile.nonFinite!);
    for (const col of ['f64', 'f32']) {
      const s = rt(await d.columnStats({ column: col, topK: 100 }));
      assert.equal(s.nans, 1, `${col} NaN count`);
      assert.deepEqual(
        [s.min, s.max],
        [
          { t: 'float', v: '-Infinity' },
          { t: 'float', v: 'Infinity' },
        ],
        col,
      );
      assert.equal(typeof s.mean, 'number');
      assert.equal(s.nulls, 1);
      const bar = (v: string) => s.top!.find((e) => e.exact?.t === 'float' && e.exact.v === v);
      for (const v of ['NaN', 'Infinity', '-Infinity', '-0']) assert.equal(bar(v)?.count, 1, `${col} bar ${v}`);
      assert.equal(s.top!.find((e) => e.value === 0 && !e.exact)?.count, 1, '+0 is its own bar');
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('filters select exactly the rows holding the value (through the engine)', () => {
  /** Every column's values as the engine stores them, read straight from Arrow (not through our cells). */
  let stored: Map<string, unknown[]>;
  let ds: LanceDataset;
  before(async () => {
    ds = await open(exactUri);
    const t = await ds.engineTable().query().toArrow();
    stored = new Map(t.schema.fields.map((f) => [f.name, [...(t.getChild(f.name) as Vector)].map((v) => (v === undefined ? null : v))]));
  });

  async function idsWhere(filter: string): Promise<number[]> {
    const page = await ds.rows({ filter, offset: 0, limit: 1000, columns: ['id'] });
    return page.rows.map((r) => r[0] as number).sort((a, b) => a - b);
  }
  function idsHolding(col: string, v: unknown): number[] {
    const ids = stored.get('id')! as number[];
    return stored
      .get(col)!
      .flatMap((x, r) => (same(x, v) ? [ids[r]] : []))
      .sort((a, b) => a - b);
  }
  /** The value a stats bar stands for, from its exact value (never from its text). */
  function barValue(col: string, e: NonNullable<ColumnStats['top']>[number]): unknown {
    const x = e.exact;
    if (!x) return typeof e.value === 'number' && (col === 'i64' || col === 'u64') ? BigInt(e.value) : e.value;
    if (x.t === 'float') return fromWire(x.v);
    if (x.t === 'i64') return BigInt(x.v);
    const hit = stored.get(col)!.find((s) => typeof s === 'string' && crypto.createHash('md5').update(s).digest('hex') === x.md5);
    assert.ok(hit !== undefined, `the md5 of a stored string: ${x.md5}`);
    return hit;
  }

  for (const col of ['f64', 'f32', 'f16', 'i64', 'u64', 's']) {
    test(`stats bars of ${col}: each filter returns exactly the rows holding its value`, async (t) => {
      const s = rt(await ds.columnStats({ column: col, topK: 1000 }));
      assert.ok(s.top && s.top.length > 3, `${col} has a chart`);
      assert.equal(
        s.top.reduce((n, e) => n + e.count, 0),
        EXACT_ROWS - s.nulls,
        'the bars cover every non-null row',
      );
      for (const e of s.top) {
        const filter = equalsFilter(col, e.exact ?? e.value, undefined, s.type);
        assert.ok(filter, `a filter for ${JSON.stringify(e)}`);
        const want = idsHolding(col, barValue(col, e));
        assert.equal(want.length, e.count, `the bar's count for ${filter}`);
        assert.deepEqual(await idsWhere(filter), want, filter);
        t.diagnostic(`${filter.length > 90 ? filter.slice(0, 90) + '…' : filter} → ${want.length} rows`);
      }
    });
  }

  test('a filter on a mixed filter keeps both', async () => {
    const f = equalsFilter('f64', { t: 'float', v: 'NaN' }, 'id < 10', 'Float64')!;
    assert.equal(f, '(id < 10) AND isnan(f64)');
    assert.deepEqual(await idsWhere(f), [0, 8]);
  });

  test('"filter by this value" from every cell of a page (after JSON) selects exactly the rows holding it', async () => {
    const desc = await ds.describe();
    const types = new Map(desc.schema.map((f) => [f.name, f.type]));
    const cols = ['f64', 'f32', 'f16', 'i64', 'u64', 's'];
    const page = rt(await ds.rows({ offset: 0, limit: EXACT_ROWS, columns: ['id', ...cols] }));
    const tried = new Set<string>();
    for (const col of cols) {
      const cells = byColumn(page, col);
      for (let r = 0; r < cells.length; r++) {
        const cond = conditionFor(col, cells[r], types.get(col));
        assert.ok(cond, `${col} row ${r}: ${JSON.stringify(cells[r]).slice(0, 80)}`);
        if (tried.has(cond)) continue;
        tried.add(cond);
        const got = await idsWhere(cond);
        assert.deepEqual(got, idsHolding(col, stored.get(col)![r]), cond.slice(0, 120));
      }
    }
    // The forms themselves, as checked above through the engine.
    const conds = [...tried];
    for (const form of [
      'isnan(f64)',
      "f64 = 'Infinity'::double",
      "f64 = '-Infinity'::double",
      "f64 = '-0'::double",
      'f64 = 0',
      'f16 = 1.5::double',
      "i64 = CAST('-9223372036854775808' AS BIGINT)",
      'i64 = 9223372036854775807',
      "u64 = CAST('18446744073709551615' AS BIGINT UNSIGNED)",
      "s = 'it''s'",
    ])
      assert.ok(conds.includes(form), `${form} among ${conds.length} conditions`);
    assert.ok(
      conds.some((c) => /^md5\(s\) = '[0-9a-f]{32}'$/.test(c)),
      'a capped string filters by its MD5',
    );
  });

  test('what the engine refuses: a bare i64::MIN, a quoted int64, a bare uint64 beyond i64, a float literal on Float16', async () => {
    for (const bad of ['i64 = -9223372036854775808', "i64 = '9007199254740993'", 'u64 = 18446744073709551615', 'f16 = 1.5', 'f16 = -0.0']) {
      await assert.rejects(ds.count(bad), (e: unknown) => e instanceof LanceError, bad);
    }
    // `=` on floats is the total order: 0 does not match -0, NaN matches NaN.
    assert.deepEqual(await idsWhere('f64 = 0'), idsHolding('f64', 0));
    assert.deepEqual(await idsWhere("f64 = 'NaN'::double"), idsHolding('f64', NaN));
  });
});

// ---------------------------------------------------------------------------------------------

describe('huge cells travel capped', () => {
  test('a page: 20 MB strings as their first 2,048 characters with length and MD5; the blob as size; the list as 32 items', async () => {
    const d = await open(hostile.huge!);
    const page = await d.rows({ offset: 0, limit: 10 });
    const json = JSON.stringify(page);
    assert.ok(json.length < 200_000, `the page message is small: ${json.length} characters`);
    const back = rt(page);
    const text = byColumn(back, 'text');
    for (const r of HUGE_TEXT_ROWS) {
      const c = text[r] as Extract<Cell, { t: 'str' }>;
      assert.equal(c.t, 'str', `row ${r}`);
      assert.equal(c.v.length, PAGE_STRING_CHARS);
      assert.equal(c.length, HUGE_TEXT_CHARS);
      assert.ok(c.v.startsWith(hugeTextPrefix(r)));
      assert.match(c.md5, /^[0-9a-f]{32}$/);
    }
    assert.equal(text[7], 'short 7', 'short strings stay plain');
    const blob = byColumn(back, 'blob')[HUGE_BLOB_ROW] as Extract<Cell, { t: 'bin' }>;
    assert.deepEqual([blob.t, blob.size, blob.bytes], ['bin', HUGE_BLOB_BYTES, undefined]);
    assert.ok(blob.head.length < 100);
    const items = byColumn(back, 'items')[HUGE_LIST_ROW] as Extract<Cell, { t: 'list' }>;
    assert.deepEqual([items.t, items.length, items.items.length, items.items[31]], ['list', HUGE_LIST_ITEMS, 32, 31]);
    // What the grid copies says it is not the whole value.
    assert.deepEqual(JSON.parse(cellJson(text[0])), { truncated: true, length: HUGE_TEXT_CHARS, start: (text[0] as { v: string }).v });
    assert.deepEqual(cellToJson(items), { truncated: true, length: HUGE_LIST_ITEMS, items: items.items });
  });

  test('the full row caps at 64 KB; the cell request gives the whole value (a binary: its size only)', async () => {
    const d = await open(hostile.huge!);
    const page = await d.rows({ offset: 0, limit: 10, columns: ['id'] });
    const full = rt(await d.fullRow(page.rowIds[0], undefined, 1 << 20));
    const c = full.row[full.columns.indexOf('text')] as Extract<Cell, { t: 'str' }>;
    assert.deepEqual([c.t, c.v.length, c.length], ['str', FULL_ROW_STRING_CHARS, HUGE_TEXT_CHARS]);
    const whole = rt(await fullCell(d, page.rowIds[0], 'text'));
    assert.equal(typeof whole, 'string');
    assert.equal((whole as string).length, HUGE_TEXT_CHARS);
    assert.ok((whole as string).startsWith(c.v), 'the capped start is the start of the whole value');
    assert.equal(
      crypto
        .createHash('md5')
        .update(whole as string)
        .digest('hex'),
      c.md5,
      'the MD5 is of the whole value',
    );
    const blob = rt(await fullCell(d, page.rowIds[HUGE_BLOB_ROW], 'blob')) as Extract<Cell, { t: 'bin' }>;
    assert.deepEqual([blob.t, blob.size, blob.bytes], ['bin', HUGE_BLOB_BYTES, undefined]);
    const list = rt(await fullCell(d, page.rowIds[HUGE_LIST_ROW], 'items')) as Extract<Cell, { t: 'list' }>;
    assert.deepEqual([list.length, list.items.length, list.items[HUGE_LIST_ITEMS - 1]], [HUGE_LIST_ITEMS, HUGE_LIST_ITEMS, HUGE_LIST_ITEMS - 1]);
    await assert.rejects(fullCell(d, page.rowIds[0], 'nope'), (e: unknown) => e instanceof LanceError && e.kind === 'not-found');
  });

  test('a capped string still filters exactly (by its MD5)', async () => {
    const d = await open(hostile.huge!);
    const page = rt(await d.rows({ offset: 0, limit: 10, columns: ['id', 'text'] }));
    const cond = conditionFor('text', byColumn(page, 'text')[3])!;
    assert.match(cond, /^md5\(text\) = '[0-9a-f]{32}'$/);
    const hit = await d.rows({ filter: cond, offset: 0, limit: 10, columns: ['id'] });
    assert.deepEqual(hit.rows, [[3]]);
  });

  test('lists of lists share one budget: 100 × 100 items travel as at most 256', async () => {
    const d = await open(exactUri);
    const page = rt(await d.rows({ offset: 0, limit: 1, columns: ['nested'] }));
    const outer = page.rows[0][0] as Extract<Cell, { t: 'list' }>;
    assert.equal(outer.length, 100);
    const count = (c: Cell): number => (c && typeof c === 'object' && c.t === 'list' ? c.items.length + c.items.reduce((n: number, x) => n + count(x), 0) : 0);
    assert.ok(count(outer) <= 32 * 8, `items in the cell: ${count(outer)}`);
    assert.equal(outer.items.length, 32);
    assert.deepEqual((outer.items[0] as Extract<Cell, { t: 'list' }>).items.slice(0, 3), [0, 1, 2]);
    const full = rt(await d.fullRow(page.rowIds[0], ['nested'], 0)).row[0] as Extract<Cell, { t: 'list' }>;
    assert.ok(count(full) <= 1000 * 8, `items in the full row's cell: ${count(full)}`);
    const whole = rt(await fullCell(d, page.rowIds[0], 'nested')) as Extract<Cell, { t: 'list' }>;
    assert.equal(count(whole), 100 + 100 * 100, 'the cell request: every item');
  });

  test('strings inside lists: capped at 2,048 characters in pages and in the full row; whole through the cell request', async () => {
    const d = await open(exactUri);
    const page = rt(await d.rows({ offset: 0, limit: 1, columns: ['texts'] }));
    const full = rt(await d.fullRow(page.rowIds[0], ['texts'], 0));
    for (const cell of [page.rows[0][0], full.row[0]]) {
      const items = (cell as Extract<Cell, { t: 'list' }>).items;
      assert.equal(items[1], 'short');
      for (const [k, s] of [
        [0, LONG_A],
        [2, LONG_B],
      ] as const) {
        const c = items[k] as Extract<Cell, { t: 'str' }>;
        assert.equal(c.t, 'str');
        assert.equal(c.length, s.length);
        assert.ok(c.v.length <= PAGE_STRING_CHARS && c.v.length >= PAGE_STRING_CHARS - 1 && s.startsWith(c.v), `item ${k}: ${c.v.length}`);
      }
    }
    const whole = rt(await fullCell(d, page.rowIds[0], 'texts')) as Extract<Cell, { t: 'list' }>;
    assert.deepEqual(whole.items, [LONG_A, 'short', LONG_B]);
  });

  test('a struct 20 levels deep and lists of structs travel as a small page', async () => {
    const d = await open(hostile.deep!);
    const page = await d.rows({ offset: 0, limit: 10 });
    const json = JSON.stringify(page);
    assert.ok(json.length < 100_000, `${json.length} characters`);
    assert.equal(rt(page).rows.length, 10);
  });
});

// ---------------------------------------------------------------------------------------------

describe('exports and subsets are never capped', () => {
  test('JSON Lines: a 20 MB string whole; NaN and ±Infinity as "NaN", "Infinity", "-Infinity", -0 as 0', async () => {
    const huge = await open(hostile.huge!);
    const out = path.join(dir, 'export-huge.jsonl');
    await exportRows(huge, { format: 'jsonl', outFile: out, filter: 'id = 0', columns: ['id', 'text', 'items'] });
    const rec = JSON.parse(fs.readFileSync(out, 'utf8').trim());
    assert.equal(rec.text.length, HUGE_TEXT_CHARS);
    const out6 = path.join(dir, 'export-list.jsonl');
    await exportRows(huge, { format: 'jsonl', outFile: out6, filter: `id = ${HUGE_LIST_ROW}`, columns: ['items'] });
    assert.equal(JSON.parse(fs.readFileSync(out6, 'utf8').trim()).items.length, HUGE_LIST_ITEMS);

    const nf = await open(hostile.nonFinite!);
    const out2 = path.join(dir, 'export-nonfinite.jsonl');
    await exportRows(nf, { format: 'jsonl', outFile: out2, filter: 'id < 7', columns: ['id', 'f64', 'f32', 'vec'] });
    const rows = fs
      .readFileSync(out2, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    rows.sort((a, b) => a.id - b.id);
    assert.deepEqual(
      rows.map((r) => r.f64),
      ['NaN', 'Infinity', '-Infinity', 0, 0, 1.5, null],
    );
    assert.deepEqual(
      rows.map((r) => r.f32),
      ['NaN', 'Infinity', '-Infinity', 0, 0, 1.5, null],
    );
    assert.deepEqual(rows[NONFINITE_VEC_ROWS.allNaN].vec, new Array(NONFINITE_VEC_DIM).fill('NaN'));
    assert.equal(rows[NONFINITE_VEC_ROWS.negInf].vec[NONFINITE_VEC_SPECIAL_INDEX], '-Infinity');
    const out3 = path.join(dir, 'export-nonfinite.csv');
    await exportRows(nf, { format: 'csv', outFile: out3, filter: 'id < 7', columns: ['id', 'f64'] });
    const csv = fs
      .readFileSync(out3, 'utf8')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','));
    csv.sort((a, b) => Number(a[0]) - Number(b[0]));
    // CSV: NaN and ±Infinity as that text (numbers, so no formula quote on -Infinity).
    assert.deepEqual(
      csv.map((r) => r[1]),
      ['NaN', 'Infinity', '-Infinity', '0', '0', '1.5', ''],
    );
  });

  test('a subset keeps a 20 MB string whole', async () => {
    const huge = await open(hostile.huge!);
    const dest = path.join(dir, 'subset_huge.lance');
    await materializeSubset(huge, { dest, filter: 'id = 1', columns: ['id', 'text'] });
    const sub = await open(dest);
    const page = await sub.rows({ offset: 0, limit: 1, columns: ['id'] });
    const whole = await fullCell(sub, page.rowIds[0], 'text');
    assert.equal((whole as string).length, HUGE_TEXT_CHARS);
    assert.ok((whole as string).startsWith(hugeTextPrefix(1)));
  });
});

test('float32 values show as the shortest decimal that reads back as the same float32', () => {
  for (const written of [5.71, -22.65, 0.1, 3.4028234663852886e38, 1e-45, 16777217]) {
    const stored = Math.fround(written);
    const shown = shortestFloat32(stored);
    assert.equal(Math.fround(shown), stored, `${written} reads back`);
    assert.ok(String(shown).length <= String(stored).length, `${shown} is not longer than ${stored}`);
  }
  assert.equal(shortestFloat32(Math.fround(5.71)), 5.71);
  assert.ok(Number.isNaN(shortestFloat32(NaN)));
  assert.ok(Object.is(shortestFloat32(-0), -0));
});
