// The inspector on the 50,000-row ImageNet-like replica in a REAL VS Code: what a user waits for, and
// what the extension host holds in memory. Prints figures, never pass/fail.
//
//   node esbuild.js --tests && node out/test/bench/vscode.cli.js [--reps N] [--scroll-rows N]
//
//   --reps N          repetitions of each timing (default 3); the table shows the first and the median
//   --scroll-rows N   rows scrolled through, a screenful at a time, for the memory figure (default 3,000)
//
// Needs the cached replica .cache/bench/imagenet-50000/imagenet_val.lance (built by `npm run bench`;
// this never builds it and exits with code 2 when it is missing), the E2E prerequisites
// (`bash test/e2e/setup.sh`: code-server, Debian's Chromium) and the VSIX: LANCE_E2E_VSIX=<path>
// reuses one, otherwise `npm run package` builds it first.
//
// What it does: code-server (harness.ts) with the VSIX installed, on a temporary workspace holding a
// symlink to the replica (the cache itself is never written); "Lance: Open Dataset…" from the palette
// with the path typed; then, all measured in the webview frame (an image counts when decoded:
// complete and naturalWidth > 0; looked for every 16 ms, timed by the page's clock, so figures are ±16 ms):
//   open      Enter on the typed path → ≥ 10 thumbnails decoded (each rep closes the panel first)
//   filter    Enter in the filter box on label_name = 'golden_retriever' → its count shown and
//             ≥ 10 thumbnails of that class decoded (each rep clears the filter first)
//   goto      filter cleared, at row 0: Enter on 49,990 in the go-to box → row 49,990 rendered with
//             its thumbnail decoded
//   similar   right-click a row → "Find similar" → the query card and 10 results with images decoded
//             (plus what answered it, as the Similar tab says)
//   memory    VmRSS / VmHWM of the extension host (found under this code-server's process tree) at
//             start, after opening, after scrolling --scroll-rows rows a screenful at a time (waiting
//             for every visible thumbnail at each step) and at the end; the webview's JS heap and
//             Chromium's renderer RSS alongside.
// Screenshots: test-results/bench/vscode/ (look at them). JSON: test-results/bench/vscode.json.
// Diagnostics: LANCE_BENCH_CONSOLE=1 prints the workbench's console with times, LANCE_BENCH_SW=1 the
// webview service workers' states, LANCE_BENCH_PROFILE=<file> profiles the renderer while scrolling,
// LANCE_BENCH_PROFILE_OPEN=<file> over the last open, LANCE_BENCH_TRACE=<file> writes the scroll's trace.
// The load average is printed with the figures: on a busy machine the timings are inflated.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import type { Frame } from 'playwright-core';
import { removeOnExit, startVSCode, type VSCodeSession } from '../e2e/harness';
import { buildVsix } from '../e2e/vsix';
import { activeTabTitle, fmt, gridRows, OPEN_COMMAND, showTab, waitForGrid, waitForSimilar, withTable } from '../e2e/util';
import { CacheMissingError, ensureImagenet, lancedbVersion, projectRoot } from './cache';
import { fmtMB, fmtMs, percentile, table } from './measure';
import { codeServerTree, findExtensionHost, memOf, ourRenderers, type Mem } from './vscodeProc';

const ROWS = 50_000;
const CLASS = 'golden_retriever';
const FILTER = `label_name = '${CLASS}'`;
const FAR_ROW = 49_990;
const MIN_THUMBS = 10;
const WAIT_MS = 120_000;
/** How often the waits look in the page. Each reports when it first saw the state by the page's clock, so a figure is
 * within this of the truth, not stretched by the round trips of the wait. */
const POLL_MS = 16;

const say = (s = '') => process.stdout.write(s + '\n');
const log = (s: string) => process.stderr.write(`[bench-vscode] ${s}\n`);
const load1 = () => os.loadavg()[0];
const median = (xs: number[]) => percentile(xs, 50);

interface Timing {
  what: string;
  runs: number[];
  /** Load average (1 min) when each run started. */
  loads: number[];
  note?: string;
}

interface MemPoint {
  when: string;
  load1: number;
  exthost?: Mem & { pid: number };
  /** The dataset panel's JS heap (performance.memory, Chromium), bytes. */
  webviewHeap?: { used: number; total: number };
  /** RSS of each renderer of our Chromium, largest first, bytes (the workbench and the webview frames live in these). */
  renderers: { pid: number; rss: number }[];
}

// ---------------------------------------------------------------------------------------------------------

