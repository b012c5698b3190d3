// Text search and query plans in the Rows grid against the REAL data layer over a generated
// ImageNet-like dataset (its caption column has a full-text index): the search box finds rows in
// relevance order with their score, marks the matched words, combines with the filter, says when it
// scans instead (a column without an index), and "How this query ran" names the index that answered.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { DatasetSession } from '../../src/extension/host/session';
import type { RowsRequest } from '../../src/shared/types';
import type { Webview } from './harness';
import { openRealRows, type RealRows } from './realHost';

const ROWS = 300;
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

async function searchFor(column: string, text: string): Promise<void> {
  await page.selectOption('[data-testid=search-column]', column);
  await page.fill('[data-testid=search]', text);
  await page.press('[data-testid=search]', 'Enter');
}

describe('Text search and query plans in the Rows grid (real data layer)', () => {
  before(async () => {
    real = await openRealRows('search-real', { rows: ROWS, seed: 4, minSide: 48, maxSide: 96, quality: 80 }, { width: 1400, height: 900 });
    ({ session, wv, page } = real);
  });

  after(async () => {
    await real?.close();
  });

  test('full-text search: matches best first with their score, the words marked, the index named', async () => {
    const options = await page.$$eval('[data-testid=search-column] option', (os) => os.map((o) => o.textContent));
    assert.equal(options[0], 'caption (full-text index)', 'the indexed column is offered first');
    await searchFor('caption', 'retriever');
    const sum = await session.handlers.search({ search: { column: 'caption', text: 'retriever' } }, signal(), () => undefined);
    assert.ok(sum.count > 0);
    await page.waitForFunction(
      (t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t,
      `${sum.count} ${sum.count === 1 ? 'match' : 'matches'} of ${ROWS} rows`,
    );
    await page.waitForSelector(loadedRow(0));
    assert.deepEqual(lastRowsRequest().search, { column: 'caption', text: 'retriever' });
    assert.equal(lastRowsRequest().columns?.[0], '_score', 'the score comes first');
    const want = await session.handlers.rows({ search: { column: 'caption', text: 'retriever' }, columns: ['_score'], offset: 0, limit: 3 }, signal(), () => undefined);
    const shown = await page.$$eval(`${ROW}[data-rowid]`, (els) => els.map((e) => (e as HTMLElement).dataset.rowid).slice(0, 3));
    assert.deepEqual(shown, want.rowIds, "the grid shows the engine's best matches first");
    const marks = await page.$$eval(`${ROW}[data-rowid] mark.search-hit`, (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert.ok(marks.length > 0 && marks.every((m) => m.startsWith('retriever')), marks.join(','));
    assert.match((await page.textContent('[data-testid=search-note]'))!, /Full-text index caption_idx on caption: best matches first/);
    await wv.screenshot('search-01-fts');
  });

  test('combined with the filter', async () => {
    await page.fill('[data-testid=filter]', 'label < 10');
    await page.press('[data-testid=filter]', 'Enter');
    const sum = await session.handlers.search({ search: { column: 'caption', text: 'retriever' }, filter: 'label < 10' }, signal(), () => undefined);
    await page.waitForFunction((n) => document.querySelector('[data-testid=row-count]')!.textContent.trim().startsWith(`${n} `), sum.count);
    assert.equal(lastRowsRequest().filter, 'label < 10');
    assert.deepEqual(lastRowsRequest().search, { column: 'caption', text: 'retriever' });
    await page.fill('[data-testid=filter]', '');
    await page.press('[data-testid=filter]', 'Enter');
  });

  test('a column without a full-text index: a substring scan, and it says so', async () => {
    await searchFor('label_name', 'TABBY');
    await page.waitForFunction(() => /No full-text index on label_name/.test(document.querySelector('[data-testid=search-note]')!.textContent ?? ''));
    await page.waitForSelector(loadedRow(0));
    const sum = await session.handlers.search({ search: { column: 'label_name', text: 'TABBY' } }, signal(), () => undefined);
    assert.equal(await countText(), `${sum.count} ${sum.count === 1 ? 'match' : 'matches'} of ${ROWS} rows`);
    assert.notEqual(lastRowsRequest().columns?.[0], '_score', 'no score without an index');
    const marks = await page.$$eval(`${ROW}[data-rowid] mark.search-hit`, (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert.ok(marks.length > 0 && marks.every((m) => m === 'tabby'), marks.join(','));
    await wv.screenshot('search-02-scan');
    await page.click('[data-testid=clear-search]');
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${ROWS} rows`);
    assert.equal(lastRowsRequest().search, undefined);
  });

  test('"How this query ran": Analyze of a filtered page names the BITMAP index', async () => {
    await page.fill('[data-testid=filter]', "label_name = 'golden_retriever'");
    await page.press('[data-testid=filter]', 'Enter');
    await page.waitForFunction(() => / of \d+ rows$/.test(document.querySelector('[data-testid=row-count]')!.textContent.trim()));
    await page.click('[data-testid=rows-plan] > summary');
    await page.click('[data-testid=rows-plan-analyze]');
    await page.waitForSelector('[data-testid=rows-plan-summary] li');
    const lines = await page.$$eval('[data-testid=rows-plan-summary] li', (ls) => ls.map((l) => l.textContent));
    assert.match(lines.join('\n'), /BITMAP index on label_name/);
    assert.match((await page.textContent('[data-testid=rows-plan-text]'))!, /ScalarIndexQuery|LanceRead/);
    await wv.screenshot('search-03-plan');
    assert.deepEqual(wv.consoleErrors(), []);
  });
});
