// Column statistics and value counts, computed by streaming ONE column (or one cheap expression over
// it) through the engine in large batches. Nothing else is read: a stats request on `label` of an
// image dataset never touches the image bytes, and a stats request on `image` reads only the sizes.
//
// What is computed depends on the column's Arrow type:
//   ints, floats      nulls, min/max/mean (int64 exact: a number when safe, else a decimal string;
//                     ±Infinity and -0 as { t: 'float' }, NaN counted in `nans`, outside min/max/mean),
//                     distinct count, top-K (NaN, -0 and +0 are values of their own, as the engine's
//                     `=` tells them apart: it compares floats by their total order)
//   decimals          as floats (through a Float64 cast), min/max shown as the exact decimal text
//   strings, bools,   nulls, distinct count, top-K
//   dictionaries
//   dates, times      nulls, min/max as display text (ISO dates/timestamps), distinct count
//   binaries          nulls, byte-size min/max/mean (image sizes), no value counts
//   everything else   nulls only (vectors, lists, structs, maps, LargeList): read as `col IS NULL`,
//                     so only one boolean per row crosses from Rust
// Distinct counting stops admitting new values past DISTINCT_CAP (then `distinctCapped` and no
// top-K: counts of values first seen after the cap would be missing, so a top-K would lie).
// A top-K value whose shown value is not exact carries `exact` (int64 beyond 2^53, NaN / ±Infinity / -0,
// a long string shown shortened, with its length and MD5), so a bar filters on the value, not the text.
import * as crypto from 'crypto';
import { kindOf as fieldKind } from './schema';
import { DataType, Field, Float, Precision, RecordBatch, Type, Vector } from 'apache-arrow';
import type { ColumnStats, ExactValue } from '../../shared/types';
import { fromWire, toWire } from '../../shared/floats';
import { encodeCell } from './cells';
import { quoteIdent } from './columns';
import type { Table } from './engine';
import { classify, LanceError } from './errors';
import { typeName } from './schema';
import { streamBatches } from './stream';

export interface ColumnStatsOptions {
  filter?: string;
  topK: number;
  /** Rows the filter matches (for progress). */
  total: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  timeoutMs?: number;
}

/** Exact distinct counting stops admitting new values here (memory stays bounded). */
export const DISTINCT_CAP = 10_000;
/** distinctValues() keeps at most this many values (a class picker never needs more). */
const DISTINCT_VALUES_CAP = 100_000;
/**
 * Rows per batch for small values. Binaries stream in smaller batches so a batch of images stays
 * ~25 MB; not smaller, as each batch costs the engine a few ms (64-row batches: 3× slower on 50,000 images).
 */
const BATCH_ROWS = 4096;
const BINARY_BATCH_ROWS = 256;
/**
 * Rows per batch for numbers (≤ 8 bytes each, so ≤ 1 MB a batch): statistics of an int32 column of a
 * million rows took 80 ms in 8,192-row batches and 42 ms in 131,072-row ones (per-batch engine cost).
 */
const NUMBER_BATCH_ROWS = 131_072;
/** Strings longer than this are counted by hash (a 20 KB text must not be kept 10,000 times). */
const LONG_STRING = 512;

type Value = string | number | boolean;
/** A counted value as reported: what is shown, and the exact value when that is not it. */
type TopValue = { value: Value; count: number; exact?: ExactValue };
type Kind = 'int' | 'float' | 'decimal' | 'category' | 'temporal' | 'binary' | 'nulls-only';

/** The projected names: never clash with user columns, and not a valid SQL column reference by chance. */
const V = '__li_v';
const F = '__li_f';

export async function computeColumnStats(table: Table, column: string, opts: ColumnStatsOptions): Promise<ColumnStats> {
  const field = await fieldOf(table, column);
  const kind = field ? kindOf(field.type) : 'nulls-only';
  const stats: ColumnStats = { column, type: field ? typeName(field.type) : 'LargeList', rows: 0, nulls: 0, partial: false };
  const col = quoteIdent(column);

  if (kind === 'nulls-only') return nullsOnly(table, col, field, stats, opts);

  const select: Record<string, string> = kind === 'decimal' ? { [V]: `arrow_cast(${col}, 'Utf8')`, [F]: `arrow_cast(${col}, 'Float64')` } : { [V]: col };
  const acc = new Accumulator(kind, field!.type);
  const batchRows = kind === 'binary' ? BINARY_BATCH_ROWS : kind === 'int' || kind === 'float' ? NUMBER_BATCH_ROWS : BATCH_ROWS;
  stats.partial = await scan(table, select, opts, batchRows, (batch) => {
    acc.add(batch.getChild(V)!, batch.getChild(F) ?? undefined);
    stats.rows += batch.numRows;
  });
  return acc.finish(stats, opts.topK);
}