const resultsDir = path.join(projectRoot(), 'test-results', 'bench');
const shotsDir = path.join(resultsDir, 'vscode');
let shotNo = 0;
async function shot(v: VSCodeSession, name: string): Promise<string> {
  shotNo++;
  const file = path.join(shotsDir, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await v.page.screenshot({ path: file });
  return file;
}

async function memPoint(v: VSCodeSession, when: string, frame?: Frame): Promise<MemPoint> {
  const host = findExtensionHost(v.userDataDir);
  const m = host ? memOf(host.pid) : undefined;
  let webviewHeap: MemPoint['webviewHeap'];
  if (frame && !frame.isDetached()) {
    webviewHeap = await frame
      .evaluate(() => {
        const pm = (performance as unknown as { memory?: { usedJSHeapSize: number; totalJSHeapSize: number } }).memory;
        return pm ? { used: pm.usedJSHeapSize, total: pm.totalJSHeapSize } : undefined;
      })
      .catch(() => undefined);
  }
  const renderers = ourRenderers()
    .map((p) => ({ pid: p.pid, rss: memOf(p.pid)?.rss ?? NaN }))
    .filter((r) => Number.isFinite(r.rss));
  renderers.sort((a, b) => b.rss - a.rss);
  const point: MemPoint = { when, load1: load1(), exthost: host && m ? { pid: host.pid, ...m } : undefined, webviewHeap, renderers };
  log(
    `memory ${when}: exthost ${m ? `${fmtMB(m.rss)} (HWM ${fmtMB(m.hwm)})` : 'not found'}; webview heap ${webviewHeap ? fmtMB(webviewHeap.used) : '—'}; renderers ${renderers.map((r) => fmtMB(r.rss)).join(' + ')}`,
  );
  return point;
}

/** Polls `fn` every 50 ms until it returns something. */
async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const r = await fn().catch(() => undefined);
    if (r !== undefined) return r;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** The newest frame whose dataset header names `name` (visible). */
async function headerFrame(v: VSCodeSession, name: string): Promise<Frame | undefined> {
  for (const f of [...v.page.frames()].reverse()) {
    if (f.isDetached()) continue;
    const h = f.locator('[data-testid=dataset-name]');
    if ((await h.count()) && (await h.first().innerText()).trim() === name && (await h.first().isVisible())) return f;
  }
  return undefined;
}

/**
 * "Lance: Open Dataset…", the path typed; returns the ms from Enter to ≥ 10 decoded thumbnails, the
 * phases on the way (editor tab shown, dataset header shown in the webview), and the frame.
 */
/**
 * The webview's own marks (src/webview/marks.ts) as ms after `t0` (Date.now() at Enter): when its
 * document started loading, its script ran, describe went out and came back, the header showed, each
 * page went out and came back. Same machine, same clock: the frame's timeOrigin is epoch ms.
 */
async function webviewMarks(frame: Frame, t0: number): Promise<string> {
  const named = await liMarks(frame);
  const marks = await frame.evaluate(() => ({
    origin: performance.timeOrigin,
    // The frame's own document (VS Code loads an empty page, then writes our HTML into it).
    nav: (performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]).map(
      (n) => [n.fetchStart, n.responseEnd, n.domContentLoadedEventStart, n.workerStart, n.redirectStart, n.redirectEnd, n.startTime] as const,
    )[0],
    // Each stylesheet and the bundle: fetched from when to when (through the webview's service worker).
    resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((r) => /\.(js|css)(\?|$)/.test(r.name))
      .map((r) => [r.name.split('/').pop()!.split('?')[0], r.startTime, r.responseEnd] as const),
    // Marked by the webview itself (bundleStart.ts) from when its script began.
    longTasks: performance.getEntriesByName('li:long-task', 'measure').map((m) => [m.startTime, m.duration] as const),
  }));
  const at = (ms: number) => `${Math.round(marks.origin + ms - t0)}`;
  return [
    `document ${at(0)}`,
    ...(marks.nav
      ? [`frame page ${at(marks.nav[0])}–${at(marks.nav[1])} (start ${at(marks.nav[6])} workerStart ${at(marks.nav[3])} redirect ${at(marks.nav[4])}–${at(marks.nav[5])})`]
      : []),
    ...marks.resources.map(([n, a, b]) => `${n} ${at(a)}–${at(b)}`),
    ...named.map(([n, ms]) => `${n} ${Math.round(ms - t0)}`),
    `main-thread tasks over 50 ms ${marks.longTasks.map(([s, d]) => `${at(s)}+${Math.round(d)}`).join(' ') || 'none'}`,
  ].join(', ');
}

/** Find similar's phases in the webview (similarView.ts marks) as ms after `t0` (the click): request out, answer in, cards made. */
async function similarMarks(frame: Frame, t0: number): Promise<string> {
  return (await liMarks(frame, 'similar-')).map(([n, ms]) => `${n} ${Math.round(ms - t0)}`).join(', ') || '(no marks)';
}

/**
 * Starts a CPU profile of the renderer's main thread (the workbench's and the webview's; DevTools
 * format) when `file` is set (LANCE_BENCH_PROFILE while scrolling, LANCE_BENCH_PROFILE_OPEN over the
 * last open), sampling every `intervalUs`; the function returned stops it and writes the file.
 */
