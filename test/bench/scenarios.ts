// The measured scenario groups. Each one runs in its own fresh child process (see bench.cli.ts), so
// its RSS figures are its own: the native module, the open dataset and the reads of that group only.
// Everything goes through the real data layer (LanceDataset), except the "naive" group, which reads
// the way an inspector without the two-step read would.
import * as os from 'os';
import * as path from 'path';
import type { RecordBatch } from 'apache-arrow';
import { lance, Table } from '../../src/extension/lance/engine';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { clearThumbnailCache } from '../../src/extension/lance/thumbnailCache';
import { thumbnailsMadeInWorker, useThumbnailWorker } from '../../src/extension/lance/thumbnailLanes';
import { projectRoot } from './cache';
import type { RowsPage, RowsRequest, SortKey } from '../../src/shared/types';
import { describeSort } from '../../src/shared/sort';
import { engineOrdering } from '../../src/extension/lance/sortOrder';
import { groupCuration } from './curationGroup';
import { dist, Dist, fmtMB, fmtMs, fmtSignedMB, MB, repeat, RssSampler, settle, timed } from './measure';
import { groupRemote } from './remote';

const n = (x: number) => x.toLocaleString('en-US');

export interface WorkerConfig {
  uri: string;
  name: string;
  rows: number;
  quick: boolean;
  versionsUri: string;
  versionsName: string;
  /** The million-row table without images (scale groups). */
  scaleUri: string;
  scaleName: string;
  scaleRows: number;
  /** Time the engine's own sorted page of whole rows once (sort groups; the replica's took 41 s). */
  rawWholeRowSort?: boolean;
  /** The small ImageNet-like dataset the remote group uploads to s3rver (see remote.ts). */
  remoteUri?: string;
  remoteRows?: number;
}

export const PAGE = 50;
/** The panel's default cap on inline images (lanceInspector.maxInlineImageKB = 4096). */
export const IMAGE_CAP = 4 * MB;
export const GOLDEN = "label_name = 'golden_retriever'";
export const TABBY = "label_name LIKE 'tabby%'";
/** Five classes on either shape: ImageNet-1k names `tabby`, the small shape's `tabby_cat`. */
export const IN_SET = "label_name IN ('tabby', 'tabby_cat', 'tiger_cat', 'Egyptian_cat', 'golden_retriever', 'German_shepherd')";

export const SCROLL_VARIANTS = {
  images: 'with images (all columns, withImages, 4 MB cap)',
  noimages: 'without images (all columns read, image bytes not sent)',
  noimagecol: 'without the image column (id, label, label_name, image_emb)',
  naive: 'naive: table.query().limit(50).offset(N).toArray(), every column (no data layer)',
} as const;
export type ScrollVariant = keyof typeof SCROLL_VARIANTS;

export function pageOffsets(rows: number): number[] {
  return [0, Math.floor(rows / 2 / PAGE) * PAGE, Math.max(0, rows - PAGE)];
}

function reps(cfg: WorkerConfig, full: number, quick: number): number {
  return cfg.quick ? quick : full;
}

async function openDataset(cfg: WorkerConfig): Promise<LanceDataset> {
  return LanceDataset.open({ uri: cfg.uri, name: cfg.name });
}

function imageStats(page: RowsPage): { images: number; bytes: number } {
  let images = 0;
  let bytes = 0;
  for (const row of page.rows)
    for (const c of row)
      if (c && typeof c === 'object' && 't' in c && c.t === 'bin' && (c.bytes || c.thumb)) {
        images++;
        bytes += c.bytes ? c.bytes.byteLength : c.thumb!.length;
      }
  return { images, bytes };
}

async function rssNow(): Promise<number> {
  await settle();
  return process.memoryUsage.rss();
}

// ---------------------------------------------------------------------------------------------

export interface OpenResult {
  loadModuleMs: number;
  openMs: number;
  describeMs: number;
  warmOpenDescribe: Dist;
  rows: number;
  fragments: number;
  bytes?: number;
  latestVersion: number;
  indices: string[];
  counts: { label: string; filter?: string; result: number; first: number; warm: Dist }[];
}

async function groupOpen(cfg: WorkerConfig): Promise<OpenResult> {
  const load = await timed(async () => lance());
  const open = await timed(() => openDataset(cfg));
  const ds = open.value;
  const describe = await timed(() => ds.describe());
  const d = describe.value;
  const warm: number[] = [];
  for (let i = 0; i < reps(cfg, 5, 2); i++) {
    const t = await timed(async () => {
      const other = await openDataset(cfg);
      await other.describe();
      other.close();
    });
    warm.push(t.ms);
  }
  const counts: OpenResult['counts'] = [];
  const cases: [string, string | undefined][] = [
    ['count()', undefined],
    ["= 'golden_retriever'", GOLDEN],
    ["LIKE 'tabby%'", TABBY],
    ['IN (6 names, 5 classes)', IN_SET],
  ];
  for (const [label, filter] of cases) {
    let result = -1;
    const r = await repeat(reps(cfg, 5, 2), async () => {
      result = await ds.count(filter);
    });
    counts.push({ label, filter, result, first: r.first, warm: r.warm });
  }
  ds.close();
  return {
    loadModuleMs: load.ms,
    openMs: open.ms,
    describeMs: describe.ms,
    warmOpenDescribe: dist(warm),
    rows: d.stats.rows,
    fragments: d.stats.fragments,
    bytes: d.stats.bytes,
    latestVersion: d.latestVersion,
    indices: d.indices.map((i) => `${i.name} (${i.type}${i.metric ? `, ${i.metric}` : ''} on ${i.columns.join(',')})`),
    counts,
  };
}

// ---------------------------------------------------------------------------------------------

export interface PageTiming {
  label: string;
  offset: number;
  filter?: string;
  first: number;
  warm: Dist;
  rowsReturned: number;
  images: number;
  imageBytes: number;
}

