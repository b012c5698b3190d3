// UMAP of a vector column from its neighbour lists (neighbours.ts: through the vector index), with
// umap-js doing the rest: the fuzzy graph and the layout's stochastic gradient descent.
//
// Why precomputed neighbours: umap-js's own search (random projection trees + NN-descent over number[][])
// is the slow part at 50,000 × 512; the index gives the lists in tens of seconds. Why seeded: umap-js
// draws the initial layout and its negative samples from `random`; with mulberry32 from a seed the same
// lists give the same map every time (no Math.random anywhere).
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
  /** Epochs of the layout (default: umap-js's, 500 below 10,000 points, 200 above). */
  nEpochs?: number;
  progress?: (epoch: number, epochs: number) => void;
  /** Checked between epochs: true stops with a cancellation error. */
  cancelled?: () => boolean;
}

/** Epochs between two progress reports (and yields to the event loop). */
const EPOCHS_PER_REPORT = 5;

export async function umapLayout(input: UmapInput, opts: UmapOptions): Promise<{ x: Float32Array; y: Float32Array }> {
  const { n, k } = input;
  const umap = new UMAP({ nComponents: 2, nNeighbors: k + 1, random: mulberry32(opts.seed), ...(opts.nEpochs ? { nEpochs: opts.nEpochs } : {}) });
  // umap-js's lists start with the point itself at distance 0 (as UMAP's own search returns them).
  const knnIndices = new Array<number[]>(n);
  const knnDistances = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const idx = [i];
    const dist = [0];
    for (let j = 0; j < k; j++) {
      const p = input.index[i * k + j];
      idx.push(p);
      dist.push(p < 0 ? Infinity : umapDistance(input.metric, input.distance[i * k + j]));
    }
    knnIndices[i] = idx;
    knnDistances[i] = dist;
  }
  umap.setPrecomputedKNN(knnIndices, knnDistances);
  // With the lists given, umap-js reads only the number of points from its input.
  const epochs = umap.initializeFit(new Array(n).fill([]) as number[][]);
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

/** The engine's l2 is squared: UMAP's kernel expects a true distance. Dot "distances" may be negative. */
function umapDistance(metric: Metric, d: number): number {
  if (!Number.isFinite(d)) return Infinity;
  return metric === 'l2' ? Math.sqrt(Math.max(0, d)) : Math.max(0, d);
}