async function startProfile(v: VSCodeSession, file: string | undefined, intervalUs: number): Promise<((what: string) => Promise<void>) | undefined> {
  if (!file) return undefined;
  const cdp = await v.page.context().newCDPSession(v.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
  return async (what) => {
    const { profile } = await cdp.send('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    log(`CPU profile of ${what}: ${file}`);
  };
}

/** A renderer main-thread task over 50 ms of wall clock, from the trace (µs → ms). */
interface TracedTask {
  /** Wall-clock length. */
  wallMs: number;
  /** The thread's CPU time in it: the rest of the wall clock the thread was waiting for a core. */
  cpuMs: number;
  /** What took the time inside it (the longest of layout, paint, GC, script…), with their wall ms. */
  parts: string;
  /** Whose renderer ran it: 'workbench', 'panel' (the webview's frames), or both when they share one. */
  where: string;
}

/** Trace events inside a task worth naming (the rest are wrappers or too short to matter). */
const TASK_PARTS = new Set([
  'MajorGC',
  'MinorGC',
  'V8.GCPhantomHandleProcessingCallback',
  'V8.GCIncrementalMarking',
  'UpdateLayoutTree',
  'Layout',
  'Paint',
  'PrePaint',
  'Layerize',
  'Commit',
  'FunctionCall',
  'EventDispatch',
  'TimerFire',
  'HandlePostMessage',
  'Decode Image',
  'ParseHTML',
  'HitTest',
]);

/**
 * Traces the renderer's main thread (DevTools timeline categories) from now until the function returned
 * is called, and gives its tasks over 50 ms with their CPU time and what they did. The Long Tasks API
 * counts wall clock only: on this 2-core machine, with code-server, the extension host, Chromium and
 * this process all busy, a task of 20 ms of work can last 60 ms while the thread waits for a core. Only
 * events of 2 ms or more are kept (a 10,000-row scroll makes millions). LANCE_BENCH_TRACE=<file>
 * also writes them (Trace Event format, loads in DevTools' Performance panel).
 */
async function traceTasks(v: VSCodeSession): Promise<() => Promise<TracedTask[]>> {
  const cdp = await v.page.context().newCDPSession(v.page);
  type Ev = { ph: string; name: string; cat: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string; data?: { url?: string } } };
  const kept: Ev[] = [];
  // Whose scripts each process ran (script calls of any length): the webviews' frames load from VS Code's
  // webview loader (…/webview/browser/pre/), the workbench from its own bundle.
  const whose = new Map<number, Set<string>>();
  cdp.on('Tracing.dataCollected', (e) => {
    for (const x of e.value as unknown as Ev[]) {
      if (x.ph === 'M' || (x.ph === 'X' && (x.dur ?? 0) >= 2000)) kept.push(x);
      const url = x.name === 'FunctionCall' ? x.args?.data?.url : undefined;
      if (!url) continue;
      const who = url.includes('/webview/browser/pre/') ? 'panel' : url.includes('workbench') ? 'workbench' : undefined;
      if (who) whose.set(x.pid, (whose.get(x.pid) ?? new Set()).add(who));
    }
  });
  await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'v8'] } });
  return async () => {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    await cdp.detach().catch(() => undefined);
    const file = process.env.LANCE_BENCH_TRACE;
    if (file) {
      fs.writeFileSync(file, JSON.stringify({ traceEvents: kept }));
      log(`trace of the scroll (events of 2 ms or more): ${file}`);
    }
    const mains = new Set(kept.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const onMain = kept.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts);
    const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.dur! > 50_000);
    return tasks.map((t) => {
      const inside = onMain.filter((e) => e !== t && TASK_PARTS.has(e.name) && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur!);
      const byName = new Map<string, number>();
      for (const e of inside) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur! / 1000);
      const parts = [...byName]
        .sort((a, b) => b[1] - a[1])
        .map(([n, ms]) => `${n} ${Math.round(ms)}`)
        .join(', ');
      const where = [...(whose.get(t.pid) ?? [])].sort().reverse().join(' + ') || `pid ${t.pid}`;
      return { wallMs: Math.round(t.dur! / 1000), cpuMs: Math.round((t.tdur ?? t.dur!) / 1000), parts: parts || 'nothing over 2 ms named', where };
    });
  };
}

/** The webview's marks (src/webview/marks.ts) whose names start with `prefix`: [name, epoch ms]. */
async function liMarks(frame: Frame, prefix = ''): Promise<[string, number][]> {
  return frame.evaluate(
    (p) =>
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith(`li:${p}`))
        .map((m): [string, number] => [m.name.slice(3), performance.timeOrigin + m.startTime]),
    prefix,
  );
}

async function openTimed(v: VSCodeSession, dataset: string, name: string): Promise<{ ms: number; tabMs: number; headerMs: number; frame: Frame; marks: string }> {
  await v.runCommand(OPEN_COMMAND);
  await v.waitForQuickInput('Open Lance Dataset');
  let t0 = 0;
  await v.answerQuickInput(dataset, async () => {
    t0 = Date.now();
    if (process.env.LANCE_BENCH_CONSOLE) log(`Enter at ${t0}`);
  });
  await until(`an editor tab "Lance: ${name}"`, async () => ((await activeTabTitle(v)) === `Lance: ${name}` ? true : undefined));
  const tabMs = Date.now() - t0;
  const frame = await until(`the panel header of ${name}`, () => headerFrame(v, name));
  const seen = await waitForGrid(frame, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: MIN_THUMBS, timeoutMs: WAIT_MS, pollMs: POLL_MS });
  // The webview's own marks of when it showed the header and when its tenth thumbnail loaded: the waits
  // above start only once the frame is found, which takes round trips of their own (~0.1–0.3 s here).
  const marked = new Map(await liMarks(frame).catch(() => []));
  const ms = Math.round((marked.get(`images-${MIN_THUMBS}`) ?? seen) - t0);
  const headerMs = Math.round((marked.get('header-shown') ?? seen) - t0);
  return { ms, tabMs, headerMs, frame, marks: await webviewMarks(frame, t0).catch((e) => `(marks unavailable: ${(e as Error).message})`) };
}