/**
 * A column's values with their counts, most frequent first (ties: by value), at most `limit`.
 * Used to filter by class on `label_name`. Cancelling throws: a partial count would mislead a picker.
 */
export async function distinctValues(table: Table, column: string, limit: number, signal?: AbortSignal): Promise<TopValue[]> {
  const field = await fieldOf(table, column);
  const kind = field ? kindOf(field.type) : 'nulls-only';
  if (kind === 'binary' || kind === 'nulls-only')
    throw new LanceError('unsupported-type', `Column "${column}" holds ${field ? typeName(field.type) : 'unreadable'} values, which cannot be listed as distinct values.`);
  const col = quoteIdent(column);
  const select = kind === 'decimal' ? { [V]: `arrow_cast(${col}, 'Utf8')` } : { [V]: col };
  const counts = new Counter(DISTINCT_VALUES_CAP, kind === 'int');
  const cancelled = await scan(table, select, { signal }, BATCH_ROWS, (batch) => {
    const v = batch.getChild(V)!;
    for (let i = 0; i < v.length; i++) if (v.isValid(i)) counts.add(valueOf(v, i, field!.type));
  });
  if (cancelled) throw new LanceError('cancelled', 'Cancelled.');
  return counts.top(limit);
}

// ---------------------------------------------------------------------------------------------

/** The column's Arrow field, or undefined when arrow-js cannot decode its type (LargeList). */
async function fieldOf(table: Table, column: string): Promise<Field<DataType> | undefined> {
  let fields: Field<DataType>[];
  try {
    fields = (await table.schema()).fields as Field<DataType>[];
  } catch (err) {
    if (classify(err).kind !== 'unsupported-type') throw classify(err);
    // Another column breaks the whole schema (LargeList): ask for this column alone.
    try {
      for await (const b of streamBatches(table.query().select([column]).limit(1), { maxBatchLength: 1 })) return b.schema.fields[0];
      return undefined;
    } catch (e) {
      if (classify(e).kind === 'unsupported-type') return undefined;
      throw classify(e);
    }
  }
  const f = fields.find((x) => x.name === column);
  if (!f) throw new LanceError('not-found', `No column named "${column}" in this dataset.`);
  return f;
}

/** How a column is summarised, from the schema's own classification of its type. */
function kindOf(t: DataType): Kind {
  const k = fieldKind(t);
  switch (k) {
    case 'int':
    case 'float':
    case 'decimal':
    case 'temporal':
    case 'binary':
      return k === 'temporal' && t.typeId === Type.Interval ? 'nulls-only' : k;
    case 'string':
    case 'bool':
    case 'dictionary':
      return 'category';
    default:
      return 'nulls-only';
  }
}

/**
 * Nulls of a column whose values are not looked at. A NOT NULL column has none and is not read at
 * all (the engine even refuses `col IS NULL` there: it folds to a constant and the scan has no column).
 */
async function nullsOnly(table: Table, col: string, field: Field | undefined, stats: ColumnStats, opts: ColumnStatsOptions): Promise<ColumnStats> {
  if (field && !field.nullable) {
    opts.progress?.(opts.total, opts.total);
    return { ...stats, rows: opts.total };
  }
  try {
    stats.partial = await scan(table, { [V]: `${col} IS NULL` }, opts, BATCH_ROWS, (batch) => {
      const v = batch.getChild(V)!;
      stats.rows += batch.numRows;
      for (let i = 0; i < v.length; i++) if (v.get(i)) stats.nulls++;
    });
  } catch (err) {
    if (!/at least one column/i.test(String((err as LanceError).detail ?? err))) throw err;
    return { ...stats, rows: opts.total };
  }
  return stats;
}

