// Arrow values → wire cells. Every cell is structured-clone and JSON safe: int64 beyond 2^53 travels as a
// decimal string; NaN, ±Infinity and -0 as text (`{ t: 'float' }`, and inside vectors, see shared/floats.ts);
// binaries carry their size, sniffed media type and first bytes (the bytes themselves only on request, as
// an exact copy so a page never keeps a whole Arrow batch alive); vectors as a summary; long strings and
// lists capped (a string's first characters, its length and MD5; a list's first items and its length).
import * as crypto from 'crypto';
import { DataType, Precision, Type, Vector } from 'apache-arrow';
import { raw, timestampText } from './arrowValues';
import type { Cell, WireFloat } from '../../shared/types';
import { floatCell, fromWire, toWire } from '../../shared/floats';
import { hexHead, sniffImage } from '../../shared/sniff';
import { typeName } from './schema';

export interface EncodeOptions {
  /** Include the bytes of binary cells sniffed as images, up to this many bytes each (0: never). */
  maxImageBytes: number;
  /** Include every value of vectors (the preview's "show all"), not just a summary. */
  fullVectors: boolean;
  /** At most this many list items per cell. */
  maxListItems: number;
  /**
   * Strings longer than this travel as `{ t: 'str' }` with their first characters, length and MD5.
   * Default: PAGE_STRING_CHARS for pages (fullVectors false), FULL_ROW_STRING_CHARS for the preview's full
   * row (fullVectors true). Infinity: never capped (the `cell` request).
   */
  maxStringChars?: number;
  /**
   * List items (and map entries) in one cell at all nesting levels together, so a list of lists cannot
   * multiply (32 lists of 32 lists of 32 …). Default: 8 × maxListItems.
   */
  maxCellItems?: number;
}

export const DEFAULT_ENCODE: EncodeOptions = { maxImageBytes: 0, fullVectors: false, maxListItems: 32 };
/** Characters of a string in a page of rows (the grid, find similar). */
export const PAGE_STRING_CHARS = 2048;
/** Characters of a string in the preview's full row (the whole value comes through the `cell` request). */
export const FULL_ROW_STRING_CHARS = 65_536;
const VECTOR_HEAD = 8;

/** What one cell may still spend on list items (shared by every nesting level of that cell). */
interface Budget {
  items: number;
}

interface Ctx {
  opts: EncodeOptions;
  maxChars: number;
  budget: Budget;
  /** Inside a list, map or struct: the grid shows such binaries as their size, so a page sends no image bytes for them. */
  nested: boolean;
}

/** The context of a list's or map's items: strings there are capped at the page's length (1,000 items of 64 KB
 * would make a 64 MB full row), unless nothing is capped at all (the `cell` request). */
function itemCtx(ctx: Ctx): Ctx {
  return { ...ctx, nested: true, maxChars: ctx.maxChars === Infinity ? Infinity : Math.min(ctx.maxChars, PAGE_STRING_CHARS) };
}

const NO_IMAGES: EncodeOptions = { ...DEFAULT_ENCODE, maxImageBytes: 0 };

/** Characters of a string sent as they are under `opts` (see EncodeOptions.maxStringChars). */
export function stringCharsCap(opts: EncodeOptions): number {
  return opts.maxStringChars ?? (opts.fullVectors ? FULL_ROW_STRING_CHARS : PAGE_STRING_CHARS);
}

export function encodeCell(vec: Vector, i: number, opts: EncodeOptions = DEFAULT_ENCODE): Cell {
  const ctx: Ctx = {
    opts,
    maxChars: stringCharsCap(opts),
    budget: { items: opts.maxCellItems ?? opts.maxListItems * 8 },
    nested: false,
  };
  return encode(vec, i, ctx);
}

/**
 * The real numbers of a vector cell encoded with `fullVectors` (NaN, ±Infinity and -0 restored), or
 * undefined when the cell is not a vector or carries only its first values.
 */
export function vectorValues(cell: Cell): number[] | undefined {
  if (cell === null || typeof cell !== 'object' || cell.t !== 'vec' || !cell.values) return undefined;
  return cell.values.map(fromWire);
}