export interface PagesResult {
  warmupMs: number;
  pages: PageTiming[];
  rssStart: number;
  rssPeak: number;
  kernelPeak?: number;
  /** Thumbnails the worker lane made (the rest were made on the group's own thread). */
  thumbnailsInWorker: number;
}

/** Rows of the panel's first page on the true shape (rowsPerPage: 1.5 MB / ~120 KB a row). */
const PANEL_PAGE = 12;

async function timePage(cfg: WorkerConfig, ds: LanceDataset, label: string, req: RowsRequest): Promise<PageTiming> {
  let last: RowsPage | undefined;
  const r = await repeat(reps(cfg, 5, 2), async () => {
    last = await ds.rows(req);
  });
  const s = imageStats(last!);
  return { label, offset: req.offset, filter: req.filter, first: r.first, warm: r.warm, rowsReturned: last!.rows.length, images: s.images, imageBytes: s.bytes };
}

/**
 * Find similar as the panel asks (the cards' columns, k = 10), a different query row each call: with
 * `thumbnailPx` the 11 images are made into thumbnails each time (the cache is emptied), else their bytes.
 */
async function timeSimilar(cfg: WorkerConfig, ds: LanceDataset, label: string, thumbnailPx?: number): Promise<PageTiming> {
  const ids = (await ds.rows({ columns: ['id'], offset: 2 * PAGE, limit: 40 })).rowIds;
  let last: RowsPage | undefined;
  let k = 0;
  const r = await repeat(reps(cfg, 5, 2), async () => {
    if (thumbnailPx) clearThumbnailCache();
    const res = await ds.similar({
      rowId: ids[k++ % ids.length],
      vectorColumn: 'image_emb',
      k: 10,
      nprobes: 20,
      columns: ['id', 'label', 'label_name', 'image'],
      withImages: true,
      maxImageBytes: IMAGE_CAP,
      thumbnailPx,
    });
    last = { offset: 0, columns: res.columns, rowIds: res.rowIds, rows: [res.query.row, ...res.rows] };
  });
  const s = imageStats(last!);
  // Offset -1: not a page of the table (the far/near ratios look pages up by offset).
  return { label, offset: -1, first: r.first, warm: r.warm, rowsReturned: last!.rows.length, images: s.images, imageBytes: s.bytes };
}

async function groupPages(cfg: WorkerConfig): Promise<PagesResult> {
  // Thumbnails on two lanes, as in the extension (thumbnailLanes.ts).
  useThumbnailWorker(path.join(projectRoot(), 'dist', 'thumbnailWorker.js'));
  const ds = await openDataset(cfg);
  await ds.describe();
  const rssStart = await rssNow();
  const sampler = new RssSampler().start();
  // The first read in a process pays for the schema, the column plan and the engine's caches:
  // one page elsewhere first, so the offsets below compare like with like.
  const warmup = await timed(() => ds.rows({ offset: PAGE, limit: PAGE, withImages: true, maxImageBytes: IMAGE_CAP }));
  const pages: PageTiming[] = [];
  for (const offset of pageOffsets(cfg.rows)) {
    pages.push(await timePage(cfg, ds, `page @${offset}`, { offset, limit: PAGE, withImages: true, maxImageBytes: IMAGE_CAP }));
  }
  // The panel's pages on the true shape: about a screenful (rowsPerPage: 12 rows of ~120 KB), images
  // as thumbnails made by the host (64 px) against their JPEG bytes. First call: the thumbnails are
  // made (the first ever in this process also compiles the decoder); the rest find them kept.
  for (const offset of pageOffsets(cfg.rows)) {
    clearThumbnailCache();
    pages.push(
      await timePage(cfg, ds, `${PANEL_PAGE} rows @${offset}, 64-px thumbnails`, { offset, limit: PANEL_PAGE, withImages: true, maxImageBytes: IMAGE_CAP, thumbnailPx: 64 }),
    );
    pages.push(await timePage(cfg, ds, `${PANEL_PAGE} rows @${offset}, JPEG bytes`, { offset, limit: PANEL_PAGE, withImages: true, maxImageBytes: IMAGE_CAP }));
  }
  const golden = await ds.count(GOLDEN);
  clearThumbnailCache();
  pages.push(
    await timePage(cfg, ds, `golden_retriever @0, ${PANEL_PAGE} rows, 64-px thumbnails`, {
      filter: GOLDEN,
      offset: 0,
      limit: PANEL_PAGE,
      withImages: true,
      maxImageBytes: IMAGE_CAP,
      thumbnailPx: 64,
    }),
  );
  pages.push(await timeSimilar(cfg, ds, 'find similar, 11 cards, 200-px thumbnails made', 200));
  pages.push(await timeSimilar(cfg, ds, 'find similar, 11 cards, JPEG bytes'));
  for (const offset of [...new Set([0, Math.max(0, golden - PAGE)])]) {
    pages.push(await timePage(cfg, ds, `golden_retriever @${offset}`, { filter: GOLDEN, offset, limit: PAGE, withImages: true, maxImageBytes: IMAGE_CAP }));
  }
  const tabby = await ds.count(TABBY);
  pages.push(
    await timePage(cfg, ds, `LIKE 'tabby%' @${Math.max(0, tabby - PAGE)}`, {
      filter: TABBY,
      offset: Math.max(0, tabby - PAGE),
      limit: PAGE,
      withImages: true,
      maxImageBytes: IMAGE_CAP,
    }),
  );
  const peak = sampler.stop();
  ds.close();
  return { warmupMs: warmup.ms, pages, rssStart, rssPeak: peak.peak, kernelPeak: peak.kernelPeak, thumbnailsInWorker: thumbnailsMadeInWorker() };
}

// ---------------------------------------------------------------------------------------------

export interface ScrollResult {
  variant: ScrollVariant;
  pages: number;
  rowsRead: number;
  perPage: Dist;
  firstPageMs: number;
  totalMs: number;
  images: number;
  imageBytes: number;
  rssStart: number;
  rssPeak: number;
  kernelPeak?: number;
  rssEndAfterGc: number;
  samples: number;
}

