// columnEncoder (typed-array reads per column, the data layer's page encoding) against the generic
// encodeCell, cell for cell: every type it reads itself (integers of every width, int64 beyond 2^53,
// floats with NaN / ±Infinity / -0, booleans, strings empty, long, multibyte and invalid, timestamps of
// every unit, float vectors) with nulls, in slices (non-zero offsets), under every encoding option; and the
// types it leaves to encodeCell. The fast types are then read again with get() and isValid() throwing, so
// a fast path that quietly fell back to the generic one fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Binary,
  Bool,
  DateDay,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  LargeUtf8,
  List,
  makeData,
  makeVector,
  Null,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  Vector,
  type DataType,
} from 'apache-arrow';
import { DEFAULT_ENCODE, encodeCell, PAGE_STRING_CHARS, type EncodeOptions } from '../../src/extension/lance/cells';
import { columnEncoder } from '../../src/extension/lance/columnCells';
import { column, rawColumn } from '../fixtures/arrowUtil';
import { toWire } from '../../src/shared/floats';
import type { Cell, WireFloat } from '../../src/shared/types';

const OPTIONS: Record<string, EncodeOptions> = {
  page: DEFAULT_ENCODE,
  'full row': { maxImageBytes: 1 << 20, fullVectors: true, maxListItems: 1000 },
  'strings capped at 5': { ...DEFAULT_ENCODE, maxStringChars: 5 },
  'nothing capped': { ...DEFAULT_ENCODE, maxStringChars: Infinity },
};

const P53 = 2n ** 53n;
const INT64_EDGES = [
  0n,
  1n,
  -1n,
  2n ** 32n - 1n,
  2n ** 32n,
  -(2n ** 32n),
  -(2n ** 32n) - 1n,
  P53 - 1n,
  -(P53 - 1n),
  P53,
  -P53,
  P53 + 1n,
  -P53 - 1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  1_234_567_890_123n,
];
const UINT64_EDGES = [0n, 1n, 2n ** 32n, P53 - 1n, P53, P53 + 1n, 2n ** 63n, 2n ** 64n - 1n];

/** Each value, with a null every third place (the validity bitmap of a column with nulls). */
const withNulls = <T>(values: T[]): (T | null)[] => values.flatMap((v, i) => (i % 3 === 1 ? [v, null] : [v]));

const longAscii = 'x'.repeat(PAGE_STRING_CHARS + 100);
const STRINGS = [
  '',
  'a',
  'golden_retriever',
  'café ☕ 𝄞',
  '\uFEFFstarts with a BOM',
  longAscii,
  'é'.repeat(PAGE_STRING_CHARS - 10), // more bytes than the cap, fewer characters
  'é'.repeat(PAGE_STRING_CHARS + 10),
  '𝄞'.repeat(PAGE_STRING_CHARS), // astral: two UTF-16 units each
  'ab' + '𝄞'.repeat(3),
];

const vec4 = (...xs: number[]) => xs;
const VECTORS = [vec4(1, 2, 3, 4), vec4(NaN, 0, -0, 1), vec4(Infinity, -Infinity, 0.1, 0.2), vec4(-0, -0, -0, -0), vec4(0, 0, 0, 0), vec4(1e-30, 3.5, -7.25, 1e30)];

const FLOATS = [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 5.71, 1 / 3, 3.4e38, 1e-45, Number.MAX_VALUE, Number.MIN_VALUE];

const TIMESTAMPS = [
  0n,
  1n,
  -1n,
  999n,
  -999n,
  1_700_000_000_123_456n,
  -62_135_596_800_000_000n,
  253_402_300_799_999_999n,
  P53 - 1n,
  -(P53 - 1n),
  P53 + 7n,
  -P53 - 7n,
  2n ** 63n - 1n,
  -(2n ** 63n),
];

