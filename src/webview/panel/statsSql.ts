// SQL fragments for filters built from what the user clicked (a class name, a bar of a chart).
// Lance filters are DataFusion SQL: string literals in single quotes with '' for a quote inside,
// identifiers that are not plain words in backticks.

import { quoteIdent as sqlIdent, sqlLiteral as literal } from '../../shared/sql';

/** A value as a filter literal; undefined when it cannot be written as one (NaN, ±Infinity). */
export function sqlLiteral(value: string | number | boolean): string | undefined {
  return typeof value === 'number' && !Number.isFinite(value) ? undefined : literal(value);
}

/** `column = value` (or `column IS NULL`), optionally AND-ed with a filter already in force. */
export function equalsFilter(column: string, value: string | number | boolean | null, within?: string): string | undefined {
  let cond: string | undefined;
  if (value === null) cond = `${sqlIdent(column)} IS NULL`;
  else {
    const lit = sqlLiteral(value);
    cond = lit === undefined ? undefined : `${sqlIdent(column)} = ${lit}`;
  }
  if (cond === undefined) return undefined;
  const base = within?.trim();
  return base ? `(${base}) AND ${cond}` : cond;
}
