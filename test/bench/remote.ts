// The `remote` bench group: the same five actions on the local folder and on an s3:// copy served by
// s3rver (in-process) through the fault proxy, with 0 ms and with 50 ms added to every object-store
// request: time and number of requests for each. The copy is the small-shape ImageNet-like dataset
// (5,000 rows, ~13 KB images, ~90 MB: imagenet-small-5000 in the bench cache) so the upload is quick.
// Each latency reads its own uploaded copy: manifests decoded once are kept per object key in the process.
import * as path from 'path';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { measureRequests, startFaultProxy, type FaultProxy, type Measured } from '../helpers/faultProxy';
import { s3StorageOptions, startS3, uploadDir } from '../helpers/s3';

export const REMOTE_ACTIONS = ['open', 'first page, 50 rows with images', 'filtered page, 50 rows with images', 'find similar (10, images)', 'version list (first 50)'] as const;

export interface RemoteRun {
  label: string;
  /** Per action, in REMOTE_ACTIONS order; requests undefined for the local folder. */
  steps: { ms: number; requests?: number; counts?: Record<string, number> }[];
}

export interface RemoteResult {
  rows: number;
  uploadedFiles: number;
  uploadMs: number;
  runs: RemoteRun[];
}

const IMAGE_CAP = 4 << 20;

export async function groupRemote(cfg: { remoteUri: string; remoteRows: number }): Promise<RemoteResult> {
  const s3 = await startS3();
  if (typeof s3 === 'string') throw new Error(`the remote group needs s3rver: ${s3}`);
  let proxy: FaultProxy | undefined;
  try {
    const t0 = performance.now();
    const name = path.basename(cfg.remoteUri).replace(/\.lance$/, '');
    let uploadedFiles = 0;
    for (const prefix of ['lat0', 'lat50']) uploadedFiles += await uploadDir(s3, cfg.remoteUri, `${prefix}/${name}.lance`);
    const uploadMs = Math.round(performance.now() - t0);
    proxy = await startFaultProxy(s3.endpoint);
    const so = s3StorageOptions(proxy.endpoint);
    const runs: RemoteRun[] = [];
    for (const c of [
      { label: 'local folder', uri: cfg.remoteUri, storageOptions: undefined, latencyMs: 0 },
      { label: 's3 (s3rver) +0 ms', uri: `s3://${s3.bucket}/lat0/${name}.lance`, storageOptions: so, latencyMs: 0 },
      { label: 's3 (s3rver) +50 ms', uri: `s3://${s3.bucket}/lat50/${name}.lance`, storageOptions: so, latencyMs: 50 },
    ]) {
      proxy.set({ latencyMs: c.latencyMs });
      const p = proxy;
      const steps: RemoteRun['steps'] = [];
      const step = async <T>(fn: () => Promise<T>): Promise<T> => {
        const m: Measured<T> = await measureRequests(p, fn);
        steps.push(c.storageOptions ? { ms: m.ms, requests: m.total, counts: m.counts } : { ms: m.ms });
        return m.value;
      };
      const ds = await step(() => LanceDataset.open({ uri: c.uri, name }, { storageOptions: c.storageOptions, timeoutMs: 60_000 }));
      try {
        const page = await step(() => ds.rows({ offset: 0, limit: 50, withImages: true, maxImageBytes: IMAGE_CAP }));
        if (page.rows.length !== 50) throw new Error(`first page: ${page.rows.length} rows`);
        const filtered = await step(() => ds.rows({ filter: 'label = 3', offset: 0, limit: 50, withImages: true, maxImageBytes: IMAGE_CAP }));
        if (!filtered.rows.length) throw new Error('filtered page: no rows');
        const sim = await step(() => ds.similar({ rowId: page.rowIds[0], vectorColumn: 'image_emb', k: 10, columns: ['id', 'image'], withImages: true, maxImageBytes: IMAGE_CAP }));
        if (sim.rows.length !== 10) throw new Error(`find similar: ${sim.rows.length} rows`);
        const versions = await step(() => ds.versions(0, 50));
        if (!versions.total) throw new Error('no versions');
      } finally {
        ds.close();
      }
      runs.push({ label: c.label, steps });
    }
    return { rows: cfg.remoteRows, uploadedFiles, uploadMs, runs };
  } finally {
    await proxy?.close();
    await s3.stop();
  }
}
