// PCA of the embedding map against an independent reference: a cyclic Jacobi eigen-solver written here
// (not the Householder/QL code under test), on small matrices with known structure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LanceError } from '../../src/extension/lance/errors';
import { pca2d, symmetricEigen } from '../../src/extension/lance/projection';
import { samplePositions } from '../../src/extension/lance/vectorColumn';
import { gaussian, mulberry32 } from '../fixtures/random';

/** Cyclic Jacobi rotations until the off-diagonal vanishes: eigenvalues and eigenvectors (as columns). */
function jacobi(input: number[][]): { values: number[]; vectors: number[][] } {
  const n = input.length;
  const a = input.map((r) => r.slice());
  const v: number[][] = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]), vectors: v };
}

/** n rows of d columns with very different variances per (rotated) direction, as Float32. */
function anisotropic(n: number, d: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const scales = Array.from({ length: d }, (_, i) => 3 / (i + 1));
  // A fixed random rotation-ish mix so the axes are not the coordinate axes.
  const mix = Array.from({ length: d }, () => Array.from({ length: d }, () => gaussian(rng)));
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const z = scales.map((s) => s * gaussian(rng));
    for (let j = 0; j < d; j++) {
      let s = 0.5 * j;
      for (let i = 0; i < d; i++) s += z[i] * mix[i][j];
      out[r * d + j] = s;
    }
  }
  return out;
}

test('symmetricEigen agrees with a Jacobi reference on a 30 × 30 matrix', () => {
  const n = 30;
  const rng = mulberry32(3);
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) m[i][j] = m[j][i] = gaussian(rng);
  const ref = jacobi(m);
  const got = symmetricEigen(Float64Array.from(m.flat()), n);
  const a = [...got.values].sort((x, y) => x - y);
  const b = [...ref.values].sort((x, y) => x - y);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9, `eigenvalue ${i}: ${v} vs ${b[i]}`));
  // Each returned vector (row j) satisfies M v = λ v.
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += m[i][k] * got.vectors[j * n + k];
      assert.ok(Math.abs(s - got.values[j] * got.vectors[j * n + i]) < 1e-9);
    }
  }
});

test('pca2d agrees with the reference (covariance + Jacobi) on a small matrix', async () => {
  const n = 200;
  const d = 6;
  const data = anisotropic(n, d, 5);
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let r = 0; r < n; r++) s += data[r * d + j];
    return s / n;
  });
  const cov = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (__, j) => {
      let s = 0;
      for (let r = 0; r < n; r++) s += (data[r * d + i] - mean[i]) * (data[r * d + j] - mean[j]);
      return s / (n - 1);
    }),
  );
  const ref = jacobi(cov);
  const order = ref.values.map((_, i) => i).sort((x, y) => ref.values[y] - ref.values[x]);
  const trace = ref.values.reduce((s, v) => s + v, 0);
  const got = await pca2d(data, n, d);
  for (let c = 0; c < 2; c++) {
    const j = order[c];
    assert.ok(Math.abs(got.eigenvalues[c] - ref.values[j]) < 1e-9 * trace, `λ${c + 1}`);
    assert.ok(Math.abs(got.explained[c] - ref.values[j] / trace) < 1e-9);
    // Same axis up to sign; the coordinates then agree up to the same sign.
    let dotp = 0;
    for (let k = 0; k < d; k++) dotp += got.components[c * d + k] * ref.vectors[k][j];
    assert.ok(Math.abs(Math.abs(dotp) - 1) < 1e-9, `axis ${c + 1}: |cos| = ${Math.abs(dotp)}`);
    const sign = Math.sign(dotp);
    const coord = c === 0 ? got.x : got.y;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (data[r * d + k] - mean[k]) * ref.vectors[k][j];
      assert.ok(Math.abs(coord[r] - sign * s) < 1e-4 * Math.sqrt(ref.values[j]), `row ${r} axis ${c + 1}`);
    }
  }
  assert.ok(got.explained[0] > got.explained[1]);
});

test('pca2d is deterministic, fixes each axis sign, and can be cancelled', async () => {
  const data = anisotropic(3000, 16, 9);
  const a = await pca2d(data, 3000, 16);
  const b = await pca2d(data, 3000, 16);
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.y, b.y);
  for (let c = 0; c < 2; c++) {
    const axis = Array.from(a.components.subarray(c * 16, (c + 1) * 16));
    const big = axis.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
    assert.ok(big > 0, 'largest entry of each axis is positive');
  }
  const ctl = new AbortController();
  const p = pca2d(data, 3000, 16, { signal: ctl.signal, progress: () => ctl.abort() });
  await assert.rejects(p, (e) => e instanceof LanceError && e.kind === 'cancelled');
  await assert.rejects(pca2d(new Float32Array(4 * 3000), 2, 3000), (e) => e instanceof LanceError && e.kind === 'too-large');
});

test('samplePositions: m distinct positions, the same for a seed', () => {
  const a = samplePositions(1000, 100, 7);
  assert.equal(a.size, 100);
  for (const p of a) assert.ok(p >= 0 && p < 1000);
  assert.deepEqual([...samplePositions(1000, 100, 7)].sort(), [...a].sort());
  assert.notDeepEqual([...samplePositions(1000, 100, 8)].sort(), [...a].sort());
  assert.equal(samplePositions(10, 10, 1).size, 10);
});
