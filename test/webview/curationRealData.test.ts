// The Curation tab against the REAL data layer over the ImageNet-like fixture with planted near-duplicates,
// byte duplicates and mislabels: Compute shows the planted pairs as the near-duplicate groups, with
// thumbnails side by side; the planted mislabels lead the label errors; a threshold typed (or dragged) on
// the histogram updates the groups without a new search; a tile click selects the row; "Show in Rows"
// shows the signal's rows in Rows with the set's chip. Screenshots: test-results/webview/curation-real/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DatasetSession } from '../../src/extension/host/session';
import { toErrorInfo } from '../../src/extension/lance/errors';
import type { CurationRequest, RowSetInfo, ViewState } from '../../src/shared/types';
import { generateImagenetLike, imagenetPlanted, type ImagenetLikeOptions, type PlantedRows } from '../fixtures/imagenetLike';
import { launchBrowser, openWebview, type Webview } from './harness';
import { sessionHandlers } from './realHost';

const OPTS: Omit<ImagenetLikeOptions, 'dir'> = { rows: 1500, seed: 9, minSide: 40, maxSide: 64, plant: true, ftsIndex: false };
let dir: string;
let session: DatasetSession;
let browser: Browser;
let wv: Webview;
let page: Page;
let planted: PlantedRows;
/** `id` column → engine row id. */
let rowIdOf: Map<number, string>;

const signal = () => new AbortController().signal;
const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

async function groupsShown(testId: string): Promise<string[][]> {
  return page.$$eval(`[data-testid=${testId}]`, (gs) => gs.map((g) => [...g.querySelectorAll<HTMLElement>('[data-testid=cur-tile]')].map((t) => t.dataset.rowid!)));
}

