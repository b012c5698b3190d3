// `npm run bench`: speed and memory of the data layer on the ImageNet-like replica (the reference
// dataset's true shape: 50,000 rows, 1,000 classes, ~120 KB JPEGs, one compacted fragment, ~6 GB) and on
// a million-row table without images, each figure beside the raw engine doing the same work where that
// applies. Prints figures and ratios, never pass/fail (timed assertions do not belong in tests).
//
//   node out/test/bench/bench.cli.js [--rows N] [--scale-rows N] [--quick] [--no-generate] [--only g1,g2]
//
//   --rows N        rows in the true-shape replica (default 50,000; cached per row count under .cache/bench/)
//   --scale-rows N  rows in the scale table (default 1,000,000; cached per row count)
//   --quick         a smoke run: the tests' small shape (5,000 rows, 20 classes, ~13 KB images), a
//                   100,000-row scale table and fewer iterations
//   --no-generate   use the caches only; fail clearly when one is missing or stale
//   --only LIST     run only these groups (open, pages, scroll-images, scroll-noimages, scroll-noimagecol,
//                   scroll-naive, similar, versions, naive, vsraw, scale, scale-stats, sort, scale-sort, curation,
//                   remote: s3rver with 0 and 50 ms added per request beside the local folder, on the
//                   5,000-row small-shape dataset whatever --rows says)
//
// Each scenario group runs in a fresh `node --expose-gc` child so its RSS is its own. The results
// are printed as one table per group (with the load average) plus a summary, and written to
// test-results/bench/latest.json.
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { CacheMissingError, CachedDataset, ensureImagenet, ensureManyVersions, ensureScale, lancedbVersion, projectRoot, VERSIONS_DATASET_VERSIONS } from './cache';
import { fmtMB, fmtMs, fmtRatio, fmtSignedMB, MB, table } from './measure';
import type { GroupName, NaiveResult, OpenResult, PagesResult, ScrollResult, SimilarResult, VersionsResult, VsRawResult, WorkerConfig } from './scenarios';
import { printCuration, type CurationBenchResult } from './curationGroup';
import { GROUPS, IMAGE_CAP, OWN_DATA_GROUPS, PAGE, pageOffsets, REF_PREFIX, runGroup, SCALE_GROUPS, SCROLL_VARIANTS, scrollPages } from './scenarios';
import { REMOTE_ACTIONS, type RemoteResult } from './remote';

/** Rows of the small-shape dataset the remote group uploads (cached as imagenet-small-5000). */
const REMOTE_ROWS = 5000;

const USAGE = `usage: bench.cli.js [--rows N] [--scale-rows N] [--quick] [--no-generate] [--only ${GROUPS.join(',')}]`;

/** Where the data layer is slower than the fastest raw way by more than this, the summary says so. */
const RATIO_TARGET = 1.15;

interface Args {
  rows: number;
  scaleRows: number;
  quick: boolean;
  generate: boolean;
  only?: GroupName[];
}

function parseCli(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string' },
      'scale-rows': { type: 'string' },
      quick: { type: 'boolean' },
      'no-generate': { type: 'boolean' },
      only: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = !!values.quick;
  let rows = quick ? 5000 : 50000;
  if (values.rows !== undefined) {
    rows = Number(values.rows);
    if (!Number.isInteger(rows) || rows < PAGE * 4) throw new Error(`--rows must be an integer of at least ${PAGE * 4} (got ${values.rows})`);
  }
  let scaleRows = quick ? 100_000 : 1_000_000;
  if (values['scale-rows'] !== undefined) {
    scaleRows = Number(values['scale-rows']);
    if (!Number.isInteger(scaleRows) || scaleRows < 10_000) throw new Error(`--scale-rows must be an integer of at least 10,000 (got ${values['scale-rows']})`);
  }
  let only: GroupName[] | undefined;
  if (values.only) {
    only = values.only.split(',').map((s) => s.trim()) as GroupName[];
    const bad = only.filter((g) => !GROUPS.includes(g));
    if (bad.length) throw new Error(`unknown group(s) in --only: ${bad.join(', ')}`);
  }
  return { rows, scaleRows, quick, generate: !values['no-generate'], only };
}

