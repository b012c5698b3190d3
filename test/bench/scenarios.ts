// The measured scenario groups. Each one runs in its own fresh child process (see bench.cli.ts), so
// its RSS figures are its own: the native module, the open dataset and the reads of that group only.
// Everything goes through the real data layer (LanceDataset), except the "naive" group, which reads
// the way an inspector without the two-step read would.
import { lance } from '../../src/extension/lance/engine';
import { LanceDataset } from '../../src/extension/lance/dataset';
import type { Cell, RowsPage, RowsRequest } from '../../src/shared/types';
import { dist, Dist, MB, repeat, RssSampler, settle, timed } from './measure';

export interface WorkerConfig {
  uri: string;
  name: string;
  rows: number;
  quick: boolean;
  versionsUri: string;
  versionsName: string;
}

export const PAGE = 50;
/** The panel's default cap on inline images (lanceInspector.maxInlineImageKB = 4096). */
export const IMAGE_CAP = 4 * MB;
export const GOLDEN = "label_name = 'golden_retriever'";
export const TABBY = "label_name LIKE 'tabby%'";
export const IN_SET = "label_name IN ('tabby_cat', 'tiger_cat', 'Egyptian_cat', 'golden_retriever', 'German_shepherd')";

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
      if (c && typeof c === 'object' && 't' in c && c.t === 'bin' && c.bytes) {
        images++;
        bytes += c.bytes.byteLength;
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
    ['IN (5 classes)', IN_SET],
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
}

async function timePage(cfg: WorkerConfig, ds: LanceDataset, label: string, req: RowsRequest): Promise<PageTiming> {
  let last: RowsPage | undefined;
  const r = await repeat(reps(cfg, 5, 2), async () => {
    last = await ds.rows(req);
  });
  const s = imageStats(last!);
  return { label, offset: req.offset, filter: req.filter, first: r.first, warm: r.warm, rowsReturned: last!.rows.length, images: s.images, imageBytes: s.bytes };
}

async function groupPages(cfg: WorkerConfig): Promise<PagesResult> {
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
  const golden = await ds.count(GOLDEN);
  for (const offset of [0, Math.max(0, golden - PAGE)]) {
    pages.push(await timePage(cfg, ds, `golden_retriever @${offset}`, { filter: GOLDEN, offset, limit: PAGE, withImages: true, maxImageBytes: IMAGE_CAP }));
  }
  const tabby = await ds.count(TABBY);
  pages.push(await timePage(cfg, ds, `LIKE 'tabby%' @${Math.max(0, tabby - PAGE)}`, { filter: TABBY, offset: Math.max(0, tabby - PAGE), limit: PAGE, withImages: true, maxImageBytes: IMAGE_CAP }));
  const peak = sampler.stop();
  ds.close();
  return { warmupMs: warmup.ms, pages, rssStart, rssPeak: peak.peak, kernelPeak: peak.kernelPeak };
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
      const t = await timed(() => table.query().limit(PAGE).offset(i * PAGE).toArray());
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
      const t = await timed(() =>
        ds.similar({ rowId: ids[i], vectorColumn: 'image_emb', k: 10, nprobes: 20, refineFactor: refine, withImages: true, maxImageBytes: IMAGE_CAP }),
      );
      if (i === 0 && Number.isNaN(cold)) cold = t.ms;
      times.push(t.ms);
      const r = t.value;
      const a = r.answeredBy as { kind: string; name?: string; type?: string };
      answeredBy = a.kind === 'index' ? `index ${a.name} (${a.type})` : a.kind;
      const li = r.columns.indexOf('label_name');
      const q = JSON.stringify(r.query.row[li] as Cell);
      for (const row of r.rows) {
        total++;
        if (JSON.stringify(row[li]) === q) same++;
      }
    }
    cases.push({ refine, nprobes: 20, k: 10, queries: ids.length, coldMs: cold, warm: dist(times), answeredBy, sameClassShare: total ? same / total : NaN, returned: total / ids.length });
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
    cases: [
      await versionsCase(cfg, `imagenet (${cfg.rows} rows)`, cfg.uri, cfg.name),
      await versionsCase(cfg, 'many_versions', cfg.versionsUri, cfg.versionsName),
    ],
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
    ...[0, Math.max(0, golden - PAGE)].map((offset) => ({ label: `golden_retriever @${offset}`, offset, filter: GOLDEN, expect: Math.min(PAGE, golden - offset) })),
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

export type GroupName = 'open' | 'pages' | 'scroll-images' | 'scroll-noimages' | 'scroll-noimagecol' | 'scroll-naive' | 'similar' | 'versions' | 'naive';

export const GROUPS: GroupName[] = ['open', 'pages', 'scroll-images', 'scroll-noimages', 'scroll-noimagecol', 'scroll-naive', 'similar', 'versions', 'naive'];

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
  }
}
