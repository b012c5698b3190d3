// Hints about a filter's text before (or whatever) the engine says. In Lance's SQL a double-quoted
// "Label" is a text value, not the column Label: `"Label" = 'x'` compares two constants and silently
// selects no row (and `"Label" = 1` fails with a cast error about the string 'Label'). Identifiers take
// backticks. filterHints() finds double-quoted strings that name a column, so the Rows view can say so
// under the filter box next to its count, and the host can add it to an engine error.
import { quoteIdent } from './sql';

/** Double-quoted strings of `filter` (outside single-quoted strings and backticked identifiers), unescaped. */
export function doubleQuoted(filter: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (c !== "'" && c !== '"' && c !== '`') continue;
    let text = '';
    let closed = false;
    for (i++; i < filter.length; i++) {
      if (filter[i] === c) {
        if (filter[i + 1] === c) {
          text += c; // a doubled quote is one quote inside
          i++;
        } else {
          closed = true;
          break;
        }
      } else text += filter[i];
    }
    if (c === '"' && closed) out.push(text);
  }
  return out;
}

/** The hint for one double-quoted column name (exported for the host's error messages). */
export function backtickHint(quoted: string, column: string): string {
  const ident = quoteIdent(column);
  const write = ident.startsWith('`') ? ident : `\`${column}\` (or ${ident})`;
  return `"${quoted}" in double quotes is the text '${quoted}', not the column ${column}: write ${write} for the column.`;
}

/**
 * Hints for `filter` given the dataset's column names: one for each double-quoted string that names a
 * column (exactly, or ignoring case: the engine resolves names without regard to case). No duplicates.
 */
export function filterHints(filter: string, columns: string[]): string[] {
  const exact = new Set(columns);
  const lower = new Map<string, string>();
  for (const c of columns) if (!lower.has(c.toLowerCase())) lower.set(c.toLowerCase(), c);
  const hints: string[] = [];
  const seen = new Set<string>();
  for (const q of doubleQuoted(filter)) {
    const column = exact.has(q) ? q : lower.get(q.toLowerCase());
    if (column === undefined || seen.has(q)) continue;
    seen.add(q);
    hints.push(backtickHint(q, column));
  }
  return hints;
}
