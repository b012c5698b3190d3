// Cells as text for the clipboard: a row as JSON (int64 stays exact: written as bare digits, not
// through a JS number) and a single cell as the text a person would paste.
import type { Cell } from '../../shared/types';

/** JSON text of one cell. */
export function cellJson(cell: Cell): string {
  if (cell === null) return 'null';
  if (typeof cell !== 'object') return JSON.stringify(cell);
  switch (cell.t) {
    case 'i64':
      return /^-?\d+$/.test(cell.v) ? cell.v : JSON.stringify(cell.v);
    case 'time':
      return JSON.stringify(cell.v);
    case 'bin':
      return JSON.stringify({ binary: true, size: cell.size, ...(cell.media ? { media: cell.media } : {}), head: cell.head });
    case 'vec':
      return cell.values ? '[' + cell.values.map((v) => JSON.stringify(v)).join(',') + ']' : JSON.stringify({ dim: cell.dim, norm: cell.norm, head: cell.head });
    case 'list':
      return '[' + cell.items.map(cellJson).join(',') + ']';
    case 'struct':
      return '{' + Object.entries(cell.fields).map(([k, v]) => `${JSON.stringify(k)}:${cellJson(v)}`).join(',') + '}';
    case 'unsupported':
      return JSON.stringify({ unsupported: cell.type, reason: cell.reason });
  }
}

/** A row as a pretty-printed JSON object (`_rowid` first, then the columns in order). */
export function rowJson(rowId: string | undefined, columns: string[], row: Cell[]): string {
  const lines: string[] = [];
  if (rowId !== undefined) lines.push(`  "_rowid": ${/^\d+$/.test(rowId) ? rowId : JSON.stringify(rowId)}`);
  columns.forEach((c, i) => lines.push(`  ${JSON.stringify(c)}: ${cellJson(row[i] ?? null)}`));
  return '{\n' + lines.join(',\n') + '\n}';
}

/** One cell as plain text: strings as they are, everything else as its JSON. */
export function cellPlainText(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (cell !== null && typeof cell === 'object' && (cell.t === 'i64' || cell.t === 'time')) return cell.v;
  return cellJson(cell);
}
