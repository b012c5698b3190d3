// Cells as text for the clipboard: a row as JSON (int64 stays exact: written as bare digits, not
// through a JS number) and a single cell as the text a person would paste.
// Floats JSON has no number for are written as export writes them: NaN and ±Infinity as the strings
// "NaN", "Infinity", "-Infinity", -0 as 0. A value the page carried only in part (a long string, a long
// list) is written as an object that says so: {"truncated": true, …}; a vector summary as {dim, norm, head}.
import { jsonFloat } from '../../shared/floats';
import type { Cell, WireFloat } from '../../shared/types';

/** JSON text of one cell. */
export function cellJson(cell: Cell): string {
  if (cell === null) return 'null';
  if (typeof cell !== 'object') return JSON.stringify(cell);
  switch (cell.t) {
    case 'i64':
      return /^-?\d+$/.test(cell.v) ? cell.v : JSON.stringify(cell.v);
    case 'float':
      return JSON.stringify(jsonFloat(cell.v));
    case 'str':
      return JSON.stringify({ truncated: true, length: cell.length, start: cell.v });
    case 'time':
      return JSON.stringify(cell.v);
    case 'bin':
      return JSON.stringify({ binary: true, size: cell.size, ...(cell.media ? { media: cell.media } : {}), head: cell.head });
    case 'vec':
      return cell.values
        ? '[' + cell.values.map(floatJson).join(',') + ']'
        : `{"dim":${cell.dim},"norm":${floatJson(cell.norm)},"head":[${cell.head.map(floatJson).join(',')}]}`; // a summary says it is one
    case 'list': {
      const items = '[' + cell.items.map(cellJson).join(',') + ']';
      return cell.items.length < cell.length ? `{"truncated":true,"length":${cell.length},"items":${items}}` : items;
    }
    case 'struct':
      return '{' + Object.entries(cell.fields).map(([k, v]) => `${JSON.stringify(k)}:${cellJson(v)}`).join(',') + '}';
    case 'unsupported':
      return JSON.stringify({ unsupported: cell.type, reason: cell.reason });
  }
}

function floatJson(v: WireFloat): string {
  return JSON.stringify(jsonFloat(v));
}

/** A row as a pretty-printed JSON object (`_rowid` first, then the columns in order). */
export function rowJson(rowId: string | undefined, columns: string[], row: Cell[]): string {
  const lines: string[] = [];
  if (rowId !== undefined) lines.push(`  "_rowid": ${/^\d+$/.test(rowId) ? rowId : JSON.stringify(rowId)}`);
  columns.forEach((c, i) => lines.push(`  ${JSON.stringify(c)}: ${cellJson(row[i] ?? null)}`));
  return '{\n' + lines.join(',\n') + '\n}';
}

/** One cell as plain text: strings as they are, everything else as its JSON (a capped string: its start and "…"). */
export function cellPlainText(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (cell !== null && typeof cell === 'object') {
    if (cell.t === 'i64' || cell.t === 'time') return cell.v;
    if (cell.t === 'float') return cell.v;
    if (cell.t === 'str') return `${cell.v}… (${cell.length} characters, truncated)`;
  }
  return cellJson(cell);
}
