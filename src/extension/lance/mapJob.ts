// The CPU-heavy half of the embedding map (PCA of the vectors, UMAP's layout), run in a worker thread
// so the extension host never freezes: 50,000 × 512 PCA is ~6 s of arithmetic, UMAP minutes. The host
// reads the vectors and the neighbour lists (engine I/O, async) and hands the arrays over (transferred,
// not copied); a cancel terminates the worker at once, wherever it is.
//
// Without a worker script (some tests, the benchmark's in-process run) the same job runs on the calling
// thread; PCA and UMAP both yield between slices, so a cancel still gets through.
import { Worker } from 'worker_threads';
import { LanceError } from './errors';
import { pca2d } from './projection';
import { umapLayout, type UmapInput } from './umapLayout';

export type MapJob = { job: 'pca'; vectors: Float32Array; count: number; dim: number } | { job: 'umap'; input: UmapInput; seed: number; nEpochs?: number };

export interface MapJobResult {
  x: Float32Array;
  y: Float32Array;
  explained?: [number, number];
}

export type JobProgress = (done: number, total: number, stage: string) => void;

/** Messages from the worker. */
export type WorkerMessage =
  { type: 'progress'; done: number; total: number; stage: string } | { type: 'done'; result: MapJobResult } | { type: 'error'; kind?: string; message: string };

/** Runs one job here (in the worker, or in-process). */
export async function doMapJob(job: MapJob, progress: JobProgress, cancelled: () => boolean = () => false): Promise<MapJobResult> {
  if (job.job === 'pca') {
    const r = await pca2d(job.vectors, job.count, job.dim, { progress: (d, t) => progress(d, t, 'computing PCA') });
    return { x: r.x, y: r.y, explained: r.explained };
  }
  return umapLayout(job.input, { seed: job.seed, nEpochs: job.nEpochs, cancelled, progress: (e, n) => progress(e, n, 'UMAP layout (epochs)') });
}

export interface RunOptions {
  /** dist/mapWorker.js; undefined: run on this thread. */
  workerPath?: string;
  signal?: AbortSignal;
  progress?: JobProgress;
}

export function runMapJob(job: MapJob, opts: RunOptions): Promise<MapJobResult> {
  if (opts.signal?.aborted) return Promise.reject(new LanceError('cancelled', 'Cancelled.'));
  if (!opts.workerPath) return doMapJob(job, opts.progress ?? (() => undefined), () => !!opts.signal?.aborted);
  const worker = new Worker(opts.workerPath);
  return new Promise<MapJobResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(new LanceError('cancelled', 'Cancelled.')));
    opts.signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.progress?.(m.done, m.total, m.stage);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(new LanceError(m.kind === 'too-large' ? 'too-large' : 'internal', m.message)));
    });
    worker.on('error', (err) => finish(() => reject(new LanceError('internal', `The map's worker failed: ${err.message}`))));
    worker.on('exit', (code) => finish(() => reject(new LanceError('internal', `The map's worker stopped (exit code ${code}).`))));
    worker.postMessage(job, transferList(job));
  });
}

function transferList(job: MapJob): ArrayBuffer[] {
  const bufs = job.job === 'pca' ? [job.vectors.buffer] : [job.input.index.buffer, job.input.distance.buffer];
  // The whole buffer moves (the caller is done with it); a SharedArrayBuffer cannot and is shared.
  return bufs.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
