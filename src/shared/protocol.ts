// The one protocol between the extension host and its webviews.
// Requests go webview → host and are answered once (a result or an ErrorInfo that rejects the caller's
// promise); events go host → webview and are not answered. Every message is an Envelope.
import type {
  Cell,
  ColumnStats,
  DatasetDescription,
  EmbeddingMap,
  MapRequest,
  ExactValue,
  ErrorInfo,
  FullRow,
  VersionDiff,
  UiSettings,
  ViewState,
  RowsPage,
  RowsRequest,
  RowSetInfo,
  CurationRequest,
  CurationResult,
  CurationSignal,
  SimilarRequest,
  SimilarResult,
  SortKey,
  TextQuery,
  SearchSummary,
  PlanTarget,
  QueryPlanInfo,
  VersionsPage,
} from './types';

/** Requests the webview may send, with their parameters and results. */
export interface HostRequests {
  describe: { params: Record<string, never>; result: DatasetDescription };
  versions: { params: { offset: number; limit: number }; result: VersionsPage };
  /** Rows matching the filter (within a kept row set when `rowSet` is given). */
  count: { params: { filter?: string; rowSet?: string }; result: number };
  rows: { params: RowsRequest; result: RowsPage };
  /** Run a text search (kept for the pages that follow); its rows come with 'rows' and the same search. */
  search: { params: { search: TextQuery; filter?: string }; result: SearchSummary };
  /** The plan of the query behind a view: Explain, or Analyze (which runs it). */
  plan: { params: { target: PlanTarget; analyze: boolean }; result: QueryPlanInfo };
  similar: { params: SimilarRequest; result: SimilarResult };
  /** Reopen the dataset at its latest version (or the pinned one) and forget cached state. */
  reload: { params: Record<string, never>; result: null };
  /** One row in full, for the preview. */
  row: { params: { rowId: string; columns?: string[] }; result: FullRow };
  /** One cell with nothing capped (a whole long string or list; a binary as its size and first bytes). */
  cell: { params: { rowId: string; column: string }; result: Cell };
  /** Statistics of one column, streamed over only that column; progress arrives as 'progress' events. */
  columnStats: { params: { column: string; filter?: string; topK?: number }; result: ColumnStats };
  /**
   * The 2-D map of a vector column (PCA or UMAP, computed off the extension host's thread, cached in the
   * extension's storage); progress arrives as 'progress' events with a stage. Not time-limited: UMAP of
   * 50,000 rows takes minutes; the webview shows Cancel.
   */
  embeddingMap: { params: MapRequest; result: EmbeddingMap };
  /** Values of a column with their counts (for "filter by class"), most frequent first. */
  distinct: { params: { column: string; limit: number }; result: { value: string | number | boolean; count: number; exact?: ExactValue }[] };
  compareVersions: { params: { from: number; to: number }; result: VersionDiff };
  /** Show another version or tag in this panel (read-only), or the latest again (both undefined). */
  browse: { params: { version?: number; tag?: string }; result: null };
  /** Ask the host to create / delete a tag. The host asks the user to confirm first: these write. */
  createTag: { params: { version: number; name?: string }; result: { created: boolean } };
  deleteTag: { params: { name: string }; result: { deleted: boolean } };
  /**
   * Keep a list of row ids (in this order, with a score per row when given) as a row set the Rows tab can
   * show (RowsRequest.rowSet). The host keeps a few per dataset, the least recently used dropped first.
   * `replaces`: the id of a set this one replaces (a view refreshing its own set takes no second place).
   */
  keepRowSet: { params: { rowIds: string[]; label: string; scores?: number[]; scoreLabel?: string; replaces?: string }; result: RowSetInfo };
  /**
   * The curation signals of a vector column (near-duplicates, label errors, outliers; exact byte duplicates
   * of an image column): computed through the vector index, or loaded from the cache in the extension's
   * storage; progress arrives as 'progress' events with a stage. Not time-limited; the webview shows Cancel.
   * A new threshold or label column with the same column reuses the neighbour lists (no new search).
   */
  curationSignals: { params: CurationRequest; result: CurationResult };
  /** Keep one signal's rows, ordered by its score (from the last curationSignals answer), as a row set. */
  curationRowSet: { params: { signal: CurationSignal }; result: RowSetInfo };
  /** The webview tells the host what it shows (filter, columns, selection). */
  viewState: { params: ViewState; result: null };
  /** The user's settings for the webviews. */
  settings: { params: Record<string, never>; result: UiSettings };
  /** Run one of the few commands a webview may ask for (webviewCommandPolicy.ts: showPreview, findSimilar, selectRelative), arguments checked. */
  command: { params: { id: string; args?: unknown }; result: null };
}

