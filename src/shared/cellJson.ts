// Cells as JSON and as text: the one format of "Copy row as JSON" (the grid's row menu, the preview's
// Copy JSON, the palette's Lance: Copy Row as JSON), "Copy whole value" and "Copy cell". The README
// ("Copy as JSON") documents it:
//   row          an object, one line per field: "_rowid" (Lance's row id) first, then the columns in order
//   int64        exact, as bare digits even beyond 2^53 (9007199254740993, not "9007199254740993")
//   floats       numbers; NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity" (JSON has no
//                such numbers); -0 as 0 — as Export Rows writes them (shared/floats.ts jsonFloat)
//   timestamps   their text ("2024-10-31T21:15:00.000Z")
//   binaries     {"binary": true, "size": n, "media": "image/png", "head": "89 50 4e 47"}: the bytes are
//                not text, so their size, sniffed media type and first bytes (hex)
//   vectors      arrays of every value
//   lists        arrays; structs objects (a field named __proto__ is an ordinary key)
//   unreadable   {"unsupported": "<Arrow type>", "reason": "…"}
//   capped       a value that arrived only in part says so: a long string {"truncated": true, "length":
//                n, "start": "…"}, a long list or a vector summary {"truncated": true, "length": n,
//                "items": […]}. Callers that can ask for the whole value (the preview's `cell` request,
//                the palette's uncapped full row) replace such cells first.
import { jsonFloat } from './floats';
import type { Cell } from './types';

/** A JSON value; `bigint` is an integer written exactly as bare digits (write it with jsonText). */
export type Json = null | boolean | number | bigint | string | Json[] | { [k: string]: Json };

/** The JSON value of a cell (see the header). Its int64 values are bigints: jsonText writes them. */
export function cellToJson(c: Cell): Json {
  if (c === null || typeof c !== 'object') return c;
  switch (c.t) {
    case 'i64':
      return /^-?\d+$/.test(c.v) ? BigInt(c.v) : c.v;
    case 'time':
      return c.v;
    case 'float':
      return jsonFloat(c.v);
    case 'str':
      return { truncated: true, length: c.length, start: c.v };
    case 'bin':
      return { binary: true, size: c.size, ...(c.media ? { media: c.media } : {}), head: c.head };
    case 'vec':
      return c.values ? c.values.map(jsonFloat) : { truncated: true, length: c.dim, items: c.head.map(jsonFloat) };
    case 'list': {
      const items = c.items.map(cellToJson);
      return c.items.length < c.length ? { truncated: true, length: c.length, items } : items;
    }
    case 'struct': {
      const o = Object.create(null) as { [k: string]: Json }; // a field may be called __proto__
      for (const [k, v] of Object.entries(c.fields)) o[k] = cellToJson(v);
      return o;
    }
    case 'unsupported':
      return { unsupported: c.type, reason: c.reason };
  }
}

/** Compact JSON text of a value; bigints as bare digits. */
export function jsonText(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(jsonText).join(',') + ']';
  return (
    '{' +
    Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`)
      .join(',') +
    '}'
  );
}

/** JSON text of one cell. */
export function cellJson(cell: Cell): string {
  return jsonText(cellToJson(cell));
}

/** A row as JSON text: one line per field, `_rowid` first (unless a column has that name), then the columns in order. */
export function rowJson(rowId: string | undefined, columns: string[], cells: Cell[]): string {
  const lines: string[] = [];
  if (rowId !== undefined && !columns.includes('_rowid')) lines.push(`  "_rowid": ${jsonText(/^\d+$/.test(rowId) ? BigInt(rowId) : rowId)}`);
  columns.forEach((c, i) => lines.push(`  ${JSON.stringify(c)}: ${cellJson(cells[i] ?? null)}`));
  return lines.length ? '{\n' + lines.join(',\n') + '\n}' : '{}';
}

/** One cell as plain text: strings as they are, numbers and timestamps as their digits, anything else as its JSON (a capped string: its start and "…"). */
export function cellPlainText(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (cell !== null && typeof cell === 'object') {
    if (cell.t === 'i64' || cell.t === 'time' || cell.t === 'float') return cell.v;
    if (cell.t === 'str') return `${cell.v}… (${cell.length} characters, truncated)`;
  }
  return cellJson(cell);
}

/**
 * A row's cells with every capped one replaced by its whole value, asked for by column (`whole`); a cell
 * whose whole value cannot be had stays as it is (its JSON says it is truncated). The preview and the
 * palette both copy rows through this, so they copy the same JSON.
 */
export async function wholeCells(columns: string[], cells: Cell[], whole: (column: string) => Promise<Cell | undefined>): Promise<Cell[]> {
  return Promise.all(
    columns.map(async (c, i) => {
      const cell = cells[i] ?? null;
      if (!isCapped(cell)) return cell;
      try {
        return (await whole(c)) ?? cell;
      } catch {
        return cell;
      }
    }),
  );
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
