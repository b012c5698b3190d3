// Full-text search over one string column: the row ids that match a user's text, best first, with the
// engine's BM25 score. Only ids and scores: the rows of a page are then taken by id (LanceDataset.takeRows),
// so a search over a table of large images reads the text column and nothing else.
//
// Two paths, and the result says which answered:
// - the column has an FTS (INVERTED) index: the engine's fullTextSearch, which scores with BM25 and, on
//   rows appended after the index was built, runs the same match without the index (a FlatMatchQuery in
//   the plan) and merges them in; the filter is applied before the search (a prefilter: a `where` that
//   an index answers, or a scan of the filter's columns), so `limit` ids all satisfy it;
// - no such index: a case-insensitive substring scan in table order, without scores. The engine would
//   also run fullTextSearch on an unindexed column (a flat BM25 over every row), but then tokenised with
//   default settings nobody chose for this column, and a user without an index expects "contains".
//
// Engine facts this relies on (lancedb 0.37.1, checked by running queries; see the unit tests):
// - fullTextSearch's default limit is 10: a limit is always set here.
// - `select([]).withRowId()` returns `_rowid` and `_score` only.
// - A query string in double quotes is a phrase query ("golden retriever" does not find "retriever
//   golden"); otherwise the words are OR-ed and ranked (AND, +, -, * are not operators, just words).
// - In this SQL a backslash is an ordinary character and '' is a quote inside a string, so
//   `contains(lower(col), lower('…'))` needs no escaping beyond quoting (LIKE would need its % and _ escaped).
import { Type, type DataType } from 'apache-arrow';
import type { Table } from '@lancedb/lancedb';
import type { IndexInfo } from '../../shared/types';
import { ftsIndexOn } from '../../shared/textSearch';
import { quoteIdent, quoteString } from '../../shared/sql';
import { classify, LanceError, PathMapper } from './errors';
import { streamBatches, throwIfAborted } from './stream';

/** Most ids one search returns (ranked; the rest are dropped and the result says `truncated`). */
export const TEXT_SEARCH_MAX_IDS = 10_000;
/** Rows per streamed batch of the substring scan: the cancel is checked between batches. */
const SCAN_BATCH_ROWS = 8192;
const ROW_ID = '_rowid';
const SCORE = '_score';

export interface TextSearchRequest {
  /** The string column to search. */
  column: string;
  /** The user's text. Blank text is refused (a substring scan for "" would match every row). */
  text: string;
  /** An optional SQL filter the matching rows must also satisfy. */
  filter?: string;
  /** At most this many ids (default and ceiling TEXT_SEARCH_MAX_IDS). */
  maxIds?: number;
}

export interface TextSearchOptions {
  signal?: AbortSignal;
  /** The engine's own time limit for the query ("Query timeout after N ms"). */
  timeoutMs?: number;
  /** The table's indices when the caller has them (LanceDataset.indices()); listed here otherwise. */
  indices?: Pick<IndexInfo, 'name' | 'type' | 'columns' | 'details'>[];
  /** Engine messages mention temporary symlink folders; show the user's own path instead. */
  mapPaths?: PathMapper;
  /** Rows per streamed batch of the substring scan (tests use small ones to cancel mid-scan). */
  scanBatchRows?: number;
  /** Called after each batch with the number of ids found so far. */
  progress?: (found: number) => void;
}

export type TextSearchAnswer = { kind: 'fts-index'; name: string } | { kind: 'scan' };

export interface TextSearchResult {
  /** Engine row ids (decimal strings, as RowsPage.rowIds), best first; in table order for a scan. */
  rowIds: string[];
  /** BM25 score of each id (`_score`), same order; absent for a scan. */
  scores?: number[];
  /** More rows matched than `maxIds`: only the best `maxIds` (first, for a scan) are here. */
  truncated: boolean;
  answeredBy: TextSearchAnswer;
  /**
   * Lower-cased words to highlight. FTS: the query's words as the index's tokenizer splits them
   * (see queryTerms for the limits); scan: the whole text, lower-cased, since that is what matched.
   */
  terms: string[];
  /**
   * The index matches word forms, not only the words typed ("retrievers" finds "retriever"): highlight a
   * word that shares a term's stem, not only an equal one. False for a scan.
   */
  stemmed: boolean;
}

export async function searchText(table: Table, req: TextSearchRequest, opts: TextSearchOptions = {}): Promise<TextSearchResult> {
  const { signal, mapPaths } = opts;
  const text = req.text.trim();
  if (!text) throw new LanceError('bad-filter', 'Type the text to search for.');
  const maxIds = Math.max(1, Math.min(Math.floor(req.maxIds ?? TEXT_SEARCH_MAX_IDS), TEXT_SEARCH_MAX_IDS));
  const filter = req.filter?.trim() || undefined;
  throwIfAborted(signal);
  try {
    await requireTextColumn(table, req.column);
    const indices = opts.indices ?? (await listIndices(table));
    const fts = ftsIndexOn(req.column, indices);
    throwIfAborted(signal);
    if (fts) return await ftsSearch(table, req.column, text, filter, maxIds, fts, opts);
    return await scanSearch(table, req.column, text, filter, maxIds, opts);
  } catch (err) {
    throw classify(err, mapPaths);
  }
}

