// The Rows grid against the REAL data layer (DatasetSession's handlers, the ones the panel serves) over
// a generated ImageNet-like Lance dataset: real JPEG thumbnails decode, click-to-filter conditions with
// an apostrophe and a non-ASCII letter are accepted by the real engine and select the right rows, the
// engine's own error for a bad filter shows inline, and only the chosen columns are read.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DatasetSession } from '../../src/extension/host/session';
import type { RowsRequest } from '../../src/shared/types';
import { firstScreenRequests } from '../../src/shared/firstScreen';
import { answerKey } from '../../src/shared/protocol';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { launchBrowser, openWebview, type Webview } from './harness';
import { sessionHandlers } from './realHost';

const ROWS = 240;
let dir: string;
let session: DatasetSession;
let browser: Browser;
let wv: Webview;
let page: Page;

const ROW = '[data-testid=grid-row]';
const loadedRow = (i: number) => `${ROW}[data-index="${i}"][data-rowid]`;
const countText = (p: Page) => p.$eval('[data-testid=row-count]', (e) => e.textContent.trim());

/** label_name of every loaded row in the DOM. */
function labelNames(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const k = document.querySelector('.grid-header [data-column=label_name]')!.getAttribute('aria-colindex');
    return [...document.querySelectorAll(`[data-testid=grid-row][data-rowid] [role=gridcell][aria-colindex="${k}"]`)].map((c) => c.firstElementChild!.textContent);
  });
}

/** The first row (index in the unfiltered table) whose label_name is `name`. */
async function firstRowOf(name: string): Promise<number> {
  const page = await session.handlers.rows({ columns: ['label_name'], offset: 0, limit: ROWS }, new AbortController().signal, () => undefined);
  const i = page.rows.findIndex((r) => r[0] === name);
  assert.ok(i >= 0, `a row labelled ${name}`);
  return i;
}

async function clickFilterIcon(i: number, column: string): Promise<void> {
  const k = await page.getAttribute(`.grid-header [data-column=${column}]`, 'aria-colindex');
  const cell = page.locator(`${loadedRow(i)} [role=gridcell][aria-colindex="${k}"]`);
  await cell.hover();
  await cell.locator('[data-testid=cell-filter]').click();
}

