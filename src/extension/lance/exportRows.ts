// Export the rows a filter selects (and the chosen columns) to JSON Lines or CSV, streaming: the engine
// hands over small batches, each batch is turned into text and written before the next is read, so a
// 50,000-image export never holds more than one batch of images.
//
// How values are written (JSON Lines; CSV writes the same values, nested ones as JSON text):
//   ints          numbers; int64/uint64 beyond 2^53 as decimal strings (exact)
//   floats        numbers (Float32 with ≤ 9 digits that read back to the same float32: 0.1, not 0.10000000149…);
//                 NaN and ±Infinity, which JSON cannot hold, as the strings "NaN", "Infinity", "-Infinity"
//                 (CSV: that text); -0 as 0 (JSON.stringify writes it so, and -0 == 0). "Copy as JSON" writes
//                 the same (shared/floats.ts jsonFloat). Nothing is capped here: strings, lists and vectors
//                 are written whole (the caps of pages, cells.ts, are for the webviews only)
//   decimals      exact decimal text, e.g. "123.45"
//   timestamps    ISO 8601 with every digit of the column's unit ("2024-02-29T12:34:56.123456Z");
//                 zone-less timestamps without the "Z"; dates "YYYY-MM-DD"; times "HH:MM:SS[.fff]";
//                 durations as an integer count of the column's unit
//   vectors/lists arrays with every value; structs objects; maps objects keyed by the key's text
//   binaries      with `imagesDir`, a cell sniffed as an image is written to
//                 `<imagesDir>/<id or rowid>[_<column>].<ext>` and the record holds that path relative to
//                 the output file's folder. Any other binary cell is, by `binaries`:
//                   'summary' (default) {"size": n, "media": "image/png"} — the bytes are left out
//                   'base64'            the bytes as a base64 string
//   unreadable    columns the reader cannot decode (see columns.ts) are written as null
// CSV follows RFC 4180: a header row, CRLF line ends, fields holding `"`, `,`, CR or LF quoted with
// `"` doubled; null is an empty field and the empty string is `""`. Text that a spreadsheet would run
// as a formula (a cell beginning with =, +, -, @, tab or carriage return, or their full-width forms;
// OWASP's CSV injection guidance) is written with a single quote in front (`'=1+2`), as spreadsheet
// programs expect; numbers are not text and stay as they are (-1.5, and int64/decimal/NaN/duration/date
// values written as strings), so only text columns, binaries as base64, image paths and the header are
// neutralised.
//
// Column names are keys like any other: `__proto__`, `constructor` or `toString` are exported as
// columns (records and projections are null-prototype objects).
//
// Cancelling stops after the current batch and returns what was written (the file then holds those
// rows: the caller says so). A failure removes the partial output file.
import * as fs from 'fs';
import * as path from 'path';
import { DataType, Decimal, Precision, RecordBatch, Type, Vector } from 'apache-arrow';
import type { LanceDataset } from './dataset';
import { selectFor } from './columns';
import { classify, LanceError } from './errors';
import { sniffImage } from '../../shared/sniff';
import { raw, timestampText } from './arrowValues';
import { viewBatches } from './viewBatches';
import type { SortKey, TextQuery } from '../../shared/types';

export interface ExportOptions {
  filter?: string;
  /** Write the rows in this order (the view's sort); table order when undefined. */
  sort?: SortKey[];
  /** Write a text search's matches (relevance order) instead. */
  search?: TextQuery;
  /** Write a kept row set's rows (in its order, or the sort's; the filter applies within it) instead. */
  rowSet?: string;
  /** Columns to write, in this order; all when undefined. */
  columns?: string[];
  format: 'jsonl' | 'csv';
  /** Absolute path of the file to write (replaced if it exists). */
  outFile: string;
  /** Write image cells as files here (created if missing) and put their relative paths in the rows. */
  imagesDir?: string;
  /** Binary cells not written as image files: a {size, media} summary (default) or base64 text. */
  binaries?: 'summary' | 'base64';
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
}