/**
 * Streams `select` over the rows the filter matches. Returns true when cancelled (the scan stops:
 * leaving the async iterator early ends the engine's stream).
 */
async function scan(
  table: Table,
  select: Record<string, string>,
  opts: { filter?: string; signal?: AbortSignal; progress?: (done: number, total: number) => void; total?: number; timeoutMs?: number },
  batchRows: number,
  onBatch: (batch: RecordBatch) => void,
): Promise<boolean> {
  if (opts.signal?.aborted) return true;
  const q = table.query().select(select);
  if (opts.filter) q.where(opts.filter);
  let done = 0;
  try {
    for await (const batch of streamBatches(q, { maxBatchLength: batchRows, timeoutMs: opts.timeoutMs })) {
      onBatch(batch);
      done += batch.numRows;
      opts.progress?.(done, Math.max(done, opts.total ?? done));
      if (opts.signal?.aborted) return true;
    }
  } catch (err) {
    throw classify(err, undefined, opts.filter && !(err instanceof LanceError) && !/at least one column/i.test(String(err)) ? 'filter' : undefined);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

/**
 * Value counts with a cap on how many distinct values are admitted. Plain values are Map keys as they
 * are (NaN is one key); -0 and long strings (by the MD5 of their UTF-8 bytes, which the engine's
 * `md5()` gives too) are kept apart from them, so no user value can collide with a hash or with -0.
 */
class Counter {
  private readonly counts = new Map<Value, number>();
  private readonly longs = new Map<string, { head: string; length: number; count: number }>();
  private negZero = 0;
  capped = false;
  /** `ints`: decimal-string values are int64 beyond 2^53 (their exact value is that integer). */
  constructor(
    private readonly cap: number,
    private readonly ints = false,
  ) {}

  get size(): number {
    return this.counts.size + this.longs.size + (this.negZero ? 1 : 0);
  }

  /** `n` occurrences of a plain number (not -0, not NaN) at once: what add() would make of them. */
  addNumber(v: number, n: number): void {
    const c = this.counts.get(v);
    if (c !== undefined) this.counts.set(v, c + n);
    else if (this.size < this.cap) this.counts.set(v, n);
    else this.capped = true;
  }

  add(v: Value): void {
    if (typeof v === 'string' && v.length > LONG_STRING) {
      const md5 = crypto.createHash('md5').update(v, 'utf8').digest('hex');
      const e = this.longs.get(md5);
      if (e) e.count++;
      else if (this.size < this.cap) this.longs.set(md5, { head: v.slice(0, LONG_STRING), length: v.length, count: 1 });
      else this.capped = true;
      return;
    }
    if (v === 0 && Object.is(v, -0)) {
      if (this.negZero || this.size < this.cap) this.negZero++;
      else this.capped = true;
      return;
    }
    const n = this.counts.get(v);
    if (n !== undefined) this.counts.set(v, n + 1);
    else if (this.size < this.cap) this.counts.set(v, 1);
    else this.capped = true;
  }

  top(k: number): TopValue[] {
    const entries: TopValue[] = [...this.counts.entries()].map(([value, count]) => this.entry(value, count));
    for (const [md5, e] of this.longs) entries.push({ value: e.head + '…', count: e.count, exact: { t: 'str', v: e.head, length: e.length, md5 } });
    if (this.negZero) entries.push({ value: '-0', count: this.negZero, exact: { t: 'float', v: '-0' } });
    entries.sort((a, b) => b.count - a.count || compareEntries(a, b));
    return entries.slice(0, Math.max(0, k));
  }

  private entry(value: Value, count: number): TopValue {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      const w = toWire(value) as 'NaN' | 'Infinity' | '-Infinity';
      return { value: w, count, exact: { t: 'float', v: w } };
    }
    if (this.ints && typeof value === 'string') return { value, count, exact: { t: 'i64', v: value } };
    return { value, count };
  }
}

/** Ties in order of value: floats by their total order (−∞ … −0, 0 … +∞, NaN last), the rest as before. */
function compareEntries(a: TopValue, b: TopValue): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) {
    if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
    return x < y || (x === y && Object.is(x, -0) && !Object.is(y, -0)) ? -1 : x > y || (x === y && Object.is(y, -0) && !Object.is(x, -0)) ? 1 : 0;
  }
  return compareValues(a.value, b.value);
}

