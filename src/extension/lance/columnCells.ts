// A batch's columns → wire cells, with one encoder per column chosen once from its Arrow type. The common
// types (integers, floats, booleans, strings, timestamps, float vectors) read their typed arrays (values,
// validity, offsets) directly: encodeCell reaches each cell through Vector.get(i), which for a vector
// builds a sliced Data and a Vector per cell and for an int64 a BigInt. Everything else (binaries, lists,
// structs, maps, dictionaries, decimals, dates, half floats, a column in several chunks) goes through
// encodeCell itself. Both give the same cells (test/unit/columnCells.test.ts compares them cell by cell).
//
// Indexing follows arrow-js's own getters: values, offsets and a FixedSizeList's child are already sliced
// by a Data's offset (Data.slice), validity bits and booleans are not (bit `offset + i`).
import { type Data, DataType, Precision, Type, type Vector } from 'apache-arrow';
import { timestampText } from './arrowValues';
import { typeName } from './schema';
import { encodeCell, type EncodeOptions, intCell, shortestFloat32, stringCharsCap, utf8Cell, vectorCellOf } from './cells';
import type { Cell } from '../../shared/types';
import { floatCell } from '../../shared/floats';

/** The cell of row `i` of the column it was made for. */
export type ColumnEncoder = (i: number) => Cell;

/** An encoder for `vec`'s cells, equal to `encodeCell(vec, i, opts)` for every row. */
export function columnEncoder(vec: Vector, opts: EncodeOptions): ColumnEncoder {
  const generic: ColumnEncoder = (i) => encodeCell(vec, i, opts);
  if (vec.data.length !== 1) return generic;
  try {
    return fastEncoder(vec.data[0] as Data<DataType>, opts) ?? generic;
  } catch {
    // A Data missing a buffer it should have: encodeCell labels what it finds, cell by cell.
    return generic;
  }
}

/** The typed-array encoder of one Data's type, or undefined for a type left to encodeCell. */
function fastEncoder(d: Data<DataType>, opts: EncodeOptions): ColumnEncoder | undefined {
  const t = d.type;
  let read: ColumnEncoder | undefined;
  switch (t.typeId) {
    case Type.Null:
      return () => null;
    case Type.Int:
      read = intReader(d);
      break;
    case Type.Float: {
      const precision = (t as unknown as { precision: Precision }).precision;
      if (precision === Precision.HALF) return undefined; // stored as half-float bits; get() decodes them
      const values = d.values as unknown as Float32Array | Float64Array;
      read = precision === Precision.SINGLE ? (i) => floatCell(shortestFloat32(values[i])) : (i) => floatCell(values[i]);
      break;
    }
    case Type.Bool: {
      const bits = d.values as unknown as Uint8Array;
      const offset = d.offset;
      read = (i) => {
        const pos = offset + i;
        return (bits[pos >> 3] & (1 << (pos & 7))) !== 0;
      };
      break;
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      const offsets = d.valueOffsets as unknown as Int32Array | BigInt64Array;
      const values = d.values as unknown as Uint8Array;
      if (!offsets || !values) return undefined;
      const maxChars = stringCharsCap(opts);
      read = (i) => utf8Cell(values.subarray(Number(offsets[i]), Number(offsets[i + 1])), maxChars);
      break;
    }
    case Type.Timestamp: {
      const int64 = int64Reader(d.values as BigInt64Array, true);
      const unit = (t as unknown as { unit: number }).unit;
      const utc = !!(t as unknown as { timezone?: string | null }).timezone;
      const type = typeName(t);
      read = (i) => ({ t: 'time', v: timestampText(int64(i), unit, utc), type });
      break;
    }
    case Type.FixedSizeList: {
      const child = d.children[0];
      const ct = child?.type as DataType | undefined;
      if (!child || ct?.typeId !== Type.Float) return undefined; // other lists: encodeCell's listCell
      const precision = (ct as unknown as { precision: Precision }).precision;
      if (precision === Precision.HALF) return undefined;
      const values = child.values as unknown as Float32Array | Float64Array;
      const dim = d.stride;
      read = (i) => vectorCellOf(values.subarray(i * dim, (i + 1) * dim), opts);
      break;
    }
    default:
      return undefined;
  }
  return withValidity(d, read);
}

/** `read`, with null for rows whose validity bit is clear (Data.getValid's rule: a bitmap only counts with nulls). */
function withValidity(d: Data, read: ColumnEncoder): ColumnEncoder {
  const bitmap = d.nullCount > 0 && d.nullBitmap && d.nullBitmap.byteLength > 0 ? d.nullBitmap : undefined;
  if (!bitmap) return read;
  const offset = d.offset;
  return (i) => {
    const pos = offset + i;
    return (bitmap[pos >> 3] & (1 << (pos & 7))) !== 0 ? read(i) : null;
  };
}

function intReader(d: Data): ColumnEncoder {
  const values = d.values as unknown as ArrayLike<number> | BigInt64Array | BigUint64Array;
  if (values instanceof BigInt64Array) {
    const int64 = int64Reader(values, true);
    return (i) => intCell(int64(i));
  }
  if (values instanceof BigUint64Array) {
    const uint64 = int64Reader(values, false);
    return (i) => intCell(uint64(i));
  }
  return (i) => values[i];
}

/** 2^53 − 1 is the largest safe integer: 0x1FFFFF in the high 32 bits with any low bits. */
const SAFE_HIGH = 0x1fffff;

/**
 * Reads of a 64-bit integer column as a number while it is a safe integer, else as a BigInt: from its two
 * 32-bit halves (little-endian, as arrow-js assumes), so a page's ids and timestamps allocate no BigInt.
 */
function int64Reader(values: BigInt64Array | BigUint64Array, signed: boolean): (i: number) => number | bigint {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  return (i) => {
    const lo = words[2 * i];
    const hi = signed ? words[2 * i + 1] | 0 : words[2 * i + 1];
    // -2^53 itself (high word -0x200000, low 0) is not safe: the BigInt path keeps it exact.
    if (hi <= SAFE_HIGH && hi >= -SAFE_HIGH) return hi * 4294967296 + lo;
    return values[i];
  };
}
