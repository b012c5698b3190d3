// Structured errors of the data layer. The engine reports everything as a plain Error with a message;
// classify() turns that into a kind the UI can act on, keeping the engine's words as detail.
import type { ErrorInfo, ErrorKind } from '../../shared/types';
import { doubleQuoted } from '../../shared/filterHints';
import { quoteIdent } from '../../shared/sql';

export class LanceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'LanceError';
  }
  toInfo(): ErrorInfo {
    return { kind: this.kind, message: this.message, detail: this.detail };
  }
}

/** Engine messages mention temporary symlink folders; show the user's own path instead. */
export type PathMapper = (text: string) => string;

export function toErrorInfo(err: unknown, mapPaths: PathMapper = (s) => s): ErrorInfo {
  if (err instanceof LanceError) return { ...err.toInfo(), detail: err.detail && mapPaths(err.detail) };
  return classify(err, mapPaths).toInfo();
}

export function classify(err: unknown, mapPaths: PathMapper = (s) => s, context?: 'filter' | 'rows'): LanceError {
  if (err instanceof LanceError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const detail = mapPaths(engineText(raw));
  const m = (kind: ErrorKind, msg: string) => new LanceError(kind, msg, detail);
  if (/cannot be read by this version|Flags:/i.test(raw)) return m('unsupported-version', 'This dataset was written by a newer Lance with features this version cannot read.');
  if (/Unrecognized type/i.test(raw)) return m('unsupported-type', 'A column has a type this reader cannot decode.');
  if (/Query timeout/i.test(raw)) return m('timeout', 'The query took too long and was stopped.');
  if (/_versions\/[^,\s]*\.manifest|version \d+ (?:does not exist|not found)|Version \d+ not found/i.test(raw))
    return m('not-found', 'That version of the dataset does not exist.');
  if (/Not found:.*\/data\/|Not found:.*\.lance\b|Object at location .* not found|No such file/i.test(raw))
    return m('unreadable-data', 'A data file of this dataset is missing, so its rows cannot be read.');
  if (
    context === 'filter' ||
    /Invalid user input|Schema error|No field named|SQL error|ParserError|sql parser|Error tokenizing statement|Error during planning|Invalid filter|Unsupported SQL/i.test(raw)
  )
    return new LanceError('bad-filter', filterMessage(raw), mapPaths(shortenQuoted(unwrap(engineText(raw)))));
  if (/Panic in async function/i.test(raw)) return m('internal', 'The Lance engine hit an internal error on this request.');
  if (/was not found|does not exist|Table .* not found/i.test(raw)) return m('not-found', 'The dataset or table was not found.');
  if (/Permission denied|Read-only file system|os error|IO error/i.test(raw)) return m('io', 'The dataset could not be read from disk.');
  return m('internal', 'The Lance engine reported an error.');
}

// ---------------------------------------------------------------------------------------------
// Engine text. Lance/DataFusion errors arrive as one line of wrappers around the reason, e.g.
//   Failed to execute query stream: GenericFailure, lance error: LanceError(IO): Error during planning:
//   Cannot coerce arithmetic expression Utf8 + Int64 to valid types, /usr/local/cargo/…/scanner.rs:460:33
//   Caused by: LanceError(IO): Error during planning: Cannot coerce … Caused by: …
// and often echo the filter (or the internal query "SELECT 1 FROM t WHERE <filter>") before the reason,
// which with a long filter pushed the reason past any cut. The message leads with the reason.

/** Rust source locations the engine appends (", /usr/local/cargo/registry/…/planner.rs:1021:20"). */
const SOURCE_PATH = /,?\s*\/[^\s,()]*\.rs:\d+(?::\d+)?/g;
/** Wrappers in front of the reason, innermost last; stripped repeatedly from the front. */
const WRAPPERS = [
  /^Failed to (?:execute query stream|get next batch from stream|retrieve the query plan|create the query|count rows):\s*/i,
  /^GenericFailure,\s*/i,
  /^lance error:\s*/i,
  /^LanceError\(\w+\):\s*/,
  /^Invalid input,\s*/i,
  /^Query Execution error:\s*/i,
  /^Execution error:\s*/i,
  /^Error applying filter expression to batch:\s*/i,
  /^Arrow error:\s*/i,
  /^External error:\s*/i,
  /^Invalid user input:\s*/i,
  /^Error parsing function:\s*/i,
  /^Error during planning:\s*/i,
  /^Cast error:\s*/i,
];
/** DataFusion/Lance plan nodes (and their "expr=[…]" text) that some errors print: internal, not for the user. */
const PLAN_NODE =
  /\b(?:Lance\w*|Projection|Filter|FilteredRead|CoalesceBatches|CoalescePartitions|Repartition|Sort|SortPreservingMerge|GlobalLimit|LocalLimit|Aggregate|Take|KNNVectorDistance|ANNIvfPartition|ANNIvfSubIndex|ScalarIndex|MaterializeIndex|Empty|OneShot|Union)Exec\b(?::[^\n]*)?/g;
/** Longest quoted value kept whole inside a message; longer ones lose their middle (never the reason). */
const MAX_QUOTED = 120;
/**
 * The engine parses a filter as this query (lance's planner). The prefix is its plumbing, not the
 * user's words, and the positions it reports count it: "Line: 1, Column: 27" is column 5 of the filter.
 */
const INTERNAL_QUERY = 'SELECT 1 FROM t WHERE ';
/** Columns every Lance table has for the engine's own use; an unknown-column error lists them among the user's. */
const INTERNAL_COLUMN = /^_row(?:id|addr|offset|_last_updated_at_version|_created_at_version)$/;

/** The engine's words without source paths, repeated "Caused by:" chains or internal query/plan text. */
function engineText(raw: string): string {
  let s = raw.replace(SOURCE_PATH, '');
  // Each "Caused by" usually repeats the message with one wrapper less: only a cause that adds words stays.
  const kept: string[] = [];
  for (const part of s.split(/\s*Caused by:\s*/)) {
    const core = unwrap(part.replace(/\bLanceError\(\w+\):\s*/g, ''));
    if (core && !kept.some((k) => k.includes(core))) kept.push(part.trim());
  }
  s = kept.join(' Caused by: ');
  if (s.includes(INTERNAL_QUERY)) {
    s = s.split(INTERNAL_QUERY).join('');
    s = s.replace(/\bLine: 1, Column: (\d+)/g, (_, col: string) => `Line: 1, Column: ${Math.max(1, Number(col) - INTERNAL_QUERY.length)}`);
  }
  s = s.replace(/\bLanceError\(\w+\):\s*/g, '').replace(/\bGenericFailure,\s*/g, '');
  s = s.replace(PLAN_NODE, '').replace(/[ \t]{2,}/g, ' ');
  return withoutInternalColumns(s.trim());
}

/**
 * An unknown-column error without the engine's own columns: "Valid fields are a, b, _rowid, _rowaddr, …"
 * lists only a and b, and "Did you mean '_rowid'?" goes unless the name asked for begins with "_" itself.
 */
function withoutInternalColumns(s: string): string {
  const valid = /Valid fields are /.exec(s);
  if (valid) {
    const list = s.slice(valid.index + valid[0].length).replace(/\.\s*$/, '');
    s = `${s.slice(0, valid.index + valid[0].length)}${splitNames(list)
      .filter((n) => !INTERNAL_COLUMN.test(n))
      .join(', ')}.`;
  }
  return s.replace(/(No field named ("(?:[^"]|"")*"|\S+?)\.)\s*Did you mean '(_[^']*)'\?\.?/g, (all, head: string, name: string, mean: string) =>
    INTERNAL_COLUMN.test(mean) && !unquoteName(name).startsWith('_') ? head : all,
  );
}

function unwrap(s: string): string {
  for (let again = true; again;) {
    again = false;
    for (const w of WRAPPERS) {
      const next = s.replace(w, '');
      if (next !== s) {
        s = next;
        again = true;
      }
    }
  }
  return s.trim();
}

/** Quoted values ('…' or "…") longer than MAX_QUOTED keep their start and end, with the length said. */
function shortenQuoted(s: string): string {
  return s.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, (q) => {
    if (q.length <= MAX_QUOTED + 2) return q;
    const inner = q.slice(1, -1);
    return `${q[0]}${inner.slice(0, 60)}…${inner.slice(-30)}${q[0]} (${inner.length.toLocaleString('en-US')} characters)`;
  });
}