/** Events the host may send. */
export interface WebviewEvents {
  /** The dataset on disk gained a version while this view was open. */
  datasetChanged: { latestVersion: number };
  /** Something outside the webview asks it to show an error (e.g. a command failed). */
  showError: ErrorInfo;
  /** Progress of a long request (column statistics): done of total rows. */
  progress: { requestId: number; done: number; total: number; stage?: string };
  /** A palette command asks the panel to do something in its UI. */
  uiAction:
    | { action: 'setFilter'; filter: string }
    | { action: 'setSort'; sort: SortKey[] }
    | { action: 'setSearch'; search?: TextQuery }
    | { action: 'goToRow'; index: number }
    | { action: 'showTab'; tab: 'schema' | 'rows' | 'versions' | 'indices' | 'curation' | 'map' }
    | { action: 'findSimilar'; rowId: string }
    | { action: 'selectRelative'; delta: number }
    | { action: 'compare'; from: number; to: number };
  /** To the preview view: the row selected in the active dataset panel (rowId undefined: nothing selected). */
  select: {
    rowId?: string;
    index?: number;
    dataset?: string;
    version?: number;
    /** The panel's text search: the preview marks the words it matched in that column. */
    search?: { column: string; terms: string[]; stemmed: boolean; substring: boolean };
  };
  /** The whole view must be asked again (the panel now shows another version, or was reloaded). */
  reset: Record<string, never>;
}

export type RequestMethod = keyof HostRequests;

/**
 * A new panel's first answers, written into its HTML (a JSON block with this id) when the host has
 * them by the time it sets the HTML: the webview shows its header without a round trip.
 */
export interface FirstAnswers {
  describe: DatasetDescription;
  settings: UiSettings;
  /** The count and first pages when they were ready too: the webview's identical requests take them (RpcClient.answerAhead). */
  answers?: AnswerAhead[];
}
/** A request's answer computed before it was asked. */
export interface AnswerAhead {
  method: 'count' | 'rows';
  params: unknown;
  result: unknown;
}
export const FIRST_ANSWERS_ID = 'li-first-answers';

/**
 * Two requests are the same question when their method and JSON are: the key of an answer given ahead,
 * on both sides (pageRequest builds rows requests in one key order).
 */
export function answerKey(method: RequestMethod, params: unknown): string {
  return `${method} ${JSON.stringify(params)}`;
}

/**
 * Whether a value comes back the same from JSON, as first answers must (they are written into the HTML):
 * not when it holds typed arrays, e.g. an image cell's bytes (webview messages carry those intact, JSON
 * makes them plain objects).
 */
export function survivesJson(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  return Object.values(value).every(survivesJson);
}

export type EventName = keyof WebviewEvents;

/**
 * `conn` names one load of a webview (a hidden webview is destroyed; the next load is a new connection
 * whose request ids start at 1 again). Requests, cancels and replies carry it; events carry the live one.
 */
export type Envelope =
  | { type: 'ready'; conn: string }
  | { type: 'request'; conn: string; id: number; method: RequestMethod; params: unknown; channel?: string }
  | { type: 'response'; conn: string; id: number; result?: unknown; error?: ErrorInfo }
  | { type: 'cancel'; conn: string; id: number }
  | { type: 'event'; conn?: string; name: EventName; payload: unknown };

export function isEnvelope(x: unknown): x is Envelope {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}