export function scrollPages(rows: number, quick: boolean): number {
  return Math.max(1, Math.min(quick ? 40 : 200, Math.floor(rows / PAGE)));
}

async function groupScroll(cfg: WorkerConfig, variant: ScrollVariant): Promise<ScrollResult> {
  const ds = await openDataset(cfg);
  await ds.describe();
  const rssStart = await rssNow();
  const n = scrollPages(cfg.rows, cfg.quick);
  const columns = variant === 'noimagecol' ? ['id', 'label', 'label_name', 'image_emb'] : undefined;
  const withImages = variant === 'images';
  const times: number[] = [];
  let images = 0;
  let imageBytes = 0;
  let rowsRead = 0;
  const sampler = new RssSampler().start(20);
  const t0 = performance.now();
  const table = ds.engineTable();
  for (let i = 0; i < n; i++) {
    if (variant === 'naive') {
      const t = await timed(() =>
        table
          .query()
          .limit(PAGE)
          .offset(i * PAGE)
          .toArray(),
      );
      times.push(t.ms);
      rowsRead += t.value.length;
      continue;
    }
    const t = await timed(() => ds.rows({ offset: i * PAGE, limit: PAGE, columns, withImages, maxImageBytes: IMAGE_CAP }));
    times.push(t.ms);
    // The host posts the page and keeps nothing: drop it, as the session does.
    const s = imageStats(t.value);
    images += s.images;
    imageBytes += s.bytes;
    rowsRead += t.value.rows.length;
  }
  const totalMs = performance.now() - t0;
  const peak = sampler.stop();
  const rssEndAfterGc = await rssNow();
  ds.close();
  return {
    variant,
    pages: n,
    rowsRead,
    perPage: dist(times),
    firstPageMs: times[0],
    totalMs,
    images,
    imageBytes,
    rssStart,
    rssPeak: peak.peak,
    kernelPeak: peak.kernelPeak,
    rssEndAfterGc,
    samples: peak.samples,
  };
}

// ---------------------------------------------------------------------------------------------

export interface SimilarCase {
  refine: number;
  nprobes: number;
  k: number;
  queries: number;
  coldMs: number;
  warm: Dist;
  answeredBy: string;
  sameClassShare: number;
  returned: number;
}

export interface SimilarResult {
  cases: SimilarCase[];
}

async function groupSimilar(cfg: WorkerConfig): Promise<SimilarResult> {
  const ds = await openDataset(cfg);
  await ds.describe();
  const nQueries = reps(cfg, 20, 5);
  // Query rows spread over the table, picked by engine row id as the panel does.
  const ids: string[] = [];
  for (let i = 0; i < nQueries; i++) {
    const offset = Math.floor(((i + 0.5) * cfg.rows) / nQueries);
    const p = await ds.rows({ offset, limit: 1, columns: ['id'] });
    ids.push(p.rowIds[0]);
  }
  const cases: SimilarCase[] = [];
  for (const refine of [1, 5]) {
    const times: number[] = [];
    let cold = NaN;
    let answeredBy = '';
    let same = 0;
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const t = await timed(() => ds.similar({ rowId: ids[i], vectorColumn: 'image_emb', k: 10, nprobes: 20, refineFactor: refine, withImages: true, maxImageBytes: IMAGE_CAP }));
      if (i === 0 && Number.isNaN(cold)) cold = t.ms;
      times.push(t.ms);
      const r = t.value;
      const a = r.answeredBy as { kind: string; name?: string; type?: string };
      answeredBy = a.kind === 'index' ? `index ${a.name} (${a.type})` : a.kind;
      const li = r.columns.indexOf('label_name');
      const q = JSON.stringify(r.query.row[li]);
      for (const row of r.rows) {
        total++;
        if (JSON.stringify(row[li]) === q) same++;
      }
    }
    cases.push({
      refine,
      nprobes: 20,
      k: 10,
      queries: ids.length,
      coldMs: cold,
      warm: dist(times),
      answeredBy,
      sameClassShare: total ? same / total : NaN,
      returned: total / ids.length,
    });
  }
  ds.close();
  return { cases };
}

// ---------------------------------------------------------------------------------------------

export interface VersionsCase {
  dataset: string;
  totalVersions: number;
  page: { first: number; warm: Dist };
  farPage: { offset: number; first: number; warm: Dist };
  listVersions: { first: number; warm: Dist; count: number };
}

export interface VersionsResult {
  cases: VersionsCase[];
}

async function versionsCase(cfg: WorkerConfig, label: string, uri: string, name: string): Promise<VersionsCase> {
  const ds = await LanceDataset.open({ uri, name });
  const n = reps(cfg, 10, 3);
  let total = 0;
  const page = await repeat(n, async () => {
    total = (await ds.versions(0, PAGE)).total;
  });
  const farOffset = Math.max(0, total - PAGE);
  const far = await repeat(n, () => ds.versions(farOffset, PAGE));
  let count = 0;
  const list = await repeat(n, async () => {
    count = (await ds.engineTable().listVersions()).length;
  });
  ds.close();
  return { dataset: label, totalVersions: total, page, farPage: { offset: farOffset, ...far }, listVersions: { ...list, count } };
}

async function groupVersions(cfg: WorkerConfig): Promise<VersionsResult> {
  return {
    cases: [await versionsCase(cfg, `imagenet (${cfg.rows} rows)`, cfg.uri, cfg.name), await versionsCase(cfg, 'many_versions', cfg.versionsUri, cfg.versionsName)],
  };
}

// ---------------------------------------------------------------------------------------------

export interface NaiveCase {
  /** Same label as the matching case of the pages group. */
  label: string;
  offset: number;
  filter?: string;
  first: number;
  warm: Dist;
  /** Peak RSS while this case ran (the process is shared with the cases before it). */
  rssPeak: number;
  kernelPeak?: number;
}

export interface NaiveResult {
  rssStart: number;
  cases: NaiveCase[];
  rssEndAfterGc: number;
}

