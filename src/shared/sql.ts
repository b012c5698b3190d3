// SQL text for "filter by this value": identifiers, literals and combining conditions with AND.
// Lance filters are DataFusion SQL: string literals are single-quoted with '' for a quote inside (a
// backslash is an ordinary character), identifiers that are not plain lower-case words or that are
// keywords go in backticks (a backtick inside is doubled).
import { fromWire } from './floats';
import type { Cell } from './types';

const KEYWORDS = new Set(
  (
    'all and any array as asc between both by case cast collate constraint create cross current_date current_time ' +
    'current_timestamp date default delete desc distinct drop else end escape except exists extract false filter ' +
    'first from full group having ilike in inner insert intersect interval into is join key last left like limit ' +
    'map natural not null nulls offset on or order outer over partition position primary range regexp right row ' +
    'rows select similar some struct substring table then time timestamp to trim true union unique update user using ' +
    'values when where window with'
  ).split(' '),
);

/** A column name as a filter refers to it: bare when it is a plain lower-case word, else in backticks. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !KEYWORDS.has(name)) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

/** A string literal: single quotes, a quote inside doubled; backslashes and unicode kept verbatim. */
export function quoteString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** A scalar as a filter literal (numbers bare, strings quoted, null as NULL). */
export function sqlLiteral(v: string | number | boolean | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return quoteString(v);
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

/**
 * The condition that selects exactly the rows whose `column` holds `cell`, or undefined when the cell
 * is not a filterable scalar. `type` (the column's Arrow type as the schema shows it) is needed only for
 * Float16 columns. Forms checked through the engine (test/unit/values.test.ts):
 *   NaN                 isnan(col)                       (the engine's `=` does match NaN to NaN, but this reads better)
 *   ±Infinity           col = 'Infinity'::double         (and '-Infinity')
 *   -0                  col = '-0'::double               (`=` compares floats by total order: -0 ≠ 0, so
 *                                                          `col = 0` would miss it; `-0.0` fails on Float16)
 *   other floats        col = 1.5                        (Float16: col = 1.5::double, a bare literal is refused)
 *   i64::MIN            col = CAST('-9223372036854775808' AS BIGINT)   (a bare literal is read as minus a
 *                                                          too-large number and refused)
 *   beyond i64::MAX     col = CAST('18446744073709551615' AS BIGINT UNSIGNED)   (uint64)
 *   a capped string     md5(col) = '…'                  (the MD5 of its UTF-8 bytes, carried in the cell)
 */
export function conditionFor(column: string, cell: Cell, type?: string): string | undefined {
  const col = quoteIdent(column);
  if (cell === null) return `${col} IS NULL`;
  if (typeof cell === 'string') return `${col} = ${quoteString(cell)}`;
  if (typeof cell === 'boolean') return `${col} = ${cell}`;
  if (typeof cell === 'number') return floatCondition(col, cell, type);
  switch (cell.t) {
    case 'i64':
      return intCondition(col, cell.v);
    case 'float':
      return floatCondition(col, fromWire(cell.v), type);
    case 'str':
      return /^[0-9a-f]{32}$/.test(cell.md5) ? `md5(${col}) = '${cell.md5}'` : undefined;
    default:
      return undefined;
  }
}

function floatCondition(col: string, n: number, type?: string): string {
  if (Number.isNaN(n)) return `isnan(${col})`;
  if (n === Infinity) return `${col} = 'Infinity'::double`;
  if (n === -Infinity) return `${col} = '-Infinity'::double`;
  if (Object.is(n, -0)) return `${col} = '-0'::double`;
  return type === 'Float16' ? `${col} = ${String(n)}::double` : `${col} = ${String(n)}`;
}

function intCondition(col: string, digits: string): string | undefined {
  if (!/^-?\d+$/.test(digits)) return undefined;
  const v = BigInt(digits);
  if (v < I64_MIN || v > U64_MAX) return undefined;
  if (v === I64_MIN) return `${col} = CAST('${v}' AS BIGINT)`;
  if (v > I64_MAX) return `${col} = CAST('${v}' AS BIGINT UNSIGNED)`;
  return `${col} = ${v}`;
}

/** True when the cell can become a `column = value` condition. */
export function isFilterable(cell: Cell): boolean {
  return conditionFor('c', cell) !== undefined;
}

/**
 * Splits `expr` at the top-level occurrences of a keyword (AND / OR), skipping quoted strings,
 * quoted identifiers and parentheses. Returns the trimmed parts.
 */
export function splitTopLevel(expr: string, keyword: 'AND' | 'OR'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  const kw = keyword.toLowerCase();
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "'" || c === '"' || c === '`') {
      // Skip to the matching close; a doubled quote stays inside.
      for (i++; i < expr.length; i++) {
        if (expr[i] === c) {
          if (expr[i + 1] === c) i++;
          else break;
        }
      }
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && /[a-z]/i.test(c) && (i === 0 || !/[\w]/.test(expr[i - 1]))) {
      const word = /^[a-z_]\w*/i.exec(expr.slice(i))![0];
      if (word.toLowerCase() === kw) {
        parts.push(expr.slice(start, i).trim());
        start = i + word.length;
      }
      i += word.length - 1;
    }
  }
  parts.push(expr.slice(start).trim());
  return parts;
}

/** Every non-empty part, each in parentheses, joined with AND; undefined when there is none. */
export function combineFilters(...parts: (string | undefined)[]): string | undefined {
  const ps = parts.map((p) => p?.trim()).filter((p): p is string => !!p);
  if (ps.length === 0) return undefined;
  if (ps.length === 1) return ps[0];
  return ps.map((p) => `(${p})`).join(' AND ');
}

/** `existing AND condition`, with parentheses around `existing` when it has a top-level OR; no duplicate. */
export function andFilter(existing: string, condition: string): string {
  const e = existing.trim();
  if (!e) return condition;
  if (splitTopLevel(e, 'OR').length > 1) return `(${e}) AND ${condition}`;
  if (splitTopLevel(e, 'AND').includes(condition)) return e;
  return `${e} AND ${condition}`;
}

/**
 * The filter for a clicked value (a class, a chart bar): `column = value` (or `column IS NULL`,
 * `isnan(column)`, … from conditionFor), AND-ed with a filter already in force, which goes in
 * parentheses; undefined when the value cannot be written as a condition. `type`: the column's Arrow
 * type (only Float16 needs it).
 */
export function equalsFilter(column: string, value: Cell, within?: string, type?: string): string | undefined {
  const cond = conditionFor(column, value, type);
  if (cond === undefined) return undefined;
  const base = within?.trim();
  return andFilter(base ? `(${base})` : '', cond);
}

/** The identifier-like word that ends at `caret` (for column-name completion), unless the caret is inside a string. */
export function wordAt(text: string, caret: number): { start: number; word: string } | undefined {
  const before = text.slice(0, caret);
  let quote: string | undefined;
  let openedAt = -1;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '`' || ch === '"') {
      quote = ch;
      openedAt = i;
    }
  }
  if (quote === "'" || quote === '"') return undefined; // inside a string literal
  if (quote === '`') return { start: openedAt, word: before.slice(openedAt + 1) };
  const m = /[A-Za-z_]\w*$/.exec(before);
  if (!m) return undefined;
  return { start: m.index, word: m[0] };
}