export interface ExportResult {
  rows: number;
  /** Bytes written to outFile (image files not included). */
  bytes: number;
  imagesWritten: number;
  /** True when stopped by the signal: the file holds `rows` rows. */
  cancelled: boolean;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * Rows per engine batch. Each batch costs the engine a few ms whatever its size (64-row batches made
 * a 50,000-image scan 3× slower than 256-row ones), and 256 images of ≈100 KB are still only ~25 MB.
 */
const BATCH_ROWS = 256;
const ROW_ID = '_rowid';
/** The key column's projected name when `id` is not exported itself. */
const KEY = '__li_key';
const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/bmp': 'bmp' };

export async function exportRows(ds: LanceDataset, opts: ExportOptions): Promise<ExportResult> {
  const plan = await ds.columnPlan();
  const columns = opts.columns ?? plan.names;
  const missing = columns.filter((c) => !plan.names.includes(c));
  if (missing.length) throw new LanceError('not-found', `No column named ${missing.map((c) => `"${c}"`).join(', ')} in this dataset.`);
  const filter = opts.filter?.trim() || undefined;
  const total = await ds.count(filter, undefined, opts.rowSet);

  // Every readable column by its plan expression (decimal and LargeList casts), plus `id` to name image files.
  // selectFor: a null-prototype record (a column named `__proto__` is a key, not the prototype) of bare
  // names where no cast is needed (quoted expressions make a wide table's projection slow to plan).
  const select = selectFor(plan, columns);
  const keyCol = columns.includes('id') ? 'id' : plan.names.includes('id') && opts.imagesDir ? KEY : undefined;
  if (keyCol === KEY) select[KEY] = 'id';
  if (!Object.keys(select).length) throw new LanceError('not-found', 'None of the chosen columns can be read.');

  if (opts.imagesDir) await fs.promises.mkdir(opts.imagesDir, { recursive: true }).catch((err) => Promise.reject(fsError(err, opts.imagesDir!)));

  // A file handle, awaited write by write: natural backpressure, and an unwritable path is a rejection
  // here rather than a stream 'error' event that could go unhandled.
  let out: fs.promises.FileHandle;
  try {
    out = await fs.promises.open(opts.outFile, 'w');
  } catch (err) {
    throw fsError(err, opts.outFile);
  }
  const images = new ImageWriter(opts.imagesDir, path.dirname(opts.outFile));
  const res: ExportResult = { rows: 0, bytes: 0, imagesWritten: 0, cancelled: false };
  const write = async (text: string) => {
    const buf = Buffer.from(text);
    await out.write(buf, 0, buf.length);
    res.bytes += buf.length;
  };
  try {
    if (opts.format === 'csv') await write(columns.map((c) => csvField(neutralizeFormula(c))).join(',') + '\r\n');
    for await (const batch of viewBatches(ds, { select, filter, sort: opts.sort, search: opts.search, rowSet: opts.rowSet, withRowId: true, batchRows: BATCH_ROWS })) {
      const lines = await encodeBatch(batch, columns, keyCol, images, opts);
      await write(lines);
      res.rows += batch.numRows;
      opts.progress?.(res.rows, Math.max(total, res.rows));
      if (opts.signal?.aborted) {
        res.cancelled = true;
        break;
      }
    }
    await out.close();
  } catch (err) {
    await out.close().catch(() => undefined);
    await fs.promises.rm(opts.outFile, { force: true });
    // Node's own errors carry E-codes (the engine's say GenericFailure). The filter was already
    // checked by the count above, so an engine error here is not the filter's fault.
    if (/^E[A-Z]+$/.test(String((err as NodeJS.ErrnoException).code))) throw fsError(err, opts.outFile);
    throw classify(err);
  }
  res.imagesWritten = images.written;
  return res;
}

/** A file-system failure while writing the export (not the dataset's fault, so not classify()'s wording). */
function fsError(err: unknown, file: string): LanceError {
  return new LanceError('io', `Could not write ${file}: ${(err as Error).message}`, String((err as Error).message));
}

/** One batch as text: JSON Lines or CSV rows. Image files are written on the way (in parallel). */
async function encodeBatch(batch: RecordBatch, columns: string[], keyCol: string | undefined, images: ImageWriter, opts: ExportOptions): Promise<string> {
  const vecs: (Vector<DataType> | null)[] = columns.map((c) => batch.getChild(c));
  const binaryCols = columns.filter((_, j) => vecs[j] && isBinary(vecs[j].type));
  // CSV: which columns' strings are text a spreadsheet could run (not numbers or dates written as strings).
  const textCols = vecs.map((v) => !v || !isNumericLike(v.type));
  const rowIds = batch.getChild(ROW_ID)!;
  const key = keyCol ? batch.getChild(keyCol) : null;
  const pending: Promise<void>[] = [];
  let text = '';
  for (let i = 0; i < batch.numRows; i++) {
    const rowKey = fileKey(key?.isValid(i) ? key.get(i) : undefined, rowIds.get(i) as bigint);
    const values = columns.map((c, j): Json => {
      const v = vecs[j];
      if (!v || !v.isValid(i)) return null;
      if (opts.imagesDir && isBinary(v.type)) {
        const bytes = v.get(i) as Uint8Array;
        const media = sniffImage(bytes);
        if (media && EXT[media]) {
          const suffix = binaryCols.length > 1 ? `_${c.replace(/[^A-Za-z0-9_.-]/g, '_')}` : '';
          const { relative, done } = images.write(`${rowKey}${suffix}`, EXT[media], bytes, rowIds.get(i) as bigint);
          pending.push(done);
          return relative;
        }
      }
      return toJson(v, i, opts.binaries ?? 'summary');
    });
    if (opts.format === 'jsonl') {
      const obj = Object.create(null) as Record<string, Json>; // a column may be called __proto__
      columns.forEach((c, j) => (obj[c] = values[j]));
      text += JSON.stringify(obj) + '\n';
    } else {
      text +=
        values.map((x, j) => csvField(x === null ? null : typeof x === 'object' ? JSON.stringify(x) : typeof x === 'string' && textCols[j] ? neutralizeFormula(x) : x)).join(',') +
        '\r\n';
    }
  }
  await Promise.all(pending);
  return text;
}

/** A row's image file name stem: its `id` when that is a plain integer or word, else the engine row id. */
function fileKey(id: unknown, rowId: bigint): string {
  if (typeof id === 'bigint' || (typeof id === 'number' && Number.isInteger(id))) return String(id);
  if (typeof id === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(id) && !/^\.+$/.test(id)) return id;
  return `row${rowId}`;
}

/** Writes image files, never the same name twice in one export (duplicate ids get the row id appended). */
class ImageWriter {
  written = 0;
  private readonly used = new Set<string>();
  constructor(
    private readonly dir: string | undefined,
    private readonly base: string,
  ) {}