/** `table.query().where(f).limit(50).offset(N).toArray()` with every column: what a plain reader does. */
async function groupNaive(cfg: WorkerConfig): Promise<NaiveResult> {
  const ds = await openDataset(cfg);
  await ds.describe();
  const t = ds.engineTable();
  const golden = await ds.count(GOLDEN);
  const tabby = await ds.count(TABBY);
  const rssStart = await rssNow();
  const cases: NaiveCase[] = [];
  // A first read elsewhere, as in the pages group.
  await t.query().limit(PAGE).offset(PAGE).toArray();
  const plan: { label: string; offset: number; filter?: string; expect: number }[] = [
    ...pageOffsets(cfg.rows).map((offset) => ({ label: `page @${offset}`, offset, expect: Math.min(PAGE, cfg.rows - offset) })),
    ...[...new Set([0, Math.max(0, golden - PAGE)])].map((offset) => ({ label: `golden_retriever @${offset}`, offset, filter: GOLDEN, expect: Math.min(PAGE, golden - offset) })),
    { label: `LIKE 'tabby%' @${Math.max(0, tabby - PAGE)}`, offset: Math.max(0, tabby - PAGE), filter: TABBY, expect: Math.min(PAGE, tabby) },
  ];
  for (const c of plan) {
    const sampler = new RssSampler().start(20);
    const r = await repeat(reps(cfg, 3, 1), async () => {
      const q = t.query().limit(PAGE).offset(c.offset);
      if (c.filter) q.where(c.filter);
      const rows = await q.toArray();
      if (rows.length !== c.expect) throw new Error(`naive read ${c.label} returned ${rows.length} rows, expected ${c.expect}`);
    });
    const peak = sampler.stop();
    cases.push({ label: c.label, offset: c.offset, filter: c.filter, first: r.first, warm: r.warm, rssPeak: peak.peak, kernelPeak: peak.kernelPeak });
  }
  const rssEndAfterGc = await rssNow();
  ds.close();
  return { rssStart, cases, rssEndAfterGc };
}

// ---------------------------------------------------------------------------------------------
// The data layer against the raw engine, in one process, on the same rows and bytes.
//
// Each case runs the data layer's call and one or more raw-engine ways to get the same rows (same
// columns, same row ids, image bytes included): first call of each (data layer first), then warm calls
// interleaved round-robin with the order rotated each round, so drift in the machine's load hits all
// of them alike. The ratio is the data layer's median over the fastest raw way's median.

export interface Timing {
  first: number;
  warm: Dist;
}

export interface VsRawCase {
  label: string;
  rows: number;
  /** Image/binary bytes the raw way read (values as views). */
  bytes: number;
  dl: Timing;
  raw: ({ way: string } & Timing)[];
  /** The raw way with the lowest median. */
  best: string;
  ratio: number;
  /** Whether the data layer and every raw way returned the same row ids. */
  check: string;
}

export interface VsRawResult {
  dataset: string;
  cases: VsRawCase[];
  rssStart: number;
  rssPeak: number;
  kernelPeak?: number;
  loadStart: number[];
  loadEnd: number[];
  reps: number;
  /** Figures measured once beside the cases (e.g. a raw way too slow to repeat). */
  notes?: string[];
}

/**
 * Warm calls per case. With 11 the median of one raw way on the same rows moved from run to run by up to
 * half on this shared 2-core machine (replica page @25000, stream with batch = page: 7.1, 8.8, 11.1 ms),
 * and the ratio takes the best of several raw medians, which such noise biases low. 21 narrows both.
 */
const VS_RAW_REPS = 21;

interface Got {
  ids: string[];
  bytes: number;
}

type RowsRead = (round: number) => Promise<Got>;

function execute(q: unknown, maxBatchLength: number): AsyncIterable<RecordBatch> {
  return (q as { execute(o: unknown): AsyncIterable<RecordBatch> }).execute({ maxBatchLength });
}

/**
 * Every value of every column, as a reader handing rows on would touch them (binaries as views, or as
 * copies with `copyBinaries`: what the data layer must do with image bytes it sends).
 */
async function consume(batches: AsyncIterable<RecordBatch>, copyBinaries = false): Promise<Got & { vector?: number[] }> {
  const ids: string[] = [];
  let bytes = 0;
  for await (const b of batches) {
    const idCol = b.getChild('_rowid');
    const cols = b.schema.fields.filter((f) => f.name !== '_rowid').map((f) => b.getChild(f.name)!);
    for (let i = 0; i < b.numRows; i++) {
      if (idCol) ids.push(String(idCol.get(i)));
      for (const c of cols) {
        const v = c.get(i) as unknown;
        if (v instanceof Uint8Array) bytes += (copyBinaries ? v.slice() : v).byteLength;
      }
    }
  }
  return { ids, bytes };
}

const bareNames = (cols: string[]): Record<string, string> => Object.fromEntries(cols.map((c) => [c, c]));

/** An unfiltered or filtered page in one streamed pass with batches of the page size (or `batch`). */
function rawStream(t: Table, cols: string[], offset: number, filter?: string, batch = PAGE, copyBinaries = false): Promise<Got> {
  const q = t.query().select(bareNames(cols)).withRowId().offset(offset).limit(PAGE);
  if (filter) q.where(filter);
  return consume(execute(q, batch), copyBinaries);
}

/**
 * Raw ways named with this prefix are timed beside the others for reference but never count as the
 * fastest: they do more than the minimum (e.g. copy the image bytes, as the data layer did until its
 * pages sent views into their batch).
 */
export const REF_PREFIX = 'ref: ';

/** The data layer's batch size for pages before issue 9 (now sized by bytes: dataset.ts batchRows). */
const DL_BATCH_ROWS = 16;

/** An unfiltered page taken by position. */
function rawTakeOffsets(t: Table, cols: string[], offset: number, total: number): Promise<Got> {
  const offsets = Array.from({ length: Math.max(0, Math.min(PAGE, total - offset)) }, (_, i) => offset + i);
  return consume(execute(t.takeOffsets(offsets).select(bareNames(cols)).withRowId(), PAGE));
}

