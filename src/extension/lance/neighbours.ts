// The k nearest neighbours of every row of a vector column, through the column's vector index: the
// input of the curation signals (near-duplicates, label errors, outliers).
//
// How, and why (measured on the 5,000-row ImageNet-like fixture, IVF_PQ cosine, 64 partitions, 16
// sub-vectors; see the unit test for the recall):
// - Several query vectors go in one engine query (`addQueryVector`; results carry `query_index`): about
//   0.5–0.9 ms a query in batches of 200 against 2–3 ms one by one.
// - PQ distances are coarse (a row's distance to itself came back as 0.27, not 0), so they cannot be
//   compared with a near-duplicate threshold. The engine's `refineFactor` re-reads the vectors to fix
//   that (≈2.5 ms a query); here the index only proposes `candidates` rows per query (5 × k by default)
//   and their exact distances are computed from the vectors already in memory, which is as good as a
//   refine factor of 5 at a third of the cost.
// - nprobes 10 (of 64 partitions) found the same candidates as 20, faster.
// - `exact` runs the engine's flat scan instead (`bypassVectorIndex`): the ground truth for recall. The
//   flat scan does not know the index's metric: without `distanceType` it ranks by L2.
import type { Table } from './engine';
import { LanceError } from './errors';
import { throwIfAborted } from './stream';
import type { VectorSet } from './vectorColumn';

export type Metric = 'l2' | 'cosine' | 'dot';

export interface NeighbourOptions {
  k: number;
  /** The index's metric (distances are computed in it; `l2` is squared, as the engine's). */
  metric: Metric;
  /** Partitions probed per query (default 10). */
  nprobes?: number;
  /** Rows the index proposes per query, re-ranked here by exact distance (default 5 × k). */
  candidates?: number;
  /** Query vectors per engine query (default 200). */
  batchSize?: number;
  /** A flat scan instead of the index (slow: the ground truth for recall). */
  exact?: boolean;
  /** Positions (in the VectorSet) to find neighbours for; default every row. */
  queries?: Int32Array;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  timeoutMs?: number;
}

export interface Neighbours {
  k: number;
  metric: Metric;
  /** The query positions, in order (every row unless `queries` was given). */
  queries: Int32Array;
  /** Per query, k neighbour positions in the VectorSet, nearest first (-1 when fewer were found). */
  index: Int32Array;
  /** The matching exact distances (NaN where index is -1). */
  distance: Float32Array;
}

export async function nearestNeighbours(table: Table, set: VectorSet, opts: NeighbourOptions): Promise<Neighbours> {
  const { k, metric, dim } = { ...opts, dim: set.dim };
  const queries = opts.queries ?? Int32Array.from({ length: set.count }, (_, i) => i);
  const candidates = Math.max(k + 1, opts.candidates ?? 5 * k);
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  const position = new Map<bigint, number>();
  for (let i = 0; i < set.count; i++) position.set(set.rowIds[i], i);
  const norms = new Float64Array(set.count);
  for (let i = 0; i < set.count; i++) norms[i] = Math.sqrt(dot(set.vectors, i * dim, set.vectors, i * dim, dim));
  const distance = distanceFn(metric, set.vectors, norms, dim);

  const outIndex = new Int32Array(queries.length * k).fill(-1);
  const outDistance = new Float32Array(queries.length * k).fill(NaN);
  for (let b = 0; b < queries.length; b += batchSize) {
    throwIfAborted(opts.signal);
    const end = Math.min(queries.length, b + batchSize);
    const found = await candidatesOf(table, set, queries.subarray(b, end), candidates, opts);
    for (let q = b; q < end; q++) {
      const self = queries[q];
      const scored: [number, number][] = [];
      for (const id of found[q - b]) {
        const p = position.get(id);
        // Rows outside a sampled VectorSet have no vector here: they are left out.
        if (p === undefined || p === self) continue;
        scored.push([p, distance(self, p)]);
      }
      scored.sort((x, y) => x[1] - y[1] || x[0] - y[0]);
      for (let j = 0; j < k && j < scored.length; j++) {
        outIndex[q * k + j] = scored[j][0];
        outDistance[q * k + j] = scored[j][1];
      }
    }
    opts.progress?.(end, queries.length);
  }
  return { k, metric, queries, index: outIndex, distance: outDistance };
}

/** The row ids the engine proposes for each query vector of one batch (one engine query). */
async function candidatesOf(table: Table, set: VectorSet, batch: Int32Array, limit: number, opts: NeighbourOptions): Promise<bigint[][]> {
  const vec = (p: number) => set.vectors.subarray(p * set.dim, (p + 1) * set.dim);
  let q = table.vectorSearch(vec(batch[0])).column(set.column).distanceType(opts.metric).limit(limit).select([]).withRowId();
  q = opts.exact ? q.bypassVectorIndex() : q.nprobes(opts.nprobes ?? 10);
  for (let i = 1; i < batch.length; i++) q = q.addQueryVector(vec(batch[i]));
  const result = await q.toArrow({ timeoutMs: opts.timeoutMs });
  throwIfAborted(opts.signal);
  const out: bigint[][] = Array.from({ length: batch.length }, () => []);
  const ids = result.getChild('_rowid');
  const which = result.getChild('query_index');
  if (!ids) throw new LanceError('internal', 'The vector search returned no row ids.');
  for (let r = 0; r < result.numRows; r++) {
    // One query vector gives no query_index column.
    const qi = which ? Number(which.get(r)) : 0;
    out[qi]?.push(BigInt(ids.get(r) as bigint));
  }
  return out;
}

export interface VectorIndexInfo {
  name: string;
  type: string;
  metric: Metric;
}

/**
 * The vector index on `column` and its metric (from the index details' `metric_type`; `l2` when it is
 * not said). Undefined without one: then every neighbour query is a flat scan of the whole table
 * (about n² distance computations), which the caller should not start without asking.
 */
export async function vectorIndexOf(table: Table, column: string): Promise<VectorIndexInfo | undefined> {
  const list = await table.listIndices();
  for (const i of list) {
    if (i.columns.length !== 1 || i.columns[0] !== column || !/^(Ivf|Hnsw)/i.test(i.indexType)) continue;
    const details = (i as unknown as { indexDetails?: Record<string, unknown> }).indexDetails;
    const raw = typeof details?.metric_type === 'string' ? details.metric_type.toLowerCase() : 'l2';
    const metric: Metric = raw === 'cosine' || raw === 'dot' ? raw : 'l2';
    return { name: i.name, type: i.indexType, metric };
  }
  return undefined;
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += a[ai + i] * b[bi + i];
  return s;
}

/** Exact distance between two rows in the engine's definition of each metric. */
export function distanceFn(metric: Metric, v: Float32Array, norms: Float64Array, dim: number): (a: number, b: number) => number {
  // Clamped at 0: a row and its exact copy come out at -1e-8 from rounding, which would read as "closer than identical".
  if (metric === 'cosine') return (a, b) => Math.max(0, 1 - dot(v, a * dim, v, b * dim, dim) / (norms[a] * norms[b] || 1));
  if (metric === 'dot') return (a, b) => 1 - dot(v, a * dim, v, b * dim, dim);
  return (a, b) => {
    let s = 0;
    for (let i = 0, x = a * dim, y = b * dim; i < dim; i++) {
      const t = v[x + i] - v[y + i];
      s += t * t;
    }
    return s;
  };
}
