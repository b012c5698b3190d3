// Row sets in the Rows grid against the REAL data layer: a set kept on the host (keepRowSet) shows in its
// own order with its score as a named column and a chip "‹label› · N rows ✕"; a filter applies within the
// set; the view state carries the set (export writes it); the chip's ✕ goes back to the whole table.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { DatasetSession } from '../../src/extension/host/session';
import type { RowSetInfo, RowsRequest, ViewState } from '../../src/shared/types';
import { openWebview, type Webview } from './harness';
import { openRealRows, sessionHandlers, type RealRows } from './realHost';

const ROWS = 240;
let real: RealRows;
let session: DatasetSession;
let wv: Webview;
let page: Page;

const ROW = '[data-testid=grid-row]';
const loadedRow = (i: number) => `${ROW}[data-index="${i}"][data-rowid]`;
const signal = () => new AbortController().signal;
const countText = () => page.$eval('[data-testid=row-count]', (e) => e.textContent.trim());

function lastRowsRequest(): RowsRequest {
  const all = wv.host.requests('rows');
  return all[all.length - 1].params as RowsRequest;
}

/** The Rows view loaded again in a new page over the same session, with this saved state (a hidden and shown panel). */
function reopen(name: string, state: Record<string, unknown>): Promise<Webview> {
  return openWebview({
    entry: { path: 'test/webview/rowsEntry.ts' },
    css: ['panel.css', 'grid.css'],
    name,
    browser: real.browser,
    handlers: sessionHandlers(session),
    globals: { __ctxState: state },
  });
}

describe('Row sets in the Rows grid (real data layer)', () => {
  let set: RowSetInfo;
  let setIds: string[];

  before(async () => {
    real = await openRealRows('rowset-real', { rows: ROWS, seed: 8, minSide: 48, maxSide: 96, quality: 80, indices: false }, { width: 1300, height: 800 });
    ({ session, wv, page } = real);
    const all = await session.handlers.rows({ columns: [], offset: 0, limit: ROWS }, signal(), () => undefined);
    // Every fifth row, last first: an order the table does not have.
    setIds = all.rowIds.filter((_, i) => i % 5 === 0).reverse();
    set = await session.handlers.keepRowSet({ rowIds: setIds, label: 'Near-duplicates', scores: setIds.map((_, i) => i / 100), scoreLabel: 'distance' }, signal(), () => undefined);
  });

  after(async () => {
    await real?.close();
  });

  test('the set shows in its order, with its score column and a chip', async () => {
    await page.evaluate((s) => (window as unknown as { __rows: { showRowSet(s: unknown): void } }).__rows.showRowSet(s), set);
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${setIds.length} rows`);
    await page.waitForSelector(loadedRow(0));
    const chip = await page.$eval('[data-testid=rowset-chip]', (e) => ({ hidden: (e as HTMLElement).hidden, text: e.textContent }));
    assert.equal(chip.hidden, false);
    assert.equal(chip.text, `Near-duplicates · ${setIds.length} rows✕`);
    assert.equal(lastRowsRequest().rowSet, set.id);
    assert.equal(lastRowsRequest().columns?.[0], '_score');
    const shown = await page.$$eval(`${ROW}[data-rowid]`, (els) => els.map((e) => (e as HTMLElement).dataset.rowid));
    assert.deepEqual(shown, setIds.slice(0, shown.length), "the set's order");
    const header = await page.$$eval('.grid-header .col-name', (els) => els.map((e) => e.textContent));
    assert.equal(header[0], 'distance', 'the score column is named by the set');
    assert.equal(await page.$eval(`${loadedRow(1)} .grid-cell[data-col="0"]`, (e) => e.textContent?.trim()), '0.01', "the second row's score");
    await wv.screenshot('rowset-01-shown');
  });

  test('a filter applies within the set, and the view state carries the set', async () => {
    await page.fill('[data-testid=filter]', 'label < 5');
    await page.press('[data-testid=filter]', 'Enter');
    const n = await session.handlers.count({ filter: 'label < 5', rowSet: set.id }, signal(), () => undefined);
    assert.ok(n > 0 && n < setIds.length, `some of the set pass (${n})`);
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${n} of ${setIds.length} rows`);
    assert.equal(lastRowsRequest().rowSet, set.id);
    assert.equal(lastRowsRequest().filter, 'label < 5');
    await page.click(loadedRow(0));
    const reports = await page.evaluate(() => (window as unknown as { __reports: ViewState[] }).__reports);
    const last = reports[reports.length - 1];
    assert.deepEqual(last.rowSet, set);
    assert.equal(last.filter, 'label < 5');
    const saved = await page.evaluate(() => (window as unknown as { __ctxState: Record<string, unknown> }).__ctxState['rows.rowSet']);
    assert.deepEqual(saved, set, 'the set is in the saved state (a hidden and shown panel shows it again)');
  });

  test('a webview loaded again (hidden and shown) shows the set again; a set the host no longer keeps falls back to the table and says why', async () => {
    const saved = await page.evaluate(() => (window as unknown as { __ctxState: Record<string, unknown> }).__ctxState);
    const again = await reopen('rowset-real-again', saved);
    try {
      const p = again.page;
      await p.waitForFunction(
        (t) => document.querySelector('[data-testid=row-count]')?.textContent?.trim() === t,
        `${await session.handlers.count({ filter: 'label < 5', rowSet: set.id }, signal(), () => undefined)} of ${setIds.length} rows`,
      );
      assert.equal(await p.$eval('[data-testid=rowset-chip]', (e) => (e as HTMLElement).hidden), false);
      const req = again.host.requests('rows').at(-1)!.params as RowsRequest;
      assert.equal(req.rowSet, set.id);
    } finally {
      await again.close();
    }
    const gone = await reopen('rowset-real-gone', { ...saved, 'rows.rowSet': { ...set, id: 'set-999' }, 'rows.filter': '' });
    try {
      const p = gone.page;
      await p.waitForFunction((t) => document.querySelector('[data-testid=row-count]')?.textContent?.trim() === t, `${ROWS} rows`);
      assert.match((await p.textContent('[data-testid=filter-error]'))!, /no longer kept/);
      assert.equal(await p.$eval('[data-testid=rowset-chip]', (e) => (e as HTMLElement).hidden), true);
      await gone.screenshot('rowset-03-gone');
    } finally {
      await gone.close();
    }
  });

  test('✕ goes back to the whole table (the filter stays)', async () => {
    await page.click('[data-testid=clear-rowset]');
    const n = await session.handlers.count({ filter: 'label < 5' }, signal(), () => undefined);
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${n} of ${ROWS} rows`);
    assert.equal(await page.$eval('[data-testid=rowset-chip]', (e) => (e as HTMLElement).hidden), true);
    assert.equal(lastRowsRequest().rowSet, undefined);
    assert.notEqual(lastRowsRequest().columns?.[0], '_score');
    const saved = await page.evaluate(() => (window as unknown as { __ctxState: Record<string, unknown> }).__ctxState['rows.rowSet']);
    assert.equal(saved, null);
    await page.fill('[data-testid=filter]', '');
    await page.press('[data-testid=filter]', 'Enter');
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${ROWS} rows`);
    assert.equal(await countText(), `${ROWS} rows`);
    await wv.screenshot('rowset-02-back');
    assert.deepEqual(wv.consoleErrors(), []);
  });
});
