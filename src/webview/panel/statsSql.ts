// Filters built from what the user clicked (a class name, a bar of a chart). The condition always
// comes from shared/sql.ts (conditionFor) and from the exact value with its type, never from the text
// on screen: a long string filters by its MD5, int64 stays an unquoted integer (i64::MIN through a
// cast), NaN / ±Infinity / -0 through the forms the engine accepts.
import { conditionFor } from '../../shared/sql';
import type { Cell } from '../../shared/types';

/**
 * `column = value` (or `column IS NULL`, `isnan(column)`, …), optionally AND-ed with a filter already in
 * force; undefined when the value cannot be written as a condition. `type`: the column's Arrow type
 * (only Float16 needs it).
 */
export function equalsFilter(column: string, value: Cell, within?: string, type?: string): string | undefined {
  const cond = conditionFor(column, value, type);
  if (cond === undefined) return undefined;
  const base = within?.trim();
  return base ? `(${base}) AND ${cond}` : cond;
}
