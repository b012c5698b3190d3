// How a row is named to people when its position is not known (a Similar result, the preview of one):
// by a key column people know (`id`, `key`, `uid`, `uuid`), never by Lance's internal row id.
import type { Cell } from './types';

/** Column names taken as a row's key. */
export const KEY_COLUMN = /^(id|key|uid|uuid)$/i;

/** `{ column, text }` of the row's key column, or undefined when there is none (or its value is not a scalar). */
export function rowKey(columns: string[], cells: Cell[]): { column: string; text: string } | undefined {
  const at = columns.findIndex((c) => KEY_COLUMN.test(c));
  if (at < 0) return undefined;
  const cell = cells[at];
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell !== 'object') return { column: columns[at], text: String(cell) };
  return cell.t === 'i64' || cell.t === 'str' ? { column: columns[at], text: cell.t === 'str' ? `${cell.v}…` : cell.v } : undefined;
}
