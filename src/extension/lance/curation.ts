// Curation signals from the nearest neighbours of every row (neighbours.ts): near-duplicate groups,
// possible label errors, outliers. Pure functions over the neighbour lists, so each is cheap to recompute
// with another threshold; the expensive part (the neighbour search) is done once.
//
// What each score means, and its limits:
// - Near-duplicates: rows within `threshold` of one of their k nearest neighbours, joined transitively
//   (union-find) into groups. Only pairs that made each other's neighbour lists are seen: the index is
//   approximate and can miss a pair, and a group larger than k + 1 may be found in pieces.
// - Label errors: the share of a row's k neighbours whose label differs from its own, with the majority
//   label among them. A row whose class is genuinely mixed in embedding space (look-alike classes)
//   scores high without being wrong; a row with no labelled neighbour scores 0.
// - Outliers: the distance to the k-th neighbour (higher = more unusual, "uniqueness").
import type { Table } from './engine';
import { nearestNeighbours, NeighbourOptions, Neighbours } from './neighbours';
import { readVectors, ReadVectorsOptions, VectorSet } from './vectorColumn';

export interface DuplicateGroup {
  /** Positions in the VectorSet, ascending. */
  members: number[];
  /** The smallest and largest distance of the pairs that joined the group. */
  minDistance: number;
  maxDistance: number;
}

/** Groups of rows within `threshold` of each other (transitively), closest groups first. */
export function nearDuplicateGroups(nb: Neighbours, threshold: number): DuplicateGroup[] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    // Path compression keeps later finds short.
    while (x !== r) {
      const next = parent.get(x)!;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  const pairs: [number, number, number][] = [];
  forEachNeighbour(nb, (q, p, d) => {
    if (d <= threshold) pairs.push([q, p, d]);
  });
  for (const [a, b] of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const groups = new Map<number, DuplicateGroup>();
  for (const x of parent.keys()) {
    const r = find(x);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = { members: [], minDistance: Infinity, maxDistance: 0 }));
    g.members.push(x);
  }
  for (const [a, , d] of pairs) {
    const g = groups.get(find(a))!;
    g.minDistance = Math.min(g.minDistance, d);
    g.maxDistance = Math.max(g.maxDistance, d);
  }
  const out = [...groups.values()];
  for (const g of out) g.members.sort((x, y) => x - y);
  return out.sort((x, y) => x.minDistance - y.minDistance || x.members[0] - y.members[0]);
}

/** Calls f(query position, neighbour position, distance) for every neighbour found. */
function forEachNeighbour(nb: Neighbours, f: (q: number, p: number, d: number) => void): void {
  for (let q = 0; q < nb.queries.length; q++) {
    for (let j = 0; j < nb.k; j++) {
      const p = nb.index[q * nb.k + j];
      if (p >= 0) f(nb.queries[q], p, nb.distance[q * nb.k + j]);
    }
  }
}

export interface Histogram {
  /** bins + 1 edges, from 0 (or the smallest value when negative) to the largest value. */
  edges: Float64Array;
  counts: Uint32Array;
}

/** Histogram of each row's distance to its nearest neighbour: where a duplicate threshold can go. */
export function nearestDistanceHistogram(nb: Neighbours, bins = 64): Histogram {
  const values: number[] = [];
  for (let q = 0; q < nb.queries.length; q++) if (nb.index[q * nb.k] >= 0) values.push(nb.distance[q * nb.k]);
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi === lo) hi = lo + 1;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Uint32Array(bins);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  return { edges, counts };
}

export interface LabelDisagreement {
  /** Per query: the share (0..1) of its labelled neighbours whose label differs from its own; NaN without a label. */
  score: Float32Array;
  /** Per query: the most common label code among its neighbours (-1 when none). */
  majority: Int32Array;
  /** Per query: the share of neighbours carrying the majority label. */
  majorityShare: Float32Array;
}

