// SQL text for "filter by this value": identifiers, literals and combining conditions with AND.
// Lance filters are DataFusion SQL: string literals are single-quoted with '' for a quote inside (a
// backslash is an ordinary character), identifiers that are not plain lower-case words or that are
// keywords go in backticks (a backtick inside is doubled).
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

/** The condition that selects rows whose `column` holds `cell`, or undefined when the cell is not a filterable scalar. */
export function conditionFor(column: string, cell: Cell): string | undefined {
  const col = quoteIdent(column);
  if (cell === null) return `${col} IS NULL`;
  if (typeof cell === 'string') return `${col} = ${quoteString(cell)}`;
  if (typeof cell === 'boolean') return `${col} = ${cell}`;
  if (typeof cell === 'number') return Number.isFinite(cell) ? `${col} = ${numberLiteral(cell)}` : undefined;
  if (cell.t === 'i64' && /^-?\d+$/.test(cell.v)) return `${col} = ${cell.v}`;
  return undefined;
}

function numberLiteral(n: number): string {
  if (Object.is(n, -0)) return '0';
  return String(n);
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

/** `existing AND condition`, with parentheses around `existing` when it has a top-level OR; no duplicate. */
export function andFilter(existing: string, condition: string): string {
  const e = existing.trim();
  if (!e) return condition;
  if (splitTopLevel(e, 'OR').length > 1) return `(${e}) AND ${condition}`;
  if (splitTopLevel(e, 'AND').includes(condition)) return e;
  return `${e} AND ${condition}`;
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
