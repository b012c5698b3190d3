// The embedding map's default projection: exact PCA of a vector column to 2-D.
//
// Why a covariance matrix and a full eigen-decomposition rather than power iteration: class-clustered
// embeddings have many principal components of nearly equal variance (20 classes give ~19 of them), so
// power iteration converges slowly and to a direction that depends on when it stops. The d × d covariance
// (n·d²/2 multiply-adds: 6.5·10⁹ for 50,000 × 512, a few seconds in JS) followed by Householder
// tridiagonalisation and the implicit QL algorithm (O(d³), well under a second for d = 512) is exact to
// rounding and deterministic. Dimensions above MAX_DIM would make the d³ step too slow and are refused.
// Each component's sign is fixed (largest-magnitude entry positive), so the same data gives the same map.
import type { Table } from './engine';
import { LanceError } from './errors';
import { throwIfAborted } from './stream';
import { readVectors, ReadVectorsOptions, VectorSet } from './vectorColumn';

export const MAX_DIM = 2048;

export interface PcaResult {
  /** Coordinates per row, in the order of the input rows. */
  x: Float32Array;
  y: Float32Array;
  /** Share of the total variance along each of the two axes (0..1). */
  explained: [number, number];
  /** The two eigenvalues (variances along the axes) and the total variance (trace). */
  eigenvalues: [number, number];
  totalVariance: number;
  mean: Float64Array;
  /** The two unit axes, row-major 2 × dim. */
  components: Float64Array;
}

export interface PcaOptions {
  signal?: AbortSignal;
  /** Rows accumulated into the covariance so far, of `count`. */
  progress?: (done: number, total: number) => void;
}

/**
 * Rows of the covariance accumulated between two checks of the signal and yields to the event loop:
 * 256 rows of 512 dimensions are ~35 ms of work, so the extension host answers other messages meanwhile.
 */
const ROWS_PER_SLICE = 256;

export async function pca2d(vectors: Float32Array, count: number, dim: number, opts: PcaOptions = {}): Promise<PcaResult> {
  if (dim > MAX_DIM) throw new LanceError('too-large', `PCA is limited to ${MAX_DIM} dimensions (this column has ${dim}).`);
  if (count * dim > vectors.length) throw new Error('pca2d: fewer values than count × dim');
  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let i = 0, at = r * dim; i < dim; i++) mean[i] += vectors[at + i];
  for (let i = 0; i < dim; i++) mean[i] /= Math.max(1, count);

  const cov = await covariance(vectors, count, dim, mean, opts);
  const { values, vectors: eig } = symmetricEigen(cov, dim);
  // Indices of the two largest eigenvalues.
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const components = new Float64Array(2 * dim);
  for (let c = 0; c < 2 && c < dim; c++) {
    const j = order[c];
    let big = 0;
    for (let k = 0; k < dim; k++) if (Math.abs(eig[j * dim + k]) > Math.abs(big)) big = eig[j * dim + k];
    const sign = big < 0 ? -1 : 1;
    for (let k = 0; k < dim; k++) components[c * dim + k] = sign * eig[j * dim + k];
  }
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += cov[i * dim + i];
  const x = new Float32Array(count);
  const y = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    let sx = 0;
    let sy = 0;
    for (let i = 0, at = r * dim; i < dim; i++) {
      const v = vectors[at + i] - mean[i];
      sx += v * components[i];
      sy += v * components[dim + i];
    }
    x[r] = sx;
    y[r] = sy;
  }
  const l1 = dim > 0 ? Math.max(0, values[order[0]]) : 0;
  const l2 = dim > 1 ? Math.max(0, values[order[1]]) : 0;
  return { x, y, eigenvalues: [l1, l2], totalVariance: trace, explained: trace > 0 ? [l1 / trace, l2 / trace] : [0, 0], mean, components };
}

/**
 * The sample covariance (divided by n − 1), full d × d. Rows are centred as they are read, in blocks of
 * four so that each entry of the matrix is loaded and stored once per four rows (the loop is bound by
 * that traffic, not by the multiplications).
 */
async function covariance(vectors: Float32Array, n: number, d: number, mean: Float64Array, opts: PcaOptions): Promise<Float64Array> {
  const c = new Float64Array(d * d);
  const r = new Float64Array(4 * d);
  let t = 0;
  while (t < n) {
    throwIfAborted(opts.signal);
    const end = Math.min(n, t + ROWS_PER_SLICE);
    for (; t < end; t += 4) {
      const rows = Math.min(4, n - t);
      r.fill(0);
      for (let q = 0; q < rows; q++) for (let i = 0, at = (t + q) * d; i < d; i++) r[q * d + i] = vectors[at + i] - mean[i];
      for (let i = 0; i < d; i++) {
        const a0 = r[i];
        const a1 = r[d + i];
        const a2 = r[2 * d + i];
        const a3 = r[3 * d + i];
        const row = i * d;
        for (let j = i; j < d; j++) c[row + j] += a0 * r[j] + a1 * r[d + j] + a2 * r[2 * d + j] + a3 * r[3 * d + j];
      }
    }
    t = end;
    opts.progress?.(t, n);
    // Let a cancel (or any other message) through between slices.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const div = Math.max(1, n - 1);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      c[i * d + j] /= div;
      c[j * d + i] = c[i * d + j];
    }
  }
  return c;
}

/**
 * Eigenvalues and eigenvectors of a symmetric n × n matrix (row-major; not modified): Householder
 * reduction to tridiagonal form, then the implicit QL algorithm (tred2 / tql2, as in EISPACK and JAMA).
 * Eigenvector j is row j of `vectors` (vectors[j * n + k]).
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const V = Float64Array.from(a.subarray(0, n * n));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: V };
  tred2(V, d, e, n);
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) W[j * n + i] = V[i * n + j];
  tql2(W, d, e, n);
  return { values: d, vectors: W };
}

function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function tql2(W: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          // W holds the eigenvectors as rows (V transposed), so this rotation walks memory in order.
          const a = i * n;
          const b = a + n;
          for (let k = 0; k < n; k++) {
            h = W[b + k];
            W[b + k] = s * W[a + k] + c * h;
            W[a + k] = c * W[a + k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

export interface ColumnProjection extends PcaResult {
  method: 'pca';
  rowIds: BigUint64Array;
  dim: number;
  totalRows: number;
  sampled: boolean;
  skipped: number;
  /** Time spent reading the vectors and computing, ms. */
  readMs: number;
  computeMs: number;
}

/**
 * The 2-D PCA map of a vector column: reads the column (progress 0..0.5 of the whole), then projects
 * (0.5..1). `opts.limit` samples larger tables (seeded).
 */
export async function projectColumn(
  table: Table,
  column: string,
  opts: Omit<ReadVectorsOptions, 'progress' | 'labelColumn'> & { progress?: (fraction: number, stage: string) => void } = {},
): Promise<ColumnProjection> {
  const t0 = performance.now();
  const set: VectorSet = await readVectors(table, column, { ...opts, progress: (done, total) => opts.progress?.(total ? (0.5 * done) / total : 0.5, 'reading vectors') });
  const t1 = performance.now();
  const pca = await pca2d(set.vectors, set.count, set.dim, { signal: opts.signal, progress: (done, total) => opts.progress?.(0.5 + (0.5 * done) / total, 'computing PCA') });
  return {
    ...pca,
    method: 'pca',
    rowIds: set.rowIds,
    dim: set.dim,
    totalRows: set.totalRows,
    sampled: set.sampled,
    skipped: set.skipped,
    readMs: t1 - t0,
    computeMs: performance.now() - t1,
  };
}
