// A wire cell as plain JSON for "Copy Row as JSON": int64 stays exact (as a string beyond 2^53),
// vectors become arrays, binaries a short description (their bytes are not text).
import type { Cell } from './types';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function cellToJson(c: Cell): Json {
  if (c === null || typeof c !== 'object') return c;
  switch (c.t) {
    case 'i64':
    case 'time':
      return c.v;
    case 'bin':
      return { binary: c.size, ...(c.media ? { media: c.media } : {}) };
    case 'vec':
      return c.values ?? c.head;
    case 'list':
      return c.items.map(cellToJson);
    case 'struct':
      return Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, cellToJson(v)]));
    case 'unsupported':
      return `<${c.type}>`;
  }
}
