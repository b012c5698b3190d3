// Data shapes that cross the host ↔ webview boundary. Everything here is structured-clone safe:
// no bigint, no Buffer, no class instances (a Uint8Array is fine and is transferred efficiently).

/** What went wrong, in words a user can act on, plus the engine's own message. */
export type ErrorKind =
  | 'not-a-dataset'
  | 'bad-filter'
  | 'unreadable-data'
  | 'unsupported-type'
  | 'unsupported-version'
  | 'not-found'
  | 'io'
  /** An object store refused the credentials (or had none) for a bucket. */
  | 'access-denied'
  /** An object store's endpoint could not be reached (refused, DNS, TLS, http without allow_http). */
  | 'unreachable'
  | 'timeout'
  | 'superseded'
  | 'cancelled'
  /** More than the inspector will hold or write at once (e.g. a sorted export of over 10 million rows). */
  | 'too-large'
  | 'internal';

export interface ErrorInfo {
  kind: ErrorKind;
  /** One sentence for the user. */
  message: string;
  /** The engine's (or the system's) own message, for the details view. */
  detail?: string;
}

/** Where a dataset lives and how to reach it. */
export interface DatasetLocation {
  /** Absolute folder path or object-store URI of the dataset itself. */
  uri: string;
  /** Table name inside a LanceDB folder (the folder name without `.lance`). */
  name: string;
}

export interface SchemaField {
  name: string;
  /** Arrow type as people read it: `Int64`, `FixedSizeList[512]<Float32>`, `Struct<a: Int32>`. */
  type: string;
  /** Rough family the UI uses to pick a renderer. */
  kind: FieldKind;
  nullable: boolean;
  metadata: Record<string, string>;
  children: SchemaField[];
  /** Vector dimension for fixed-size lists of floats. */
  dimension?: number;
  /** Indices covering this column. */
  indices?: { name: string; type: string; metric?: string }[];
  /** Why this column cannot be read as is (shown as a labelled placeholder). */
  unsupported?: string;
}

export type FieldKind = 'int' | 'float' | 'decimal' | 'bool' | 'string' | 'binary' | 'vector' | 'list' | 'struct' | 'temporal' | 'dictionary' | 'null' | 'other';

export interface IndexInfo {
  name: string;
  type: string;
  columns: string[];
  metric?: string;
  indexedRows?: number;
  unindexedRows?: number;
  /** Bytes of the index files, when the engine reports them. */
  sizeBytes?: number;
  /** ISO time the index was created (newer datasets only). */
  createdAt?: string;
  details?: Record<string, unknown>;
}

export interface DatasetStats {
  rows: number;
  /** Rows deleted but still present in fragments; undefined when the manifest does not tell. */
  deletedRows?: number;
  fragments: number;
  /** Undefined when the manifests lack file sizes (older datasets): show "unknown", never 0. */
  bytes?: number;
  /** Lance data storage format, e.g. "2.1" or "legacy". */
  dataFormat?: string;
}

export interface DatasetDescription {
  location: DatasetLocation;
  version: number;
  latestVersion: number;
  /** True when this view is pinned to an older version or a tag (read-only by construction). */
  pinned: boolean;
  tag?: string;
  schema: SchemaField[];
  schemaMetadata: Record<string, string>;
  /** `lance:class_names` decoded to a list, when present and parseable. */
  classNames?: string[];
  indices: IndexInfo[];
  /** True when `_indices/` holds files but the engine reported none (old datasets). */
  indexMetadataMissing: boolean;
  stats: DatasetStats;
  /** Set when rows cannot be read at all (e.g. a data file is missing); schema and versions still show. */
  rowsError?: ErrorInfo;
  /**
   * Set when newer versions' manifests are damaged: the view opened the newest readable version
   * (`version`) instead of the latest, read-only.
   */
  damage?: { damagedVersions: number[]; message: string };
}

export interface VersionInfo {
  version: number;
  /** ISO 8601. */
  timestamp?: string;
  rows?: number;
  metadata: Record<string, string>;
  tags: string[];
  /** Why this version's manifest cannot be read (it is damaged); undefined when it reads. */
  damaged?: string;
}

export interface VersionsPage {
  total: number;
  latest: number;
  /** Newest first. */
  versions: VersionInfo[];
}

/**
 * A float that JSON cannot carry as a number: VS Code posts webview messages as JSON, which turns NaN
 * and ±Infinity into `null` and -0 into 0. These travel as this text instead (see shared/floats.ts).
 */
export type FloatText = 'NaN' | 'Infinity' | '-Infinity' | '-0';
/** A float on the wire: a plain number when JSON keeps it exactly, else its FloatText. */
export type WireFloat = number | FloatText;

