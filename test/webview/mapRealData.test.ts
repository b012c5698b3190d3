// The Map tab in headless Chromium against the REAL data layer (a DatasetSession over a generated
// ImageNet-like dataset, the real worker script): the map draws a point per row (the count, and pixels
// read back from the canvas), a legend click hides a class, hover shows the row's thumbnail, a click
// selects the row (the preview follows), and a Shift+drag lasso selects exactly the points inside the
// polygon (computed here from where each point is drawn). Run with the renderer the view chooses (canvas
// 2D here: headless Chromium's WebGL is software, which the view detects), then with WebGL forced, then
// with canvas 2D forced.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DatasetSession } from '../../src/extension/host/session';
import { insidePolygon } from '../../src/webview/map/geometry';
import type { EmbeddingMap } from '../../src/shared/types';
import { rowIdAt, uint32Of } from '../../src/shared/typedBytes';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { launchBrowser, openWebview, repoRoot, type Webview } from './harness';
import { sessionHandlers } from './realHost';

const ROWS = 400;
let dir: string;
let session: DatasetSession;
let browser: Browser;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-map-wv-'));
  const uri = await generateImagenetLike({ dir, rows: ROWS, seed: 5, minSide: 32, maxSide: 64, indices: false, caption: false });
  session = await DatasetSession.open(
    { uri, name: 'imagenet_val' },
    {},
    { maxImageBytes: 1 << 20, map: { maxPoints: 100_000, cacheFolder: path.join(dir, 'cache'), workerPath: path.join(repoRoot, 'dist/mapWorker.js') } },
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  session?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface MapWindow {
  __map: { pointOnScreen(i: number): { x: number; y: number; shown: boolean } | undefined };
  __reports: { selectedRowId?: string; selectedByClick?: boolean }[];
  __calls: [string, unknown][];
}

/** Pixels of the map's canvas that are drawn (alpha > 0), read back through a 2D canvas. */
function drawnPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid=map-canvas]') as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const g = copy.getContext('2d')!;
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

async function screenPoints(page: Page): Promise<{ x: number; y: number; shown: boolean }[]> {
  return page.evaluate((n) => Array.from({ length: n }, (_, i) => (window as unknown as MapWindow).__map.pointOnScreen(i)!), ROWS);
}