async function submitFilter(frame: Frame, filter: string): Promise<void> {
  await showTab(frame, 'rows');
  const box = frame.locator('[data-testid=filter]');
  await box.fill(filter);
  await box.press('Enter');
}

async function clearFilter(frame: Frame): Promise<void> {
  await submitFilter(frame, '');
  await waitForGrid(frame, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: MIN_THUMBS, timeoutMs: WAIT_MS });
}

/** Go-to box; resolves once row `i` is rendered with its thumbnail decoded, with when that was seen (the page's clock). */
async function gotoRow(frame: Frame, i: number): Promise<number> {
  const go = frame.locator('[data-testid=goto]');
  await go.fill(fmt(i));
  await go.press('Enter');
  const seen = await frame.waitForFunction(
    (k) => {
      const r = document.querySelector(`[data-testid=grid-row][data-index="${k}"][data-rowid]`);
      const img = r?.querySelector<HTMLImageElement>('img[data-testid=thumb]');
      return !!img && img.complete && img.naturalWidth > 0 ? Date.now() : false;
    },
    i,
    { polling: POLL_MS, timeout: WAIT_MS },
  );
  return (await seen.jsonValue()) as number;
}

/**
 * Rows that intersect the grid's viewport once they are all loaded with decoded thumbnails and the
 * last one is past `after`; undefined while not.
 */