/**
 * Rows per batch when a filter scans the table: the engine scans in batches of the size asked for, so
 * small ones make a scanning filter many times slower (dataset.ts SCAN_BATCH_ROWS).
 */
const SCAN_BATCH = 65_536;

/** A filtered page in two steps: the matching row ids alone (in batches of `idBatch`), then a take of those rows. */
async function rawTwoStep(t: Table, cols: string[], offset: number, filter: string, batch = PAGE, idBatch = 1024): Promise<Got> {
  const ids: bigint[] = [];
  for await (const b of execute(t.query().where(filter).select([]).withRowId().offset(offset).limit(PAGE), idBatch)) {
    const c = b.getChild('_rowid')!;
    for (let i = 0; i < b.numRows; i++) ids.push(c.get(i) as bigint);
  }
  if (!ids.length) return { ids: [], bytes: 0 };
  return consume(execute(t.takeRowIds(ids).select(bareNames(cols)).withRowId(), batch));
}

/** Find similar the raw way: take the query row (all columns, its vector among them), then the ANN search. */
async function rawSimilar(t: Table, cols: string[], rowId: string, vectorColumn: string, metric: 'l2' | 'cosine' | 'dot', k: number, nprobes: number): Promise<Got> {
  let vector: number[] | undefined;
  let bytes = 0;
  for await (const b of execute(
    t
      .takeRowIds([BigInt(rowId)])
      .select(bareNames(cols))
      .withRowId(),
    1,
  )) {
    vector = Array.from(b.getChild(vectorColumn)!.get(0) as Iterable<number>);
    for (const f of b.schema.fields) {
      const v = b.getChild(f.name)!.get(0) as unknown;
      if (v instanceof Uint8Array) bytes += v.byteLength;
    }
  }
  if (!vector) throw new Error(`raw similar: row ${rowId} not found`);
  const q = t
    .query()
    .nearestTo(vector)
    .column(vectorColumn)
    .distanceType(metric)
    .nprobes(nprobes)
    .limit(k + 1)
    .select(bareNames(cols))
    .withRowId();
  const got = await consume(execute(q, k + 1));
  // The data layer leaves the query row out of the neighbours.
  return { ids: got.ids.filter((id) => id !== rowId).slice(0, k), bytes: got.bytes + bytes };
}

async function compare(label: string, reps: number, dl: RowsRead, raws: Record<string, RowsRead>): Promise<VsRawCase> {
  const names = ['dl', ...Object.keys(raws)];
  const fns: Record<string, RowsRead> = { dl, ...raws };
  const first: Record<string, number> = {};
  const got: Record<string, Got> = {};
  for (const n of names) {
    const t = await timed(() => fns[n](0));
    first[n] = t.ms;
    got[n] = t.value;
  }
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 1; r <= reps; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const n of order) times[n].push((await timed(() => fns[n](r))).ms);
  }
  const raw = Object.keys(raws).map((way) => ({ way, first: first[way], warm: dist(times[way]) }));
  const best = raw.filter((w) => !w.way.startsWith(REF_PREFIX)).reduce((a, b) => (b.warm.p50 < a.warm.p50 ? b : a));
  const key = (ids: string[]) => ids.join(',');
  const mismatched = Object.keys(raws).filter((w) => key(got[w].ids) !== key(got.dl.ids));
  const sameSet = mismatched.every((w) => key(got[w].ids.slice().sort()) === key(got.dl.ids.slice().sort()));
  const check = !mismatched.length
    ? 'same rows'
    : sameSet
      ? `same rows, other order (${mismatched.join(', ')})`
      : `DIFFERENT rows: ${mismatched.map((w) => `${w} ${got[w].ids.length} vs ${got.dl.ids.length}`).join(', ')}`;
  const dlWarm = dist(times.dl);
  return {
    label,
    rows: got.dl.ids.length,
    bytes: Math.max(...Object.keys(raws).map((w) => got[w].bytes)),
    dl: { first: first.dl, warm: dlWarm },
    raw,
    best: best.way,
    ratio: dlWarm.p50 / best.warm.p50,
    check,
  };
}

/** Something timed that is not rows (a count, a version list, statistics): its result as a text check. */
async function compareValues(label: string, reps: number, dl: () => Promise<string>, raws: Record<string, () => Promise<string>>): Promise<VsRawCase> {
  const wrap =
    (f: () => Promise<string>): RowsRead =>
    async () => ({ ids: [await f()], bytes: 0 });
  const c = await compare(label, reps, wrap(dl), Object.fromEntries(Object.entries(raws).map(([k, f]) => [k, wrap(f)])));
  return { ...c, rows: 0, check: c.check.startsWith('same') ? 'same result' : c.check.replace('rows', 'results') };
}

const pageIds = (p: RowsPage): Got => ({ ids: p.rowIds, bytes: 0 });

/** The row ids of `n` query rows spread over the table (as the panel picks them: by row id). */
async function queryRowIds(ds: LanceDataset, rows: number, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await ds.rows({ offset: Math.floor(((i + 0.5) * rows) / n), limit: 1, columns: [] })).rowIds[0]);
  return ids;
}