async function ftsSearch(
  table: Table,
  column: string,
  text: string,
  filter: string | undefined,
  maxIds: number,
  index: Pick<IndexInfo, 'name' | 'details'>,
  opts: TextSearchOptions,
): Promise<TextSearchResult> {
  // One more than asked tells whether more matched.
  const q = table
    .query()
    .fullTextSearch(text, { columns: column })
    .select([])
    .withRowId()
    .limit(maxIds + 1);
  if (filter) q.where(filter);
  const rowIds: string[] = [];
  const scores: number[] = [];
  // The engine ranks all matches before the first batch, so batches only shape what crosses from Rust.
  for await (const batch of streamBatches(q, { maxBatchLength: maxIds + 1, timeoutMs: opts.timeoutMs, signal: opts.signal })) {
    const ids = batch.getChild(ROW_ID);
    const sc = batch.getChild(SCORE);
    for (let i = 0; i < batch.numRows; i++) {
      rowIds.push(String(ids!.get(i)));
      scores.push(Number(sc!.get(i)));
    }
    opts.progress?.(rowIds.length);
  }
  const truncated = rowIds.length > maxIds;
  const details = (index.details ?? {}) as FtsDetails;
  return {
    rowIds: rowIds.slice(0, maxIds),
    scores: scores.slice(0, maxIds),
    truncated,
    answeredBy: { kind: 'fts-index', name: index.name },
    terms: queryTerms(text, details),
    stemmed: details.stem !== false,
  };
}

async function scanSearch(table: Table, column: string, text: string, filter: string | undefined, maxIds: number, opts: TextSearchOptions): Promise<TextSearchResult> {
  const condition = substringCondition(column, text);
  const q = table
    .query()
    .select([])
    .withRowId()
    .where(filter ? `(${filter}) AND ${condition}` : condition)
    .limit(maxIds + 1);
  const rowIds: string[] = [];
  for await (const batch of streamBatches(q, { maxBatchLength: opts.scanBatchRows ?? SCAN_BATCH_ROWS, timeoutMs: opts.timeoutMs, signal: opts.signal })) {
    const ids = batch.getChild(ROW_ID);
    for (let i = 0; i < batch.numRows; i++) rowIds.push(String(ids!.get(i)));
    opts.progress?.(rowIds.length);
  }
  return {
    rowIds: rowIds.slice(0, maxIds),
    truncated: rowIds.length > maxIds,
    answeredBy: { kind: 'scan' },
    terms: [text.toLowerCase()],
    stemmed: false,
  };
}

/**
 * The SQL condition "column contains text, ignoring case". Both sides go through the engine's own
 * lower() (Unicode-aware), so the engine and not JavaScript decides what "the same letter" means; the
 * text is a quoted literal, so no character in it is special (LIKE would make % and _ wildcards).
 */
export function substringCondition(column: string, text: string): string {
  return `contains(lower(${quoteIdent(column)}), lower(${quoteString(text)}))`;
}

interface FtsDetails {
  base_tokenizer?: string;
  lower_case?: boolean;
  stem?: boolean;
  remove_stop_words?: boolean;
  custom_stop_words?: string[] | null;
  max_token_length?: number | null;
  language?: string;
}

/**
 * English words the engine's FTS index drops from text and queries when `remove_stop_words` is on
 * (the default). Checked one by one (lancedb 0.37.1): a row holding all of them, indexed with the
 * defaults, is not found by any of these words alone. Not the engine's whole list, only the words
 * checked; words not listed are highlighted even if the engine happens to drop them.
 */
export const FTS_ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then there these they ' +
    'this to was will with o s t about after again all am been being below between both can did do doing down each ' +
    'few from further had has have having he her here hers him his how i its just me more most my nor now off other ' +
    'our out over own same she should so some than too under until up we were what when where which while who whom you your'
  ).split(' '),
);

/**
 * The query's words as the index tokenises them, as far as can be told from JavaScript: the "simple"
 * tokenizer splits on anything that is not a letter or digit, lower-cases (unless the index does not),
 * drops words longer than max_token_length and the stop words above. Limits: stemming is not applied
 * (the index matches "retriever" for "retrievers": see `stemmed`), accents are kept as typed, other
 * tokenizers (ngram, whitespace, jieba, …) are treated as "simple", and a double-quoted phrase gives
 * its words (the engine then needs them adjacent). Duplicates are dropped, first occurrence first.
 */
export function queryTerms(text: string, details: FtsDetails = {}): string[] {
  const lower = details.lower_case !== false;
  const maxLen = details.max_token_length ?? 40;
  const dropStops = details.remove_stop_words !== false;
  const custom = details.custom_stop_words ? new Set(details.custom_stop_words.map((w) => w.toLowerCase())) : undefined;
  const stops = custom ?? (!details.language || /^en/i.test(details.language) ? FTS_ENGLISH_STOP_WORDS : new Set<string>());
  const out: string[] = [];
  for (const raw of text.split(/[^\p{L}\p{N}]+/u)) {
    if (!raw) continue;
    const word = lower ? raw.toLowerCase() : raw;
    if ([...word].length > maxLen) continue;
    if (dropStops && stops.has(word.toLowerCase())) continue;
    if (!out.includes(word)) out.push(word);
  }
  return out;
}

async function requireTextColumn(table: Table, column: string): Promise<void> {
  const schema = await table.schema();
  const field = schema.fields.find((f) => f.name === column);
  if (!field) throw new LanceError('bad-filter', `No column named ${column} in this dataset.`);
  const id = (field.type as DataType).typeId;
  if (id !== Type.Utf8 && id !== Type.LargeUtf8)
    throw new LanceError('unsupported-type', `Column ${column} holds ${String(field.type)}, not text: text search needs a string column.`);
}

async function listIndices(table: Table): Promise<Pick<IndexInfo, 'name' | 'type' | 'columns' | 'details'>[]> {
  const list = await table.listIndices();
  return list.map((i) => ({
    name: i.name,
    type: i.indexType,
    columns: i.columns,
    details: (i as unknown as { indexDetails?: Record<string, unknown> }).indexDetails,
  }));
}