/**
 * The reason of a filter error, and the filter text the engine echoed (when it did). The echo is found
 * by the engine's own framing, so a filter that itself contains words like "Cannot cast" does not fool it.
 */
function splitEcho(s: string): { reason: string; echo?: string } {
  // "Error parsing statement: <filter> (sql parser error: <reason>)" (the SELECT … WHERE already removed)
  let at = s.lastIndexOf('(sql parser error: ');
  let m = /^Error parsing statement:\s*/i.exec(s);
  if (m && at >= 0) return { echo: s.slice(m[0].length, at).trim(), reason: `SQL syntax: ${s.slice(at + '(sql parser error: '.length).replace(/\)\s*$/, '')}` };
  // "Error tokenizing statement: <filter> (<reason>)", e.g. an unterminated string
  m = /^Error tokenizing statement:\s*/i.exec(s);
  at = s.lastIndexOf(' (');
  if (m && at > m[0].length && s.endsWith(')')) return { echo: s.slice(m[0].length, at).trim(), reason: `SQL syntax: ${s.slice(at + 2, -1)}` };
  // "Error resolving filter expression <filter>: Invalid user input: <reason>"
  m = /^Error resolving filter expression\s*/i.exec(s);
  if (m) {
    at = s.lastIndexOf(': Invalid user input: ');
    if (at >= 0) return { echo: s.slice(m[0].length, at), reason: s.slice(at + ': Invalid user input: '.length) };
    at = s.lastIndexOf(': ');
    if (at > m[0].length) return { echo: s.slice(m[0].length, at), reason: s.slice(at + 2) };
  }
  // "Error optimizing sql filter: <filter> (<reason>)": the reason's own words open the last group
  m = /^Error optimizing sql filter:\s*/i.exec(s);
  if (m && s.endsWith(')')) {
    let open = -1;
    for (const g of s.matchAll(/\s\((?=LanceError\(|Invalid user input:|Error during planning:|Cast error:|Schema error:|Arrow error:|Execution error:|Internal error:)/g))
      open = g.index + 1;
    if (open < 0) open = s.lastIndexOf(' (') + 1;
    if (open > m[0].length) return { echo: s.slice(m[0].length, open).trim(), reason: s.slice(open + 1, -1) };
  }
  return { reason: s };
}

/** Text, number, … for an Arrow type name, to say a type mismatch in words. */
function typeWord(t: string): string {
  if (/^(Large)?Utf8|^Utf8View/i.test(t)) return 'text';
  if (/^U?Int\d|^Float\d|^Decimal/i.test(t)) return 'a number';
  if (/^Boolean/i.test(t)) return 'a boolean';
  if (/^(Timestamp|Date|Time)/i.test(t)) return 'a date/time';
  if (/^(Large)?List|^FixedSizeList/i.test(t)) return 'a list';
  if (/^Struct/i.test(t)) return 'a struct';
  if (/^(Large)?Binary/i.test(t)) return 'binary';
  return t;
}

/** "Received literal Int64(1) and could not convert to literal of type 'Utf8'" in words. */
function typeMismatch(reason: string): string | undefined {
  const m = /Received literal (\w+)\(([\s\S]*)\) and could not convert to literal of type '([\s\S]*)'$/.exec(reason);
  if (!m) return undefined;
  const [, litType, litRaw, colTypeRaw] = m;
  const colType = colTypeRaw.replace(/\(Field \{[\s\S]*$/, '(…)');
  const isText = /Utf8/.test(litType);
  const value = isText ? `'${litRaw.replace(/^"|"$/g, '').replace(/'/g, "''")}'` : litRaw;
  let msg = `type mismatch: ${value} is ${typeWord(litType)} (${litType}) but is compared with ${typeWord(colType)} (${colType}).`;
  const colWord = typeWord(colType);
  if (colWord === 'text' && !isText) msg += ` Text values go in single quotes: '${litRaw}'.`;
  else if (colWord === 'a number' && isText)
    msg += /^"?-?\d+(\.\d+)?"?$/.test(litRaw) ? ` Numbers are written without quotes: ${litRaw.replace(/"/g, '')}.` : ' Compare it with a number.';
  return msg;
}

/** The closest name to `name` among `names` (case-insensitive first, then by edit distance), if close. */
export function closestName(name: string, names: string[]): string | undefined {
  const lower = name.toLowerCase();
  const ci = names.find((n) => n.toLowerCase() === lower);
  if (ci) return ci;
  let best: string | undefined;
  let bestD = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  for (const n of names) {
    const d = editDistance(lower, n.toLowerCase());
    if (d <= bestD) {
      if (d < bestD || best === undefined) best = n;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Names as DataFusion prints them: bare, or double-quoted when not plain lower-case (with "" for a quote). */
function unquoteName(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/** "Schema error: No field named x. Did you mean 'y'?." / "… Valid fields are a, "B", _rowid, …." */
function noField(reason: string): string | undefined {
  const m = /No field named ("(?:[^"]|"")*"|[^\s.]+(?:\.[^\s.]+)*)\.?\s*([\s\S]*)$/.exec(reason);
  if (!m) return undefined;
  const name = unquoteName(m[1]);
  const rest = m[2];
  let suggestion: string | undefined;
  const mean = /Did you mean '((?:[^']|'')*)'\?/.exec(rest);
  if (mean) suggestion = mean[1];
  else {
    const valid = /Valid fields are ([\s\S]*?)\.?$/.exec(rest);
    if (valid) {
      const fields = splitNames(valid[1]).map(unquoteName);
      suggestion = closestName(name, fields);
      if (!suggestion) {
        const shown = fields.slice(0, 12).map(quoteIdent).join(', ');
        return `No column named ${name} in this dataset. Columns: ${shown}${fields.length > 12 ? `, … (${fields.length} in all)` : ''}.`;
      }
    }
  }
  return `No column named ${name} in this dataset.${suggestion !== undefined ? ` Did you mean ${quoteIdent(suggestion)}?` : ''}`;
}

/** "a, "B, c", d" → ['a', '"B, c"', 'd'] (commas inside double quotes kept). */
function splitNames(list: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of list) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * The engine's words about a filter, reason first: without its plumbing ("Failed to execute query stream:
 * …", source paths, "Caused by" repeats), without the echoed filter or internal query text, never cut
 * (a very long quoted value inside it loses its middle). A double-quoted name in the echoed filter gets
 * the hint that identifiers take backticks (in this SQL "Label" is the text 'Label').
 */
export function filterMessage(raw: string): string {
  const { reason: r, echo } = splitEcho(unwrap(engineText(raw)));
  const reason = unwrap(r)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  let msg = noField(reason) ?? `Filter error: ${typeMismatch(reason) ?? (/[.?!]$/.test(reason) ? reason : `${reason}.`)}`;
  msg = shortenQuoted(msg);
  const quoted = echo ? doubleQuoted(echo) : [];
  if (quoted.length) {
    const q = quoted[0];
    msg += ` Note: "${shortenQuoted(q)}" in double quotes is text, not a column; column names take backticks: ${'`' + q.replace(/`/g, '``') + '`'}.`;
  }
  return msg;
}