async function visibleRowsReady(frame: Frame, after: number): Promise<{ first: number; last: number } | undefined> {
  const h = await frame.waitForFunction(
    (minLast) => {
      const g = document.querySelector<HTMLElement>('[data-testid=rows-grid]');
      if (!g) return false;
      const gr = g.getBoundingClientRect();
      const headerBottom = g.querySelector('.grid-header')?.getBoundingClientRect().bottom ?? gr.top;
      const rows = Array.from(g.querySelectorAll<HTMLElement>('[data-testid=grid-row]')).filter((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > headerBottom + 1 && b.top < gr.bottom - 1;
      });
      if (!rows.length) return false;
      const idx = rows.map((r) => Number(r.dataset.index));
      const last = Math.max(...idx);
      if (last <= minLast) return false;
      const ok = rows.every((r) => {
        if (!r.dataset.rowid) return false;
        const imgs = Array.from(r.querySelectorAll<HTMLImageElement>('img[data-testid=thumb]'));
        return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      });
      return ok ? { first: Math.min(...idx), last } : false;
    },
    after,
    { polling: 50, timeout: WAIT_MS },
  );
  return (await h.jsonValue()) as { first: number; last: number };
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string' }, 'scroll-rows': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    say('usage: node out/test/bench/vscode.cli.js [--reps N] [--scroll-rows N]');
    return;
  }
  const reps = Math.max(1, Number(values.reps ?? 3));
  const scrollRows = Math.max(100, Number(values['scroll-rows'] ?? 3000));

  // 1. The replica: from the cache only.
  let dataset: string;
  try {
    dataset = (await ensureImagenet(ROWS, false, log)).uri;
  } catch (err) {
    if (!(err instanceof CacheMissingError)) throw err;
    const uri = path.join(projectRoot(), '.cache', 'bench', `imagenet-${ROWS}`, 'imagenet_val.lance');
    if (fs.existsSync(path.join(uri, '_versions'))) {
      // Its stamp is out of date (the generator changed since): the data is still a 50,000-row replica.
      log(`warning: ${err.message.split('\n')[0]}; using it anyway`);
      dataset = uri;
    } else {
      console.error(
        `bench-vscode: the cached ${fmt(ROWS)}-row replica is missing (${uri}).\nBuild it once with \`npm run bench\` (it is cached under .cache/bench/), then run this again.`,
      );
      process.exit(2);
    }
  }
  const name = path.basename(dataset).replace(/\.lance$/, '');

  // 2. Ground truth from lancedb.
  const truth = await withTable(dataset, async (t) => {
    const far = await t.query().select(['id']).offset(FAR_ROW).limit(1).toArray();
    return { rows: await t.countRows(), classCount: await t.countRows(FILTER), idAtFar: String(far[0].id) };
  });
  if (truth.rows !== ROWS) throw new Error(`the replica has ${truth.rows} rows, expected ${ROWS}`);
  log(`replica ${dataset}: ${fmt(truth.rows)} rows, ${fmt(truth.classCount)} ${CLASS}, id ${truth.idAtFar} at row ${fmt(FAR_ROW)}`);

  // 3. The workspace: a symlink to the replica, so nothing is ever written into the cache.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-bench-vscode-'));
  removeOnExit(workspace);
  const link = path.join(workspace, path.basename(dataset));
  fs.symlinkSync(dataset, link, 'dir');
  fs.rmSync(shotsDir, { recursive: true, force: true });
  fs.mkdirSync(shotsDir, { recursive: true });

  const vsix = await buildVsix();
  const loadStart = load1();
  const t00 = Date.now();
  // LANCE_BENCH_KEEP_LOADED=false: measure with hidden panels destroyed (VS Code's default for webviews).
  const keepLoaded = process.env.LANCE_BENCH_KEEP_LOADED !== 'false';
  log(`lanceInspector.keepPanelsLoaded: ${keepLoaded}`);
  const v = await startVSCode({
    workspaceFolder: workspace,
    vsixPath: vsix,
    name: 'bench-vscode',
    waitForExplorerRow: path.basename(link),
    settings: { 'lanceInspector.keepPanelsLoaded': keepLoaded },
  });
  const startupMs = Date.now() - t00;

  const timings: Timing[] = [];
  const mem: MemPoint[] = [];
  const similarInfo: { answeredBy: string; kind?: string; hostTime: string; sameClass: number; queryLabel: string }[] = [];
  let scroll:
    | {
        steps: number;
        rows: number;
        stepMs: number[];
        totalMs: number;
        load1: number;
        /** Main-thread tasks of the panel over 50 ms while scrolling (PerformanceObserver 'longtask'), in ms. */
        longTasks: number[];
        /** Where those tasks ran, as the Long Tasks API names it ('self', 'same-origin-ancestor', …): how many. */
        longTaskWhere: Record<string, number>;
        /** The renderer main thread's tasks over 50 ms of wall clock (the workbench's too), from a trace. */
        tracedTasks: TracedTask[];
        /** Memory every 50 screenfuls: is it a plateau or a climb? (largest renderer = the workbench's, with the webview) */
        trajectory: { row: number; exthostRss?: number; exthostAnon?: number; rendererRss?: number; webviewHeap?: number }[];
      }
    | undefined;
  const failures: string[] = [];
  let webviewSite: { page: string; webview: string } | undefined;
  const openPhases: { tabMs: number; headerMs: number; thumbsMs: number; marks: string }[] = [];
  const record = (what: string, note?: string): Timing => {
    const t: Timing = { what, runs: [], loads: [], note };
    timings.push(t);
    return t;
  };

  try {
    // LANCE_BENCH_SW=1: the webviews' service workers' states as they change (a reopen waits ~1 s for
    // the new webview's worker to activate before its page can load: VS Code's, not ours).
    if (process.env.LANCE_BENCH_SW) {
      const cdp = await v.page.context().newCDPSession(v.page);
      cdp.on('ServiceWorker.workerVersionUpdated', (e: { versions: { versionId: string; scriptURL: string; runningStatus: string; status: string }[] }) =>
        e.versions.forEach((x) =>
          log(`sw ${Date.now()} v${x.versionId} ${x.status}/${x.runningStatus} ${x.scriptURL.split('?')[0].split('/').pop()} ${(x.scriptURL.match(/id=([^&]*)/) ?? [])[1] ?? ''}`),
        ),
      );
      await cdp.send('ServiceWorker.enable');
    }
    if (process.env.LANCE_BENCH_CONSOLE) v.page.on('console', (m) => log(`console ${Date.now()} [${m.type()}] ${m.text().slice(0, 200)}`));
    // The extension loads the engine and warms the thumbnail decoder 0.3 s after it activates: the start
    // is taken after that (its log line, then 1 s for the decoder), or it races it (116 against
    // 130–137 MB in runs of the same build).
    await until('the engine loaded ahead (extension log)', async () => (/Lance engine loaded in \d+ ms/.test(v.extensionLog()) ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    mem.push(await memPoint(v, 'start (extension active, engine loaded ahead)'));
    await shot(v, 'workbench-ready');

    // ---- open ---------------------------------------------------------------------------------------
    const open = record('open: Enter on the typed path → ≥10 thumbnails decoded', 'rep 1 is the first open in this extension host');
    let frame: Frame | undefined;
    for (let i = 0; i < reps; i++) {
      if (i > 0) await v.resetWorkbench();
      // LANCE_BENCH_SETTLE_MS: wait after closing the previous panel (to tell its teardown from the open).
      if (i > 0 && process.env.LANCE_BENCH_SETTLE_MS) await new Promise((r) => setTimeout(r, Number(process.env.LANCE_BENCH_SETTLE_MS)));
      open.loads.push(load1());
      const profiled = i === reps - 1 ? await startProfile(v, process.env.LANCE_BENCH_PROFILE_OPEN, 200) : undefined;
      const r = await openTimed(v, link, name);
      await profiled?.(`open #${i + 1}`);
      open.runs.push(r.ms);
      openPhases.push({ tabMs: r.tabMs, headerMs: r.headerMs, thumbsMs: r.ms, marks: r.marks });
      frame = r.frame;
      log(`open #${i + 1}: ${r.ms} ms (editor tab at ${r.tabMs} ms, header at ${r.headerMs} ms)`);
      if (i === 0) {
        await shot(v, 'opened');
        mem.push(await memPoint(v, 'after opening (1st)', frame));
      }
    }
    frame = frame!;
    if (reps > 1) mem.push(await memPoint(v, `after opening ${reps}× (closed and reopened)`, frame));

    // ---- switch away and back ----------------------------------------------------------------------
    // Another editor takes the group (the panel is hidden), then its tab is clicked again.
    const back = record(
      'switch: another editor, then the panel tab again → ≥10 thumbnails decoded',
      'a hidden webview is destroyed unless kept loaded (lanceInspector.keepPanelsLoaded)',
    );
    for (let i = 0; i < reps; i++) {
      await v.runCommand('File: New Untitled Text File');
      await until('the untitled editor', async () => ((await activeTabTitle(v)).startsWith('Untitled') ? true : undefined));
      back.loads.push(load1());
      const t0 = Date.now();
      await v.page
        .locator('.tabs-container .tab', { hasText: `Lance: ${name}` })
        .first()
        .click();
      const f = await until(`the panel header of ${name}`, () => headerFrame(v, name));
      back.runs.push((await waitForGrid(f, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: MIN_THUMBS, timeoutMs: WAIT_MS, pollMs: POLL_MS })) - t0);
      log(`switch back #${i + 1}: ${back.runs.at(-1)} ms`);
      frame = f;
      await v.runCommand('View: Close Other Editors in Group');
    }
    // Same site (scheme + host) as the workbench: Chromium keeps the webview frames in the workbench's renderer.
    webviewSite = { page: new URL(v.page.url()).origin, webview: new URL(frame.url()).origin };

    // ---- scroll (memory) ----------------------------------------------------------------------------
    {
      await gotoRow(frame, 0);
      await frame.locator('[data-testid=rows-grid]').evaluate((g) => (g.scrollTop = 0));
      let last = (await visibleRowsReady(frame, -1))!.last;
      const stepMs: number[] = [];
      const trajectory: NonNullable<typeof scroll>['trajectory'] = [];
      // Long tasks in the panel's frame (its main thread, shared with the workbench in this setup).
      await frame.evaluate(() => {
        const w = window as unknown as { __longTasks: number[]; __longTaskWhere: Record<string, number> };
        w.__longTasks = [];
        w.__longTaskWhere = {};
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            w.__longTasks.push(Math.round(e.duration));
            // 'self': this document's own work; 'same-origin-ancestor' and the like: the workbench
            // around it, which shares its main thread when webviews are served from its origin.
            w.__longTaskWhere[e.name] = (w.__longTaskWhere[e.name] ?? 0) + 1;
          }
        }).observe({ type: 'longtask' });
      });
      const profiled = await startProfile(v, process.env.LANCE_BENCH_PROFILE, 500);
      const traced = await traceTasks(v);
      const s0 = Date.now();
      const l = load1();
      while (last < scrollRows) {
        const t0 = Date.now();
        await frame.locator('[data-testid=rows-grid]').evaluate((g) => {
          const header = g.querySelector('.grid-header')?.getBoundingClientRect().height ?? 0;
          g.scrollTop += g.clientHeight - header;
        });
        const r = await visibleRowsReady(frame, last);
        stepMs.push(Date.now() - t0);
        last = r!.last;
        if (stepMs.length % 50 === 0) {
          const p = await memPoint(v, `scroll step ${stepMs.length}, rows ${r!.first}–${r!.last}`, frame);
          trajectory.push({ row: r!.last, exthostRss: p.exthost?.rss, exthostAnon: p.exthost?.anon, rendererRss: p.renderers[0]?.rss, webviewHeap: p.webviewHeap?.used });
        }
      }
      await profiled?.('the scroll');
      const tracedTasks = await traced();
      const longTasks = await frame.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
      const longTaskWhere = await frame.evaluate(() => (window as unknown as { __longTaskWhere: Record<string, number> }).__longTaskWhere);
      scroll = { steps: stepMs.length, rows: last, stepMs, totalMs: Date.now() - s0, load1: l, trajectory, longTasks, longTaskWhere, tracedTasks };
      await shot(v, `scrolled-to-row-${last}`);
      mem.push(await memPoint(v, `after scrolling ${fmt(last)} rows`, frame));
    }

    // ---- filter -------------------------------------------------------------------------------------
    const filt = record(`filter: Enter on ${FILTER} → "${fmt(truth.classCount)} of ${fmt(ROWS)} rows" and ≥10 of its thumbnails decoded`);
    const minThumbs = Math.min(MIN_THUMBS, truth.classCount);
    for (let i = 0; i < reps; i++) {
      await clearFilter(frame);
      const box = frame.locator('[data-testid=filter]');
      await box.fill(FILTER);
      filt.loads.push(load1());
      const t0 = Date.now();
      await box.press('Enter');
      const seen = await waitForGrid(frame, {
        count: new RegExp(`^${fmt(truth.classCount)} of ${fmt(ROWS)} rows$`),
        minThumbs,
        labelPrefix: CLASS,
        timeoutMs: WAIT_MS,
        pollMs: POLL_MS,
      });
      filt.runs.push(seen - t0);
      log(`filter #${i + 1}: ${filt.runs.at(-1)} ms`);
      if (i === 0) await shot(v, 'filtered');
    }

    // ---- goto ---------------------------------------------------------------------------------------
    const go = record(`goto: filter cleared, Enter on ${fmt(FAR_ROW)} → that row rendered with its thumbnail decoded`);
    await clearFilter(frame);
    for (let i = 0; i < reps; i++) {
      await gotoRow(frame, 0);
      await visibleRowsReady(frame, -1);
      go.loads.push(load1());
      const t0 = Date.now();
      go.runs.push((await gotoRow(frame, FAR_ROW)) - t0);
      log(`goto #${i + 1}: ${go.runs.at(-1)} ms`);
      if (i === 0) {
        await shot(v, `goto-${FAR_ROW}`);
        const far = (await gridRows(frame)).find((r) => r.index === FAR_ROW);
        if (far?.cells.id !== truth.idAtFar) failures.push(`row ${FAR_ROW} shows id ${far?.cells.id}, lancedb says ${truth.idAtFar}`);
      }
    }

    // ---- find similar -------------------------------------------------------------------------------
    const sim = record('find similar: right-click → "Find similar" → query card + 10 results, images decoded', 'a different query row each rep');
    await gotoRow(frame, 0);
    await visibleRowsReady(frame, -1);
    for (let i = 0; i < reps; i++) {
      await showTab(frame, 'rows');
      const index = 1 + i;
      await frame.waitForSelector(`[data-testid=grid-row][data-index="${index}"][data-rowid]`, { timeout: WAIT_MS });
      const query = (await gridRows(frame)).find((r) => r.index === index)!;
      await frame.locator(`[data-testid=grid-row][data-index="${index}"] .grid-cell.index`).click({ button: 'right' });
      await frame.locator('[data-testid=row-menu]').waitFor({ state: 'visible' });
      await frame.locator('[data-testid=menu-find-similar]').hover();
      if (i === 0) await shot(v, 'row-menu');
      sim.loads.push(load1());
      await frame.evaluate(() => performance.clearMarks()).catch(() => undefined);
      const t0 = Date.now();
      await frame.locator('[data-testid=menu-find-similar]').click();
      sim.runs.push((await waitForSimilar(frame, query.cells.id, WAIT_MS, POLL_MS)) - t0);
      const info = await frame.evaluate(() => {
        const ab = document.querySelector<HTMLElement>('[data-testid=similar-answered-by]');
        const labels = Array.from(document.querySelectorAll('[data-testid=similar-result]')).map((c) => {
          const dt = Array.from(c.querySelectorAll('dt')).find((d) => d.textContent?.trim() === 'label_name');
          return (dt?.nextElementSibling as HTMLElement | null)?.innerText.trim() ?? '';
        });
        const hostTime = (document.querySelector<HTMLElement>('[data-testid=similar-time]')?.innerText ?? '').replace(/^[\s·]+/, '').trim();
        return { answeredBy: ab?.innerText.trim() ?? '', kind: ab?.dataset.kind, hostTime, labels };
      });
      similarInfo.push({ ...info, queryLabel: query.cells.label_name, sameClass: info.labels.filter((x) => x === query.cells.label_name).length });
      const phases = await similarMarks(frame, t0);
      log(
        `similar #${i + 1} (row ${index}, id ${query.cells.id}, ${query.cells.label_name}): ${sim.runs.at(-1)} ms; ${info.answeredBy} ${info.hostTime}; in the webview (ms after the click): ${phases}`,
      );
      if (i === 0) await shot(v, 'similar');
    }
    mem.push(await memPoint(v, 'end', frame));
  } catch (err) {
    failures.push((err as Error).message);
    await shot(v, 'FAILED').catch(() => undefined);
    log(`FAILED: ${(err as Error).stack ?? err}`);
    log(`exthost log tail:\n${v.exthostLog().split('\n').slice(-20).join('\n')}`);
  }
  const consoleErrors = v.takeConsoleErrors();
  const tree = codeServerTree(v.userDataDir).map((p) => ({ pid: p.pid, rss: memOf(p.pid)?.rss, cmd: p.cmdline.slice(0, 160) }));
  await v.close();
  const loadEnd = load1();

  // ---- report ---------------------------------------------------------------------------------------
  say();
  say(`Lance Inspector in a real VS Code (code-server 4.99 / VS Code 1.99 + headless Chromium) — ${fmt(ROWS)}-row ImageNet-like replica`);
  say(`  @lancedb/lancedb ${lancedbVersion()}, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM`);
  say(`  VSIX ${path.basename(vsix)}; workbench + extension host ready in ${fmtMs(startupMs)} (VSIX install included)`);
  say(
    `  load average (1 min): ${loadStart.toFixed(2)} before code-server started, ${loadEnd.toFixed(2)} at the end, on ${os.cpus().length} CPUs (during the run it includes code-server, Chromium and this process themselves)` +
      (loadStart > os.cpus().length * 0.75 ? '\n  ⚠ the machine was busy before the run: timings inflated and noisy (rerun when it is quiet to compare)' : ''),
  );
  say(
    `  times: from the action (this process's clock) to when the webview first showed the result (its clock, the same machine's), looked for every ${POLL_MS} ms; ${reps} reps each`,
  );
  say();
  say(
    table([
      ['timing', 'first', `median of ${reps}`, 'min', 'max', 'runs', 'load1'],
      ...timings.map((t) => [
        t.what,
        fmtMs(t.runs[0]),
        fmtMs(median(t.runs)),
        fmtMs(Math.min(...t.runs)),
        fmtMs(Math.max(...t.runs)),
        t.runs.map((x) => String(x)).join(' / '),
        t.loads.map((x) => x.toFixed(1)).join(' / '),
      ]),
    ]),
  );
  for (const t of timings) if (t.note) say(`  ${t.what.split(':')[0]}: ${t.note}`);
  for (const [i, p] of openPhases.entries()) {
    say(`  open #${i + 1}: editor tab at ${fmtMs(p.tabMs)}, dataset header in the webview at ${fmtMs(p.headerMs)}, 10 thumbnails at ${fmtMs(p.thumbsMs)}`);
    say(`    in the webview (ms after Enter): ${p.marks}`);
  }
  for (const [i, s] of similarInfo.entries())
    say(`  find similar #${i + 1}: answered by "${s.answeredBy}" (${s.kind ?? '?'}), host says ${s.hostTime || '—'}; ${s.sameClass}/10 neighbours are ${s.queryLabel}`);
  if (scroll) {
    say(
      `  scrolling ${fmt(scroll.rows)} rows in ${scroll.steps} screenfuls: ${fmtMs(scroll.totalMs)} total; per screenful (scroll → all visible thumbnails decoded) p50 ${fmtMs(median(scroll.stepMs))}, p95 ${fmtMs(percentile(scroll.stepMs, 95))}, max ${fmtMs(Math.max(...scroll.stepMs))} (load1 ${scroll.load1.toFixed(1)})`,
    );
    say(
      `  main-thread tasks of the panel over 50 ms while scrolling: ${scroll.longTasks.length}${
        scroll.longTasks.length
          ? ` (longest ${Math.max(...scroll.longTasks)} ms; ${scroll.longTasks
              .slice()
              .sort((a, b) => b - a)
              .slice(0, 8)
              .join(', ')} ms)`
          : ''
      }`,
    );
    say(
      `    where (Long Tasks API attribution): ${
        Object.entries(scroll.longTaskWhere)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || '—'
      }`,
    );
    const t = scroll.tracedTasks;
    say(`  renderer main-thread tasks over 50 ms while scrolling (trace; the workbench's too), by wall clock / with over 50 ms of CPU:`);
    for (const where of [...new Set(t.map((x) => x.where))]) {
      const mine = t.filter((x) => x.where === where);
      say(`    ${where}: ${mine.length} / ${mine.filter((x) => x.cpuMs > 50).length}`);
    }
    if (!t.length) say('    none');
    const longest = t
      .slice()
      .sort((a, b) => b.cpuMs - a.cpuMs)
      .slice(0, 12);
    for (const x of longest) say(`    ${x.wallMs} ms wall, ${x.cpuMs} ms CPU (${x.where}): ${x.parts}`);
  }
  if (scroll?.trajectory.length) {
    say(`  memory while scrolling (every 50 screenfuls; row reached: exthost RSS (anon) / largest renderer RSS / webview JS heap):`);
    say(`    ${scroll.trajectory.map((t) => `${fmt(t.row)}: ${fmtMB(t.exthostRss)} (${fmtMB(t.exthostAnon)}) / ${fmtMB(t.rendererRss)} / ${fmtMB(t.webviewHeap)}`).join('; ')}`);
  }
  say();
  say(
    table([
      ['memory', 'exthost VmRSS (anon / file)', 'exthost VmHWM', 'webview JS heap', 'renderers RSS (largest first)', 'load1'],
      ...mem.map((m) => [
        m.when,
        m.exthost ? `${fmtMB(m.exthost.rss)} (${fmtMB(m.exthost.anon)} / ${fmtMB(m.exthost.file)})` : '—',
        fmtMB(m.exthost?.hwm),
        m.webviewHeap ? `${fmtMB(m.webviewHeap.used)} / ${fmtMB(m.webviewHeap.total)}` : '—',
        m.renderers.length ? m.renderers.map((r) => fmtMB(r.rss)).join(' + ') : '—',
        m.load1.toFixed(1),
      ]),
    ]),
  );
  const host = mem.find((m) => m.exthost)?.exthost;
  say(`  extension host: pid ${host?.pid ?? '?'} (the --type=extensionHost process under this code-server); VmHWM = the kernel's peak RSS over its life.`);
  say(`  anon = RssAnon (heaps, the engine's buffers); file = RssFile (code and mapped files, e.g. the engine's native library as its code is first run).`);
  say(`  webview JS heap = performance.memory in the panel frame (used / total); renderers = every Chromium renderer of this run.`);
  if (webviewSite)
    say(
      webviewSite.page === webviewSite.webview
        ? `  the webview frames are served from the workbench's own origin (${webviewSite.page}): they share its renderer (the largest one).`
        : `  the webview frames come from ${webviewSite.webview}, the workbench from ${webviewSite.page}: separate renderers (site isolation).`,
    );
  if (consoleErrors.length) say(`  console errors (not harmless): ${consoleErrors.length}; first: ${consoleErrors[0].text.slice(0, 200)}`);
  for (const f of failures) say(`  FAILED: ${f}`);
  say(`  screenshots: ${path.relative(projectRoot(), shotsDir)}/`);

  fs.mkdirSync(resultsDir, { recursive: true });
  const out = path.join(resultsDir, 'vscode.json');
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        when: new Date().toISOString(),
        env: {
          loadAvg1Start: loadStart,
          loadAvg1End: loadEnd,
          node: process.version,
          lancedb: lancedbVersion(),
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          totalMemBytes: os.totalmem(),
        },
        dataset: { uri: path.relative(projectRoot(), dataset), rows: ROWS, classCount: truth.classCount },
        vsix: path.basename(vsix),
        startupMs,
        reps,
        timings: timings.map((t) => ({ ...t, first: t.runs[0], median: median(t.runs) })),
        openPhases,
        similar: similarInfo,
        scroll,
        memory: mem,
        webviewSite,
        codeServerTree: tree,
        consoleErrors,
        failures,
      },
      null,
      2,
    ),
  );
  say(`  JSON: ${path.relative(projectRoot(), out)}`);
  if (failures.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
