// The embedding map of a vector column, end to end: cached map or a new one (vectors read once, streamed
// and column-only; for UMAP, neighbour lists through the vector index; the arithmetic in a worker), then
// the colour column matched to its points. vscode-free: the cache folder and the worker's script are
// given by the caller (the extension's global storage and dist/mapWorker.js).
import { SIGNAL_COLOUR_LABELS, signalOfColour } from '../../shared/signalColour';
import type { CurationSignal, EmbeddingMap, MapColour, MapRequest } from '../../shared/types';
import { bytesOf, rowIdPairs } from '../../shared/typedBytes';
import type { Table } from './engine';
import { LanceError } from './errors';
import { loadMap, saveMap } from './mapCache';
import { numericColour, readPointColour, type PointColour } from './mapColour';
import { runMapJob } from './mapJob';
import { nearestNeighbours, vectorIndexOf } from './neighbours';
import type { CacheKeyParts } from './resultCache';
import { throwIfAborted } from './stream';
import { readVectors } from './vectorColumn';

export interface MapSettings {
  /** Points at most: a larger table gives a seeded sample of this many (setting lanceInspector.map.maxPoints). */
  maxPoints: number;
  /** Where maps are cached (never inside the dataset); undefined: not cached. */
  cacheFolder?: string;
  /** dist/mapWorker.js; undefined: the arithmetic runs on the calling thread. */
  workerPath?: string;
  seed?: number;
}

export interface MapSource {
  table: Table;
  uri: string;
  version: number;
  /** How a colour column is read: by category or on a numeric scale (the caller knows the schema). */
  colourKind(column: string): 'category' | 'numeric';
  /** A curation signal's score per point (NaN: none), from the Curation tab's last answer; undefined before one. */
  signalScores?(kind: CurationSignal, rowIds: BigUint64Array): Float32Array | undefined;
}

export interface MapRunOptions {
  signal?: AbortSignal;
  progress?: (done: number, total: number, stage: string) => void;
  timeoutMs?: number;
}

/** UMAP's neighbours per point (umap-js's default n_neighbors is 15: the point itself and 14 others). */
export const UMAP_K = 14;
/** Without a vector index each point's neighbours are a scan of the whole table: only small tables. */
export const UMAP_EXACT_MAX_ROWS = 5000;
const DEFAULT_SEED = 1;

/** What the cache keeps besides the points. */
interface MapMeta {
  method: EmbeddingMap['method'];
  totalRows: number;
  sampled: boolean;
  skipped: number;
  readMs: number;
  computeMs: number;
  computedAt: number;
  explained?: [number, number];
  neighbours?: EmbeddingMap['neighbours'];
}

export function mapCacheKey(src: Pick<MapSource, 'uri' | 'version'>, req: Pick<MapRequest, 'column' | 'method'>, settings: MapSettings): CacheKeyParts {
  const seed = settings.seed ?? DEFAULT_SEED;
  return {
    uri: src.uri,
    version: src.version,
    column: req.column,
    method: req.method,
    params: { maxPoints: settings.maxPoints, seed, ...(req.method === 'umap' ? { k: UMAP_K } : {}) },
  };
}

export async function embeddingMap(src: MapSource, req: MapRequest, settings: MapSettings, opts: MapRunOptions = {}): Promise<EmbeddingMap> {
  const parts = mapCacheKey(src, req, settings);
  let cached = false;
  let map = !req.recompute && settings.cacheFolder ? await loadMap<MapMeta>(settings.cacheFolder, parts) : undefined;
  if (map) cached = true;
  else {
    map = await computeMap(src, req, settings, opts);
    if (settings.cacheFolder) await saveMap(settings.cacheFolder, parts, map);
  }
  throwIfAborted(opts.signal);
  const signal = signalOfColour(req.colorBy);
  const colour = signal
    ? signalColour(src, signal, map.rowIds)
    : req.colorBy
      ? await readPointColour(src.table, req.colorBy, src.colourKind(req.colorBy), map.rowIds, opts)
      : undefined;
  const m = map.meta;
  return {
    column: req.column,
    method: req.method,
    count: map.x.length,
    x: bytesOf(map.x),
    y: bytesOf(map.y),
    rowIds: bytesOf(rowIdPairs(map.rowIds)),
    totalRows: m.totalRows,
    sampled: m.sampled,
    maxPoints: settings.maxPoints,
    seed: settings.seed ?? DEFAULT_SEED,
    skipped: m.skipped,
    ...(colour ? { colour: colourForWire(colour) } : {}),
    readMs: m.readMs,
    computeMs: m.computeMs,
    computedAt: m.computedAt,
    cached,
    ...(m.explained ? { explained: m.explained } : {}),
    ...(m.neighbours ? { neighbours: m.neighbours } : {}),
  };
}

