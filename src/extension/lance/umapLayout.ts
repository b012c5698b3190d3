// UMAP of a vector column from its neighbour lists (neighbours.ts: through the vector index). umap-js
// runs the layout (its stochastic gradient descent, `step()`); the fuzzy graph it descends is built here.
//
// Why precomputed neighbours: umap-js's own search (random projection trees + NN-descent over number[][])
// is the slow part at 50,000 × 512; the index gives the lists in tens of seconds.
// Why our own fuzzy graph: umap-js 1.4.0 builds it with sparse matrices kept in a Map keyed by "row:col"
// strings (a transpose, a product, sums: each a new Map) plus a search graph only `transform` uses; on
// 50,000 rows that took minutes and over 3 GB in the extension host (measured: 3.2 GB peak RSS, 423 s
// under load). The same graph in typed arrays (compressed rows, the fuzzy union per row) is O(n·k).
// The three methods replaced are umap-js's own steps with the same results (the version is pinned);
// `step()`, the embedding's random start and the negative sampling stay umap-js's.
// Why seeded: umap-js draws the start and its negative samples from `random`; with mulberry32 from a seed
// the same lists give the same map every time (no Math.random anywhere).
import { UMAP } from 'umap-js';
import { mulberry32 } from '../../shared/random';
import { LanceError } from './errors';
import type { Metric } from './neighbours';

export interface UmapInput {
  /** Points (= rows of the lists). */
  n: number;
  k: number;
  metric: Metric;
  /** Per point, k neighbour positions nearest first (-1: none found), and their distances in `metric`. */
  index: Int32Array;
  distance: Float32Array;
}

export interface UmapOptions {
  seed: number;
  /** Epochs of the layout (default: umap-js's, 500 below 2,500 points down to 200 above 10,000). */
  nEpochs?: number;
  progress?: (epoch: number, epochs: number) => void;
  /** Checked between epochs: true stops with a cancellation error. */
  cancelled?: () => boolean;
}

/** Epochs between two progress reports (and yields to the event loop). */
const EPOCHS_PER_REPORT = 5;

/** umap-js's internals this module replaces (see the header). */
interface UmapInternals {
  embedding: number[][];
  fuzzySimplicialSet(): { nRows: number; nCols: number };
  makeSearchGraph(): undefined;
  initializeSimplicialSetEmbedding(): { head: ArrayLike<number>; tail: ArrayLike<number>; epochsPerSample: number[] };
  getNEpochs(): number;
}

export async function umapLayout(input: UmapInput, opts: UmapOptions): Promise<{ x: Float32Array; y: Float32Array }> {
  const { n, k } = input;
  const random = mulberry32(opts.seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: k + 1, random, ...(opts.nEpochs ? { nEpochs: opts.nEpochs } : {}) });
  const graph = fuzzyGraph(input);
  const inner = umap as unknown as UmapInternals;
  inner.fuzzySimplicialSet = () => ({ nRows: n, nCols: n });
  inner.makeSearchGraph = () => undefined;
  inner.initializeSimplicialSetEmbedding = () => {
    const epochs = inner.getNEpochs();
    // As umap-js: a random start in [-10, 10)², then the edges too weak to be sampled once are dropped.
    inner.embedding = Array.from({ length: n }, () => [random() * 20 - 10, random() * 20 - 10]);
    let max = 0;
    for (const w of graph.weight) if (w > max) max = w;
    const head: number[] = [];
    const tail: number[] = [];
    const epochsPerSample: number[] = [];
    for (let r = 0; r < n; r++) {
      for (let e = graph.start[r]; e < graph.start[r + 1]; e++) {
        const w = graph.weight[e];
        if (!(w >= max / epochs) || w === 0) continue;
        tail.push(r);
        head.push(graph.col[e]);
        epochsPerSample.push(epochs / ((w / max) * epochs));
      }
    }
    return { head, tail, epochsPerSample };
  };
  // The lists were used above; umap-js only needs to know it must not search.
  umap.setPrecomputedKNN([], []);
  const epochs = umap.initializeFit(new Array<number[]>(n).fill([]));
  for (let e = 0; e < epochs; e++) {
    if (opts.cancelled?.()) throw new LanceError('cancelled', 'Cancelled.');
    umap.step();
    if ((e + 1) % EPOCHS_PER_REPORT === 0 || e + 1 === epochs) {
      opts.progress?.(e + 1, epochs);
      await new Promise((r) => setImmediate(r));
    }
  }
  const emb = umap.getEmbedding();
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = emb[i][0];
    y[i] = emb[i][1];
  }
  return { x, y };
}

