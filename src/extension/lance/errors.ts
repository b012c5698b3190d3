// Structured errors of the data layer. The engine reports everything as a plain Error with a message;
// classify() turns that into a kind the UI can act on, keeping the engine's words as detail.
import type { ErrorInfo, ErrorKind } from '../../shared/types';

export class LanceError extends Error {
  constructor(readonly kind: ErrorKind, message: string, readonly detail?: string) {
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
  const detail = mapPaths(raw.replace(/, \/usr\/local\/cargo\/registry\/\S+/g, '').trim());
  const m = (kind: ErrorKind, msg: string) => new LanceError(kind, msg, detail);
  if (/cannot be read by this version|Flags:/i.test(raw)) return m('unsupported-version', 'This dataset was written by a newer Lance with features this version cannot read.');
  if (/Unrecognized type/i.test(raw)) return m('unsupported-type', 'A column has a type this reader cannot decode.');
  if (/Query timeout/i.test(raw)) return m('timeout', 'The query took too long and was stopped.');
  if (/_versions\/[^,\s]*\.manifest|version \d+ (?:does not exist|not found)|Version \d+ not found/i.test(raw))
    return m('not-found', 'That version of the dataset does not exist.');
  if (/Not found:.*\/data\/|Not found:.*\.lance\b|Object at location .* not found|No such file/i.test(raw))
    return m('unreadable-data', 'A data file of this dataset is missing, so its rows cannot be read.');
  if (context === 'filter' || /Invalid user input|Schema error|No field named|SQL error|ParserError|sql parser|Error during planning|Invalid filter|Unsupported SQL/i.test(raw))
    return m('bad-filter', filterMessage(raw));
  if (/Panic in async function/i.test(raw)) return m('internal', 'The Lance engine hit an internal error on this request.');
  if (/was not found|does not exist|Table .* not found/i.test(raw)) return m('not-found', 'The dataset or table was not found.');
  if (/Permission denied|Read-only file system|os error|IO error/i.test(raw)) return m('io', 'The dataset could not be read from disk.');
  return m('internal', 'The Lance engine reported an error.');
}

/** The engine's words about a filter, without its plumbing ("Failed to execute query stream: …", source paths). */
export function filterMessage(raw: string): string {
  const field = /No field named ([^\s.]+)\.?/i.exec(raw);
  if (field) return `No column named ${field[1]} in this dataset.`;
  let s = raw
    .replace(/, \/usr\/local\/cargo\/registry\/\S+/g, '')
    .replace(/^.*?Invalid input,\s*/i, '')
    .replace(/SELECT 1 FROM t WHERE /g, '')
    .replace(/^Error resolving filter expression .*?: /i, '')
    .replace(/^Invalid user input: /i, '')
    .trim();
  if (s.length > 300) s = s.slice(0, 300) + '…';
  return `Filter error: ${s}`;
}