/**
 * A cell as it crosses the wire. Plain JSON scalars stay plain; everything else is tagged.
 * - `float`: a float scalar that is NaN, ±Infinity or -0 (every other float is a plain number).
 * - `str`: a string longer than the request's cap: its first characters (`v`, never a split surrogate
 *   pair), its whole `length` in UTF-16 code units, and the MD5 (hex) of its UTF-8 bytes, so a filter
 *   can still select exactly it (`md5(col) = '…'`). Shorter strings are plain strings.
 * - `vec`: `head`/`values`/`norm` as WireFloat; `nonFinite` counts NaN and ±Infinity entries (absent when 0).
 * - `list`: `items` may be fewer than `length` (capped per list and per cell).
 */
export type Cell =
  | null
  | boolean
  | number
  | string
  | { t: 'i64'; v: string }
  | { t: 'float'; v: FloatText }
  | { t: 'str'; v: string; length: number; md5: string }
  | { t: 'time'; v: string; type: string }
  | {
      t: 'bin';
      size: number;
      media?: string;
      head: string;
      bytes?: Uint8Array;
      /**
       * A small picture of the image about `thumbnailPx` on its longer side, as a `data:image/jpeg;base64`
       * URL, sent instead of `bytes` when the request asked for thumbnails and the host could make one
       * (see jpegThumbnail.ts). A URL, not bytes: a Blob and a blob: URL per cell cost the webview
       * ~2 ms of calls into the browser process each while scrolling (CPU profile in code-server).
       */
      thumb?: string;
    }
  | { t: 'vec'; dim: number; norm: WireFloat; head: WireFloat[]; values?: WireFloat[]; nonFinite?: number }
  | { t: 'list'; length: number; items: Cell[] }
  | { t: 'struct'; fields: Record<string, Cell> }
  | { t: 'unsupported'; type: string; reason: string };

/** The exact value behind a statistic whose plain display value is not exact (see ColumnStats). */
export type ExactValue = Extract<Cell, { t: 'i64' | 'float' | 'str' }>;

/** One sort key: a top-level column, ascending unless `descending`. Nulls always sort last. */
export interface SortKey {
  column: string;
  descending?: boolean;
}

/** A text search of one string column (its full-text index when it has one, else a substring scan). */
export interface TextQuery {
  column: string;
  text: string;
}

/** What a text search found: the Rows tab shows its rows (in relevance order) with their score. */
export interface SearchSummary {
  /** Rows found (at most `limit`; `truncated` when more matched). */
  count: number;
  truncated: boolean;
  limit: number;
  answeredBy: { kind: 'fts-index'; name: string } | { kind: 'scan' };
  /** Lower-cased words to highlight; `stemmed`: the index also matched other forms of them. */
  terms: string[];
  stemmed: boolean;
}

/**
 * A list of row ids the host keeps (in the given order, with a score per row when given), shown as a view
 * in the Rows tab: curation signals and map selections make them. `scoreLabel` names the score column.
 */
export interface RowSetInfo {
  id: string;
  label: string;
  count: number;
  scoreLabel?: string;
}

/** The pseudo-column of a text search's rows (the BM25 relevance score; absent for a substring scan), and of a row set's score. */
export const SCORE_COLUMN = '_score';

/** The query behind a view, for its plan (Explain / Analyze). */
export type PlanTarget =
  | { view: 'rows'; filter?: string; sort?: SortKey[]; search?: TextQuery; rowSet?: string; columns?: string[]; offset: number; limit: number }
  | { view: 'similar'; request: SimilarRequest };

export interface QueryPlanInfo {
  /** Which query this is, in words (e.g. "the query that picks the page's rows"). */
  what: string;
  /** The engine's plan text. */
  text: string;
  /** True when the query ran (Analyze): the text carries rows, bytes and times. */
  analyzed: boolean;
  /** Plain-words lines, most telling first. */
  summary: string[];
}

export interface RowsRequest {
  filter?: string;
  /** A text search: its rows in relevance order (sort keys are then not applied). */
  search?: TextQuery;
  /** Sort keys of the whole (filtered) table, first key first; none: table order. */
  sort?: SortKey[];
  /** A kept row set (keepRowSet): its rows in its order (sort keys reorder them, the filter applies within it). */
  rowSet?: string;
  /** Columns to read; undefined reads all. Only these are read from disk. */
  columns?: string[];
  offset: number;
  limit: number;
  /** Send image bytes for binary cells sniffed as images (up to maxImageBytes each). */
  withImages?: boolean;
  maxImageBytes?: number;
  /**
   * With withImages: the width (device pixels) the images are shown at. JPEGs that the host can scale
   * then travel as small `thumb` pictures instead of their bytes (a 64-px cell needs ~9 KB, not 120 KB).
   */
  thumbnailPx?: number;
}

