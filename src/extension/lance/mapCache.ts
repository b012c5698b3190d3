// What the Map tab keeps in its cache (resultCache.ts), and how it is turned back into results: the 2-D
// projection, and the neighbour lists rather than the curation scores. The neighbour search is the
// expensive part (tens of seconds on 50,000 rows); every score is recomputed from the lists in
// milliseconds, so a new near-duplicate threshold or label column needs no new search.
import type { Neighbours, Metric } from './neighbours';
import type { ColumnProjection } from './projection';
import { CacheKeyParts, readCached, writeCached } from './resultCache';
import type { VectorSet } from './vectorColumn';

type ProjectionMeta = Omit<ColumnProjection, 'x' | 'y' | 'rowIds' | 'mean' | 'components'>;

export function saveProjection(folder: string, parts: CacheKeyParts, p: ColumnProjection): Promise<string> {
  const { x, y, rowIds, mean, components, ...meta } = p;
  return writeCached<ProjectionMeta>(folder, parts, { meta, arrays: { x, y, rowIds, mean, components } });
}

export async function loadProjection(folder: string, parts: CacheKeyParts): Promise<ColumnProjection | undefined> {
  const c = await readCached<ProjectionMeta>(folder, parts);
  if (!c) return undefined;
  const { x, y, rowIds, mean, components } = c.arrays;
  if (!(x instanceof Float32Array && y instanceof Float32Array && rowIds instanceof BigUint64Array && mean instanceof Float64Array && components instanceof Float64Array))
    return undefined;
  return { ...c.meta, x, y, rowIds, mean, components };
}

/** The neighbour lists with what they refer to: the rows' ids and (when read) their label codes. */
export interface CachedNeighbours {
  neighbours: Neighbours;
  rowIds: BigUint64Array;
  labels?: { codes: Int32Array; values: string[] };
  meta: { totalRows: number; sampled: boolean; skipped: number; ms: number };
}

interface NeighbourMeta {
  k: number;
  metric: Metric;
  labelValues?: string[];
  totalRows: number;
  sampled: boolean;
  skipped: number;
  ms: number;
}

export function saveNeighbours(folder: string, parts: CacheKeyParts, set: VectorSet, nb: Neighbours, ms: number): Promise<string> {
  const meta: NeighbourMeta = { k: nb.k, metric: nb.metric, labelValues: set.labels?.values, totalRows: set.totalRows, sampled: set.sampled, skipped: set.skipped, ms };
  return writeCached(folder, parts, {
    meta,
    arrays: { queries: nb.queries, index: nb.index, distance: nb.distance, rowIds: set.rowIds, ...(set.labels ? { codes: set.labels.codes } : {}) },
  });
}

export async function loadNeighbours(folder: string, parts: CacheKeyParts): Promise<CachedNeighbours | undefined> {
  const c = await readCached<NeighbourMeta>(folder, parts);
  if (!c) return undefined;
  const { queries, index, distance, rowIds, codes } = c.arrays;
  if (!(queries instanceof Int32Array && index instanceof Int32Array && distance instanceof Float32Array && rowIds instanceof BigUint64Array)) return undefined;
  const { k, metric, labelValues, ...meta } = c.meta;
  return {
    neighbours: { k, metric, queries, index, distance },
    rowIds,
    ...(codes instanceof Int32Array && labelValues ? { labels: { codes, values: labelValues } } : {}),
    meta,
  };
}

/** An embedding map as cached: the points (x, y, row id) and what the map says about itself. */
export interface CachedMap<M> {
  meta: M;
  x: Float32Array;
  y: Float32Array;
  rowIds: BigUint64Array;
}

export function saveMap<M>(folder: string, parts: CacheKeyParts, map: CachedMap<M>): Promise<string> {
  return writeCached<M>(folder, parts, { meta: map.meta, arrays: { x: map.x, y: map.y, rowIds: map.rowIds } });
}

export async function loadMap<M>(folder: string, parts: CacheKeyParts): Promise<CachedMap<M> | undefined> {
  const c = await readCached<M>(folder, parts);
  if (!c) return undefined;
  const { x, y, rowIds } = c.arrays;
  if (!(x instanceof Float32Array && y instanceof Float32Array && rowIds instanceof BigUint64Array)) return undefined;
  return { meta: c.meta, x, y, rowIds };
}