  write(stem: string, ext: string, bytes: Uint8Array, rowId: bigint): { relative: string; done: Promise<void> } {
    let name = `${stem}.${ext}`;
    // Lower-cased: ids "A" and "a" are one file on case-insensitive disks (macOS, Windows).
    if (this.used.has(name.toLowerCase())) name = `${stem}-row${rowId}.${ext}`;
    this.used.add(name.toLowerCase());
    const file = path.join(this.dir!, name);
    // The bytes are a view into the batch: written before the batch is dropped (the caller awaits `done`).
    const done = fs.promises.writeFile(file, bytes).then(() => void this.written++);
    return { relative: path.relative(this.base, file).split(path.sep).join('/'), done };
  }
}

/** RFC 4180 field: quoted when it holds a quote, comma, CR or LF (and the empty string, to tell it from null). */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return s === '' || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Cells a spreadsheet runs as a formula begin with one of these (OWASP CSV injection; full-width forms too). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Text that would start a formula, with a single quote in front (what spreadsheet programs take as "text"). */
export function neutralizeFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/**
 * Types whose exported strings are numbers or dates we wrote ourselves (int64 past 2^53, decimals,
 * "NaN"/"-Infinity", durations, ISO dates): never neutralised, so -5 or -1.5 stays a number.
 */
function isNumericLike(t: DataType): boolean {
  switch (t.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Duration:
    case Type.Timestamp:
    case Type.Date:
    case Type.Time:
    case Type.Bool:
      return true;
    case Type.Dictionary:
      return isNumericLike((t as unknown as { dictionary: DataType }).dictionary);
    default:
      return false;
  }
}

function isBinary(t: DataType): boolean {
  return t.typeId === Type.Binary || t.typeId === Type.LargeBinary || t.typeId === Type.FixedSizeBinary;
}

// ---------------------------------------------------------------------------------------------
// Arrow value → JSON

/** One cell as JSON (see the header for the rules). Exported for tests and "copy as JSON". */
export function toJson(v: Vector, i: number, binaries: 'summary' | 'base64' = 'summary'): Json {
  if (!v.isValid(i)) return null;
  const t = v.type as DataType;
  switch (t.typeId) {
    case Type.Int: {
      const x = v.get(i) as number | bigint;
      return typeof x === 'bigint' ? bigintJson(x) : x;
    }
    case Type.Float: {
      const x = v.get(i) as number;
      if (!Number.isFinite(x)) return String(x);
      return (t as unknown as { precision: Precision }).precision === Precision.SINGLE ? float32Json(x) : x;
    }
    case Type.Bool:
      return Boolean(v.get(i));
    case Type.Utf8:
    case Type.LargeUtf8:
      return String(v.get(i));
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary: {
      const b = v.get(i) as Uint8Array;
      if (binaries === 'base64') return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
      const media = sniffImage(b);
      return { size: b.byteLength, ...(media ? { media } : {}) };
    }
    case Type.Decimal:
      return decimalText(v, i, t as Decimal);
    case Type.Timestamp:
      return timestampText(BigInt(raw(v, i)), (t as unknown as { unit: number }).unit, !!(t as unknown as { timezone?: string }).timezone);
    case Type.Date: {
      const unit = (t as unknown as { unit: number }).unit; // 0 DAY, 1 MILLISECOND
      const ms = unit === 0 ? BigInt(raw(v, i)) * 86_400_000n : BigInt(raw(v, i));
      const iso = timestampText(ms, 1, true);
      return ms % 86_400_000n === 0n ? iso.slice(0, 10) : iso;
    }
    case Type.Time:
      return timestampText(BigInt(raw(v, i)), (t as unknown as { unit: number }).unit, false).slice(11);
    case Type.Duration:
      return bigintJson(BigInt(raw(v, i)));
    case Type.List:
    case Type.FixedSizeList: {
      const items = v.get(i) as Vector;
      const fast = floatItems(items);
      if (fast) return fast;
      const out: Json[] = [];
      for (let k = 0; k < items.length; k++) out.push(toJson(items, k, binaries));
      return out;
    }
    case Type.Struct: {
      const obj: Record<string, Json> = {};
      t.children.forEach((f, j) => setOwn(obj, f.name, toJson(v.getChildAt(j)!, i, binaries)));
      return obj;
    }
    case Type.Map: {
      const obj: Record<string, Json> = {};
      const row = v.get(i) as unknown as Iterable<[unknown, unknown]>;
      for (const [k, val] of row) setOwn(obj, String(k), scalarJson(val));
      return obj;
    }
    case Type.Dictionary:
      return scalarJson(v.get(i));
    case Type.Null:
      return null;
    default:
      return String(v.get(i));
  }
}

/** obj[key] = value as an own key even for "__proto__" (an assignment would set the prototype instead). */
function setOwn(obj: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Vectors (lists of Float32/Float64 without nulls) straight from the typed array: no per-item Arrow
 * accessor, which makes a 512-d embedding several times cheaper to write.
 */
function floatItems(items: Vector): Json[] | undefined {
  const t = items.type as DataType;
  if (t.typeId !== Type.Float || items.nullCount > 0) return undefined;
  const precision = (t as unknown as { precision: Precision }).precision;
  if (precision === Precision.HALF) return undefined; // typed array holds raw half-float bits
  const arr = items.toArray() as Float32Array | Float64Array;
  const out = new Array<Json>(arr.length);
  for (let k = 0; k < arr.length; k++) {
    const x = arr[k];
    out[k] = !Number.isFinite(x) ? String(x) : precision === Precision.SINGLE ? float32Json(x) : x;
  }
  return out;
}

/** Powers of ten that are exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A float32 read into a double prints 0.1 as 0.10000000149011612. Written instead: the first of 6–9
 * significant digits that reads back to the same float32 (9 always does), so 0.1 stays 0.1.
 * `toPrecision` costs ~1 µs, too slow for 25 M embedding values; rounding with an exact power of ten
 * and one correctly rounded IEEE division gives the double nearest that decimal, which prints as it.
 * Every candidate is checked with Math.fround, so a rounding slip only costs a digit, never exactness.
 */
export function float32Json(x: number): number {
  if (x === 0) return 0;
  const e = Math.floor(Math.log10(Math.abs(x)));
  for (let p = 6; p < 9; p++) {
    const k = p - 1 - e;
    let y: number;
    if (k >= 0 && k <= 22) y = Math.round(x * POW10[k]) / POW10[k];
    else if (k < 0 && k >= -22) y = Math.round(x / POW10[-k]) * POW10[-k];
    else break;
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}

function bigintJson(x: bigint): number | string {
  return x <= BigInt(Number.MAX_SAFE_INTEGER) && x >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(x) : x.toString();
}

/** Map values and dictionary values arrive already decoded by arrow-js. */
function scalarJson(x: unknown): Json {
  if (x === null || x === undefined) return null;
  if (typeof x === 'bigint') return bigintJson(x);
  if (typeof x === 'number') return Number.isFinite(x) ? x : String(x);
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (x instanceof Uint8Array) return { size: x.byteLength };
  if (x instanceof Date) return x.toISOString();
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Arrow values (decimals, intervals) carry their own toString(); the types say unknown
  return String(x);
}

/** Exact text of a Decimal128/256 cell from its two's-complement words (arrow-js only yields the unscaled value). */
function decimalText(v: Vector, i: number, t: Decimal): string {
  const words = t.bitWidth / 32;
  let j = i;
  for (const d of v.data) {
    if (j >= d.length) {
      j -= d.length;
      continue;
    }
    const vals = d.values as unknown as Uint32Array;
    const at = (d.offset + j) * words;
    let n = 0n;
    for (let w = words - 1; w >= 0; w--) n = (n << 32n) | BigInt(vals[at + w]);
    n = BigInt.asIntN(t.bitWidth, n);
    const neg = n < 0n;
    let s = (neg ? -n : n).toString();
    if (t.scale > 0) {
      s = s.padStart(t.scale + 1, '0');
      s = `${s.slice(0, -t.scale)}.${s.slice(-t.scale)}`;
    } else if (t.scale < 0) s += '0'.repeat(-t.scale);
    return (neg ? '-' : '') + s;
  }
  throw new RangeError(`row ${i} out of range`);
}