export interface RowsPage {
  offset: number;
  columns: string[];
  /** Engine row ids (as decimal strings: they are u64) in the order of `rows`. */
  rowIds: string[];
  rows: Cell[][];
}

export interface SimilarRequest {
  /** The query row, by engine row id… */
  rowId?: string;
  /** …or by a key column's value. */
  key?: { column: string; value: string | number };
  vectorColumn: string;
  k: number;
  nprobes?: number;
  refineFactor?: number;
  filter?: string;
  columns?: string[];
  withImages?: boolean;
  maxImageBytes?: number;
  /** With withImages: the cards' image width in device pixels; JPEGs then travel as thumbnails (see RowsRequest). */
  thumbnailPx?: number;
}

export interface SimilarResult {
  query: { rowId: string; row: Cell[] };
  columns: string[];
  rowIds: string[];
  rows: Cell[][];
  distances: number[];
  metric: string;
  /** Which path answered: the ANN index (named) or an exact scan. */
  answeredBy: { kind: 'index'; name: string; type: string } | { kind: 'scan' };
}

export interface TableEntry {
  name: string;
  uri: string;
}

/** One row with everything in it (full vectors, images up to the inline limit): the preview's view. */
export interface FullRow {
  rowId: string;
  columns: string[];
  row: Cell[];
}

export interface ColumnStats {
  column: string;
  type: string;
  /** Rows looked at (all rows matching the filter, unless cancelled). */
  rows: number;
  nulls: number;
  /**
   * Numbers only: a number; exact text (int64 beyond 2^53, decimals, ISO dates); or a float JSON
   * cannot carry (±Infinity, -0) as `{ t: 'float' }`. NaN never is a min or max (see `nans`).
   */
  min?: number | string | Extract<Cell, { t: 'float' }>;
  max?: number | string | Extract<Cell, { t: 'float' }>;
  /** Of the finite values (always finite). */
  mean?: number;
  /** Float columns: how many values are NaN (counted as values, outside min, max and mean). */
  nans?: number;
  /** Exact distinct count when it stayed under the cap, else a lower bound with distinctCapped. */
  distinct?: number;
  distinctCapped?: boolean;
  /**
   * Most frequent values, most frequent first (low-cardinality columns). `value` is what is shown;
   * `exact`, when present, is the value itself where `value` is not (an int64 beyond 2^53, NaN, ±Infinity,
   * -0, a long string shown shortened): filters are built from `exact ?? value`, never from the text.
   */
  top?: { value: string | number | boolean; count: number; exact?: ExactValue }[];
  /** True when the scan stopped early (cancelled): the figures cover `rows` rows only. */
  partial: boolean;
}

export interface VersionDiff {
  from: number;
  to: number;
  rows: { from: number; to: number };
  schema: {
    added: { name: string; type: string }[];
    removed: { name: string; type: string }[];
    changed: { name: string; from: string; to: string }[];
  };
  fragments: { added: number[]; removed: number[]; from: number; to: number };
  indices: { added: string[]; removed: string[] };
  metadata: { added: string[]; removed: string[]; changed: string[] };
}

/** Settings the webviews follow (lanceInspector.* settings). */
export interface UiSettings {
  /** Rows per page requested by the grid. */
  pageSize: number;
  /** Thumbnail edge in px in the grid. */
  thumbnailSize: number;
  similarK: number;
  similarNprobes: number;
  /** 0: no refine step. */
  similarRefineFactor: number;
  /** The host's time limit of one query (the webview waits a little longer than that). */
  queryTimeoutSeconds: number;
}

/** What the webview currently shows: the host uses it for export, subsets and palette commands. */
export interface ViewState {
  filter?: string;
  sort?: SortKey[];
  /** The text search of the Rows tab, with the terms to highlight (the preview marks them too). */
  search?: TextQuery & { terms?: string[]; stemmed?: boolean; substring?: boolean };
  /** The row set the Rows tab shows (export and subsets write its rows, in its order). */
  rowSet?: RowSetInfo;
  columns?: string[];
  selectedRowId?: string;
  /** Position of the selected row in the filtered table. */
  selectedIndex?: number;
  /**
   * The selection was made by a click on a row (not by keys, "go to row" or a command): only such a first
   * selection reveals the Row Preview, so a reveal (which takes focus when the view was never shown) never
   * lands in the middle of typing in the palette.
   */
  selectedByClick?: boolean;
}

/** How the embedding map projects vectors to 2-D. */
export type MapMethod = 'pca' | 'umap';

export interface MapRequest {
  /** The vector column. */
  column: string;
  method: MapMethod;
  /** Colour by this column (a low-cardinality one by category, a numeric one on a scale); none: one colour. */
  colorBy?: string;
  /** Compute again, replacing the cached map. */
  recompute?: boolean;
}

