// `npm run bench:map`: the embedding map on the 50,000-row ImageNet-like replica (.cache/bench, built by
// `npm run bench`; this script never generates it): time to the first drawn map (PCA: the host's
// answer, then the Map tab in headless Chromium until every point is drawn), UMAP time, the host's RSS
// while computing, and frames per second while panning 100,000 points (as chosen, WebGL, canvas 2D).
// Prints figures; asserts nothing.
//
//   node out/test/bench/map.cli.js [--rows N] [--no-umap] [--points N] [--pan-only]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DatasetSession } from '../../src/extension/host/session';
import type { EmbeddingMap } from '../../src/shared/types';
import { bytesOf, rowIdPairs } from '../../src/shared/typedBytes';
import { mulberry32 } from '../../src/shared/random';
import type { Browser } from 'playwright-core';
import { launchBrowser, openWebview, repoRoot } from '../webview/harness';
import { sessionHandlers } from '../webview/realHost';
import { ensureImagenet } from './cache';
import { fmtMB, RssSampler } from './measure';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '50000' }, 'no-umap': { type: 'boolean' }, points: { type: 'string', default: '100000' }, 'pan-only': { type: 'boolean' } },
});
const ROWS = Number(values.rows);
const PAN_POINTS = Number(values.points);
const say = (s: string) => console.log(s);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function computeOnce(session: DatasetSession, method: 'pca' | 'umap'): Promise<{ map: EmbeddingMap; ms: number; rss: string; stages: string }> {
  const stages: [string, number][] = [];
  const t0 = performance.now();
  const rss = new RssSampler().start(50);
  const map = await session.handlers.embeddingMap({ column: 'image_emb', method, colorBy: 'label_name', recompute: true }, new AbortController().signal, (_d, _t, stage) => {
    if (stage && stages.at(-1)?.[0] !== stage) stages.push([stage, performance.now() - t0]);
  });
  const ms = performance.now() - t0;
  const r = rss.stop();
  return {
    map,
    ms,
    rss: `${fmtMB(r.peak)} peak sampled${r.kernelPeak ? `, ${fmtMB(r.kernelPeak)} kernel peak` : ''}`,
    stages: stages.map(([s, t]) => `${s} @${secs(t)}`).join(' → '),
  };
}

/** A synthetic map of n points in 20 Gaussian clusters, coloured by cluster. */
function syntheticMap(n: number): EmbeddingMap {
  const rng = mulberry32(5);
  const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const codes = new Int32Array(n);
  const ids = new BigUint64Array(n);
  const centres = Array.from({ length: 20 }, () => [gauss() * 10, gauss() * 10]);
  for (let i = 0; i < n; i++) {
    const c = i % 20;
    codes[i] = c;
    x[i] = centres[c][0] + gauss();
    y[i] = centres[c][1] + gauss();
    ids[i] = BigInt(i);
  }
  return {
    column: 'image_emb',
    method: 'pca',
    count: n,
    x: bytesOf(x),
    y: bytesOf(y),
    rowIds: bytesOf(rowIdPairs(ids)),
    totalRows: n,
    sampled: false,
    maxPoints: n,
    seed: 1,
    skipped: 0,
    colour: { column: 'label_name', kind: 'category', codes: bytesOf(codes), values: centres.map((_, i) => `class ${i}`), counts: centres.map(() => n / 20), otherCount: 0 },
    readMs: 0,
    computeMs: 0,
    computedAt: Date.now(),
    cached: false,
  };
}

async function main(): Promise<void> {
  const data = await ensureImagenet(ROWS, false, say);
  const cacheFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'li-bench-map-'));
  const session = await DatasetSession.open(
    { uri: data.uri, name: 'imagenet_val' },
    {},
    { maxImageBytes: 4 << 20, map: { maxPoints: 100_000, cacheFolder, workerPath: path.join(repoRoot, 'dist/mapWorker.js') } },
  );
  say(`Embedding map on the ${ROWS.toLocaleString('en-US')}-row replica (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)})`);
  const browser = await launchBrowser();
  try {
    if (!values['pan-only']) await replicaFigures(session, cacheFolder, browser);
    await panningFigures(session, browser);
  } finally {
    await browser.close();
    session.close();
    fs.rmSync(cacheFolder, { recursive: true, force: true });
  }
}

