// What a dataset panel asks for first, known to both sides: the webview builds its requests for rows
// from these, and the host answers the first screen's ahead, while VS Code creates the webview (0.4 s
// on a first open in code-server, 1.3 s on a reopen, before the webview's script can ask anything).
import type { DatasetDescription, RowsRequest, SchemaField, SortKey, TextQuery } from './types';

/** At most this many columns are shown by default (the chooser shows the rest). */
export const MAX_DEFAULT_COLUMNS = 16;
/** About this many bytes per page when the page carries images (see rowsPerPage). */
export const PAGE_BYTES = 1_500_000;
/** Never fewer rows per page than this (about a screenful). */
export const MIN_PAGE_ROWS = 10;

const ID_LIKE = /(^|_)(id|key|uuid|idx|index)$|^id/i;
const LABEL_LIKE = /label|class|category|caption|name|title|tag|split/i;

/** Shown by default: everything when the table is narrow; else images, ids and labels first, then the rest in schema order. */
export function defaultColumns(fields: SchemaField[]): string[] {
  if (fields.length <= MAX_DEFAULT_COLUMNS) return fields.map((f) => f.name);
  const score = (f: SchemaField): number => (f.kind === 'binary' ? 0 : ID_LIKE.test(f.name) ? 1 : LABEL_LIKE.test(f.name) ? 2 : f.kind === 'vector' ? 3 : 4);
  const picked = new Set(
    [...fields]
      .map((f, i) => ({ f, i }))
      .sort((a, b) => score(a.f) - score(b.f) || a.i - b.i)
      .slice(0, MAX_DEFAULT_COLUMNS)
      .map((x) => x.f.name),
  );
  return fields.filter((f) => picked.has(f.name)).map((f) => f.name);
}

/**
 * Rows per page: `max` (the lanceInspector.pageSize setting), or fewer when the shown columns carry
 * images and the table's rows are large (bytes on disk / rows). A page travels whole through VS Code's
 * message channel (about 9 MB/s measured in code-server: 50 rows of 120 KB JPEGs took 0.7 s), so the
 * first screen asks for about a screenful of such rows, not 50.
 */
export function rowsPerPage(max: number, withImages: boolean, bytesPerRow: number | undefined): number {
  if (!withImages || !bytesPerRow || !Number.isFinite(bytesPerRow)) return max;
  return Math.max(Math.min(MIN_PAGE_ROWS, max), Math.min(max, Math.floor(PAGE_BYTES / bytesPerRow)));
}

/** Rows per page when these columns of this dataset are shown. */
export function pageRowsFor(d: Pick<DatasetDescription, 'schema' | 'stats'>, columns: string[], max: number): number {
  const kinds = new Map(d.schema.map((f) => [f.name, f.kind]));
  const images = columns.some((c) => kinds.get(c) === 'binary');
  const { bytes, rows } = d.stats;
  return rowsPerPage(max, images, bytes !== undefined && rows > 0 ? bytes / rows : undefined);
}

export interface QuerySpec {
  filter: string;
  columns: string[];
  /** Sort keys of the whole (filtered) table; empty: table order. */
  sort: SortKey[];
  /** A text search: its rows in relevance order (the sort is then not applied). */
  search?: TextQuery;
  /** A kept row set (its id): its rows in its order, or the sort's; the filter applies within it. */
  rowSet?: string;
}

/** The request for one page of a query, with thumbnails `thumbnailPx` device pixels wide. */
export function pageRequest(spec: QuerySpec, page: number, pageRows: number, thumbnailPx: number): RowsRequest {
  return {
    filter: spec.filter || undefined,
    ...(spec.sort.length ? { sort: spec.sort } : {}),
    ...(spec.search ? { search: spec.search } : {}),
    ...(spec.rowSet !== undefined ? { rowSet: spec.rowSet } : {}),
    columns: spec.columns,
    offset: page * pageRows,
    limit: pageRows,
    withImages: true,
    thumbnailPx,
  };
}

/** The first `pages` page requests of a new panel: the whole table, its default columns, in table order. */
export function firstScreenRequests(d: Pick<DatasetDescription, 'schema' | 'stats'>, pageSize: number, thumbnailPx: number, pages: number): RowsRequest[] {
  const spec: QuerySpec = { filter: '', columns: defaultColumns(d.schema), sort: [] };
  const rows = pageRowsFor(d, spec.columns, pageSize);
  return Array.from({ length: pages }, (_, p) => pageRequest(spec, p, rows, thumbnailPx));
}