describe('Rows grid on a real Lance dataset (real data layer)', () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-grid-'));
    const uri = await generateImagenetLike({ dir, rows: ROWS, seed: 3, minSide: 48, maxSide: 96, quality: 80, indices: false });
    session = await DatasetSession.open({ uri, name: 'imagenet_val' }, {}, { maxImageBytes: 4 * 1024 * 1024 });
    browser = await launchBrowser();
    const handlers = sessionHandlers(session);
    wv = await openWebview({
      entry: { path: 'test/webview/rowsEntry.ts' },
      css: ['panel.css', 'grid.css'],
      name: 'real-data',
      viewport: { width: 1200, height: 1000 },
      browser,
      handlers,
    });
    page = wv.page;
    await page.waitForFunction(() => (window as any).__mounted === true);
  });

  after(async () => {
    await wv?.close();
    await browser?.close();
    session?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('all rows counted, real JPEG thumbnails decoded, only the shown columns read', async () => {
    await page.waitForSelector(loadedRow(0));
    assert.equal(await countText(page), `${ROWS} rows`);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid=thumb]')].filter((i) => i.complete && i.naturalWidth > 0).length >= 10);
    const req = wv.host.requests('rows')[0].params as RowsRequest;
    assert.deepEqual(req.columns, ['id', 'image', 'label', 'label_name', 'image_emb', 'caption']);
    // The host answers a new panel's first page ahead (DatasetSession.warmFirstScreen) only if it
    // predicts this request exactly: page size setting 50, 64-px thumbnails at device pixel ratio 1.
    assert.equal(answerKey('rows', req), answerKey('rows', firstScreenRequests(await session.describe(), 50, 64, 1)[0]), 'the first page as the host predicts it');
    await wv.screenshot('01-real-rows');
  });

  test("clicking a label with an apostrophe builds SQL the real engine accepts: label_name = 'jack-o''-lantern'", async () => {
    const name = "jack-o'-lantern";
    const i = await firstRowOf(name);
    await page.evaluate((x) => (window as any).__rows.goToRow(x), i);
    await page.waitForSelector(loadedRow(i));
    await clickFilterIcon(i, 'label_name');
    const filter = "label_name = 'jack-o''-lantern'";
    assert.equal(await page.inputValue('[data-testid=filter]'), filter);
    const n = await session.handlers.count({ filter }, new AbortController().signal, () => undefined);
    assert.ok(n > 0);
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${n} of ${ROWS} rows`);
    await page.waitForSelector(loadedRow(0));
    const names = await labelNames(page);
    assert.equal(names.length, n);
    assert.ok(
      names.every((s) => s === name),
      names.join(' | '),
    );
    assert.equal(await page.textContent('[data-testid=filter-error]'), '');

    // AND a bare int64 (Alt+click the id): exactly that row.
    const idK = await page.getAttribute('.grid-header [data-column=id]', 'aria-colindex');
    const idCell = page.locator(`${loadedRow(0)} [role=gridcell][aria-colindex="${idK}"] .cell-num`);
    const id = (await idCell.textContent())!;
    await idCell.click({ modifiers: ['Alt'] });
    assert.equal(await page.inputValue('[data-testid=filter]'), `${filter} AND id = ${id}`);
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `1 of ${ROWS} rows`);
    await wv.screenshot('02-real-click-filter');
  });

  test('a non-ASCII label round-trips through the real engine', async () => {
    await page.evaluate(() => (window as any).__rows.setFilter(''));
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${ROWS} rows`);
    const name = 'consommé';
    const i = await firstRowOf(name);
    await page.evaluate((x) => (window as any).__rows.goToRow(x), i);
    await page.waitForSelector(loadedRow(i));
    await clickFilterIcon(i, 'label_name');
    assert.equal(await page.inputValue('[data-testid=filter]'), "label_name = 'consommé'");
    await page.waitForFunction(() => / of \d+ rows$/.test(document.querySelector('[data-testid=row-count]')!.textContent.trim()));
    await page.waitForSelector(loadedRow(0));
    const names = await labelNames(page);
    assert.ok(names.length > 0 && names.every((s) => s === name), names.join(' | '));
  });

  test("the engine's error for a bad filter shows inline; the previous rows stay", async () => {
    const before = await countText(page);
    const rowsBefore = await page.$$eval(`${ROW}[data-rowid]`, (els) => els.map((e) => (e as HTMLElement).dataset.rowid));
    await page.fill('[data-testid=filter]', "label_name = 'tabby_cat' AND");
    await page.press('[data-testid=filter]', 'Enter');
    const err = page.locator('[data-testid=filter-error]');
    await page.waitForFunction(() => document.querySelector('[data-testid=filter-error]')!.textContent.trim() !== '');
    const text = (await err.textContent())!;
    console.log(`[grid/real] engine error shown: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
    assert.equal(await countText(page), before);
    assert.deepEqual(await page.$$eval(`${ROW}[data-rowid]`, (els) => els.map((e) => (e as HTMLElement).dataset.rowid)), rowsBefore);
    await page.fill('[data-testid=filter]', 'no_such_column = 1');
    await page.press('[data-testid=filter]', 'Enter');
    await page.waitForFunction((t) => document.querySelector('[data-testid=filter-error]')!.textContent !== t, text);
    console.log(`[grid/real] engine error shown: ${(await err.textContent())!.replace(/\s+/g, ' ').slice(0, 200)}`);
    await wv.screenshot('03-real-filter-error');
    assert.deepEqual(wv.consoleErrors(), []);
  });
});