/** True when any value is NaN or ±Infinity. */
export function hasNonFinite(values: ArrayLike<number>): boolean {
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) return true;
  return false;
}

function encode(vec: Vector, i: number, ctx: Ctx): Cell {
  const opts = ctx.opts;
  if (!vec.isValid(i)) return null;
  const t = vec.type as DataType;
  switch (t.typeId) {
    case Type.Int:
      return intCell(vec.get(i));
    case Type.Float: {
      const x = vec.get(i) as number;
      return floatCell((t as unknown as { precision: Precision }).precision === Precision.SINGLE ? shortestFloat32(x) : x);
    }
    case Type.Bool:
      return Boolean(vec.get(i));
    case Type.Utf8:
    case Type.LargeUtf8: {
      const bytes = utf8Bytes(vec, i);
      return bytes ? utf8Cell(bytes, ctx.maxChars) : textCell(String(vec.get(i)), ctx.maxChars);
    }
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return binaryCell(vec.get(i) as Uint8Array, ctx.nested && !opts.fullVectors ? NO_IMAGES : opts);
    case Type.Dictionary:
      return scalarToCell(vec.get(i), ctx);
    case Type.Decimal:
      // Only reached when a projection did not cast the column to text: the raw value is unscaled.
      return { t: 'unsupported', type: typeName(t), reason: 'decimal values need a text cast' };
    case Type.Timestamp:
      // From the stored integer: get() rounds to float milliseconds (µs lost, extremes overflow).
      return { t: 'time', v: timestampText(BigInt(raw(vec, i)), (t as unknown as { unit: number }).unit, !!(t as unknown as { timezone?: string }).timezone), type: typeName(t) };
    case Type.Date:
    case Type.Time:
    case Type.Duration:
    case Type.Interval:
      return temporalCell(vec.get(i), t);
    case Type.Map: {
      // Shown as a list of {key, value} entries.
      const row = vec.get(i) as Iterable<[unknown, unknown]> & { size?: number };
      const take = spend(ctx, row.size ?? Infinity);
      const inner = itemCtx(ctx);
      const entries: Cell[] = [];
      for (const [k, v] of row) {
        if (entries.length >= take) break;
        entries.push({ t: 'struct', fields: { key: scalarToCell(k, inner), value: scalarToCell(v, inner) } });
      }
      return { t: 'list', length: row.size ?? entries.length, items: entries };
    }
    case Type.FixedSizeList:
    case Type.List: {
      const items = vec.get(i) as Vector;
      const childType = (t.children[0]?.type as DataType | undefined)?.typeId;
      if (t.typeId === Type.FixedSizeList && childType === Type.Float) return vectorCell(items, opts);
      return listCell(items, ctx);
    }
    case Type.Struct: {
      const inner = ctx.nested ? ctx : { ...ctx, nested: true };
      const fields: Record<string, Cell> = {};
      t.children.forEach((f, j) => {
        const child = vec.getChildAt(j);
        // defineProperty: a field called __proto__ is an own key (an assignment would set the prototype).
        Object.defineProperty(fields, f.name, { value: child ? encode(child, i, inner) : null, enumerable: true, writable: true, configurable: true });
      });
      return { t: 'struct', fields };
    }
    case Type.Null:
      return null;
    default:
      return { t: 'unsupported', type: typeName(t), reason: 'this type is not shown yet' };
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** An integer cell: a number while exact, else (beyond 2^53) its decimal text. */
export function intCell(v: unknown): Cell {
  if (typeof v === 'bigint') return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : { t: 'i64', v: v.toString() };
  return v as number;
}

function scalarToCell(v: unknown, ctx: Ctx): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return intCell(v);
  if (typeof v === 'number') return floatCell(v);
  if (typeof v === 'string') return textCell(v, ctx.maxChars);
  if (v instanceof Uint8Array) return binaryCell(v, DEFAULT_ENCODE);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Arrow values (decimals, intervals) carry their own toString(); the types say object
  if (typeof v === 'object') return textCell(String(v), ctx.maxChars);
  return v as Cell;
}

/** How many of `want` list items this cell may still show (and spends them). */
function spend(ctx: Ctx, want: number): number {
  const take = Math.max(0, Math.min(want, ctx.opts.maxListItems, ctx.budget.items));
  ctx.budget.items -= take;
  return take;
}

/** A decoded string, capped. */
export function textCell(s: string, maxChars: number): Cell {
  if (s.length <= maxChars) return s;
  return { t: 'str', v: headChars(s, maxChars), length: s.length, md5: crypto.createHash('md5').update(s, 'utf8').digest('hex') };
}

/** The first `n` UTF-16 code units of `s`, without a lone high surrogate at the end. */
function headChars(s: string, n: number): string {
  let head = s.slice(0, n);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return head;
}

/**
 * A Utf8 / LargeUtf8 cell from its bytes: a long value is never decoded whole (a 20 MB string costs its
 * MD5 and a count of its characters, not a 20 MB JS string).
 */
export function utf8Cell(bytes: Uint8Array, maxChars: number): Cell {
  // Up to maxChars bytes is up to maxChars characters: decode as is (as arrow-js's get() does: the same
  // default TextDecoder, which drops a leading BOM and replaces invalid sequences).
  if (bytes.byteLength <= maxChars) return DECODER.decode(bytes);
  const length = utf16Length(bytes);
  if (length <= maxChars) return DECODER.decode(bytes);
  // maxChars UTF-16 units take at most 3 bytes each; cut at a character boundary.
  let cut = Math.min(bytes.byteLength, maxChars * 3);
  while (cut > 0 && cut < bytes.byteLength && (bytes[cut] & 0xc0) === 0x80) cut--;
  const head = headChars(DECODER.decode(bytes.subarray(0, cut)), maxChars);
  return { t: 'str', v: head, length, md5: crypto.createHash('md5').update(bytes).digest('hex') };
}

const DECODER = new TextDecoder();

/** The UTF-8 bytes of one Utf8 / LargeUtf8 cell, as a view into the batch (undefined when not found). */
function utf8Bytes(vec: Vector, i: number): Uint8Array | undefined {
  let j = i;
  for (const d of vec.data) {
    if (j >= d.length) {
      j -= d.length;
      continue;
    }
    // Offsets of variable-width data are indexed from the data's own start (slices share them).
    const offsets = d.valueOffsets as unknown as ArrayLike<number | bigint> | undefined;
    const values = d.values as unknown as Uint8Array | undefined;
    if (!offsets || !values) return undefined;
    const begin = Number(offsets[j]);
    const end = Number(offsets[j + 1]);
    return values.subarray(begin, end);
  }
  return undefined;
}

/** UTF-16 length of UTF-8 bytes: one unit per character, two for those of 4 bytes (astral planes). */
function utf16Length(b: Uint8Array): number {
  let n = 0;
  let k = 0;
  // Four bytes at a time while they are ASCII (the common case of a huge text); byte by byte otherwise.
  const head = Math.min(b.length, (4 - (b.byteOffset % 4)) % 4);
  for (; k < head; k++) n += utf16Units(b[k]);
  const words = new Uint32Array(b.buffer, b.byteOffset + k, Math.floor((b.length - k) / 4));
  for (let w = 0; w < words.length; w++, k += 4) {
    if ((words[w] & 0x80808080) === 0) n += 4;
    else n += utf16Units(b[k]) + utf16Units(b[k + 1]) + utf16Units(b[k + 2]) + utf16Units(b[k + 3]);
  }
  for (; k < b.length; k++) n += utf16Units(b[k]);
  return n;
}

/** UTF-16 units a UTF-8 byte starts: 0 for a continuation byte, 2 for a 4-byte leader, else 1. */
function utf16Units(x: number): number {
  return (x & 0xc0) === 0x80 ? 0 : x >= 0xf0 ? 2 : 1;
}

export function binaryCell(b: Uint8Array, opts: EncodeOptions): Cell {
  const media = sniffImage(b);
  const cell: Cell = { t: 'bin', size: b.byteLength, head: hexHead(b), ...(media ? { media } : {}) };
  // A view, not a copy: copying a page's images (6 MB on the reference shape) cost a third of a page's
  // time in allocation and garbage collection. A view pins its batch's buffer, which holds only the rows
  // of this page (lancedb decodes each batch from its own copy of the IPC bytes; our batches never hold
  // more rows than the page), and VS Code posts a buffer shared by several views once
  // (serializeWebviewMessage keeps one copy per ArrayBuffer and sends each view's offset and length).
  // Pages asked with thumbnails get them in place of these bytes afterwards (thumbnailCache.withThumbnails).
  if (media && opts.maxImageBytes > 0 && b.byteLength <= opts.maxImageBytes) cell.bytes = b;
  return cell;
}

export function vectorCell(items: Vector, opts: EncodeOptions): Cell {
  // Float16 vectors: toArray() gives the raw half-float bits (Uint16Array); get() decodes them.
  const half = (items.type as unknown as { precision?: Precision }).precision === Precision.HALF;
  return vectorCellOf(half ? Array.from({ length: items.length }, (_, k) => items.get(k) as number) : (items.toArray() as ArrayLike<number>), opts);
}

/** A vector cell from its values (a float32 / float64 view, or decoded half floats). */
export function vectorCellOf(arr: ArrayLike<number>, opts: EncodeOptions): Cell {
  // One tight pass (a page holds 50 vectors of 512): the largest magnitude and the sum of squares, summed
  // in norm()'s order so the norm is the same number. Checking each value for NaN, ±Infinity and -0 took
  // three quarters of the time; a NaN or an infinity makes the sum non-finite, and only then are they
  // counted (norm() then decides). -0 needs no search: toWire writes it, and leaves finite values alone.
  let max = 0;
  let sum = 0;
  for (let k = 0; k < arr.length; k++) {
    const x = arr[k];
    const a = Math.abs(x);
    if (a > max) max = a;
    sum += x * x;
  }
  let nonFinite = 0;
  let n: number;
  if (Number.isFinite(sum)) {
    // Squares that would overflow or underflow: norm() scales them.
    n = max === 0 ? 0 : max > 1e150 || max < 1e-150 ? norm(arr) : Math.sqrt(sum);
  } else {
    for (let k = 0; k < arr.length; k++) if (!Number.isFinite(arr[k])) nonFinite++;
    n = norm(arr);
  }
  const head: WireFloat[] = [];
  for (let k = 0; k < Math.min(VECTOR_HEAD, arr.length); k++) head.push(toWire(arr[k]));
  const cell: Cell = { t: 'vec', dim: arr.length, norm: toWire(n), head };
  if (nonFinite) cell.nonFinite = nonFinite;
  if (opts.fullVectors) cell.values = Array.from(arr, toWire);
  return cell;
}

/** Euclidean norm; scaled when squares would overflow or underflow (float64 vectors). NaN / ∞ propagate. */
function norm(arr: ArrayLike<number>): number {
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
}

function listCell(items: Vector, ctx: Ctx): Cell {
  const n = items.length;
  // The items of this level are reserved first; nested lists share what is left.
  const take = spend(ctx, n);
  const inner = itemCtx(ctx);
  const out: Cell[] = [];
  for (let k = 0; k < take; k++) out.push(encode(items, k, inner));
  return { t: 'list', length: n, items: out };
}

const TIME_UNIT = ['s', 'ms', 'us', 'ns'];

function temporalCell(v: unknown, t: DataType): Cell {
  const type = typeName(t);
  if (v instanceof Date) return { t: 'time', v: v.toISOString(), type };
  if (t.typeId === Type.Duration || t.typeId === Type.Time || t.typeId === Type.Interval) {
    const unit = TIME_UNIT[(t as unknown as { unit: number }).unit] ?? '';
    return { t: 'time', v: `${String(v)}${unit ? ' ' + unit : ''}`, type };
  }
  // arrow-js 18 yields epoch milliseconds as a number for Date and Timestamp types, whatever their unit.
  const ms = typeof v === 'bigint' ? Number(v) : (v as number);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return { t: 'time', v: String(v), type };
  const iso = d.toISOString();
  return { t: 'time', v: t.typeId === Type.Date ? iso.slice(0, 10) : iso, type };
}

/**
 * The shortest decimal that reads back as the same float32 (5.71, not 5.710000038146973): what the
 * value was written as, and still exact in a filter (the engine casts the literal to the column type).
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}