function pageCases(ds: LanceDataset, t: Table, cols: string[], total: number, withImages: boolean) {
  const req = (offset: number, filter?: string): RowsRequest => ({ offset, limit: PAGE, filter, withImages, maxImageBytes: IMAGE_CAP });
  return {
    page: (offset: number) => ({
      dl: async () => pageIds(await ds.rows(req(offset))),
      raws: {
        'stream, batch = page': () => rawStream(t, cols, offset),
        [`stream, batch ${DL_BATCH_ROWS}`]: () => rawStream(t, cols, offset, undefined, DL_BATCH_ROWS),
        takeOffsets: () => rawTakeOffsets(t, cols, offset, total),
        ...(withImages ? { [`${REF_PREFIX}stream, batch = page, images copied`]: () => rawStream(t, cols, offset, undefined, PAGE, true) } : {}),
      } as Record<string, RowsRead>,
    }),
    filtered: (offset: number, filter: string) => ({
      dl: async () => pageIds(await ds.rows(req(offset, filter))),
      raws: {
        'stream, batch = page': () => rawStream(t, cols, offset, filter),
        'stream, batch 65,536': () => rawStream(t, cols, offset, filter, SCAN_BATCH),
        'row ids, then take': () => rawTwoStep(t, cols, offset, filter),
        'row ids in 65,536s, then take': () => rawTwoStep(t, cols, offset, filter, PAGE, SCAN_BATCH),
      } as Record<string, RowsRead>,
    }),
  };
}

/** On the ImageNet-like replica: pages with images near, mid and far, filtered pages, find similar. */
async function groupVsRaw(cfg: WorkerConfig): Promise<VsRawResult> {
  const loadStart = os.loadavg();
  const ds = await openDataset(cfg);
  await ds.describe();
  const t = ds.engineTable();
  const cols = (await ds.columnPlan()).names;
  const reps = reps_(cfg, VS_RAW_REPS, 3);
  const rssStart = await rssNow();
  const sampler = new RssSampler().start();
  const cases: VsRawCase[] = [];
  // A first read elsewhere, so the first case does not pay for the process's first query.
  await ds.rows({ offset: PAGE, limit: PAGE, withImages: true, maxImageBytes: IMAGE_CAP });
  const pc = pageCases(ds, t, cols, cfg.rows, true);
  for (const offset of pageOffsets(cfg.rows)) {
    const c = pc.page(offset);
    cases.push(await compare(`page @${offset}`, reps, c.dl, c.raws));
  }
  for (const [label, filter] of [
    ["= 'golden_retriever'", GOLDEN],
    ["LIKE 'tabby%'", TABBY],
    ['IN (6 names)', IN_SET],
  ] as const) {
    const n = await ds.count(filter);
    for (const offset of [...new Set([0, Math.max(0, n - PAGE)])]) {
      const c = pc.filtered(offset, filter);
      cases.push(await compare(`${label} @${offset} (of ${n})`, reps, c.dl, c.raws));
    }
  }
  const ids = await queryRowIds(ds, cfg.rows, reps + 1);
  cases.push(
    await compare(
      'find similar k=10 nprobes=20',
      reps,
      async (r) => {
        const s = await ds.similar({ rowId: ids[r], vectorColumn: 'image_emb', k: 10, nprobes: 20, withImages: true, maxImageBytes: IMAGE_CAP });
        return { ids: s.rowIds, bytes: 0 };
      },
      { 'take row, then search': (r) => rawSimilar(t, cols, ids[r], 'image_emb', 'cosine', 10, 20) },
    ),
  );
  const peak = sampler.stop();
  ds.close();
  return { dataset: `imagenet (${cfg.rows} rows)`, cases, rssStart, rssPeak: peak.peak, kernelPeak: peak.kernelPeak, loadStart, loadEnd: os.loadavg(), reps };
}

/** On the million-row table: count, first and last page, filtered pages, find similar, versions. */
async function groupScale(cfg: WorkerConfig): Promise<VsRawResult> {
  const loadStart = os.loadavg();
  const ds = await LanceDataset.open({ uri: cfg.scaleUri, name: cfg.scaleName });
  await ds.describe();
  const t = ds.engineTable();
  const cols = (await ds.columnPlan()).names;
  const reps = reps_(cfg, VS_RAW_REPS, 3);
  const rssStart = await rssNow();
  const sampler = new RssSampler().start();
  const cases: VsRawCase[] = [];
  cases.push(await compareValues('count()', reps, async () => String(await ds.count()), { countRows: async () => String(await t.countRows()) }));
  cases.push(
    await compareValues("count(= 'golden_retriever')", reps, async () => String(await ds.count(GOLDEN)), { 'countRows(filter)': async () => String(await t.countRows(GOLDEN)) }),
  );
  // A broad filter: half the table matches, so streaming the matching row ids is 500,000 ids.
  const BROAD = 'label < 500';
  cases.push(await compareValues(`count(${BROAD})`, reps, async () => String(await ds.count(BROAD)), { 'countRows(filter)': async () => String(await t.countRows(BROAD)) }));
  const pc = pageCases(ds, t, cols, cfg.scaleRows, false);
  for (const offset of [0, Math.max(0, cfg.scaleRows - PAGE)]) {
    const c = pc.page(offset);
    cases.push(await compare(`page @${offset}`, reps, c.dl, c.raws));
  }
  const n = await ds.count(GOLDEN);
  for (const offset of [0, Math.max(0, n - PAGE)]) {
    const c = pc.filtered(offset, GOLDEN);
    cases.push(await compare(`= 'golden_retriever' @${offset} (of ${n})`, reps, c.dl, c.raws));
  }
  const ids = await queryRowIds(ds, cfg.scaleRows, reps + 1);
  cases.push(
    await compare('find similar k=10 nprobes=20', reps, async (r) => ({ ids: (await ds.similar({ rowId: ids[r], vectorColumn: 'vec', k: 10, nprobes: 20 })).rowIds, bytes: 0 }), {
      'take row, then search': (r) => rawSimilar(t, cols, ids[r], 'vec', 'l2', 10, 20),
    }),
  );
  cases.push(
    await compareValues('versions (newest 50)', reps, async () => (await ds.versions(0, PAGE)).versions.map((v) => v.version).join(','), {
      listVersions: async () =>
        (await t.listVersions())
          .map((v) => v.version)
          .reverse()
          .slice(0, PAGE)
          .join(','),
    }),
  );
  const peak = sampler.stop();
  ds.close();
  return { dataset: `scale (${cfg.scaleRows} rows)`, cases, rssStart, rssPeak: peak.peak, kernelPeak: peak.kernelPeak, loadStart, loadEnd: os.loadavg(), reps };
}