async function computeMap(src: MapSource, req: MapRequest, settings: MapSettings, opts: MapRunOptions) {
  const progress = opts.progress ?? (() => undefined);
  const seed = settings.seed ?? DEFAULT_SEED;
  const t0 = performance.now();
  const set = await readVectors(src.table, req.column, {
    limit: settings.maxPoints,
    seed,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    progress: (done, total) => progress(done, total, 'reading vectors'),
  });
  const t1 = performance.now();
  if (set.count === 0) throw new LanceError('not-found', `Column ${req.column} has no vector to map (every row is null or not finite).`);
  const meta: MapMeta = { method: req.method, totalRows: set.totalRows, sampled: set.sampled, skipped: set.skipped, readMs: t1 - t0, computeMs: 0, computedAt: 0 };
  let x: Float32Array;
  let y: Float32Array;
  if (req.method === 'pca') {
    const r = await runMapJob({ job: 'pca', vectors: set.vectors, count: set.count, dim: set.dim }, { workerPath: settings.workerPath, signal: opts.signal, progress });
    ({ x, y } = r);
    meta.explained = r.explained;
  } else {
    if (set.count <= UMAP_K + 1) throw new LanceError('too-large', `UMAP needs more than ${UMAP_K + 1} rows; this column has ${set.count}. PCA maps any number of rows.`);
    const index = await vectorIndexOf(src.table, req.column);
    if (!index && set.count > UMAP_EXACT_MAX_ROWS)
      throw new LanceError(
        'too-large',
        `UMAP of more than ${UMAP_EXACT_MAX_ROWS.toLocaleString('en-US')} rows needs a vector index on ${req.column}: without one, every row's neighbours would be a scan of the whole table. Create an index (IVF_PQ or IVF_HNSW) or use PCA.`,
      );
    const tn = performance.now();
    const nb = await nearestNeighbours(src.table, set, {
      k: UMAP_K,
      metric: index?.metric ?? 'l2',
      exact: !index,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      progress: (done, total) => progress(done, total, 'finding neighbours'),
    });
    const nbMs = performance.now() - tn;
    meta.neighbours = { k: UMAP_K, metric: nb.metric, answeredBy: index ? `${index.type} index ${index.name}` : 'exact scan', ms: nbMs };
    const r = await runMapJob(
      { job: 'umap', input: { n: set.count, k: UMAP_K, metric: nb.metric, index: nb.index, distance: nb.distance }, seed },
      { workerPath: settings.workerPath, signal: opts.signal, progress },
    );
    ({ x, y } = r);
  }
  meta.computeMs = performance.now() - t1;
  meta.computedAt = Date.now();
  return { meta, x, y, rowIds: set.rowIds };
}

/** A signal's scores as a numeric colour; an error that says what to do when none were computed yet. */
function signalColour(src: MapSource, signal: CurationSignal, rowIds: BigUint64Array): PointColour {
  const values = src.signalScores?.(signal, rowIds);
  if (!values) {
    throw new LanceError('not-found', `No ${SIGNAL_COLOUR_LABELS[signal]} to colour by yet: compute the signals in the Curation tab first.`);
  }
  return numericColour(SIGNAL_COLOUR_LABELS[signal], values);
}

function colourForWire(c: PointColour): MapColour {
  return c.kind === 'numeric'
    ? { column: c.column, kind: 'numeric', values: bytesOf(c.values), min: c.min, max: c.max }
    : { column: c.column, kind: 'category', codes: bytesOf(c.codes), values: c.values, counts: c.counts, otherCount: c.otherCount };
}