/**
 * A 2-D map of a vector column. The arrays travel as bytes (a Uint8Array is what every webview transport
 * carries intact; see shared/typedBytes.ts for the typed views): `x`, `y` Float32 per point; `rowIds`
 * two Uint32 per point (low word, high word) so u64 row ids keep every bit.
 */
export interface EmbeddingMap {
  column: string;
  method: MapMethod;
  count: number;
  x: Uint8Array;
  y: Uint8Array;
  rowIds: Uint8Array;
  /** Rows of the table, and whether the points are a seeded sample of them (at most `maxPoints`). */
  totalRows: number;
  sampled: boolean;
  maxPoints: number;
  seed: number;
  /** Rows left out: null vector or a NaN/±Infinity in it. */
  skipped: number;
  colour?: MapColour;
  /** Reading the vectors and computing the projection, ms (as when it was computed, for a cached map). */
  readMs: number;
  computeMs: number;
  /** When it was computed (epoch ms), and whether this answer came from the cache. */
  computedAt: number;
  cached: boolean;
  /** PCA: share of the variance along each axis. */
  explained?: [number, number];
  /** UMAP: the neighbour lists it was fed (the vector index, or an exact scan without one). */
  neighbours?: { k: number; metric: string; answeredBy: string; ms: number };
}

/** What colours the map: Int32 codes per point into `values` (-1 null), or Float32 values per point (NaN null). */
export type MapColour =
  | { column: string; kind: 'category'; codes: Uint8Array; values: string[]; counts: number[]; otherCount: number }
  | { column: string; kind: 'numeric'; values: Uint8Array; min: number; max: number };

/** The curation signals (Curation tab); each can be shown in Rows as a row set ordered by its score. */
export type CurationSignal = 'duplicates' | 'byteDuplicates' | 'labelErrors' | 'outliers';

export interface CurationRequest {
  /** The vector column whose nearest neighbours the signals come from. */
  column: string;
  /** Label errors compare each row's value of this column with its neighbours' (none: no label errors). */
  labelColumn?: string;
  /** Exact byte duplicates of this binary column, by hash (none: not looked for). */
  imageColumn?: string;
  /** Near-duplicate threshold in the metric's distance (default by metric: cosine 0.05). */
  threshold?: number;
  /** Neighbours per row (default 10). */
  k?: number;
  /** Rows per list sent back (default 50). */
  top?: number;
  /** Compute again (a new neighbour search, the images hashed again), replacing the cached results. */
  recompute?: boolean;
  /** Only what is kept or cached: a not-found error when the neighbour lists are not (the byte duplicates are then left out). */
  cachedOnly?: boolean;
}

export interface CurationResult {
  column: string;
  metric: string;
  k: number;
  /** Which path found the neighbours: the vector index (probing `nprobes` partitions), or an exact scan. */
  answeredBy: { kind: 'index'; name: string; type: string; nprobes: number } | { kind: 'scan' };
  /** Rows whose neighbours were searched; of `totalRows` (a seeded sample when `sampled`); rows without a usable vector. */
  rows: number;
  totalRows: number;
  sampled: boolean;
  skipped: number;
  threshold: number;
  defaultThreshold: number;
  /** Each row's distance to its nearest neighbour: bins.length + 1 edges. */
  histogram: { edges: number[]; counts: number[] };
  duplicates: {
    /** Closest groups first; members by row id, each with its distance to the nearest other member (NaN: not in its list). */
    groups: { rowIds: string[]; distances: number[]; minDistance: number; maxDistance: number }[];
    groupCount: number;
    rowCount: number;
  };
  labelErrors?: {
    column: string;
    /** Rows whose neighbours' majority label is not their own, highest share first: the row's label, that majority label, the share that disagrees. */
    rows: { rowId: string; label: string; majority: string; share: number }[];
    /** Rows where most neighbours disagree (share > 0.5). */
    flagged: number;
  };
  /** Largest distance to the k-th neighbour first. */
  outliers: { rows: { rowId: string; distance: number }[] };
  byteDuplicates?: {
    column: string;
    /** Largest groups first: rows with identical bytes. */
    groups: { rowIds: string[]; bytes: number; sha1: string }[];
    groupCount: number;
    rowCount: number;
    rowsRead: number;
    ms: number;
    cached: boolean;
  };
  /** ms: reading the vectors, the neighbour search (as when computed, for cached lists), the scores, the labels. */
  timings: { readMs: number; neighboursMs: number; scoreMs: number; labelsMs: number };
  /** The neighbour lists came from the cache; `searched`: this request ran a neighbour search. */
  cached: boolean;
  searched: boolean;
}
