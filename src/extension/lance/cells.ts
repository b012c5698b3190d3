// Arrow values → wire cells. Every cell is structured-clone safe: int64 beyond 2^53 travels as a decimal
// string, binaries carry their size, sniffed media type and first bytes (the bytes themselves only on
// request, as an exact copy so a page never keeps a whole Arrow batch alive), vectors as a summary.
import { DataType, Precision, Type, Vector } from 'apache-arrow';
import { raw, timestampText } from './arrowValues';
import type { Cell } from '../../shared/types';
import { hexHead, sniffImage } from '../../shared/sniff';
import { typeName } from './schema';

export interface EncodeOptions {
  /** Include the bytes of binary cells sniffed as images, up to this many bytes each (0: never). */
  maxImageBytes: number;
  /** Include every value of vectors (the preview's "show all"), not just a summary. */
  fullVectors: boolean;
  /** At most this many list items per cell. */
  maxListItems: number;
}

export const DEFAULT_ENCODE: EncodeOptions = { maxImageBytes: 0, fullVectors: false, maxListItems: 32 };
const VECTOR_HEAD = 8;

export function encodeCell(vec: Vector, i: number, opts: EncodeOptions = DEFAULT_ENCODE): Cell {
  if (!vec.isValid(i)) return null;
  const t = vec.type as DataType;
  switch (t.typeId) {
    case Type.Int:
      return intCell(vec.get(i));
    case Type.Float: {
      const v = vec.get(i) as number;
      return Number.isFinite(v) ? v : { t: 'unsupported', type: 'Float', reason: String(v) };
    }
    case Type.Bool:
      return Boolean(vec.get(i));
    case Type.Utf8:
    case Type.LargeUtf8:
      return String(vec.get(i));
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return binaryCell(vec.get(i) as Uint8Array, opts);
    case Type.Dictionary:
      return scalarToCell(vec.get(i));
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
      const entries: Cell[] = [];
      for (const [k, v] of vec.get(i) as Iterable<[unknown, unknown]>) {
        if (entries.length >= opts.maxListItems) break;
        entries.push({ t: 'struct', fields: { key: scalarToCell(k), value: scalarToCell(v) } });
      }
      return { t: 'list', length: (vec.get(i) as { size?: number }).size ?? entries.length, items: entries };
    }
    case Type.FixedSizeList:
    case Type.List: {
      const items = vec.get(i) as Vector;
      const childType = (t.children[0]?.type as DataType | undefined)?.typeId;
      if (t.typeId === Type.FixedSizeList && childType === Type.Float) return vectorCell(items, opts);
      return listCell(items, opts);
    }
    case Type.Struct: {
      const fields = Object.create(null) as Record<string, Cell>; // a field may be called __proto__
      t.children.forEach((f, j) => {
        const child = vec.getChildAt(j);
        fields[f.name] = child ? encodeCell(child, i, opts) : null;
      });
      return { t: 'struct', fields };
    }
    case Type.Null:
      return null;
    default:
      return { t: 'unsupported', type: typeName(t), reason: 'this type is not shown yet' };
  }
}

function intCell(v: unknown): Cell {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : { t: 'i64', v: v.toString() };
  }
  return v as number;
}

function scalarToCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return intCell(v);
  if (v instanceof Uint8Array) return binaryCell(v, DEFAULT_ENCODE);
  if (typeof v === 'object') return String(v);
  return v as Cell;
}

export function binaryCell(b: Uint8Array, opts: EncodeOptions): Cell {
  const media = sniffImage(b);
  const cell: Cell = { t: 'bin', size: b.byteLength, head: hexHead(b), ...(media ? { media } : {}) };
  // slice() copies exactly these bytes: posting a view would serialise (and pin) the whole batch buffer.
  if (media && opts.maxImageBytes > 0 && b.byteLength <= opts.maxImageBytes) cell.bytes = b.slice();
  return cell;
}

export function vectorCell(items: Vector, opts: EncodeOptions): Cell {
  // Float16 vectors: toArray() gives the raw half-float bits (Uint16Array); get() decodes them.
  const half = (items.type as unknown as { precision?: Precision }).precision === Precision.HALF;
  const arr: ArrayLike<number> = half ? Array.from({ length: items.length }, (_, k) => items.get(k) as number) : (items.toArray() as ArrayLike<number>);
  let sum = 0;
  for (let k = 0; k < arr.length; k++) sum += arr[k] * arr[k];
  const head: number[] = [];
  for (let k = 0; k < Math.min(VECTOR_HEAD, arr.length); k++) head.push(arr[k]);
  const cell: Cell = { t: 'vec', dim: arr.length, norm: Math.sqrt(sum), head };
  if (opts.fullVectors) cell.values = Array.from(arr);
  return cell;
}

function listCell(items: Vector, opts: EncodeOptions): Cell {
  const n = items.length;
  const out: Cell[] = [];
  for (let k = 0; k < Math.min(n, opts.maxListItems); k++) out.push(encodeCell(items, k, opts));
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