interface Case {
  name: string;
  vec: Vector;
  /** Read by columnEncoder itself (false: left to encodeCell). */
  fast: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  const add = (name: string, vec: Vector, fast: boolean) => {
    out.push({ name, vec, fast });
    // Slices: a non-zero Data offset (validity and booleans by offset + i; values, offsets and a
    // FixedSizeList's child already sliced), at a bit position that is not a byte boundary.
    if (vec.length > 3) out.push({ name: `${name} [3..]`, vec: vec.slice(3), fast });
    if (vec.length > 5) out.push({ name: `${name} [1..-1] of [3..]`, vec: vec.slice(3).slice(1, -1), fast });
  };
  const ints: [string, DataType, number[]][] = [
    ['int8', new Int8(), [0, 1, -1, 127, -128]],
    ['uint8', new Uint8(), [0, 1, 255]],
    ['int16', new Int16(), [0, -32768, 32767]],
    ['int32', new Int32(), [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 123456]],
    ['uint32', new Uint32(), [0, 1, 2 ** 32 - 1, 2 ** 31]],
  ];
  for (const [name, type, values] of ints) {
    add(name, makeVector(column(type, values)), true);
    add(`${name} with nulls`, makeVector(column(type, withNulls(values))), true);
  }
  add('int64', makeVector(rawColumn(new Int64(), INT64_EDGES, BigInt64Array)), true);
  add('int64 with nulls', makeVector(rawColumn(new Int64(), withNulls(INT64_EDGES), BigInt64Array)), true);
  add('uint64', makeVector(rawColumn(new Uint64(), UINT64_EDGES, BigUint64Array)), true);
  add('uint64 with nulls', makeVector(rawColumn(new Uint64(), withNulls(UINT64_EDGES), BigUint64Array)), true);
  add('float32', makeVector(column(new Float32(), FLOATS)), true);
  add('float64 with nulls', makeVector(column(new Float64(), withNulls(FLOATS))), true);
  add('bool', makeVector(column(new Bool(), [true, false, true, true, false, false, true, false, true, true, false])), true);
  add('bool with nulls', makeVector(column(new Bool(), withNulls([true, false, true, true, false, false, true, false, true, true, false]))), true);
  add('utf8', makeVector(column(new Utf8(), STRINGS)), true);
  add('utf8 with nulls', makeVector(column(new Utf8(), withNulls(STRINGS))), true);
  add('large utf8 with nulls', makeVector(column(new LargeUtf8(), withNulls(STRINGS))), true);
  for (const [name, type] of [
    ['timestamp[s]', new TimestampSecond()],
    ['timestamp[ms, UTC]', new TimestampMillisecond('UTC')],
    ['timestamp[us, UTC]', new TimestampMicrosecond('UTC')],
    ['timestamp[ns]', new TimestampNanosecond()],
  ] as const) {
    add(name, makeVector(rawColumn(type, TIMESTAMPS, BigInt64Array)), true);
    add(`${name} with nulls`, makeVector(rawColumn(type, withNulls(TIMESTAMPS), BigInt64Array)), true);
  }
  const f32x4 = new FixedSizeList(4, new Field('item', new Float32(), true));
  const f64x4 = new FixedSizeList(4, new Field('item', new Float64(), true));
  add('float32 vectors', makeVector(column(f32x4, VECTORS)), true);
  add('float32 vectors with nulls', makeVector(column(f32x4, withNulls(VECTORS))), true);
  add('float64 vectors with nulls', makeVector(column(f64x4, withNulls([...VECTORS, vec4(1e200, -1e200, 1e-200, 0)]))), true);
  add('nulls', makeVector(column(new Null(), [null, null, null, null, null, null])), true);
  // Left to encodeCell: the same cells, whatever the path.
  add('float16', makeVector(column(new Float16(), withNulls([0, 1.5, -2, 65504]))), false);
  add('float16 vectors', makeVector(column(new FixedSizeList(4, new Field('item', new Float16(), true)), withNulls(VECTORS.slice(0, 4)))), false);
  add(
    'int32 lists',
    makeVector(
      column(
        new FixedSizeList(2, new Field('item', new Int32(), true)),
        withNulls([
          [1, 2],
          [3, 4],
          [5, 6],
          [7, 8],
          [9, 10],
        ]),
      ),
    ),
    false,
  );
  add('lists of strings', makeVector(column(new List(new Field('item', new Utf8(), true)), withNulls([['a'], [], ['b', 'c'], ['d'], [longAscii]]))), false);
  add(
    'binary',
    makeVector(column(new Binary(), withNulls([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2]), new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array([4])]))),
    false,
  );
  add('dates', makeVector(column(new DateDay(), withNulls([new Date(0), new Date(86400000 * 365), new Date(-86400000), new Date(1e12)]))), false);
  // Several chunks: encodeCell finds each row's chunk.
  const chunks = new Vector([column(new Int32(), [1, 2, 3]).slice(1, 2), column(new Int32(), withNulls([4, 5, 6, 7]))]);
  add('int32 in two chunks', chunks, false);
  return out;
}

