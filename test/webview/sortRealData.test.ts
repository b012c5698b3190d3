// Sorting in the Rows grid against the REAL data layer over a generated ImageNet-like dataset: a header
// click sorts the whole table (ascending, descending, none), Shift+click adds a second key, the
// headers show direction and rank, sort works with a filter and "go to row", unsortable columns say why,
// and the sort is kept in the view's state (a reload shows it again).
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { DatasetSession } from '../../src/extension/host/session';
import type { RowsRequest, SortKey } from '../../src/shared/types';
import type { Webview } from './harness';
import { openRealRows, type RealRows } from './realHost';

const ROWS = 240;
let real: RealRows;
let session: DatasetSession;
let wv: Webview;
let page: Page;

const ROW = '[data-testid=grid-row]';
const loadedRow = (i: number) => `${ROW}[data-index="${i}"][data-rowid]`;
const signal = () => new AbortController().signal;

/** The row ids the grid shows in rows 0…n-1 (waits for them to load). */
async function shownIds(n: number): Promise<string[]> {
  await page.waitForSelector(loadedRow(n - 1));
  return page.$$eval(
    `${ROW}[data-rowid]`,
    (els, k) =>
      els
        .map((e) => [Number((e as HTMLElement).dataset.index), (e as HTMLElement).dataset.rowid!] as const)
        .filter(([i]) => i < k)
        .sort((a, b) => a[0] - b[0])
        .map(([, id]) => id),
    n,
  );
}

/** The row ids of the first n rows by the data layer for these keys (independently: one request). */
async function expectedIds(sort: SortKey[], n: number, filter?: string, offset = 0): Promise<string[]> {
  const p = await session.handlers.rows({ sort, filter, columns: [], offset, limit: n }, signal(), () => undefined);
  return p.rowIds;
}

/** The last 'rows' request the grid sent. */
function lastRowsRequest(): RowsRequest {
  const all = wv.host.requests('rows');
  return all[all.length - 1].params as RowsRequest;
}

const headerMark = (column: string) =>
  page.$eval(`.grid-header [data-column=${column}]`, (e) => ({ sort: e.getAttribute('aria-sort'), mark: e.querySelector('.sort-mark')?.textContent ?? '' }));

describe('Sorting the Rows grid on a real Lance dataset (real data layer)', () => {
  before(async () => {
    real = await openRealRows('sort-real', { rows: ROWS, seed: 9, minSide: 48, maxSide: 96, quality: 80, indices: false }, { width: 1200, height: 900 });
    ({ session, wv, page } = real);
  });

  after(async () => {
    await real?.close();
  });

  test('a header click sorts the whole table: ascending, descending, then table order again', async () => {
    const tableOrder = await shownIds(5);
    await page.click('[data-testid=sort-label_name]');
    const asc: SortKey[] = [{ column: 'label_name' }];
    assert.deepEqual(lastRowsRequest().sort, asc);
    await page.waitForFunction(() => !document.querySelector('[data-testid=sort-chip]')!.hasAttribute('hidden'));
    assert.deepEqual(await shownIds(8), await expectedIds(asc, 8));
    assert.deepEqual(await headerMark('label_name'), { sort: 'ascending', mark: '▲' });
    assert.equal((await page.textContent('[data-testid=sort-text]'))?.trim(), 'Sorted by label_name ↑');
    await wv.screenshot('sort-01-ascending');

    await page.click('[data-testid=sort-label_name]');
    const desc: SortKey[] = [{ column: 'label_name', descending: true }];
    await page.waitForFunction(() => document.querySelector('.grid-header [data-column=label_name]')!.getAttribute('aria-sort') === 'descending');
    assert.deepEqual(await shownIds(8), await expectedIds(desc, 8));

    await page.click('[data-testid=sort-label_name]');
    await page.waitForFunction(() => document.querySelector('[data-testid=sort-chip]')!.hasAttribute('hidden'));
    assert.equal(lastRowsRequest().sort, undefined, 'no sort: the request carries none');
    assert.deepEqual(await shownIds(5), tableOrder);
  });

  test('Shift+click adds a second key; the headers show direction and rank', async () => {
    await page.click('[data-testid=sort-label]');
    await page.click('[data-testid=sort-label]'); // descending
    await page.click('[data-testid=sort-id]', { modifiers: ['Shift'] });
    const keys: SortKey[] = [{ column: 'label', descending: true }, { column: 'id' }];
    await page.waitForFunction(() => document.querySelector('.grid-header [data-column=id] .sort-mark') !== null);
    assert.deepEqual(lastRowsRequest().sort, keys);
    assert.deepEqual(await headerMark('label'), { sort: 'descending', mark: '▼1' });
    assert.deepEqual(await headerMark('id'), { sort: null, mark: '▲2' });
    assert.deepEqual(await shownIds(8), await expectedIds(keys, 8));
    assert.equal((await page.textContent('[data-testid=sort-text]'))?.trim(), 'Sorted by label ↓, id ↑');
    await wv.screenshot('sort-02-two-keys');
  });

  test('sort + filter + go to row: the row at that place of the sorted, filtered view', async () => {
    const filter = 'label < 10';
    await page.fill('[data-testid=filter]', filter);
    await page.press('[data-testid=filter]', 'Enter');
    const n = await session.handlers.count({ filter }, signal(), () => undefined);
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${n} of ${ROWS} rows`);
    const keys: SortKey[] = [{ column: 'label', descending: true }, { column: 'id' }];
    assert.deepEqual(lastRowsRequest().sort, keys, 'the sort stays when the filter changes');
    const target = n - 3;
    await page.evaluate((x) => (window as any).__rows.goToRow(x), target);
    await page.waitForSelector(loadedRow(target));
    const got = await page.$eval(loadedRow(target), (e) => (e as HTMLElement).dataset.rowid);
    assert.equal(got, (await expectedIds(keys, 1, filter, target))[0]);
    await wv.screenshot('sort-03-filter-goto');
  });

  test('columns that cannot be sorted have no sort button and say why', async () => {
    assert.equal(await page.$('[data-testid=sort-image]'), null);
    assert.equal(await page.$('[data-testid=sort-image_emb]'), null);
    const title = await page.getAttribute('.grid-header [data-column=image_emb]', 'title');
    assert.match(title ?? '', /Vectors and lists have no order/);
  });

  test('the sort is kept in the view state; the keyboard reaches the header buttons', async () => {
    const state = await page.evaluate(() => (window as any).__ctxState['rows.sort']);
    assert.deepEqual(state, [{ column: 'label', descending: true }, { column: 'id' }]);
    await page.focus('[data-testid=sort-label_name]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.grid-header [data-column=label_name]')!.getAttribute('aria-sort') === 'ascending');
    assert.deepEqual(lastRowsRequest().sort, [{ column: 'label_name' }]);
    await page.click('[data-testid=clear-sort]');
    await page.waitForFunction(() => document.querySelector('[data-testid=sort-chip]')!.hasAttribute('hidden'));
    assert.deepEqual(wv.consoleErrors(), []);
  });
});