describe('Curation tab (real data layer)', () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-curation-real-'));
    const uri = await generateImagenetLike({ dir, ...OPTS });
    planted = imagenetPlanted(OPTS);
    session = await DatasetSession.open({ uri, name: 'imagenet_val' }, {}, { maxImageBytes: 4 << 20, curation: { cacheFolder: path.join(dir, 'cache') } });
    const all = await session.handlers.rows({ columns: ['id'], offset: 0, limit: OPTS.rows }, signal(), () => undefined);
    rowIdOf = new Map(all.rowIds.map((r, i) => [Number(all.rows[i][0]), r]));
    browser = await launchBrowser();
    wv = await openWebview({
      entry: { path: 'test/webview/rowsEntry.ts' },
      globals: { __withCuration: true },
      css: ['panel.css', 'grid.css', 'curation.css'],
      name: 'curation-real',
      viewport: { width: 1300, height: 1000 },
      browser,
      handlers: {
        ...sessionHandlers(session),
        // As the panel's endpoint does: progress events to the webview, and its cancel aborts the host's work.
        curationSignals: async (params, req) => {
          const ac = new AbortController();
          const watch = setInterval(() => wv.host.cancelled().includes(req.id) && ac.abort(), 50);
          try {
            return await session.handlers.curationSignals(
              params as CurationRequest,
              ac.signal,
              (done, total, stage) => void wv.host.event('progress', { requestId: req.id, done, total, stage }),
            );
          } catch (err) {
            throw toErrorInfo(err);
          } finally {
            clearInterval(watch);
          }
        },
      },
    });
    page = wv.page;
    await page.waitForFunction(() => (window as unknown as { __mounted?: boolean }).__mounted === true);
  });

  after(async () => {
    await wv?.close();
    await browser?.close();
    session?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Compute: the planted pairs are the near-duplicate groups, with thumbnails side by side', async () => {
    assert.equal(await page.$eval('#curation-column', (e) => (e as HTMLSelectElement).value), 'image_emb');
    assert.equal(await page.$eval('#curation-label', (e) => (e as HTMLSelectElement).value), 'label_name');
    assert.equal(await page.$eval('#curation-image', (e) => (e as HTMLSelectElement).value), 'image');
    await page.click('[data-testid=curation-compute]');
    await page.waitForSelector('[data-testid=dup-group]', { timeout: 60_000 });
    const truth = new Set([...planted.nearDuplicates, ...planted.byteDuplicates].map(([a, b]) => pairKey(rowIdOf.get(a)!, rowIdOf.get(b)!)));
    const shown = await groupsShown('dup-group');
    const pairs = new Set(shown.filter((g) => g.length === 2).map(([a, b]) => pairKey(a, b)));
    const found = [...truth].filter((p) => pairs.has(p)).length;
    console.log(`planted pairs shown as groups: ${found}/${truth.size}; groups shown ${shown.length}`);
    assert.ok(found / truth.size >= 0.9, `${found} of ${truth.size}`);
    assert.ok(shown.length <= truth.size + 2, 'hardly any group besides the planted ones');
    // Thumbnails: the first groups' images are decoded and shown.
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll('[data-testid=dup-group]:first-child img[data-testid=thumb]')] as HTMLImageElement[];
      return imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    assert.match((await page.textContent('[data-testid=curation-status]'))!, /Computed in .* through the IvfPq index image_emb_idx/);
    const bytes = await groupsShown('byte-group');
    assert.deepEqual(bytes.map((g) => g.slice().sort()).sort(), planted.byteDuplicates.map(([a, b]) => [rowIdOf.get(a)!, rowIdOf.get(b)!].sort()).sort());
    const labelTiles = await page.$$eval('[data-testid=label-errors] [data-testid=cur-tile]', (ts) => ts.map((t) => (t as HTMLElement).dataset.rowid!));
    const mis = new Set(planted.mislabels.map((m) => rowIdOf.get(m.id)!));
    const top = labelTiles.slice(0, mis.size);
    assert.ok(top.filter((id) => mis.has(id)).length / mis.size >= 0.9, 'the planted mislabels lead the label errors');
    assert.equal(await page.$$eval('[data-testid=outliers] [data-testid=cur-tile]', (ts) => ts.length), 50);
    await wv.screenshot('curation-01-computed');
    await page.screenshot({ path: path.join(path.dirname(await wv.screenshot('curation-01-computed')), 'curation-01-top.png') });
  });

  test('a threshold typed on the histogram updates the groups, without a new search', async () => {
    const searches = session.curation.searches;
    await page.fill('[data-testid=threshold-input]', '0.000001');
    await page.press('[data-testid=threshold-input]', 'Enter');
    const n = planted.byteDuplicates.length;
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid=dup-group]').length === k, n);
    assert.equal(await page.textContent('[data-testid=cur-summary-duplicates]'), `${n} groups, ${2 * n} rows within 0.000001`);
    assert.match((await page.textContent('[data-testid=curation-status]'))!, /Rescored from the kept neighbour lists .* \(no new search\)/);
    assert.equal(session.curation.searches, searches);
    // Keyboard on the histogram (a slider): Home, then right arrows raise the threshold again.
    await page.focus('[data-testid=hist-plot]');
    await page.keyboard.press('Home');
    for (let i = 0; i < 25; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=dup-group]').length > 4, undefined, { timeout: 10_000 });
    assert.equal(session.curation.searches, searches);
    const now = Number(await page.$eval('[data-testid=hist-plot]', (e) => e.getAttribute('aria-valuenow')));
    assert.ok(now > 0.05, `the slider moved the threshold to ${now}`);
    await page.fill('[data-testid=threshold-input]', '0.05');
    await page.press('[data-testid=threshold-input]', 'Enter');
    await page.waitForFunction(() => /within 0\.05$/.test(document.querySelector('[data-testid=cur-summary-duplicates]')!.textContent ?? ''));
    await wv.screenshot('curation-02-threshold');
  });

  test('Recompute shows its progress by stage; Cancel stops the host and says so; the kept result stays', async () => {
    const searches = session.curation.searches;
    await page.click('[data-testid=curation-compute]');
    await page.waitForFunction(
      () => /^Finding nearest neighbours: [\d,]+ of 1,500 rows/.test(document.querySelector('[data-testid=curation-progress-text]')?.textContent ?? ''),
      undefined,
      {
        timeout: 30_000,
      },
    );
    assert.equal(await page.$eval('[data-testid=curation-progress]', (e) => (e as HTMLElement).hidden), false);
    await wv.screenshot('curation-04-progress');
    await page.click('[data-testid=curation-cancel]');
    await page.waitForFunction(() => document.querySelector('[data-testid=curation-error]')?.getAttribute('data-kind') === 'cancelled');
    assert.match((await page.textContent('[data-testid=curation-error]'))!, /Cancelled: the signals were not computed/);
    assert.equal(await page.$eval('[data-testid=curation-progress]', (e) => (e as HTMLElement).hidden), true);
    assert.equal(session.curation.searches, searches + 1, 'the search started');
    assert.ok((await page.$$('[data-testid=dup-group]')).length > 0, 'the last result is still shown');
  });

  test('a tile click selects its row (the preview follows); Show in Rows shows the set', async () => {
    const tile = await page.$('[data-testid=label-errors] [data-testid=cur-tile]');
    const rowId = await tile!.getAttribute('data-rowid');
    await tile!.click();
    const reports = await page.evaluate(() => (window as unknown as { __reports: ViewState[] }).__reports);
    assert.equal(reports[reports.length - 1].selectedRowId, rowId);
    assert.equal(reports[reports.length - 1].selectedByClick, true);
    await page.click('[data-testid=show-in-rows-duplicates]');
    await page.waitForSelector('[data-testid=rowset-chip]:not([hidden])');
    const calls = await page.evaluate(() => (window as unknown as { __calls: [string, unknown][] }).__calls);
    const set = calls.filter((c) => c[0] === 'showRowSet').pop()![1] as RowSetInfo;
    const rowCount = (planted.nearDuplicates.length + planted.byteDuplicates.length) * 2;
    assert.equal(set.count, rowCount);
    assert.equal(await page.textContent('[data-testid=rowset-text]'), `Near-duplicates of image_emb (distance ≤ 0.05) · ${rowCount} rows`);
    await page.waitForSelector('[data-testid=grid-row][data-index="0"][data-rowid]');
    const header = await page.$$eval('.grid-header .col-name', (els) => els.map((e) => e.textContent));
    assert.equal(header[0], 'distance to nearest duplicate');
    await page.screenshot({ path: path.join(path.dirname(await wv.screenshot('curation-03-rows')), 'curation-03-rows-top.png') });
    await page.click('[data-testid=clear-rowset]');
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${OPTS.rows.toLocaleString('en-US')} rows`);
    assert.deepEqual(wv.consoleErrors(), []);
  });
});