/** The fuzzy graph in compressed rows: row r's edges are start[r]..start[r+1], columns ascending. */
export interface FuzzyGraph {
  start: Int32Array;
  col: Int32Array;
  weight: Float64Array;
}

/** Binary-search steps and tolerances of umap-js's smoothKNNDistance (local connectivity 1, bandwidth 1). */
const SIGMA_STEPS = 64;
const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * UMAP's fuzzy simplicial set of the lists: per point a distance to its nearest neighbour (rho) and a
 * scale (sigma) such that its k memberships exp(−(d − rho)/sigma) sum to log2(k + 1); then the fuzzy
 * union of the directed graph and its transpose, w + wᵀ − w·wᵀ. Missing neighbours (-1) are left out.
 */
export function fuzzyGraph(input: UmapInput): FuzzyGraph {
  const { n, k } = input;
  const dist = (i: number, j: number) => umapDistance(input.metric, input.distance[i * k + j]);
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  // umap-js's lists start with the point itself: log2 of k + 1 entries, of which the k others count.
  const target = Math.log2(k + 1);
  let meanOfMeans = 0;
  const rowMean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 1; // the point itself, at distance 0
    for (let j = 0; j < k; j++) {
      const d = dist(i, j);
      if (!Number.isFinite(d)) continue;
      s += d;
      c++;
    }
    rowMean[i] = s / c;
    meanOfMeans += rowMean[i] / n;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const d = dist(i, j);
      if (d > 0 && Number.isFinite(d)) {
        rho[i] = d; // lists are nearest first: the first non-zero one
        break;
      }
    }
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let step = 0; step < SIGMA_STEPS; step++) {
      let psum = 0;
      for (let j = 0; j < k; j++) {
        const d = dist(i, j) - rho[i];
        if (Number.isNaN(d) || d === Infinity) continue;
        psum += d > 0 ? Math.exp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    sigma[i] = Math.max(mid, MIN_K_DIST_SCALE * (rho[i] > 0 ? rowMean[i] : meanOfMeans));
  }
  // Directed memberships, and the same edges by target (the transpose) in compressed rows.
  const w = new Float64Array(n * k);
  const inCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = input.index[i * k + j];
      if (t < 0 || t === i) continue;
      const d = dist(i, j) - rho[i];
      w[i * k + j] = d <= 0 ? 1 : Math.exp(-(d / sigma[i]));
      inCount[t + 1]++;
    }
  }
  for (let t = 0; t < n; t++) inCount[t + 1] += inCount[t];
  const inFrom = new Int32Array(inCount[n]);
  const inW = new Float64Array(inCount[n]);
  const fill = inCount.slice();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = input.index[i * k + j];
      if (t < 0 || t === i) continue;
      inFrom[fill[t]] = i;
      inW[fill[t]++] = w[i * k + j];
    }
  }
  // Per row: the union of its out-edges and in-edges.
  const start = new Int32Array(n + 1);
  const cols: number[] = [];
  const weights: number[] = [];
  const row = new Map<number, [number, number]>();
  for (let r = 0; r < n; r++) {
    row.clear();
    for (let j = 0; j < k; j++) {
      const t = input.index[r * k + j];
      if (t < 0 || t === r) continue;
      const cur = row.get(t);
      // A list naming the same neighbour twice keeps the stronger edge (umap-js keeps the last one).
      row.set(t, [Math.max(cur?.[0] ?? 0, w[r * k + j]), 0]);
    }
    for (let e = inCount[r]; e < inCount[r + 1]; e++) {
      const s = inFrom[e];
      const cur = row.get(s) ?? [0, 0];
      cur[1] = Math.max(cur[1], inW[e]);
      row.set(s, cur);
    }
    const entries = [...row.entries()].sort((a, b) => a[0] - b[0]);
    for (const [c, [a, b]] of entries) {
      cols.push(c);
      weights.push(a + b - a * b);
    }
    start[r + 1] = cols.length;
  }
  return { start, col: Int32Array.from(cols), weight: Float64Array.from(weights) };
}

/** The engine's l2 is squared: UMAP's kernel expects a true distance. Dot "distances" may be negative. */
function umapDistance(metric: Metric, d: number): number {
  if (!Number.isFinite(d)) return Infinity;
  return metric === 'l2' ? Math.sqrt(Math.max(0, d)) : Math.max(0, d);
}