/** Statistics of an int32 column the raw way: one column streamed, counted in a typed-array loop. */
async function rawIntStats(t: Table, column: string, batch: number): Promise<string> {
  const rows = await t.countRows();
  const counts = new Map<number, number>();
  let n = 0;
  let nulls = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for await (const b of execute(t.query().select(bareNames([column])), batch)) {
    const col = b.getChild(column)!;
    for (const data of col.data) {
      const values = data.values as Int32Array;
      for (let i = 0; i < data.length; i++) {
        if (data.nullCount && !data.getValid(i)) {
          nulls++;
          continue;
        }
        const v = values[i];
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      n += data.length;
    }
  }
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 20);
  return `${n === rows ? n : `${n}≠${rows}`} rows, ${nulls} nulls, min ${min}, max ${max}, mean ${(sum / Math.max(1, n - nulls)).toFixed(3)}, ${counts.size} distinct, top ${top[0]?.[1]}`;
}

/** Column statistics of `label` on the million-row table. */
async function groupScaleStats(cfg: WorkerConfig): Promise<VsRawResult> {
  const loadStart = os.loadavg();
  const ds = await LanceDataset.open({ uri: cfg.scaleUri, name: cfg.scaleName });
  await ds.describe();
  const t = ds.engineTable();
  const reps = reps_(cfg, 9, 2);
  const rssStart = await rssNow();
  const sampler = new RssSampler().start();
  const c = await compareValues(
    'column stats of label (int32, top 20)',
    reps,
    async () => {
      const s = await ds.columnStats({ column: 'label', topK: 20 });
      const x = s as unknown as { rows: number; nulls: number; min?: unknown; max?: unknown; mean?: number; distinct?: number; top?: { count: number }[] };
      return `${x.rows} rows, ${x.nulls} nulls, min ${String(x.min)}, max ${String(x.max)}, mean ${x.mean?.toFixed(3)}, ${x.distinct} distinct, top ${x.top?.[0]?.count}`;
    },
    { 'stream, batch 8,192': () => rawIntStats(t, 'label', 8192), 'stream, batch 131,072': () => rawIntStats(t, 'label', 131_072) },
  );
  const peak = sampler.stop();
  ds.close();
  return { dataset: `scale (${cfg.scaleRows} rows)`, cases: [c], rssStart, rssPeak: peak.peak, kernelPeak: peak.kernelPeak, loadStart, loadEnd: os.loadavg(), reps };
}

/** A sorted page the raw way without a kept order: the engine sorts the key columns with the row ids for this page, then a take. */
async function rawSortedTwoStep(t: Table, cols: string[], keys: SortKey[], offset: number, filter?: string): Promise<Got> {
  const q = t.query().select([]).withRowId().orderBy(engineOrdering(keys)).offset(offset).limit(PAGE);
  if (filter) q.where(filter);
  const ids: bigint[] = [];
  for await (const b of execute(q, PAGE)) {
    const c = b.getChild('_rowid')!;
    for (let i = 0; i < b.numRows; i++) ids.push(c.get(i) as bigint);
  }
  if (!ids.length) return { ids: [], bytes: 0 };
  // takeRowIds answers in row-id order: put the rows back in sort order, as a page must be.
  const got = await consume(execute(t.takeRowIds(ids).select(bareNames(cols)).withRowId(), PAGE));
  const at = new Map(got.ids.map((id, i) => [id, i]));
  return { ids: ids.map(String).filter((id) => at.has(id)), bytes: got.bytes };
}

/**
 * Sorted pages: the first one of a sort (the data layer computes and keeps the view's order: "cold", its
 * cache cleared before every call) and warm pages near and far, against the engine sorting ids for each
 * page and taking the rows. The engine's own sorted page of whole rows is timed once (notes): it sorts
 * the images too.
 */
async function sortCases(
  cfg: WorkerConfig,
  ds: LanceDataset,
  t: Table,
  cols: string[],
  rows: number,
  keys: SortKey[],
  filter: string | undefined,
  withImages: boolean,
  reps: number,
  notes: string[],
): Promise<VsRawCase[]> {
  const req = (offset: number): RowsRequest => ({ offset, limit: PAGE, sort: keys, filter, withImages, maxImageBytes: IMAGE_CAP });
  const what = `${describeSort(keys)}${filter ? ` where ${filter}` : ''}`;
  const cases: VsRawCase[] = [];
  cases.push(
    await compare(
      `sorted page @0, order computed (${what})`,
      reps,
      async () => {
        ds.forgetViewOrders();
        return pageIds(await ds.rows(req(0)));
      },
      { 'ids sorted by the engine, then take': () => rawSortedTwoStep(t, cols, keys, 0, filter) },
    ),
  );
  for (const offset of [0, Math.floor(rows / 2), Math.max(0, rows - PAGE)]) {
    cases.push(
      await compare(`sorted page @${offset}, order kept (${what})`, reps, async () => pageIds(await ds.rows(req(offset))), {
        'ids sorted by the engine, then take': () => rawSortedTwoStep(t, cols, keys, offset, filter),
      }),
    );
  }
  const before = await rssNow();
  ds.forgetViewOrders();
  const order = await timed(() => ds.sortedIds(filter, keys));
  notes.push(
    `the order of ${what}: ${n(order.value?.length ?? 0)} row ids computed in ${fmtMs(order.ms)}, kept in ${fmtMB(order.value?.byteLength ?? 0)}; RSS ${fmtMB(before)} → ${fmtMB(await rssNow())}`,
  );
  if (cfg.rawWholeRowSort) {
    const offset = Math.floor(rows / 2);
    const rss0 = await rssNow();
    const sampler = new RssSampler().start();
    const whole = await timed(async () => {
      const q = t.query().select(bareNames(cols)).withRowId().orderBy(engineOrdering(keys)).offset(offset).limit(PAGE);
      if (filter) q.where(filter);
      return consume(execute(q, PAGE));
    });
    const peak = sampler.stop();
    notes.push(`the engine's own sorted page @${offset} with every column (${what}), once: ${fmtMs(whole.ms)}, RSS peak ${fmtSignedMB(peak.peak - rss0)} over its start`);
  }
  return cases;
}