/** A cell, or the error reading it (both paths must throw the same way: safeEncode labels it). */
function outcome(f: () => unknown): unknown {
  try {
    return { cell: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

test('invalid UTF-8 decodes as get() does (replacement characters)', () => {
  // Utf8 built from raw bytes: a lone continuation byte, an overlong form, a truncated sequence.
  const bytes = [new Uint8Array([0x41, 0x80, 0x42]), new Uint8Array([0xc0, 0xaf]), new Uint8Array([0xe2, 0x82])];
  const offsets = new Int32Array(bytes.length + 1);
  bytes.forEach((b, i) => (offsets[i + 1] = offsets[i] + b.length));
  const data = new Uint8Array(offsets[bytes.length]);
  bytes.forEach((b, i) => data.set(b, offsets[i]));
  const v = makeVector(makeData({ type: new Utf8(), length: bytes.length, valueOffsets: offsets, data }));
  const enc = columnEncoder(v, DEFAULT_ENCODE);
  for (let i = 0; i < v.length; i++) assert.deepStrictEqual(enc(i), encodeCell(v, i), `row ${i}`);
  assert.equal(enc(0), 'A\uFFFDB');
});

for (const c of cases()) {
  test(`columnEncoder = encodeCell: ${c.name}`, () => {
    assert.ok(c.vec.length > 0);
    for (const [optName, opts] of Object.entries(OPTIONS)) {
      const expected = Array.from({ length: c.vec.length }, (_, i) => outcome(() => encodeCell(c.vec, i, opts)));
      const enc = columnEncoder(c.vec, opts);
      const got = Array.from({ length: c.vec.length }, (_, i) => outcome(() => enc(i)));
      // deepStrictEqual: -0 is not 0, and every key and type counts.
      assert.deepStrictEqual(got, expected, `${optName}`);
      if (!c.fast) continue;
      // The fast path reads typed arrays only: with get() and isValid() broken it gives the same cells.
      const broken = Object.create(c.vec) as Vector;
      broken.get = () => {
        throw new Error('get() was called');
      };
      broken.isValid = () => {
        throw new Error('isValid() was called');
      };
      const fast = columnEncoder(broken, opts);
      assert.deepStrictEqual(
        Array.from({ length: c.vec.length }, (_, i) => outcome(() => fast(i))),
        expected,
        `${optName}: read without get()`,
      );
    }
  });
}

test('the test cases hold what they claim: nulls, slices, int64 beyond 2^53, non-finite floats, capped strings', () => {
  const all = cases();
  const cell = (name: string, i: number) => {
    const c = all.find((x) => x.name === name)!;
    return encodeCell(c.vec, i);
  };
  assert.equal(cell('int64 with nulls', 2), null);
  assert.deepEqual(cell('int64', INT64_EDGES.indexOf(P53)), { t: 'i64', v: String(P53) });
  assert.equal(cell('int64', INT64_EDGES.indexOf(-(P53 - 1n))), -(2 ** 53 - 1));
  assert.deepEqual(cell('float32', 1), { t: 'float', v: '-0' });
  assert.deepEqual(cell('utf8', 5), { t: 'str', v: longAscii.slice(0, PAGE_STRING_CHARS), length: longAscii.length, md5: (cell('utf8', 5) as { md5: string }).md5 });
  assert.ok(all.some((c) => c.vec.data[0].offset % 8 !== 0 && c.vec.data[0].nullCount > 0));
  const ts = cell('timestamp[us, UTC]', TIMESTAMPS.indexOf(1_700_000_000_123_456n));
  assert.deepEqual(ts, { t: 'time', v: '2023-11-14T22:13:20.123456Z', type: 'Timestamp<MICROSECOND, UTC>' });
});

/**
 * A vector cell as vectorCell built it before the one-pass loop: each value checked for NaN, ±Infinity
 * and -0, then the norm in two passes (largest magnitude, then squares, scaled beyond 1e±150).
 */
function referenceVectorCell(arr: ArrayLike<number>, fullVectors: boolean): Cell {
  let nonFinite = 0;
  let special = false;
  for (let k = 0; k < arr.length; k++) {
    const x = arr[k];
    if (!Number.isFinite(x)) nonFinite++;
    if (!special && (!Number.isFinite(x) || (x === 0 && Object.is(x, -0)))) special = true;
  }
  const norm = (() => {
    let max = 0;
    for (let k = 0; k < arr.length; k++) {
      const a = Math.abs(arr[k]);
      if (Number.isNaN(a)) return NaN;
      if (a > max) max = a;
    }
    if (max === Infinity) return Infinity;
    if (max === 0) return 0;
    const scale = max > 1e150 || max < 1e-150 ? max : 1;
    let sum = 0;
    for (let k = 0; k < arr.length; k++) {
      const x = arr[k] / scale;
      sum += x * x;
    }
    return Math.sqrt(sum) * scale;
  })();
  const wire = (k: number): WireFloat => (special ? toWire(arr[k]) : arr[k]);
  const head: WireFloat[] = [];
  for (let k = 0; k < Math.min(8, arr.length); k++) head.push(wire(k));
  const cell: Cell = { t: 'vec', dim: arr.length, norm: toWire(norm), head };
  if (nonFinite) cell.nonFinite = nonFinite;
  if (fullVectors) cell.values = special ? Array.from(arr, toWire) : Array.from(arr);
  return cell;
}

/** Magnitudes on both sides of each scaling threshold (1e-150, 1e150; squares overflow from 1.3e154): |values| up to half of 10^exp. */
const EXPONENTS = [-160, -150, -100, -20, 0, 20, 100, 150, 152, 155, 160];

test('vector cells: the one-pass loop gives the cells of the checked two-pass one (norm, head, values, non-finite count)', () => {
  const vectors: number[][] = [];
  for (let k = 0; k < 500; k++) {
    const dim = 1 + (k % 600);
    const exp = EXPONENTS[k % EXPONENTS.length];
    vectors.push(Array.from({ length: dim }, () => (Math.random() - 0.5) * 10 ** exp));
    vectors.push(Array.from(Float32Array.from({ length: dim }, () => Math.random() - 0.5)));
  }
  const specials = [NaN, Infinity, -Infinity, -0, 0, 1e200, 1e-200, 1e-320];
  for (let k = 0; k < 300; k++) {
    const v = Array.from({ length: 1 + (k % 20) }, () => Math.random() - 0.5);
    for (let m = 0; m <= k % 3; m++) v[Math.floor(Math.random() * v.length)] = specials[(k + m) % specials.length];
    vectors.push(v);
  }
  vectors.push(
    [1e200, 1e-200],
    [1e-300, 2e-300],
    [0, -0],
    [-0, -0],
    [3, NaN, Infinity],
    [3, -Infinity],
    [Infinity, -Infinity],
    Array.from({ length: 300 }, () => 1e150),
  );
  for (const fullVectors of [false, true]) {
    for (const v of vectors) {
      const vec = makeVector(column(new FixedSizeList(v.length, new Field('item', new Float64(), true)), [v]));
      const opts = { ...DEFAULT_ENCODE, fullVectors };
      assert.deepStrictEqual(encodeCell(vec, 0, opts), referenceVectorCell(v, fullVectors), `dim ${v.length}: ${v.slice(0, 4).join(', ')}…`);
      assert.deepStrictEqual(columnEncoder(vec, opts)(0), referenceVectorCell(v, fullVectors));
    }
  }
});