function numeric(e: TopValue): number | undefined {
  if (e.exact?.t === 'float') return fromWire(e.exact.v);
  return typeof e.value === 'number' && !e.exact ? e.value : undefined;
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  return String(a) < String(b) ? -1 : 1;
}

/** One value as it is counted and shown: int64 as a number when exact, else its decimal text. */
function valueOf(v: Vector, i: number, t: DataType): Value {
  const x = v.get(i) as unknown;
  if (typeof x === 'bigint') return toNumberOrString(x);
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string') {
    if (t.typeId === Type.Date || t.typeId === Type.Timestamp || t.typeId === Type.Time || t.typeId === Type.Duration) return temporalText(v, i);
    return x;
  }
  if (x instanceof Date) return temporalText(v, i);
  return String(x);
}

/** Int types whose values arrow-js gives as plain numbers (Int8 … Int32, Uint8 … Uint32). */
function smallInts(t: DataType): boolean {
  return t.typeId === Type.Int && (t as unknown as { bitWidth: number }).bitWidth <= 32;
}

function toNumberOrString(x: bigint): number | string {
  return x <= BigInt(Number.MAX_SAFE_INTEGER) && x >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(x) : x.toString();
}

function temporalText(v: Vector, i: number): string {
  const c = encodeCell(v, i);
  return c && typeof c === 'object' && 't' in c && c.t === 'time' ? c.v : String(v.get(i));
}

/** a < b, with -0 below +0 (the engine orders floats by their total order). */
function below(a: number | bigint, b: number | bigint): boolean {
  return a < b || (a === 0 && b === 0 && Object.is(a, -0) && !Object.is(b, -0));
}

/** Everything one pass gathers; `finish` turns it into ColumnStats. */
class Accumulator {
  private nulls = 0;
  private count = 0; // non-null values that took part in min/max
  private sum = 0;
  /** Running mean of the finite doubles: the mean when their sum overflows (values near ±1.8e308). */
  private runMean = 0;
  private bigSum = 0n;
  private meanCount = 0;
  private nans = 0;
  private min: number | bigint | undefined;
  private max: number | bigint | undefined;
  /** Display text for the extremes (decimals, temporals). */
  private minText: string | undefined;
  private maxText: string | undefined;
  private readonly counter: Counter | undefined;

  constructor(
    private readonly kind: Exclude<Kind, 'nulls-only'>,
    private readonly type: DataType,
  ) {
    this.counter = kind === 'binary' ? undefined : new Counter(DISTINCT_CAP, kind === 'int');
  }

  add(v: Vector, f?: Vector): void {
    const n = v.length;
    const hasNulls = v.nullCount > 0;
    if (this.kind === 'int' && smallInts(this.type)) return this.addSmallInts(v);
    switch (this.kind) {
      case 'int':
      case 'float': {
        // Float16 typed arrays hold raw half-float bits: read those through get().
        const half = this.type.typeId === Type.Float && (this.type as Float).precision === Precision.HALF;
        const raw = half ? undefined : (v.toArray() as ArrayLike<number | bigint>);
        for (let i = 0; i < n; i++) {
          if (hasNulls && !v.isValid(i)) {
            this.nulls++;
            continue;
          }
          const x = raw ? raw[i] : (v.get(i) as number);
          this.number(x);
          this.counter!.add(typeof x === 'bigint' ? toNumberOrString(x) : x);
        }
        return;
      }
      case 'decimal':
        for (let i = 0; i < n; i++) {
          if (!v.isValid(i)) {
            this.nulls++;
            continue;
          }
          const text = v.get(i) as string;
          const x = f!.get(i) as number;
          if (this.min === undefined || x < (this.min as number)) this.minText = text;
          if (this.max === undefined || x > (this.max as number)) this.maxText = text;
          this.number(x);
          this.counter!.add(text);
        }
        return;
      case 'category':
        for (let i = 0; i < n; i++) {
          if (hasNulls && !v.isValid(i)) this.nulls++;
          else this.counter!.add(valueOf(v, i, this.type));
        }
        return;
      case 'temporal':
        for (let i = 0; i < n; i++) {
          if (hasNulls && !v.isValid(i)) {
            this.nulls++;
            continue;
          }
          const raw = v.get(i) as number | bigint | Date;
          const x = raw instanceof Date ? raw.getTime() : raw;
          const text = temporalText(v, i);
          if (this.min === undefined || x < this.min) [this.min, this.minText] = [x, text];
          if (this.max === undefined || x > this.max) [this.max, this.maxText] = [x, text];
          this.count++;
          this.counter!.add(text);
        }
        return;
      case 'binary':
        for (let i = 0; i < n; i++) {
          if (hasNulls && !v.isValid(i)) this.nulls++;
          // get() returns a view into the batch: no bytes are copied to measure it.
          else this.number((v.get(i) as Uint8Array).byteLength);
        }
        return;
    }
  }

