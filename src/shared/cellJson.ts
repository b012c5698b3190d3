// A wire cell as plain JSON for "Copy Row as JSON": int64 stays exact (as a string beyond 2^53),
// vectors become arrays, binaries a short description (their bytes are not text). Floats JSON has no
// number for are written as export writes them: NaN and ±Infinity as the strings "NaN", "Infinity",
// "-Infinity", -0 as 0. A value carried only in part (a capped string or list) becomes an object that
// says so, {"truncated": true, …}: callers that can ask for the whole value (the preview's `cell`
// request) replace such cells first.
import { jsonFloat } from './floats';
import type { Cell } from './types';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function cellToJson(c: Cell): Json {
  if (c === null || typeof c !== 'object') return c;
  switch (c.t) {
    case 'i64':
    case 'time':
      return c.v;
    case 'float':
      return jsonFloat(c.v);
    case 'str':
      return { truncated: true, length: c.length, start: c.v };
    case 'bin':
      return { binary: c.size, ...(c.media ? { media: c.media } : {}) };
    case 'vec':
      return (c.values ?? c.head).map(jsonFloat);
    case 'list': {
      const items = c.items.map(cellToJson);
      return c.items.length < c.length ? { truncated: true, length: c.length, items } : items;
    }
    case 'struct':
      return Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, cellToJson(v)]));
    case 'unsupported':
      return `<${c.type}>`;
  }
}

/** True when the cell (or a part of it) holds only the start of its value (a capped string or list). */
export function isCapped(cell: Cell): boolean {
  if (cell === null || typeof cell !== 'object') return false;
  switch (cell.t) {
    case 'str':
      return true;
    case 'list':
      return cell.items.length < cell.length || cell.items.some(isCapped);
    case 'struct':
      return Object.values(cell.fields).some(isCapped);
    default:
      return false;
  }
}