/**
 * A text search's pages through the caption's full-text index: the first (the search runs: "cold") and a
 * later one (kept), against the engine's own fullTextSearch of the same page with every column.
 */
async function searchCases(ds: LanceDataset, t: Table, cols: string[], text: string, withImages: boolean, reps: number): Promise<VsRawCase[]> {
  const search = { column: 'caption', text };
  const req = (offset: number): RowsRequest => ({ offset, limit: PAGE, search, columns: cols, withImages, maxImageBytes: IMAGE_CAP });
  const raw = (offset: number) => () =>
    consume(
      execute(
        t
          .query()
          .fullTextSearch(text, { columns: ['caption'] })
          .select(bareNames(cols))
          .withRowId()
          .offset(offset)
          .limit(PAGE),
        PAGE,
      ),
    );
  const found = (await ds.search({ search })).count;
  const cases: VsRawCase[] = [];
  cases.push(
    await compare(
      `search "${text}" page @0, search run (of ${found})`,
      reps,
      async () => {
        ds.forgetViewOrders();
        return pageIds(await ds.rows(req(0)));
      },
      { 'fullTextSearch page with every column': raw(0) },
    ),
  );
  for (const offset of [0, Math.max(0, Math.min(found - PAGE, 5 * PAGE))]) {
    cases.push(
      await compare(`search "${text}" page @${offset}, kept (of ${found})`, reps, async () => pageIds(await ds.rows(req(offset))), {
        'fullTextSearch page with every column': raw(offset),
      }),
    );
  }
  return cases;
}

/** Sorting the replica with its images (label_name then id) and the million rows (label_name, id; a filter). */
async function groupSort(cfg: WorkerConfig, scale: boolean): Promise<VsRawResult> {
  const loadStart = os.loadavg();
  const ds = scale ? await LanceDataset.open({ uri: cfg.scaleUri, name: cfg.scaleName }) : await openDataset(cfg);
  await ds.describe();
  const t = ds.engineTable();
  const cols = (await ds.columnPlan()).names;
  const rows = scale ? cfg.scaleRows : cfg.rows;
  const reps = reps_(cfg, 11, 3);
  const rssStart = await rssNow();
  const sampler = new RssSampler().start();
  const notes: string[] = [];
  const keys: SortKey[] = [{ column: 'label_name' }, { column: 'id' }];
  const cases = await sortCases({ rawWholeRowSort: true, ...cfg }, ds, t, cols, rows, keys, undefined, !scale, reps, notes);
  if (!scale && cols.includes('caption')) cases.push(...(await searchCases(ds, t, cols, 'golden retriever', true, reps)));
  if (scale)
    cases.push(
      ...(await sortCases({ ...cfg, rawWholeRowSort: false }, ds, t, cols, await ds.count('label < 500'), [{ column: 'ts', descending: true }], 'label < 500', false, reps, notes)),
    );
  const peak = sampler.stop();
  ds.close();
  return {
    dataset: scale ? `scale (${cfg.scaleRows} rows)` : `imagenet (${cfg.rows} rows)`,
    cases,
    rssStart,
    rssPeak: peak.peak,
    kernelPeak: peak.kernelPeak,
    loadStart,
    loadEnd: os.loadavg(),
    reps,
    notes,
  };
}

function reps_(cfg: WorkerConfig, full: number, quick: number): number {
  return reps(cfg, full, quick);
}

// ---------------------------------------------------------------------------------------------

export type GroupName =
  | 'open'
  | 'pages'
  | 'scroll-images'
  | 'scroll-noimages'
  | 'scroll-noimagecol'
  | 'scroll-naive'
  | 'similar'
  | 'versions'
  | 'naive'
  | 'vsraw'
  | 'scale'
  | 'scale-stats'
  | 'sort'
  | 'scale-sort'
  | 'curation'
  | 'remote';

export const GROUPS: GroupName[] = [
  'open',
  'pages',
  'scroll-images',
  'scroll-noimages',
  'scroll-noimagecol',
  'scroll-naive',
  'similar',
  'versions',
  'naive',
  'vsraw',
  'scale',
  'scale-stats',
  'sort',
  'scale-sort',
  'curation',
  'remote',
];

/** Groups that read the million-row table (the others read the ImageNet-like replica). */
export const SCALE_GROUPS: GroupName[] = ['scale', 'scale-stats', 'scale-sort'];
/** Groups that bring their own dataset (the others read the replica or the scale table). */
export const OWN_DATA_GROUPS: GroupName[] = ['remote'];

export function runGroup(group: GroupName, cfg: WorkerConfig): Promise<unknown> {
  switch (group) {
    case 'open':
      return groupOpen(cfg);
    case 'pages':
      return groupPages(cfg);
    case 'scroll-images':
      return groupScroll(cfg, 'images');
    case 'scroll-noimages':
      return groupScroll(cfg, 'noimages');
    case 'scroll-noimagecol':
      return groupScroll(cfg, 'noimagecol');
    case 'scroll-naive':
      return groupScroll(cfg, 'naive');
    case 'similar':
      return groupSimilar(cfg);
    case 'versions':
      return groupVersions(cfg);
    case 'naive':
      return groupNaive(cfg);
    case 'vsraw':
      return groupVsRaw(cfg);
    case 'scale':
      return groupScale(cfg);
    case 'scale-stats':
      return groupScaleStats(cfg);
    case 'sort':
      return groupSort(cfg, false);
    case 'scale-sort':
      return groupSort(cfg, true);
    case 'curation':
      return groupCuration(cfg);
    case 'remote':
      if (!cfg.remoteUri) throw new Error('the remote group needs its dataset (remoteUri)');
      return groupRemote({ remoteUri: cfg.remoteUri, remoteRows: cfg.remoteRows ?? 0 });
  }
}
