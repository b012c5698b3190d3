// The "curation" bench group: the Curation tab's request on the replica through the session handlers, as
// the panel makes it (vector column image_emb through its IVF_PQ index, label column label_name, image
// column image), with the time of each stage (reading vectors, the neighbour search, the label column,
// hashing the images), each signal's scoring from the lists, a threshold and a label-column change (no new
// search), a second session answering from the cache, a row set of a signal, and the host's RSS meanwhile.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatasetSession } from '../../src/extension/host/session';
import { labelDisagreement, nearDuplicateGroups, nearestDistanceHistogram, outlierScores, rankByScore } from '../../src/extension/lance/curation';
import { loadNeighbours } from '../../src/extension/lance/mapCache';
import { readLabelCodes } from '../../src/extension/lance/vectorColumn';
import type { CurationRequest } from '../../src/shared/types';
import { fmtMB, fmtMs, MB, RssSampler, settle, table, timed } from './measure';
import type { WorkerConfig } from './scenarios';

export interface CurationBenchResult {
  rows: number;
  answeredBy: string;
  /** Wall time of each stage of the first (cold) request, as its progress events mark them. */
  stages: { stage: string; ms: number }[];
  coldMs: number;
  /** Scoring each signal from the kept lists. */
  signals: { signal: string; ms: number }[];
  thresholdChangeMs: number;
  labelChangeMs: number;
  fromCacheMs: number;
  rowSetMs: number;
  counts: { duplicateGroups: number; byteGroups: number; labelFlagged: number };
  rssStart: number;
  rssPeak: number;
  kernelPeak?: number;
  loadStart: number[];
  loadEnd: number[];
}

export async function groupCuration(cfg: WorkerConfig): Promise<CurationBenchResult> {
  const loadStart = os.loadavg();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-bench-curation-'));
  try {
    const settings = { maxImageBytes: 4 * MB, curation: { cacheFolder: folder } };
    const session = await DatasetSession.open({ uri: cfg.uri, name: cfg.name }, {}, settings);
    await session.describe();
    const req: CurationRequest = { column: 'image_emb', labelColumn: 'label_name', imageColumn: 'image' };
    const signal = new AbortController().signal;
    await settle();
    const rssStart = process.memoryUsage.rss();
    const sampler = new RssSampler().start();
    const stages: { stage: string; ms: number }[] = [];
    let stage: { name: string; at: number } | undefined;
    const t0 = performance.now();
    const cold = await session.handlers.curationSignals(req, signal, (_d, _t, name) => {
      if (!name || name === stage?.name) return;
      const now = performance.now();
      if (stage) stages.push({ stage: stage.name, ms: now - stage.at });
      stage = { name, at: now };
    });
    const coldMs = performance.now() - t0;
    if (stage) stages.push({ stage: `${stage.name} (to the answer)`, ms: performance.now() - stage.at });
    const threshold = await timed(() => session.handlers.curationSignals({ ...req, threshold: cold.threshold / 2 }, signal, () => undefined));
    const label = await timed(() => session.handlers.curationSignals({ ...req, labelColumn: 'label' }, signal, () => undefined));
    const rowSet = await timed(() => session.handlers.curationRowSet({ signal: 'outliers' }, signal, () => undefined));
    const other = await DatasetSession.open({ uri: cfg.uri, name: cfg.name }, {}, settings);
    const fromCache = await timed(() => other.handlers.curationSignals(req, signal, () => undefined));
    other.close();
    const peak = sampler.stop();

    // Each signal's scoring alone, from the cached lists (what a threshold or label change costs).
    const version = session.dataset.version;
    const lists = await loadNeighbours(folder, {
      uri: cfg.uri,
      version,
      column: 'image_emb',
      method: 'neighbours',
      params: { k: cold.k, nprobes: 10, exact: false, limit: 100_000, seed: 1 },
    });
    const signals: { signal: string; ms: number }[] = [];
    if (lists) {
      const nb = lists.neighbours;
      signals.push({ signal: `near-duplicate groups (threshold ${cold.threshold})`, ms: (await timed(async () => nearDuplicateGroups(nb, cold.threshold))).ms });
      signals.push({ signal: 'nearest-distance histogram', ms: (await timed(async () => nearestDistanceHistogram(nb))).ms });
      const codes = await readLabelCodes(session.dataset.engineTable(), 'label_name', lists.rowIds);
      signals.push({ signal: 'label errors (score + rank)', ms: (await timed(async () => rankByScore(labelDisagreement(nb, codes.codes).score))).ms });
      signals.push({ signal: 'outliers (score + rank)', ms: (await timed(async () => rankByScore(outlierScores(nb)))).ms });
    }
    session.close();
    return {
      rows: cold.rows,
      answeredBy: cold.answeredBy.kind === 'index' ? `${cold.answeredBy.type} ${cold.answeredBy.name}, nprobes ${cold.answeredBy.nprobes}` : 'exact scan',
      stages,
      coldMs,
      signals,
      thresholdChangeMs: threshold.ms,
      labelChangeMs: label.ms,
      fromCacheMs: fromCache.ms,
      rowSetMs: rowSet.ms,
      counts: { duplicateGroups: cold.duplicates.groupCount, byteGroups: cold.byteDuplicates?.groupCount ?? 0, labelFlagged: cold.labelErrors?.flagged ?? 0 },
      rssStart,
      rssPeak: peak.peak,
      kernelPeak: peak.kernelPeak,
      loadStart,
      loadEnd: os.loadavg(),
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

export function printCuration(r: CurationBenchResult, say: (s?: string) => void): void {
  say(`  ${r.rows.toLocaleString('en-US')} rows, neighbours through ${r.answeredBy}; first request ${fmtMs(r.coldMs)}`);
  say(table([['stage of the first request', 'time'], ...r.stages.map((s) => [s.stage, fmtMs(s.ms)])]));
  say(table([['scoring from the kept lists', 'time'], ...r.signals.map((s) => [s.signal, fmtMs(s.ms)])]));
  say(
    table([
      ['then', 'time'],
      ['threshold change (rescored, no search)', fmtMs(r.thresholdChangeMs)],
      ['label column change (a scan of label, no search)', fmtMs(r.labelChangeMs)],
      ['a second session, from the cache', fmtMs(r.fromCacheMs)],
      ['row set of the outliers (every row)', fmtMs(r.rowSetMs)],
    ]),
  );
  say(`  found: ${r.counts.duplicateGroups} near-duplicate groups, ${r.counts.byteGroups} byte-duplicate groups, ${r.counts.labelFlagged} rows most of whose neighbours disagree`);
  say(`  host RSS: ${fmtMB(r.rssStart)} before, peak ${fmtMB(r.rssPeak)} while computing${r.kernelPeak ? ` (kernel high-water mark ${fmtMB(r.kernelPeak)})` : ''}`);
}
