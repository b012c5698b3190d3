// Column statistics and distinct values: exact figures on the ImageNet-like fixture, on a generated
// 50,000-row table (speed, int64 beyond 2^53, the distinct cap, cancellation) and on the type zoo
// (decimals, timestamps, dictionaries, nulls-only columns, a LargeList table).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Binary, Bool, Field, FixedSizeList, Float32, Float64, Int64, Utf8 } from 'apache-arrow';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { DISTINCT_CAP } from '../../src/extension/lance/columnStats';
import { LanceError } from '../../src/extension/lance/errors';
import { column, tableOf } from '../fixtures/arrowUtil';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { lancedb } from '../fixtures/lance';
import { generateTypeZoo } from '../fixtures/typeZoo';
import { treeChecksums } from '../helpers/corpus';

const ROWS = 400;
const BIG = 50_000;
const CLASSES = 37;
const BIG_BASE = 2n ** 60n;

let dir: string;
let imagenet: LanceDataset;
let big: LanceDataset;
let zooDb: string;
let checksums: Map<string, string>;
let imagenetUri: string;

/** A 50,000-row table with known values, written in a few hundred ms (no images to encode). */
async function writeBigTable(parent: string): Promise<string> {
  const n = BIG;
  const idx = Array.from({ length: n }, (_, i) => i);
  const fields = [
    new Field('id', new Int64(), false),
    new Field('big', new Int64(), true),
    new Field('cls', new Utf8(), true),
    new Field('flag', new Bool(), true),
    new Field('score', new Float64(), true),
    new Field('unique_text', new Utf8(), true),
    new Field('emb', new FixedSizeList(4, new Field('item', new Float32(), true)), true),
    new Field('blob', new Binary(), true),
  ];
  const data = [
    column(
      new Int64(),
      idx.map((i) => BigInt(i)),
    ),
    column(
      new Int64(),
      idx.map((i) => BIG_BASE + BigInt(i)),
    ),
    column(
      new Utf8(),
      idx.map((i) => (i % 1000 === 999 ? null : `class_${String(i % CLASSES).padStart(2, '0')}`)),
    ),
    column(
      new Bool(),
      idx.map((i) => i % 3 === 0),
    ),
    column(
      new Float64(),
      idx.map((i) => (i % 100 === 0 ? null : i / 4)),
    ),
    column(
      new Utf8(),
      idx.map((i) => `u${i}`),
    ),
    column(
      new FixedSizeList(4, new Field('item', new Float32(), true)),
      idx.map((i) => (i % 7 === 0 ? null : [i, 1, 2, 3])),
    ),
    column(
      new Binary(),
      idx.map((i) => (i % 10 === 0 ? null : new Uint8Array(i % 100))),
    ),
  ];
  const db = await lancedb.connect(parent);
  try {
    (await db.createTable('big', tableOf(fields, data))).close();
  } finally {
    db.close();
  }
  return path.join(parent, 'big.lance');
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-stats-'));
  imagenetUri = await generateImagenetLike({ dir, rows: ROWS, seed: 3 });
  checksums = treeChecksums(imagenetUri);
  imagenet = await LanceDataset.open({ uri: imagenetUri, name: 'imagenet_val' });
  big = await LanceDataset.open({ uri: await writeBigTable(dir), name: 'big' });
  zooDb = (await generateTypeZoo({ dir, seed: 3 })).db;
});