  /**
   * Ints of up to 32 bits (never NaN, -0 or bigint): straight over the typed arrays, counting into a Map
   * per chunk that is merged into the counter in order of first appearance, which admits the same values
   * under the distinct cap as counting one by one. Half the time of add()'s per-value path on a million rows.
   */
  private addSmallInts(v: Vector): void {
    for (const d of v.data) {
      // A sliced Data's values start at its first value already (its offset is for the null bitmap).
      const values = d.values as ArrayLike<number>;
      const checkNulls = d.nullCount > 0;
      const counts = new Map<number, number>();
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      let n = 0;
      for (let i = 0; i < d.length; i++) {
        if (checkNulls && !d.getValid(i)) continue;
        const x = values[i];
        if (x < min) min = x;
        if (x > max) max = x;
        sum += x;
        n++;
        counts.set(x, (counts.get(x) ?? 0) + 1);
      }
      this.nulls += d.length - n;
      if (!n) continue;
      // An int32 sum stays exact in a double up to 2^22 rows a chunk; the running mean is only read when
      // a sum overflows, which ints of 32 bits cannot make.
      this.sum += sum;
      this.meanCount += n;
      this.count += n;
      if (this.min === undefined || min < (this.min as number)) this.min = min;
      if (this.max === undefined || max > (this.max as number)) this.max = max;
      for (const [x, c] of counts) this.counter!.addNumber(x, c);
    }
  }

  private number(x: number | bigint): void {
    if (typeof x === 'bigint') {
      this.bigSum += x;
      this.meanCount++;
    } else {
      if (Number.isNaN(x)) {
        this.nans++; // NaN has no order and no mean: it counts as a value (and in `nans`), nothing more
        return;
      }
      if (Number.isFinite(x)) {
        this.sum += x;
        this.meanCount++;
        this.runMean += x / this.meanCount - this.runMean / this.meanCount;
      }
    }
    if (this.min === undefined || below(x, this.min)) this.min = x;
    if (this.max === undefined || below(this.max, x)) this.max = x;
    this.count++;
  }

  finish(stats: ColumnStats, topK: number): ColumnStats {
    stats.nulls = this.nulls;
    // ±Infinity and -0 as { t: 'float' } (JSON would make them null and 0).
    const out = (x: number | bigint | undefined): ColumnStats['min'] => {
      if (typeof x === 'bigint') return toNumberOrString(x);
      if (x === undefined) return undefined;
      const w = toWire(x);
      return typeof w === 'number' ? w : { t: 'float', v: w };
    };
    if (this.count > 0) {
      if (this.kind === 'decimal' || this.kind === 'temporal') {
        stats.min = this.minText;
        stats.max = this.maxText;
      } else {
        stats.min = out(this.min);
        stats.max = out(this.max);
      }
      if (this.kind !== 'temporal' && this.meanCount > 0) {
        // int64 sums are exact bigints (no overflow), the rest plain doubles; the mean is a double either way.
        const mean = (Number(this.bigSum) + this.sum) / this.meanCount;
        stats.mean = Number.isFinite(mean) ? mean : this.runMean;
      }
    }
    if (this.kind === 'float') stats.nans = this.nans;
    if (this.counter) {
      stats.distinct = this.counter.size;
      if (this.counter.capped) stats.distinctCapped = true;
      else if (this.kind === 'int' || this.kind === 'float' || this.kind === 'category') stats.top = this.counter.top(topK);
    }
    return stats;
  }
}
