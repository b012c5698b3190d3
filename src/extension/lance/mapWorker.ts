// Entry of dist/mapWorker.js (its own esbuild bundle, umap-js included): runs one map job sent by
// mapJob.ts's runMapJob and posts progress and the result back. It never touches the dataset.
import { parentPort } from 'worker_threads';
import { doMapJob, type MapJob, type WorkerMessage } from './mapJob';

const port = parentPort!;
port.once('message', (job: MapJob) => {
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  doMapJob(job, (done, total, stage) => post({ type: 'progress', done, total, stage })).then(
    (result) => post({ type: 'done', result }, [result.x.buffer as ArrayBuffer, result.y.buffer as ArrayBuffer]),
    (err: unknown) => post({ type: 'error', kind: (err as { kind?: string }).kind, message: err instanceof Error ? err.message : String(err) }),
  );
});