async function replicaFigures(session: DatasetSession, cacheFolder: string, browser: Browser): Promise<void> {
  {
    const pca = await computeOnce(session, 'pca');
    say(
      `PCA, host answer: ${secs(pca.ms)} for ${pca.map.count.toLocaleString('en-US')} points (read ${secs(pca.map.readMs)}, compute ${secs(pca.map.computeMs)} in the worker); host RSS ${pca.rss}; ${pca.stages}`,
    );

    // Time to the first drawn map: the Map tab asks (cache cleared first: a real computation), then draws.
    fs.rmSync(cacheFolder, { recursive: true, force: true });
    const t0 = performance.now();
    const wv = await openWebview({
      entry: { path: 'test/webview/mapEntry.ts' },
      css: ['panel.css', 'tabs.css', 'map.css'],
      name: 'bench-map',
      browser,
      handlers: sessionHandlers(session),
    });
    await wv.page.waitForSelector(`[data-testid=map-stage][data-points="${pca.map.count}"]`, { timeout: 600_000 });
    const renderer = await wv.page.getAttribute('[data-testid=map-stage]', 'data-renderer');
    say(
      `PCA, time to the first drawn map in headless Chromium: ${secs(performance.now() - t0)} (page load, host computation, transfer through the test harness's JSON, draw; renderer ${renderer})`,
    );
    await wv.screenshot('pca-50000');
    await wv.close();

    if (!values['no-umap']) {
      const umap = await computeOnce(session, 'umap');
      say(
        `UMAP, host answer: ${secs(umap.ms)} (read ${secs(umap.map.readMs)}, neighbours ${secs(umap.map.neighbours?.ms ?? 0)} by ${umap.map.neighbours?.answeredBy}, layout ${secs(umap.map.computeMs - (umap.map.neighbours?.ms ?? 0))}); host RSS ${umap.rss}`,
      );
      const wv2 = await openWebview({
        entry: { path: 'test/webview/mapEntry.ts' },
        css: ['panel.css', 'tabs.css', 'map.css'],
        name: 'bench-map',
        browser,
        handlers: sessionHandlers(session),
      });
      await wv2.page.selectOption('[data-testid=map-method]', 'umap').catch(() => undefined);
      await wv2.page.waitForFunction(() => /UMAP/.test(document.querySelector('[data-testid=map-status]')?.textContent ?? ''), undefined, { timeout: 60_000 });
      await wv2.screenshot('umap-50000');
      await wv2.close();
    }
  }
}

/** Panning fps with PAN_POINTS synthetic points, WebGL and the canvas fallback. */
async function panningFigures(session: DatasetSession, browser: Browser): Promise<void> {
  {
    const synthetic = syntheticMap(PAN_POINTS);
    for (const force of [undefined, 'webgl', 'canvas'] as const) {
      const handlers = { ...sessionHandlers(session), embeddingMap: async () => synthetic };
      const wv = await openWebview({
        entry: { path: 'test/webview/mapEntry.ts' },
        css: ['panel.css', 'tabs.css', 'map.css'],
        name: 'bench-map',
        browser,
        handlers,
        globals: force ? { __mapRenderer: force } : {},
        viewport: { width: 1400, height: 900 },
      });
      await wv.page.waitForSelector(`[data-testid=map-stage][data-points="${PAN_POINTS}"]`, { timeout: 120_000 });
      const kind = await wv.page.getAttribute('[data-testid=map-stage]', 'data-renderer');
      const fps = await wv.page.evaluate(async () => {
        const stage = document.querySelector('[data-testid=map-stage]') as HTMLElement;
        const r = stage.getBoundingClientRect();
        const at = (x: number) => ({ clientX: r.left + x, clientY: r.top + r.height / 2, button: 0, pointerId: 1, bubbles: true });
        stage.dispatchEvent(new PointerEvent('pointerdown', at(r.width / 2)));
        const frames: number[] = [];
        await new Promise<void>((done) => {
          const tick = (t: number) => {
            frames.push(t);
            stage.dispatchEvent(new PointerEvent('pointermove', { ...at(r.width / 2 + 200 * Math.sin(frames.length / 10)), buttons: 1 }));
            if (t - frames[0] < 3000) requestAnimationFrame(tick);
            else done();
          };
          requestAnimationFrame(tick);
        });
        stage.dispatchEvent(new PointerEvent('pointerup', at(r.width / 2)));
        return (frames.length - 1) / ((frames.at(-1)! - frames[0]) / 1000);
      });
      say(`Panning ${PAN_POINTS.toLocaleString('en-US')} points in headless Chromium (${kind}${force ? ', forced' : ', as chosen'}): ${fps.toFixed(1)} fps over 3 s`);
      await wv.close();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