// ---------------------------------------------------------------------------------------------
// Worker side

async function workerMain(group: GroupName, cfg: WorkerConfig): Promise<void> {
  try {
    const result = await runGroup(group, cfg);
    process.send!({ ok: true, result }, () => process.exit(0));
  } catch (err) {
    const e = err as Error & { detail?: string };
    process.send!({ ok: false, error: `${e.message ?? String(err)}${e.detail ? `\n${e.detail}` : ''}\n${e.stack ?? ''}` }, () => process.exit(1));
  }
}

// ---------------------------------------------------------------------------------------------
// Parent side

interface GroupRun<T = unknown> {
  ok: boolean;
  wallMs: number;
  result?: T;
  error?: string;
  /** os.loadavg() before the child started and after it ended. */
  load?: { start: number[]; end: number[] };
}

/**
 * The workers run from a private copy of this bundle: `node esbuild.js --tests` (run by anyone, at any
 * time) rewrites out/test/bench/bench.cli.js, and a child that loads a half-written file exits silently.
 */
let workerScript: string | undefined;
function workerCopy(): string {
  if (!workerScript) {
    workerScript = path.join(os.tmpdir(), `lance-inspector-bench-${process.pid}.js`);
    fs.copyFileSync(__filename, workerScript);
    process.on('exit', () => fs.rmSync(workerScript!, { force: true }));
  }
  return workerScript;
}