for (const force of [undefined, 'webgl', 'canvas'] as const) {
  describe(`Map tab on a real dataset (${force ? `${force} forced` : 'renderer as chosen'})`, () => {
    let wv: Webview;
    let page: Page;
    let map: EmbeddingMap;
    let stageBox: { x: number; y: number; width: number; height: number };

    before(async () => {
      wv = await openWebview({
        entry: { path: 'test/webview/mapEntry.ts' },
        css: ['panel.css', 'tabs.css', 'map.css'],
        name: `map-real-${force ?? 'chosen'}`,
        viewport: { width: 1200, height: 800 },
        browser,
        globals: force ? { __mapRenderer: force } : {},
        handlers: sessionHandlers(session),
      });
      page = wv.page;
      await page.waitForSelector(`[data-testid=map-stage][data-points="${ROWS}"]`, { timeout: 60_000 });
      map = await session.handlers.embeddingMap({ column: 'image_emb', method: 'pca', colorBy: 'label_name' }, new AbortController().signal, () => undefined);
      // Points are placed relative to the canvas (inside the stage's border).
      stageBox = (await page.locator('[data-testid=map-canvas]').boundingBox())!;
      // Two frames: the draw is scheduled on the next animation frame.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    });

    after(async () => {
      await wv?.close();
    });

    test('draws a point per row, says how many, which renderer, and how long it took', async () => {
      const renderer = await page.getAttribute('[data-testid=map-stage]', 'data-renderer');
      console.log(`# renderer: ${renderer}`);
      assert.ok(renderer === 'webgl' || renderer === 'canvas');
      if (force) assert.equal(renderer, force);
      assert.equal((await page.textContent('[data-testid=map-count]'))?.trim(), `${ROWS} points`);
      assert.match((await page.textContent('[data-testid=map-timing]')) ?? '', /computed in|from the cache/);
      assert.equal(await page.isVisible('[data-testid=map-fallback]'), renderer === 'canvas', 'the fallback says it is the fallback');
      if (!force) console.log(`# ${await page.textContent('[data-testid=map-fallback]').catch(() => 'WebGL')}`);
      const px = await drawnPixels(page);
      console.log(`# drawn pixels: ${px}`);
      // Points overlap in clusters, but hundreds of points cover well over a few hundred pixels.
      assert.ok(px > ROWS, `${px} drawn pixels`);
      await wv.screenshot('01-map');
    });

    test('a legend click hides that class and a second shows it again', async () => {
      const before = await drawnPixels(page);
      const entry = page.locator('[data-testid=legend-entry]').first();
      const count = map.colour?.kind === 'category' ? map.colour.counts[0] : 0;
      await entry.click();
      await page.waitForSelector(`[data-testid=map-stage][data-points="${ROWS - count}"]`);
      assert.equal(await entry.getAttribute('aria-pressed'), 'false');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const hiddenPx = await drawnPixels(page);
      assert.ok(hiddenPx < before, `fewer pixels drawn (${hiddenPx} < ${before})`);
      await wv.screenshot('02-legend-hidden');
      await entry.click();
      await page.waitForSelector(`[data-testid=map-stage][data-points="${ROWS}"]`);
    });

    test('hover shows the row’s thumbnail and label; a click selects the row', async () => {
      const pts = await screenPoints(page);
      // A point well inside the stage.
      const i = pts.findIndex((p) => p.x > 40 && p.y > 40 && p.x < stageBox.width - 200 && p.y < stageBox.height - 120);
      await page.mouse.move(stageBox.x + pts[i].x, stageBox.y + pts[i].y);
      await page.waitForSelector('[data-testid=map-thumb] img', { timeout: 10_000 });
      const req = wv.host.requests('row').at(-1)!.params as { rowId: string };
      const label = await page.textContent('[data-testid=map-tooltip-label]');
      assert.match(label ?? '', /^label_name: /);
      await wv.screenshot('03-hover');
      await page.mouse.down();
      await page.mouse.up();
      const last = await page.evaluate(() => (window as unknown as MapWindow).__reports.at(-1));
      assert.equal(last?.selectedRowId, req.rowId, 'the clicked row is the hovered one');
      assert.equal(last?.selectedByClick, true);
    });

    test('a Shift+drag lasso selects exactly the points inside the polygon', async () => {
      const pts = await screenPoints(page);
      const { width: w, height: h } = stageBox;
      // A pentagon around the middle of the map.
      const poly = [0.3 * w, 0.25 * h, 0.7 * w, 0.3 * h, 0.75 * w, 0.65 * h, 0.5 * w, 0.8 * h, 0.25 * w, 0.6 * h];
      const expected = pts.filter((p) => p.shown && insidePolygon(poly, p.x, p.y)).length;
      assert.ok(expected > 5, `the polygon holds points (${expected})`);
      await page.keyboard.down('Shift');
      await page.mouse.move(stageBox.x + poly[0], stageBox.y + poly[1]);
      await page.mouse.down();
      for (let k = 2; k <= poly.length; k += 2) await page.mouse.move(stageBox.x + poly[k % poly.length], stageBox.y + poly[(k + 1) % poly.length], { steps: 5 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      await page.waitForSelector('[data-testid=map-selection]:not([hidden])');
      assert.equal(Number(await page.getAttribute('[data-testid=map-stage]', 'data-selected')), expected);
      assert.equal((await page.textContent('[data-testid=map-selection-count]'))?.trim(), `${expected} points selected`);
      await wv.screenshot('04-lasso');
      // "Show in Rows": the host keeps the selection as a row set, in the map's point order; the panel shows it.
      await page.click('[data-testid=map-show-in-rows]');
      const shown = await page.waitForFunction(
        () => (window as unknown as MapWindow).__calls.find((c) => c[0] === 'showRowSet')?.[1] as { id: string; label: string; count: number } | undefined,
      );
      const set = (await shown.jsonValue())!;
      assert.equal(set.label, 'Map selection');
      assert.equal(set.count, expected);
      const kept = await session.handlers.rows({ rowSet: set.id, columns: [], offset: 0, limit: 10_000 }, new AbortController().signal, () => undefined);
      const sent = (wv.host.requests('keepRowSet').at(-1)!.params as { rowIds: string[] }).rowIds;
      assert.equal(sent.length, expected);
      assert.deepEqual(kept.rowIds, sent, 'the Rows view of the set has the selected rows, in order');
      const pairs = uint32Of(map.rowIds);
      const inside = pts.flatMap((p, i) => (p.shown && insidePolygon(poly, p.x, p.y) ? [rowIdAt(pairs, i)] : []));
      assert.deepEqual(sent, inside, 'the kept ids are those of the points inside the polygon');
      // "Export…": the same row set, named in the panel's view, then the Export Rows command on that view.
      wv.host.handlers.command = async () => null;
      await page.click('[data-testid=map-export]');
      const cmd = await wv.host.waitForRequest('command');
      assert.deepEqual(cmd.params, { id: 'exportRows' });
      const viewAtExport = await page.evaluate(() => (window as unknown as MapWindow).__reports.at(-1) as { rowSet?: { label: string; count: number } });
      assert.deepEqual([viewAtExport.rowSet?.label, viewAtExport.rowSet?.count], ['Map selection', expected]);
      await page.click('[data-testid=map-find-similar]');
      const call = await page.evaluate(() => (window as unknown as MapWindow).__calls.find((c) => c[0] === 'findSimilar'));
      assert.ok(call, 'Find similar starts from the selection');
    });

    test('keys zoom and reset; wheel zooms', async () => {
      const before = await screenPoints(page);
      await page.focus('[data-testid=map-stage]');
      await page.keyboard.press('+');
      const zoomed = await screenPoints(page);
      const spread = (p: { x: number }[]) => Math.max(...p.map((q) => q.x)) - Math.min(...p.map((q) => q.x));
      assert.ok(spread(zoomed) > spread(before) * 1.2, 'zoomed in');
      await page.keyboard.press('0');
      const reset = await screenPoints(page);
      assert.ok(Math.abs(spread(reset) - spread(before)) < 1, 'reset');
      // Enter selects the point nearest the centre of the map (keyboard use: pan under the centre mark).
      const pts = await screenPoints(page);
      // The stage's size now (the selection bar below it took some of its height).
      const c = await page.$eval('[data-testid=map-stage]', (e) => ({ x: e.clientWidth / 2, y: e.clientHeight / 2 }));
      const dists = pts.map((p) => (p.shown ? Math.hypot(p.x - c.x, p.y - c.y) : Infinity));
      const nearest = dists.indexOf(Math.min(...dists));
      await page.keyboard.press('Enter');
      const last = await page.evaluate(() => (window as unknown as MapWindow).__reports.at(-1));
      if (dists[nearest] <= 24) assert.equal(last?.selectedRowId, rowIdAt(uint32Of(map.rowIds), nearest));
      else assert.match((await page.textContent('[data-testid=map-live]')) ?? '', /No point at the centre/);
      assert.deepEqual(wv.consoleErrors(), []);
    });
  });
}