after(() => {
  imagenet?.close();
  big?.close();
  // Statistics only read: the dataset is byte-identical afterwards.
  if (imagenetUri) assert.deepEqual([...treeChecksums(imagenetUri).entries()], [...checksums.entries()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every value of some columns through the engine's plain path (the reference the stats must match). */
async function columnValues(uri: string, name: string, columns: string[] | Record<string, string>, where?: string): Promise<Record<string, unknown>[]> {
  const db = await lancedb.connect(path.dirname(uri));
  const t = await db.openTable(name);
  try {
    const q = t.query().select(columns);
    if (where) q.where(where);
    return (await q.toArray()) as Record<string, unknown>[];
  } finally {
    t.close();
    db.close();
  }
}

describe('ImageNet-like fixture', () => {
  test('label_name: distinct classes and a top-K of balanced counts, with progress', async () => {
    const calls: [number, number][] = [];
    const s = await imagenet.columnStats({ column: 'label_name', topK: 5 }, undefined, (d, t) => calls.push([d, t]));
    assert.equal(s.column, 'label_name');
    assert.equal(s.type, 'Utf8');
    assert.equal(s.rows, ROWS);
    assert.equal(s.nulls, 0);
    assert.equal(s.partial, false);
    assert.equal(s.distinct, 20);
    assert.equal(s.distinctCapped, undefined);
    assert.equal(s.top?.length, 5);
    assert.ok(
      s.top.every((e) => e.count === ROWS / 20),
      `balanced classes: ${JSON.stringify(s.top)}`,
    );
    // Ties are broken by value, so the order is stable.
    assert.deepEqual(
      s.top.map((e) => e.value),
      [...s.top.map((e) => e.value)].sort(),
    );
    assert.equal(s.min, undefined, 'no min/max for strings');
    assert.ok(calls.length >= 1);
    assert.deepEqual(calls.at(-1), [ROWS, ROWS]);
  });

  test('id and label: min, max, mean, distinct', async () => {
    const id = await imagenet.columnStats({ column: 'id' });
    assert.deepEqual([id.min, id.max, id.mean, id.distinct, id.nulls, id.type], [0, ROWS - 1, (ROWS - 1) / 2, ROWS, 0, 'Int64']);
    const label = await imagenet.columnStats({ column: 'label', topK: 100 });
    assert.deepEqual([label.min, label.max, label.mean, label.distinct], [0, 19, 9.5, 20]);
    assert.equal(
      label.top!.reduce((n, e) => n + e.count, 0),
      ROWS,
      'top-K covers every row when K ≥ distinct',
    );
  });

  test('a filter limits the rows looked at', async () => {
    const n = await imagenet.count("label_name = 'golden_retriever'");
    const s = await imagenet.columnStats({ column: 'label_name', filter: "label_name = 'golden_retriever'" });
    assert.equal(s.rows, n);
    assert.deepEqual(s.top, [{ value: 'golden_retriever', count: n }]);
    const label = await imagenet.columnStats({ column: 'label', filter: "label_name = 'golden_retriever'" });
    assert.equal(label.min, label.max, 'one class, one label');
  });

  test('image: byte sizes match the JPEGs; vectors: nulls only', async () => {
    const rows = await columnValues(imagenetUri, 'imagenet_val', ['image']);
    const sizes = rows.map((r) => (r.image as Uint8Array).byteLength);
    const s = await imagenet.columnStats({ column: 'image' });
    assert.equal(s.type, 'LargeBinary');
    assert.equal(s.rows, ROWS);
    assert.equal(s.min, Math.min(...sizes));
    assert.equal(s.max, Math.max(...sizes));
    assert.ok(Math.abs(s.mean! - sizes.reduce((a, b) => a + b, 0) / ROWS) < 1e-6);
    assert.equal(s.distinct, undefined);
    assert.equal(s.top, undefined);
    const v = await imagenet.columnStats({ column: 'image_emb' });
    assert.deepEqual([v.rows, v.nulls, v.min, v.top, v.partial], [ROWS, 0, undefined, undefined, false]);
  });

  test('distinct values: most frequent first, limited', async () => {
    const all = await imagenet.distinct('label_name', 1000);
    assert.equal(all.length, 20);
    assert.ok(all.some((e) => e.value === 'golden_retriever'));
    assert.equal(
      all.reduce((n, e) => n + e.count, 0),
      ROWS,
    );
    assert.equal((await imagenet.distinct('label_name', 3)).length, 3);
    await assert.rejects(imagenet.distinct('image', 10), (e: unknown) => e instanceof LanceError && e.kind === 'unsupported-type');
  });

  test('errors: an unknown column and a bad filter', async () => {
    await assert.rejects(imagenet.columnStats({ column: 'nope' }), (e: unknown) => e instanceof LanceError && e.kind !== 'internal');
    await assert.rejects(imagenet.columnStats({ column: 'label', filter: 'label >' }), (e: unknown) => e instanceof LanceError && e.kind === 'bad-filter');
  });
});

describe('50,000 rows', () => {
  /** Runs one stats request and checks it stays fast (one column is streamed, nothing else). */
  async function timed(column: string, t: { diagnostic(s: string): void }, filter?: string) {
    const t0 = performance.now();
    const s = await big.columnStats({ column, filter, topK: 10 });
    const ms = performance.now() - t0;
    t.diagnostic(`${column}: ${ms.toFixed(0)} ms`);
    assert.ok(ms < 5000, `${column} stats took ${ms.toFixed(0)} ms`);
    return s;
  }

  test('strings: top-K and distinct, with nulls', async (t) => {
    const s = await timed('cls', t);
    assert.equal(s.rows, BIG);
    assert.equal(s.nulls, BIG / 1000);
    assert.equal(s.distinct, CLASSES);
    assert.equal(s.top!.length, 10);
    // 50,000 = 37 × 1351 + 13: classes 00–12 have one more row, minus the nulls that fell on them.
    const expected = new Map<string, number>();
    for (let i = 0; i < BIG; i++)
      if (i % 1000 !== 999) expected.set(`class_${String(i % CLASSES).padStart(2, '0')}`, (expected.get(`class_${String(i % CLASSES).padStart(2, '0')}`) ?? 0) + 1);
    for (const e of s.top!) assert.equal(e.count, expected.get(String(e.value)), String(e.value));
    const sorted = [...expected.values()].sort((a, b) => b - a).slice(0, 10);
    assert.deepEqual(
      s.top!.map((e) => e.count),
      sorted,
    );
  });

  test('int64 beyond 2^53 stays exact as text; safe int64 stays a number', async (t) => {
    const s = await timed('big', t);
    assert.equal(s.min, BIG_BASE.toString());
    assert.equal(s.max, (BIG_BASE + BigInt(BIG - 1)).toString());
    assert.ok(Math.abs(s.mean! - (Number(BIG_BASE) + (BIG - 1) / 2)) < 1e3);
    // Past the cap: a lower bound, and no top-K (it would miss values first seen after the cap).
    assert.equal(s.distinct, DISTINCT_CAP);
    assert.equal(s.distinctCapped, true);
    assert.equal(s.top, undefined);
    const id = await timed('id', t);
    assert.deepEqual([id.min, id.max, id.mean], [0, BIG - 1, (BIG - 1) / 2]);
  });

  test('floats, bools, unique strings, vectors and binaries', async (t) => {
    const score = await timed('score', t);
    const scores = Array.from({ length: BIG }, (_, i) => i)
      .filter((i) => i % 100 !== 0)
      .map((i) => i / 4);
    assert.equal(score.nulls, BIG / 100);
    assert.deepEqual([score.min, score.max], [0.25, (BIG - 1) / 4]);
    assert.ok(Math.abs(score.mean! - scores.reduce((a, b) => a + b, 0) / scores.length) < 1e-6);
    assert.equal(score.top, undefined, 'no top-K for floats');
    const flag = await timed('flag', t);
    assert.deepEqual(flag.top, [
      { value: false, count: BIG - Math.ceil(BIG / 3) },
      { value: true, count: Math.ceil(BIG / 3) },
    ]);
    assert.equal(flag.distinct, 2);
    const u = await timed('unique_text', t);
    assert.deepEqual([u.distinct, u.distinctCapped, u.top], [DISTINCT_CAP, true, undefined]);
    const emb = await timed('emb', t);
    assert.deepEqual([emb.rows, emb.nulls, emb.min], [BIG, Math.ceil(BIG / 7), undefined]);
    const blob = await timed('blob', t);
    assert.deepEqual([blob.nulls, blob.min, blob.max], [BIG / 10, 1, 99]);
  });

  test('a filter over 50,000 rows', async (t) => {
    const s = await timed('score', t, "cls = 'class_05'");
    assert.equal(s.rows, await big.count("cls = 'class_05'"));
    assert.equal(s.min, 5 / 4);
  });

  test('cancelled: partial figures, no error, and the scan stops', async () => {
    const ac = new AbortController();
    let calls = 0;
    const s = await big.columnStats({ column: 'cls' }, ac.signal, () => {
      calls++;
      ac.abort();
    });
    assert.equal(s.partial, true);
    assert.equal(calls, 1, 'stopped after the first batch');
    assert.ok(s.rows > 0 && s.rows < BIG, `${s.rows} rows seen`);
    const pre = new AbortController();
    pre.abort();
    const none = await big.columnStats({ column: 'id' }, pre.signal);
    assert.deepEqual([none.partial, none.rows], [true, 0]);
  });

  test('distinct values over 50,000 rows: fast, sorted, complete; cancel throws', async (t) => {
    const t0 = performance.now();
    const d = await big.distinct('cls', 100);
    const ms = performance.now() - t0;
    t.diagnostic(`distinct cls: ${ms.toFixed(0)} ms`);
    assert.ok(ms < 5000);
    assert.equal(d.length, CLASSES);
    assert.equal(
      d.reduce((n, e) => n + e.count, 0),
      BIG - BIG / 1000,
    );
    assert.ok(d.every((e, i) => i === 0 || e.count <= d[i - 1].count));
    const ints = await big.distinct('big', 2);
    assert.equal(ints[0].value, BIG_BASE.toString(), 'int64 beyond 2^53 listed as exact text');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(big.distinct('cls', 10, ac.signal), (e: unknown) => e instanceof LanceError && e.kind === 'cancelled');
  });
});

describe('type zoo', () => {
  let zoo: LanceDataset;
  let rows: Record<string, unknown>[];
  before(async () => {
    zoo = await LanceDataset.open({ uri: path.join(zooDb, 'zoo.lance'), name: 'zoo' });
    rows = await columnValues(path.join(zooDb, 'zoo.lance'), 'zoo', ['i64', 'vec16', 'category', 'text']);
  });
  after(() => zoo?.close());

  test('int64 extremes are exact', async () => {
    const s = await zoo.columnStats({ column: 'i64' });
    const vals = rows.map((r) => r.i64 as bigint | null).filter((v): v is bigint => v !== null);
    const max = vals.reduce((a, b) => (b > a ? b : a));
    assert.equal(max, 2n ** 63n - 1n, 'the fixture holds i64::MAX');
    assert.equal(s.max, '9223372036854775807');
    assert.equal(s.min, Number(vals.reduce((a, b) => (b < a ? b : a))));
    assert.equal(s.nulls, rows.length - vals.length);
    assert.equal(s.rows, 48, '52 written, 4 deleted');
  });

  test('decimals: exact text extremes; timestamps: ISO extremes; dictionary: top-K', async () => {
    const price = await zoo.columnStats({ column: 'price' });
    assert.equal(price.type, 'Decimal[10e+2]');
    // Reference: the engine's own text cast of every value (the null row 1 holds -99999999.99).
    const texts = (await columnValues(path.join(zooDb, 'zoo.lance'), 'zoo', { p: "arrow_cast(price, 'Utf8')" }))
      .map((r) => r.p as string | null)
      .filter((v): v is string => v !== null)
      .sort((a, b) => Number(a) - Number(b));
    assert.equal(price.min, texts[0]);
    assert.equal(price.max, texts.at(-1));
    assert.match(String(price.max), /^\d+\.\d\d$/, 'the scale is kept');
    assert.ok(Math.abs(price.mean! - texts.reduce((a, b) => a + Number(b), 0) / texts.length) < 1e-9);
    assert.equal(price.rows - price.nulls, texts.length);
    const ts = await zoo.columnStats({ column: 'day' });
    assert.equal(ts.min, '1969-12-31');
    assert.equal(ts.max, '9999-12-31');
    const cat = await zoo.columnStats({ column: 'category' });
    const cats = rows.map((r) => r.category).filter((v) => v !== null);
    assert.equal(cat.rows - cat.nulls, cats.length);
    assert.equal(cat.distinct, new Set(cats).size);
    assert.equal(
      cat.top!.reduce((n, e) => n + e.count, 0),
      cats.length,
    );
    const text = await zoo.columnStats({ column: 'text' });
    assert.ok(
      text.top!.some((e) => e.value === '<script>alert(1)</script>'),
      'strings counted verbatim',
    );
    assert.ok(
      text.top!.every((e) => String(e.value).length <= 513),
      'long strings shortened for display',
    );
  });

  test('nulls-only columns: Float16 vectors, structs, the Null type', async () => {
    const v = await zoo.columnStats({ column: 'vec16' });
    assert.equal(v.nulls, rows.filter((r) => r.vec16 === null).length);
    assert.equal(v.min, undefined);
    const n = await zoo.columnStats({ column: 'nothing' });
    assert.equal(n.nulls, n.rows);
    const nested = await zoo.columnStats({ column: 'nested' });
    assert.ok(nested.nulls >= 1 && nested.nulls < nested.rows);
    const f16 = await zoo.columnStats({ column: 'f16' });
    // Half floats are decoded (not read as raw 16-bit patterns): every value is ≤ 65504.
    assert.ok(Number(f16.max) <= 65504, `f16 max ${JSON.stringify(f16.max)}`);
  });

  test('a LargeList table: its columns still get statistics', async () => {
    const ll = await LanceDataset.open({ uri: path.join(zooDb, 'largelist.lance'), name: 'largelist' });
    try {
      const id = await ll.columnStats({ column: 'id' });
      assert.deepEqual([id.rows, id.min, id.max], [12, 0, 11]);
      const list = await ll.columnStats({ column: 'll_int' });
      assert.deepEqual([list.rows, list.nulls], [12, 1]);
    } finally {
      ll.close();
    }
  });
});