/** Possible label errors: `codes` are the VectorSet's label codes (LabelCodes.codes; -1 = null). */
export function labelDisagreement(nb: Neighbours, codes: Int32Array): LabelDisagreement {
  const n = nb.queries.length;
  const score = new Float32Array(n).fill(NaN);
  const majority = new Int32Array(n).fill(-1);
  const majorityShare = new Float32Array(n);
  const tally = new Map<number, number>();
  for (let q = 0; q < n; q++) {
    const own = codes[nb.queries[q]];
    tally.clear();
    let labelled = 0;
    let differ = 0;
    for (let j = 0; j < nb.k; j++) {
      const p = nb.index[q * nb.k + j];
      if (p < 0 || codes[p] < 0) continue;
      labelled++;
      if (codes[p] !== own) differ++;
      tally.set(codes[p], (tally.get(codes[p]) ?? 0) + 1);
    }
    let best = -1;
    let bestCount = 0;
    // Ties go to the smaller code, so the result does not depend on the neighbours' order.
    for (const [code, c] of tally) if (c > bestCount || (c === bestCount && code < best)) [best, bestCount] = [code, c];
    majority[q] = best;
    majorityShare[q] = labelled ? bestCount / labelled : 0;
    if (own >= 0) score[q] = labelled ? differ / labelled : 0;
  }
  return { score, majority, majorityShare };
}

/** Per query, the distance to its k-th neighbour (the farthest one found); NaN with no neighbour. */
export function outlierScores(nb: Neighbours): Float32Array {
  const out = new Float32Array(nb.queries.length).fill(NaN);
  for (let q = 0; q < nb.queries.length; q++) {
    for (let j = nb.k - 1; j >= 0; j--) {
      if (nb.index[q * nb.k + j] >= 0) {
        out[q] = nb.distance[q * nb.k + j];
        break;
      }
    }
  }
  return out;
}

/** Query indices ordered by score, highest first (NaN last; ties by position, so the order is stable). */
export function rankByScore(score: ArrayLike<number>, tieBreak?: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: score.length }, (_, i) => i);
  const key = (i: number) => (Number.isNaN(score[i]) ? -Infinity : score[i]);
  return order.sort((a, b) => key(b) - key(a) || (tieBreak ? tieBreak[b] - tieBreak[a] : 0) || a - b);
}

export interface CurationSignals {
  set: VectorSet;
  neighbours: Neighbours;
  histogram: Histogram;
  duplicates: DuplicateGroup[];
  labels?: LabelDisagreement;
  outliers: Float32Array;
  /** ms spent reading the vectors, searching neighbours, and scoring. */
  timings: { readMs: number; neighboursMs: number; scoreMs: number };
}

export interface CurationOptions extends Omit<NeighbourOptions, 'queries' | 'progress'>, Pick<ReadVectorsOptions, 'labelColumn' | 'limit' | 'seed'> {
  /** Near-duplicate threshold in the metric's distance (cosine: 0.05 by default). */
  threshold?: number;
  progress?: (fraction: number, stage: string) => void;
}

/** Default near-duplicate thresholds: a re-encoded copy sits well inside them, a same-class row far outside. */
export const DEFAULT_THRESHOLD: Record<NeighbourOptions['metric'], number> = { cosine: 0.05, dot: 0.05, l2: 0.1 };

/** Every signal of one vector column: vectors read (0..0.1 of the progress), neighbours (0.1..1), scores. */
export async function curationSignals(table: Table, column: string, opts: CurationOptions): Promise<CurationSignals> {
  const t0 = performance.now();
  const set = await readVectors(table, column, {
    ...opts,
    progress: (d, t) => opts.progress?.(t ? (0.1 * d) / t : 0.1, 'reading vectors'),
  });
  const t1 = performance.now();
  const neighbours = await nearestNeighbours(table, set, { ...opts, progress: (d, t) => opts.progress?.(0.1 + (0.9 * d) / t, 'nearest neighbours') });
  const t2 = performance.now();
  const duplicates = nearDuplicateGroups(neighbours, opts.threshold ?? DEFAULT_THRESHOLD[opts.metric]);
  const signals: CurationSignals = {
    set,
    neighbours,
    histogram: nearestDistanceHistogram(neighbours),
    duplicates,
    ...(set.labels ? { labels: labelDisagreement(neighbours, set.labels.codes) } : {}),
    outliers: outlierScores(neighbours),
    timings: { readMs: t1 - t0, neighboursMs: t2 - t1, scoreMs: 0 },
  };
  signals.timings.scoreMs = performance.now() - t2;
  return signals;
}