function runInChild(group: GroupName, cfg: WorkerConfig): Promise<GroupRun> {
  const t0 = performance.now();
  const loadStart = os.loadavg();
  const nodePath = [path.join(projectRoot(), 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
  return new Promise((resolve) => {
    const child = fork(workerCopy(), ['--worker', group, '--config', JSON.stringify(cfg)], {
      // No --enable-source-maps: VS Code's extension host runs without it, and with it this workload ran
      // about 10x more full (mark-compact) collections (98 against 9 over the same 250 pages of images),
      // which doubled the median of every read, the data layer's and the raw engine's alike.
      execArgv: ['--expose-gc'],
      // The copy lives outside the project: let it find @lancedb/lancedb and apache-arrow there.
      env: { ...process.env, NODE_PATH: nodePath, LANCEDB_LOG: process.env.LANCEDB_LOG ?? 'error' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let msg: { ok: boolean; result?: unknown; error?: string } | undefined;
    child.on('message', (m) => (msg = m as typeof msg));
    child.on('exit', (code, signal) => {
      const wallMs = performance.now() - t0;
      const load = { start: loadStart, end: os.loadavg() };
      if (msg?.ok) resolve({ ok: true, wallMs, result: msg.result, load });
      else resolve({ ok: false, wallMs, load, error: msg?.error ?? `the child exited with ${signal ?? `code ${code}`} before reporting` });
    });
  });
}

const say = (s = '') => process.stdout.write(s + '\n');
const log = (s: string) => process.stderr.write(s + '\n');
const n = (x: number) => x.toLocaleString('en-US');
const mbs = (b: number) => `${(b / MB).toFixed(1)} MB`;
const duration = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);

const fmtLoad = (l: number[] | undefined) => (l ? l.map((x) => x.toFixed(2)).join(' / ') : '—');

function heading(title: string, run: GroupRun): void {
  say();
  say(`■ ${title}   [fresh process, ${duration(run.wallMs)}]`);
  say(`  load average (1 / 5 / 15 min): ${fmtLoad(run.load?.start)} before, ${fmtLoad(run.load?.end)} after, ${os.cpus().length} CPUs`);
  if (!run.ok) say(`  FAILED: ${run.error}`);
}

function printVsRaw(r: VsRawResult): void {
  const otherWays = (c: VsRawResult['cases'][number]) =>
    c.raw
      .filter((w) => w.way !== c.best)
      .map((w) => `${w.way} ${fmtMs(w.warm.p50)}`)
      .join('; ') || '—';
  say(
    table([
      ['case', 'rows', 'bytes', 'DL first', 'DL p50', 'raw first', 'raw p50', 'DL/raw', 'fastest raw way', 'other raw ways (p50)', 'check'],
      ...r.cases.map((c) => {
        const best = c.raw.find((w) => w.way === c.best)!;
        return [
          c.label,
          c.rows || '—',
          c.bytes ? mbs(c.bytes) : '—',
          fmtMs(c.dl.first),
          fmtMs(c.dl.warm.p50),
          fmtMs(best.first),
          fmtMs(best.warm.p50),
          `${fmtRatio(c.ratio)}${c.ratio > RATIO_TARGET ? ' !' : ''}`,
          c.best,
          otherWays(c),
          c.check,
        ];
      }),
    ]),
  );
  say(`  DL = the data layer (LanceDataset); raw = @lancedb/lancedb directly, same columns and rows, binary values read as views.`);
  say(`  first = first call in this process (the data layer's runs before the raw ways'); p50 = median of ${r.reps} warm calls,`);
  say(`  interleaved round-robin. DL/raw = DL p50 / fastest raw p50; "!" marks more than ${RATIO_TARGET}x.`);
  if (r.cases.some((c) => c.raw.some((w) => w.way.startsWith(REF_PREFIX))))
    say(`  "${REF_PREFIX}…" ways are for reference only, never the fastest: they copy the image bytes (the data layer sends views into the batch since December 2026).`);
  say(
    `  RSS: ${fmtMB(r.rssStart)} after open+describe, peak ${fmtMB(r.rssPeak)} (${fmtSignedMB(r.rssPeak - r.rssStart)})${r.kernelPeak ? `, kernel VmHWM ${fmtMB(r.kernelPeak)}` : ''}; load average in the child ${fmtLoad(r.loadStart)} → ${fmtLoad(r.loadEnd)}`,
  );
  for (const note of r.notes ?? []) say(`  ${note}`);
}

function datasetLine(label: string, root: string, d: CachedDataset | undefined): string[] {
  if (!d) return [`  ${label}: not needed by the groups asked for`];
  const info = (d.info ?? {}) as {
    fragments?: number;
    versions?: number[];
    tags?: Record<string, number>;
    images?: { count: number; meanBytes: number; minBytes: number; maxBytes: number };
    row0?: { id: string; bytes: number; soi: boolean; eoi: boolean; markers: string; comment?: string; width: number; height: number; decodedBy: string };
  };
  const gen = d.generatedMs !== undefined ? `${d.generatedNow ? 'generated now' : 'generated'} in ${duration(d.generatedMs)}` : 'generation time not recorded';
  const lines = [`  ${label}: ${path.relative(root, d.uri)} — ${fmtMB(d.diskBytes)} on disk, ${gen}${d.generatedNow ? '' : ' (from cache)'}`];
  if (info.fragments !== undefined)
    lines.push(
      `    ${info.fragments} fragment(s); versions ${info.versions?.join(', ')}; tags ${
        Object.entries(info.tags ?? {})
          .map(([k, v]) => `${k}→${v}`)
          .join(', ') || 'none'
      }`,
    );
  if (info.images)
    lines.push(
      `    images: ${n(info.images.count)} JPEGs, mean ${(info.images.meanBytes / 1024).toFixed(1)} KB (${(info.images.minBytes / 1024).toFixed(0)}–${(info.images.maxBytes / 1024).toFixed(0)} KB)`,
    );
  if (info.row0)
    lines.push(
      `    row ${info.row0.id}: ${info.row0.width}×${info.row0.height} JPEG, ${(info.row0.bytes / 1024).toFixed(1)} KB, segments ${info.row0.markers}, COM "${info.row0.comment ?? ''}", SOI ${info.row0.soi ? 'ok' : 'MISSING'}, EOI ${info.row0.eoi ? 'ok' : 'MISSING'}, decoded by ${info.row0.decodedBy}`,
    );
  return lines;
}

function printOpen(r: OpenResult): void {
  say(
    table([
      ['step', 'time'],
      ['load @lancedb/lancedb (native module)', fmtMs(r.loadModuleMs)],
      ['open (first in the process)', fmtMs(r.openMs)],
      ['describe (first)', fmtMs(r.describeMs)],
      [`open + describe again (p50 of ${r.warmOpenDescribe.n})`, fmtMs(r.warmOpenDescribe.p50)],
    ]),
  );
  say(`  dataset: ${n(r.rows)} rows, ${r.fragments} fragments, ${fmtMB(r.bytes)}, version ${r.latestVersion}; indices: ${r.indices.join('; ')}`);
  say();
  say(
    table([
      ['count', 'rows', 'first', `p50 (${r.counts[0]?.warm.n ?? 0} more)`, 'p95'],
      ...r.counts.map((c) => [c.label, n(c.result), fmtMs(c.first), fmtMs(c.warm.p50), fmtMs(c.warm.p95)]),
    ]),
  );
}

function printPages(r: PagesResult, rows: number): void {
  say(
    table([
      [`page (${PAGE} rows unless said), all columns, images ≤ 4 MB`, 'rows', 'images', 'image bytes', 'first', `p50 (${r.pages[0]?.warm.n ?? 0} more)`, 'p95'],
      ...r.pages.map((p) => [p.label, p.rowsReturned, p.images, mbs(p.imageBytes), fmtMs(p.first), fmtMs(p.warm.p50), fmtMs(p.warm.p95)]),
    ]),
  );
  const [near, mid, far] = pageOffsets(rows).map((o) => r.pages.find((p) => p.offset === o && !p.filter)!);
  say(`  first read in the process (page @${PAGE}, not in the table): ${fmtMs(r.warmupMs)}`);
  say(`  thumbnails are made on two lanes, as in the extension: ${r.thumbnailsInWorker} of them by the worker thread`);
  say(`  far/near: p50 ${fmtRatio(far.warm.p50 / near.warm.p50)} (mid ${fmtRatio(mid.warm.p50 / near.warm.p50)}), first call ${fmtRatio(far.first / near.first)}`);
  say(
    `  RSS: ${fmtMB(r.rssStart)} after open+describe, peak ${fmtMB(r.rssPeak)} (${fmtSignedMB(r.rssPeak - r.rssStart)})${r.kernelPeak ? `, kernel VmHWM ${fmtMB(r.kernelPeak)}` : ''}`,
  );
}

function printScroll(runs: [string, GroupRun<ScrollResult>][]): void {
  const ok = runs.filter(([, r]) => r.ok).map(([, r]) => r.result!);
  for (const [g, r] of runs) if (!r.ok) say(`  ${g} FAILED: ${r.error}`);
  if (!ok.length) return;
  say(
    table([
      ['variant', 'pages', 'p50/page', 'p95/page', 'max', 'total', 'image MB', 'RSS start', 'RSS peak', 'growth', 'VmHWM', 'end (gc)'],
      ...ok.map((s) => [
        s.variant,
        s.pages,
        fmtMs(s.perPage.p50),
        fmtMs(s.perPage.p95),
        fmtMs(s.perPage.max),
        duration(s.totalMs),
        (s.imageBytes / MB).toFixed(0),
        fmtMB(s.rssStart),
        fmtMB(s.rssPeak),
        fmtSignedMB(s.rssPeak - s.rssStart),
        fmtMB(s.kernelPeak),
        fmtSignedMB(s.rssEndAfterGc - s.rssStart),
      ]),
    ]),
  );
  for (const s of ok) say(`  ${s.variant}: ${SCROLL_VARIANTS[s.variant]}; ${n(s.rowsRead)} rows, ${s.images} images sent, ${s.samples} RSS samples`);
}

function printSimilar(r: SimilarResult): void {
  say(
    table([
      ['find similar (k=10, nprobes=20)', 'queries', 'first', 'p50', 'p95', 'answered by', 'same class'],
      ...r.cases.map((c) => [`refine ${c.refine}`, c.queries, fmtMs(c.coldMs), fmtMs(c.warm.p50), fmtMs(c.warm.p95), c.answeredBy, `${Math.round(100 * c.sameClassShare)}%`]),
    ]),
  );
}

function printRemote(r: RemoteResult): void {
  say(
    `  ${n(r.rows)}-row small-shape ImageNet-like dataset; two copies (${n(r.uploadedFiles)} objects) uploaded in ${duration(r.uploadMs)}. One call of each action, in this order.`,
  );
  say(
    table([
      ['action', ...r.runs.map((x) => x.label)],
      ...REMOTE_ACTIONS.map((a, i) => [a, ...r.runs.map((x) => `${fmtMs(x.steps[i].ms)}${x.steps[i].requests !== undefined ? ` · ${x.steps[i].requests} req` : ''}`)]),
    ]),
  );
  const slow = r.runs.at(-1);
  if (slow) say(`  requests by kind (${slow.label}): ${REMOTE_ACTIONS.map((a, i) => `${a} ${JSON.stringify(slow.steps[i].counts ?? {})}`).join('; ')}`);
}

function printVersions(r: VersionsResult): void {
  say(
    table([
      ['dataset', 'versions', 'page(0,50) first', 'p50', 'page(last 50) p50', 'listVersions() first', 'p50', 'listVersions/page'],
      ...r.cases.map((c) => [
        c.dataset,
        c.totalVersions,
        fmtMs(c.page.first),
        fmtMs(c.page.warm.p50),
        fmtMs(c.farPage.warm.p50),
        fmtMs(c.listVersions.first),
        fmtMs(c.listVersions.warm.p50),
        fmtRatio(c.listVersions.warm.p50 / c.page.warm.p50),
      ]),
    ]),
  );
}

function printNaive(r: NaiveResult, pages: PagesResult | undefined): void {
  const twoStep = (label: string) => pages?.pages.find((p) => p.label === label);
  say(
    table([
      ['page of 50', 'rows() p50', 'naive first', 'naive p50', 'naive/rows()', 'naive RSS peak', 'over start', 'VmHWM'],
      ...r.cases.map((c) => {
        const t = twoStep(c.label);
        return [
          c.label,
          fmtMs(t?.warm.p50),
          fmtMs(c.first),
          fmtMs(c.warm.p50),
          t ? fmtRatio(c.warm.p50 / t.warm.p50) : '—',
          fmtMB(c.rssPeak),
          fmtSignedMB(c.rssPeak - r.rssStart),
          fmtMB(c.kernelPeak),
        ];
      }),
    ]),
  );
  say(`  naive = table.query()[.where(f)].limit(${PAGE}).offset(N).toArray(), every column, no image cap; the cases run in this order in one process,`);
  say(`  so "over start" is cumulative. RSS at start ${fmtMB(r.rssStart)}, after gc at the end ${fmtMB(r.rssEndAfterGc)}.`);
  if (pages)
    say(`  rows() (pages group, its own process, same cases): RSS start ${fmtMB(pages.rssStart)}, peak ${fmtMB(pages.rssPeak)} (${fmtSignedMB(pages.rssPeak - pages.rssStart)})`);
}

function summaryLines(args: Args, runs: Partial<Record<GroupName, GroupRun>>, data: CachedDataset | undefined, scale: CachedDataset | undefined): string[] {
  const lines: string[] = [];
  const get = <T>(g: GroupName): T | undefined => (runs[g]?.ok ? (runs[g].result as T) : undefined);
  for (const [g, r] of Object.entries(runs)) if (r && !r.ok) lines.push(`group ${g}: FAILED (${(r.error ?? '').split('\n')[0]})`);
  if (data?.generatedMs !== undefined)
    lines.push(`generate ${n(args.rows)}-row replica: ${duration(data.generatedMs)} (${fmtMB(data.diskBytes)} on disk)${data.generatedNow ? '' : ', when the cache was built'}`);
  if (scale?.generatedMs !== undefined)
    lines.push(
      `generate ${n(args.scaleRows)}-row scale table: ${duration(scale.generatedMs)} (${fmtMB(scale.diskBytes)} on disk)${scale.generatedNow ? '' : ', when the cache was built'}`,
    );
  const open = get<OpenResult>('open');
  if (open) {
    lines.push(
      `open+describe (fresh process): ${fmtMs(open.openMs + open.describeMs)} (+ ${fmtMs(open.loadModuleMs)} loading the native module); again: ${fmtMs(open.warmOpenDescribe.p50)}`,
    );
    lines.push(`count: ${open.counts.map((c) => `${c.label} ${fmtMs(c.warm.p50)}`).join(', ')}`);
  }
  const pages = get<PagesResult>('pages');
  if (pages) {
    const [near, mid, far] = pageOffsets(args.rows).map((o) => pages.pages.find((p) => p.offset === o && !p.filter)!);
    lines.push(`page@${near.offset} with images: ${fmtMs(near.warm.p50)} (first ${fmtMs(near.first)})`);
    lines.push(`page@${mid.offset} with images: ${fmtMs(mid.warm.p50)} (mid/near ${fmtRatio(mid.warm.p50 / near.warm.p50)})`);
    lines.push(`page@${far.offset} with images: ${fmtMs(far.warm.p50)} (far/near ${fmtRatio(far.warm.p50 / near.warm.p50)})`);
    for (const p of pages.pages.filter((p) => p.filter)) lines.push(`filtered page ${p.label}: ${fmtMs(p.warm.p50)} (first ${fmtMs(p.first)})`);
  }
  const whatScroll = { images: 'with images', noimages: 'without images', noimagecol: 'without the image column', naive: 'the naive way (toArray, all columns)' } as const;
  for (const v of ['images', 'noimages', 'noimagecol', 'naive'] as const) {
    const s = get<ScrollResult>(`scroll-${v}`);
    if (!s) continue;
    const what = whatScroll[v];
    lines.push(`paging ${n(s.rowsRead)} rows ${what}: p50 ${fmtMs(s.perPage.p50)}/page, p95 ${fmtMs(s.perPage.p95)}, total ${duration(s.totalMs)}`);
    lines.push(
      `peak RSS while paging ${n(s.rowsRead)} rows ${what}: ${fmtMB(s.rssPeak)} (${fmtSignedMB(s.rssPeak - s.rssStart)} over start; ${fmtSignedMB(s.rssEndAfterGc - s.rssStart)} after gc at the end)`,
    );
  }
  const sim = get<SimilarResult>('similar');
  if (sim)
    for (const c of sim.cases)
      lines.push(
        `find similar k=${c.k} nprobes=${c.nprobes} refine=${c.refine}: p50 ${fmtMs(c.warm.p50)} over ${c.queries} queries (first ${fmtMs(c.coldMs)}), answered by ${c.answeredBy}, ${Math.round(100 * c.sameClassShare)}% same class`,
      );
  const ver = get<VersionsResult>('versions');
  if (ver)
    for (const c of ver.cases)
      lines.push(
        `versions page (0,50) on ${c.totalVersions} versions: ${fmtMs(c.page.warm.p50)} vs listVersions() ${fmtMs(c.listVersions.warm.p50)} (${fmtRatio(c.listVersions.warm.p50 / c.page.warm.p50)})`,
      );
  for (const g of ['vsraw', 'scale', 'scale-stats', 'sort', 'scale-sort'] as const) {
    const r = get<VsRawResult>(g);
    if (!r) continue;
    const over = r.cases.filter((c) => c.ratio > RATIO_TARGET);
    lines.push(`${r.dataset}, data layer / fastest raw (p50): ${r.cases.map((c) => `${c.label} ${fmtRatio(c.ratio)}`).join('; ')}`);
    lines.push(
      over.length
        ? `  over ${RATIO_TARGET}x: ${over.map((c) => `${c.label} (${fmtMs(c.dl.warm.p50)} vs ${fmtMs(c.raw.find((w) => w.way === c.best)!.warm.p50)} ${c.best})`).join('; ')}`
        : `  none over ${RATIO_TARGET}x`,
    );
    const bad = r.cases.filter((c) => !c.check.startsWith('same'));
    if (bad.length) lines.push(`  row check: ${bad.map((c) => `${c.label}: ${c.check}`).join('; ')}`);
  }
  const naive = get<NaiveResult>('naive');
  if (naive && pages) {
    for (const c of naive.cases) {
      const t = pages.pages.find((p) => p.label === c.label);
      if (!t) continue;
      lines.push(
        `${c.label}: rows() ${fmtMs(t.warm.p50)} vs naive toArray ${fmtMs(c.warm.p50)} (naive/rows() ${fmtRatio(c.warm.p50 / t.warm.p50)}); naive peak RSS ${fmtMB(c.rssPeak)} (${fmtSignedMB(c.rssPeak - naive.rssStart)} cumulative)`,
      );
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--worker') return workerMain(argv[1] as GroupName, JSON.parse(argv[3]) as WorkerConfig);

  const args = parseCli(argv);
  const root = projectRoot();
  const groups = args.only ?? GROUPS;
  const needReplica = groups.some((g) => !SCALE_GROUPS.includes(g) && !OWN_DATA_GROUPS.includes(g));
  const needRemote = groups.includes('remote');
  const needScale = groups.some((g) => SCALE_GROUPS.includes(g));
  const shape = args.quick ? 'small' : 'true';
  let data: CachedDataset | undefined;
  let many: CachedDataset | undefined;
  let scale: CachedDataset | undefined;
  let remote: CachedDataset | undefined;
  try {
    if (needReplica) data = await ensureImagenet(args.rows, args.generate, log, shape);
    if (needReplica) many = await ensureManyVersions(args.generate, log);
    if (needScale) scale = await ensureScale(args.scaleRows, args.generate, log);
    if (needRemote) remote = await ensureImagenet(REMOTE_ROWS, args.generate, log, 'small');
  } catch (err) {
    if (err instanceof CacheMissingError) {
      console.error(`bench: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }

  const lancedb = lancedbVersion();
  say(`Lance Inspector benchmark — ${n(args.rows)}-row ImageNet-like replica (${shape === 'true' ? 'true shape' : 'small shape, --quick'}), ${n(args.scaleRows)}-row scale table`);
  say(
    `  @lancedb/lancedb ${lancedb}, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM, ${os.platform()}-${os.arch()}`,
  );
  for (const l of datasetLine('replica', root, data)) say(l);
  for (const l of datasetLine('scale table', root, scale)) say(l);
  if (many)
    say(
      `  versions dataset: ${path.relative(root, many.uri)} — ${VERSIONS_DATASET_VERSIONS} versions, ${many.generatedNow ? `generated now in ${duration(many.generatedMs ?? 0)}` : 'from cache'}`,
    );
  say(`  each group runs in a fresh \`node --expose-gc\` child; the files sit in the OS page cache (warm disk reads) as far as RAM allows.`);
  say(`  "first" = first call of that read in the process; p50/p95 = the calls after it. Images: inline cap ${IMAGE_CAP / MB} MB.`);

  const loadStart = os.loadavg()[0];
  say(`  load average (1 min) at start: ${loadStart.toFixed(2)} on ${os.cpus().length} CPUs`);
  if (loadStart > os.cpus().length * 0.75) say(`  ⚠ the machine is busy: timings will be inflated and noisy (memory figures are not affected). Rerun when it is quiet to compare.`);

  const cfg: WorkerConfig = {
    uri: data?.uri ?? '',
    name: data?.name ?? '',
    rows: args.rows,
    quick: args.quick,
    versionsUri: many?.uri ?? '',
    versionsName: many?.name ?? '',
    scaleUri: scale?.uri ?? '',
    scaleName: scale?.name ?? '',
    scaleRows: args.scaleRows,
    remoteUri: remote?.uri,
    remoteRows: REMOTE_ROWS,
  };
  const runs: Partial<Record<GroupName, GroupRun>> = {};
  const t0 = performance.now();
  for (const g of groups) {
    log(`… ${g}`);
    const run = await runInChild(g, cfg);
    runs[g] = run;
    if (g === 'remote') {
      heading('Object store: s3rver (in-process) behind the fault proxy, beside the local folder', run);
      if (run.ok) printRemote(run.result as RemoteResult);
    } else if (g === 'open') {
      heading('Open, describe, count', run);
      if (run.ok) printOpen(run.result as OpenResult);
    } else if (g === 'pages') {
      heading(`Pages of ${PAGE} rows with images (rows(): streamed when unfiltered; filtered: row ids, then take by id)`, run);
      if (run.ok) printPages(run.result as PagesResult, args.rows);
    } else if (g.startsWith('scroll-')) {
      const v = g.slice('scroll-'.length) as keyof typeof SCROLL_VARIANTS;
      heading(`Scrolling: ${scrollPages(args.rows, args.quick)} consecutive pages of ${PAGE} — ${SCROLL_VARIANTS[v]}`, run);
      if (run.ok) printScroll([[g, run as GroupRun<ScrollResult>]]);
    } else if (g === 'similar') {
      heading('Find similar (IVF_PQ, cosine, with images)', run);
      if (run.ok) printSimilar(run.result as SimilarResult);
    } else if (g === 'versions') {
      heading('Versions: one page from manifests vs table.listVersions()', run);
      if (run.ok) printVersions(run.result as VersionsResult);
    } else if (g === 'naive') {
      heading('Two-step page vs naive query().offset(N).limit(50).toArray() with every column', run);
      if (run.ok) printNaive(run.result as NaiveResult, runs.pages?.ok ? (runs.pages.result as PagesResult) : undefined);
    } else if (g === 'vsraw') {
      heading(`Data layer vs raw engine on the replica: pages of ${PAGE} with images, filtered pages, find similar`, run);
      if (run.ok) printVsRaw(run.result as VsRawResult);
    } else if (g === 'scale') {
      heading(`Data layer vs raw engine on the ${n(args.scaleRows)}-row table: count, pages, filtered pages, find similar, versions`, run);
      if (run.ok) printVsRaw(run.result as VsRawResult);
    } else if (g === 'sort') {
      heading(`Sorted pages on the replica with images vs the raw engine`, run);
      if (run.ok) printVsRaw(run.result as VsRawResult);
    } else if (g === 'scale-sort') {
      heading(`Sorted pages on the ${n(args.scaleRows)}-row table vs the raw engine`, run);
      if (run.ok) printVsRaw(run.result as VsRawResult);
    } else if (g === 'curation') {
      heading('Curation signals on the replica (neighbour search through the index, label errors, outliers, byte duplicates)', run);
      if (run.ok) printCuration(run.result as CurationBenchResult, say);
    } else if (g === 'scale-stats') {
      heading(`Data layer vs raw engine on the ${n(args.scaleRows)}-row table: column statistics`, run);
      if (run.ok) printVsRaw(run.result as VsRawResult);
    }
  }

  const summary = summaryLines(args, runs, data, scale);
  say();
  say('════ Summary ════');
  for (const l of summary) say(`  ${l}`);
  const loadEnd = os.loadavg()[0];
  say(`  (groups ran for ${duration(performance.now() - t0)}; load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at the end, ${os.cpus().length} CPUs)`);

  const outDir = path.join(root, 'test-results', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  const json = {
    when: new Date().toISOString(),
    args,
    env: {
      loadAvg1Start: loadStart,
      loadAvg1End: loadEnd,
      node: process.version,
      lancedb,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      totalMemBytes: os.totalmem(),
      platform: `${os.platform()}-${os.arch()}`,
    },
    dataset: data && {
      uri: path.relative(root, data.uri),
      shape,
      rows: args.rows,
      diskBytes: data.diskBytes,
      generatedMs: data.generatedMs,
      generatedNow: !!data.generatedNow,
      info: data.info,
    },
    scaleDataset: scale && {
      uri: path.relative(root, scale.uri),
      rows: args.scaleRows,
      diskBytes: scale.diskBytes,
      generatedMs: scale.generatedMs,
      generatedNow: !!scale.generatedNow,
      info: scale.info,
    },
    versionsDataset: many && { uri: path.relative(root, many.uri), versions: VERSIONS_DATASET_VERSIONS, generatedMs: many.generatedMs },
    groups: runs,
    summary,
  };
  const outFile = path.join(outDir, 'latest.json');
  fs.writeFileSync(outFile, JSON.stringify(json, null, 2));
  say(`  JSON: ${path.relative(root, outFile)}`);
  if (Object.values(runs).some((r) => r && !r.ok)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  console.error(USAGE);
  process.exit(1);
});
