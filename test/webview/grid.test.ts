// The Rows tab's virtualised grid in headless Chromium against a fake host over a synthetic table of
// 50,000 rows (real JPEG thumbnails, labels with quotes and unicode, 512-d vector summaries, int64 past
// 2^53): bounded DOM while scrolling and after jumping to the end, decoded thumbnails, late replies for
// old pages and old filters dropped, inline filter errors keeping the previous rows, keyboard selection
// reported to the host, click-to-filter quoting, the column chooser, blob: URLs revoked, the context
// menu, history and completion, wrap, scaled scrolling past the browsers' height limit, rowsError.
//
// Run: node esbuild.js --tests && node --test out/test/webview/
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RowsRequest } from '../../src/shared/types';
import { FakeTable, LABELS } from './fakeRows';
import { gate, launchBrowser, openWebview, sleep, until, type Handler, type Webview } from './harness';

const ENTRY = { path: 'test/webview/rowsEntry.ts' };
const VIEWPORT = { width: 1280, height: 1000 };

/** Counts blob: URLs made and revoked, and records clipboard writes (navigator.clipboard is stubbed). */
const INIT = `
  window.__blob = { created: 0, revoked: 0, live: new Set() };
  {
    const make = URL.createObjectURL.bind(URL);
    const revoke = URL.revokeObjectURL.bind(URL);
    URL.createObjectURL = (o) => { const u = make(o); window.__blob.created++; window.__blob.live.add(u); return u; };
    URL.revokeObjectURL = (u) => { if (window.__blob.live.delete(u)) window.__blob.revoked++; return revoke(u); };
  }
  window.__clipboard = [];
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t) => { window.__clipboard.push(t); } } });
`;

let browser: Browser;
const table = new FakeTable({ rows: 50_000 });

function handlers(t: FakeTable, latencyMs = 5): Record<'describe' | 'count' | 'rows' | 'row', Handler> {
  return {
    describe: async () => t.describe(),
    count: async (p) => {
      await sleep(latencyMs);
      return t.count((p as { filter?: string }).filter);
    },
    rows: async (p) => {
      await sleep(latencyMs);
      return t.rowsPage(p as RowsRequest);
    },
    row: async (p) => t.fullRow((p as { rowId: string }).rowId, (p as { columns?: string[] }).columns),
  };
}

async function mount(name: string, opts: { table?: FakeTable; state?: Record<string, unknown>; latencyMs?: number } = {}): Promise<Webview> {
  const t = opts.table ?? table;
  const wv = await openWebview({
    entry: ENTRY,
    css: ['panel.css', 'grid.css'],
    name,
    viewport: VIEWPORT,
    browser,
    globals: { __ctxState: opts.state ?? {} },
    initScript: INIT,
    handlers: handlers(t, opts.latencyMs),
  });
  await wv.page.waitForFunction(() => (window as any).__mounted === true);
  return wv;
}

// ----- page helpers -------------------------------------------------------------------------------

const ROW = '[data-testid=grid-row]';
const loadedRow = (i: number) => `${ROW}[data-index="${i}"][data-rowid]`;

function domRows(page: Page): Promise<number> {
  return page.locator(ROW).count();
}

/** Rows at least partly inside the grid's viewport (below the sticky header). */
function visibleRows(page: Page): Promise<{ index: number; rowid?: string }[]> {
  return page.evaluate(() => {
    const g = document.querySelector('[data-testid=rows-grid]')!;
    const gr = g.getBoundingClientRect();
    const header = g.querySelector('.grid-header')!.getBoundingClientRect();
    return [...g.querySelectorAll<HTMLElement>('[data-testid=grid-row]')]
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > header.bottom + 1 && b.top < gr.bottom - 1;
      })
      .map((r) => ({ index: Number(r.dataset.index), rowid: r.dataset.rowid }));
  });
}

/** Text of `column` in every loaded row in the DOM, by row index. */
function columnTexts(page: Page, column: string): Promise<Record<number, string>> {
  return page.evaluate((col) => {
    const g = document.querySelector('[data-testid=rows-grid]')!;
    const head = g.querySelector(`.grid-header [data-column="${CSS.escape(col)}"]`);
    if (!head) return {};
    const k = head.getAttribute('aria-colindex');
    const out: Record<number, string> = {};
    for (const r of g.querySelectorAll<HTMLElement>('[data-testid=grid-row][data-rowid]')) {
      const cell = r.querySelector(`[role=gridcell][aria-colindex="${k}"]`);
      // The cell's value (its first child), not the filter button's label.
      out[Number(r.dataset.index)] = (cell?.firstElementChild?.textContent ?? '').trim();
    }
    return out;
  }, column);
}

function headerColumns(page: Page): Promise<string[]> {
  return page.$$eval('.grid-header [data-column]', (els) => els.map((e) => (e as HTMLElement).dataset.column!));
}

async function applyFilter(page: Page, filter: string): Promise<void> {
  await page.fill('[data-testid=filter]', filter);
  await page.press('[data-testid=filter]', 'Enter');
}

async function rowCount(page: Page): Promise<string> {
  return (await page.textContent('[data-testid=row-count]'))!.trim();
}

const fmt = (n: number) => n.toLocaleString('en-US');
const reports = (page: Page) => page.evaluate(() => (window as any).__reports as { selectedIndex?: number; selectedRowId?: string; filter?: string; columns?: string[] }[]);
const blobStats = (page: Page) =>
  page.evaluate(() => {
    const b = (window as any).__blob;
    return {
      created: b.created as number,
      revoked: b.revoked as number,
      live: b.live.size as number,
      blobImgs: document.querySelectorAll('img[src^="blob:"]').length,
      domRows: document.querySelectorAll('[data-testid=grid-row]').length,
    };
  });
const rowsRequests = (wv: Webview) => wv.host.requests('rows').map((r) => ({ id: r.id, ...(r.params as RowsRequest) }));

/** Holds the host's answer for the page of rows at `offset` until the gate returned is opened. */
function holdPage(wv: Webview, offset: number): ReturnType<typeof gate> {
  const held = gate();
  const base = wv.host.handlers.rows!;
  wv.host.handlers.rows = async (p, req) => {
    if ((p as RowsRequest).offset === offset) await held.wait;
    return base(p, req);
  };
  return held;
}

async function scrollGridTo(page: Page, top: number): Promise<void> {
  await page.evaluate((t) => {
    document.querySelector('[data-testid=rows-grid]')!.scrollTop = t;
  }, top);
}

// --------------------------------------------------------------------------------------------------

describe('Rows grid (virtualised, fake host, 50,000 rows)', () => {
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('first screen: count, ARIA, decoded thumbnails, vectors, nulls vs empty strings, exact int64', async () => {
    const wv = await mount('first-screen');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    assert.equal(await rowCount(page), '50,000 rows');
    const grid = page.locator('[data-testid=rows-grid]');
    assert.equal(await grid.getAttribute('role'), 'grid');
    assert.equal(await grid.getAttribute('aria-rowcount'), '50001');
    assert.equal(await page.getAttribute(loadedRow(3), 'aria-rowindex'), '5');
    assert.equal(await page.getAttribute(loadedRow(3), 'data-rowid'), table.rowId(3));

    // Thumbnails: at least 10 visible ones decoded by the browser.
    await page.waitForFunction(() => {
      const g = document.querySelector('[data-testid=rows-grid]')!.getBoundingClientRect();
      const ok = [...document.querySelectorAll<HTMLImageElement>('[data-testid=thumb]')].filter((img) => {
        const b = img.getBoundingClientRect();
        return b.top >= g.top && b.bottom <= g.bottom && img.complete && img.naturalWidth > 0;
      });
      return ok.length >= 10;
    });
    const thumbs = await page.$$eval('[data-testid=thumb]', (imgs) => imgs.map((i) => ({ w: (i as HTMLImageElement).naturalWidth, src: (i as HTMLImageElement).src })));
    assert.ok(
      thumbs.every((t) => t.src.startsWith('blob:')),
      'thumbnails are blob: URLs',
    );

    // Only the shown columns were asked for, with images, in pages of 50.
    const first = rowsRequests(wv)[0];
    assert.deepEqual(first.columns, ['id', 'image', 'label', 'label_name', 'caption', 'Quality score', 'big', 'embedding']);
    assert.equal(first.limit, 50);
    assert.equal(first.withImages, true);

    // Vectors: a sparkline and the summary; int64 past 2^53 exact; null and "" look different.
    assert.equal(await page.locator(`${loadedRow(0)} svg.spark`).count(), 1);
    assert.match((await columnTexts(page, 'embedding'))[0], /^512-d · ‖v‖ \d+\.\d{3}$/);
    assert.equal((await columnTexts(page, 'big'))[2], '9007199254740995');
    const captions = await columnTexts(page, 'caption');
    assert.equal(captions[5], 'null');
    assert.equal(captions[7], '""');
    assert.equal(await page.locator(`${loadedRow(5)} .cell-null`).count(), 1);
    assert.equal(await page.locator(`${loadedRow(7)} .cell-empty`).count(), 1);
    // A caption holding markup is shown as text.
    assert.match(captions[0] ?? '', /<script>alert\(1\)<\/script>/);
    assert.equal(await page.locator('[data-testid=rows-grid] script').count(), 0);

    const n = await domRows(page);
    console.log(`[grid] first screen: ${n} rows in the DOM, ${(await visibleRows(page)).length} visible`);
    assert.ok(n < 40, `DOM rows ${n}`);
    await wv.screenshot('01-first-screen');
    assert.deepEqual(wv.consoleErrors(), []);
    await wv.close();
  });

  test('the DOM stays bounded while scrolling through 50,000 rows and after jumping to row 49,999; scroll bursts are debounced', async () => {
    const wv = await mount('scroll');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    const scrollHeight = await page.$eval('[data-testid=rows-grid]', (g) => g.scrollHeight);
    assert.ok(scrollHeight >= 50_000 * 72, `the scrollbar spans every row (${scrollHeight} px)`);

    let maxRows = 0;
    for (let k = 1; k <= 20; k++) {
      await scrollGridTo(page, (scrollHeight * k) / 21);
      await sleep(15);
      maxRows = Math.max(maxRows, await domRows(page));
    }
    // A burst of scroll events (a flung wheel, one every 8 ms): the 50 ms debounce asks only where the
    // scrolling rests. On a loaded machine frames take longer than 50 ms, so count the pauses the page
    // really saw (gaps of 50 ms or more between scroll events, plus the final stop): each may ask for
    // the one or two pages of its window, no more.
    await sleep(200);
    const before = wv.host.requests('rows').length;
    const gaps = await page.evaluate(async () => {
      const g = document.querySelector('[data-testid=rows-grid]')!;
      const times: number[] = [];
      const onScroll = () => times.push(performance.now());
      g.addEventListener('scroll', onScroll);
      g.scrollTop = 100_000;
      for (let k = 0; k < 40; k++) {
        g.scrollTop += 1500;
        await new Promise((r) => setTimeout(r, 8));
      }
      await new Promise((r) => setTimeout(r, 300));
      g.removeEventListener('scroll', onScroll);
      return times.slice(1).map((t, k) => t - times[k]);
    });
    const stops = gaps.filter((g) => g >= 50).length + 1;
    const burst = wv.host.requests('rows').length - before;
    console.log(`[grid] scrolling: max ${maxRows} rows in the DOM; a burst of ${gaps.length + 1} scroll events with ${stops} pause(s) made ${burst} page request(s)`);
    assert.ok(burst >= 1 && burst <= 2 * stops, `scroll burst requested ${burst} pages for ${stops} pauses`);
    // The same without the machine's speed in it: 40 scroll events within one task, then a rest.
    const before2 = wv.host.requests('rows').length;
    await page.evaluate(() => {
      const g = document.querySelector('[data-testid=rows-grid]')!;
      for (let k = 0; k < 40; k++) {
        g.scrollTop = 1_500_000 + k * 1500;
        g.dispatchEvent(new Event('scroll'));
      }
    });
    await sleep(300);
    const settled = rowsRequests(wv).slice(before2);
    assert.ok(settled.length >= 1 && settled.length <= 2, `40 scroll events in one go made ${settled.length} requests`);
    const restAt = Math.floor((1_500_000 + 39 * 1500) / 72 / 50) * 50;
    assert.ok(
      settled.every((r) => r.offset === restAt || r.offset === restAt + 50),
      `asked for ${settled.map((r) => r.offset).join(',')} (rest at ${restAt})`,
    );
    const vis = await visibleRows(page);
    await page.waitForSelector(loadedRow(vis[2].index));

    await page.fill('[data-testid=goto]', '49,999');
    await page.press('[data-testid=goto]', 'Enter');
    await page.waitForSelector(loadedRow(49_999));
    const end = await visibleRows(page);
    assert.ok(
      end.some((r) => r.index === 49_999 && r.rowid === table.rowId(49_999)),
      'row 49,999 is on screen with its data',
    );
    const after = await domRows(page);
    maxRows = Math.max(maxRows, after);
    console.log(`[grid] after jumping to 49,999: ${after} rows in the DOM`);
    assert.ok(maxRows < 100, `DOM rows stayed < 100 (max ${maxRows})`);
    // The jump selected the row and told the host.
    const last = (await reports(page)).at(-1)!;
    assert.equal(last.selectedIndex, 49_999);
    assert.equal(last.selectedRowId, table.rowId(49_999));
    await wv.screenshot('02-jumped-to-end');
    assert.deepEqual(wv.consoleErrors(), []);
    await wv.close();
  });

  test('a page scrolled past is not waited for: it is cancelled, later pages show, its late reply is harmless', async () => {
    const wv = await mount('late-page');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    const held = holdPage(wv, 500);
    await page.evaluate(() => (window as any).__rows.goToRow(510));
    await until('the request for rows 500–549', () => rowsRequests(wv).some((r) => r.offset === 500));
    const slow = rowsRequests(wv).find((r) => r.offset === 500)!;
    await page.evaluate(() => (window as any).__rows.goToRow(40_010));
    await page.waitForSelector(loadedRow(40_010)); // not queued behind the held page
    await wv.host.waitForCancel(slow.id);
    held.open();
    await wv.host.waitForResponseSent(slow.id);
    await sleep(100);
    const vis = await visibleRows(page);
    assert.ok(
      vis.every((r) => r.index >= 40_000 && r.index < 40_100),
      `still at 40,010: ${vis.map((r) => r.index).join(',')}`,
    );
    // Requests only for the windows the user stopped at.
    const offsets = rowsRequests(wv).map((r) => r.offset);
    assert.ok(
      offsets.every((o) => [0, 500, 40_000].includes(o)),
      `asked for ${offsets.join(', ')}`,
    );
    assert.deepEqual(wv.consoleErrors(), []);
    await wv.close();
  });

  test('a row on its way is one placeholder cell, and its page fills that same row element in place', async () => {
    const wv = await mount('placeholder-in-place');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    const held = holdPage(wv, 20_000);
    await page.evaluate(() => (window as any).__rows.goToRow(20_010));
    const row = `[data-testid=grid-row][data-index="20010"]`;
    await page.waitForSelector(`${row}.loading`);
    // One cell across the row (not one per column): rows on their way are made and dropped while scrolling.
    assert.deepEqual(await page.$eval(row, (r) => [r.querySelectorAll('[role=gridcell]').length, r.querySelectorAll('.skeleton').length, r.getAttribute('aria-busy')]), [
      1,
      1,
      'true',
    ]);
    await wv.screenshot('01-row-on-its-way');
    await page.$eval(row, (r) => ((r as unknown as { __mark: number }).__mark = 1));
    held.open();
    await page.waitForSelector(loadedRow(20_010));
    const filled = await page.$eval(row, (r) => ({
      same: (r as unknown as { __mark?: number }).__mark === 1,
      cells: r.querySelectorAll('[role=gridcell]').length,
      busy: r.getAttribute('aria-busy'),
      loading: r.classList.contains('loading'),
      index: r.querySelector('[role=rowheader]')?.textContent,
    }));
    const columns = await page.$$eval('.grid-header [role=columnheader][data-column]', (h) => h.length);
    assert.deepEqual(filled, { same: true, cells: columns, busy: null, loading: false, index: '20,010' });
    assert.deepEqual(wv.consoleErrors(), []);
    await wv.close();
  });

  test("a late reply for an old filter is dropped: the grid shows the new filter's rows", async () => {
    const wv = await mount('late-filter');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    const held = gate();
    const { rows, count } = wv.host.handlers;
    const hold =
      (h: Handler): Handler =>
      async (p, req) => {
        if ((p as { filter?: string }).filter === 'label = 1') await held.wait;
        return h(p, req);
      };
    wv.host.handlers.rows = hold(rows!);
    wv.host.handlers.count = hold(count!);

    await applyFilter(page, 'label = 1');
    await until('the old filter reached the host', () => wv.host.requests('rows').some((r) => (r.params as RowsRequest).filter === 'label = 1'));
    await applyFilter(page, 'label = 2');
    const want = table.count('label = 2');
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${fmt(want)} of 50,000 rows`);
    await page.waitForSelector(loadedRow(0));

    held.open(); // the old filter's count and first page now arrive, late
    const old = wv.host.requests().filter((r) => (r.params as { filter?: string }).filter === 'label = 1');
    assert.equal(old.length, 2, 'a count and a page for the old filter');
    for (const r of old) await wv.host.waitForResponseSent(r.id);
    await sleep(150);
    const labels = Object.values(await columnTexts(page, 'label'));
    assert.ok(labels.length >= 10);
    assert.ok(
      labels.every((l) => l === '2'),
      `labels shown: ${[...new Set(labels)].join(',')}`,
    );
    assert.equal(await rowCount(page), `${fmt(want)} of 50,000 rows`);
    assert.equal(await page.inputValue('[data-testid=filter]'), 'label = 2');
    assert.equal(await page.getAttribute(loadedRow(0), 'data-rowid'), table.rowId(table.indices('label = 2', 0, 1)[0]));
    assert.deepEqual(wv.consoleErrors(), []);
    await wv.close();
  });

  test('a bad filter shows the engine error inline (role=alert) and keeps the previous rows', async () => {
    const wv = await mount('bad-filter');
    const { page } = wv;
    await applyFilter(page, 'label < 3');
    const want = `${fmt(table.count('label < 3'))} of 50,000 rows`;
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, want);
    await page.waitForSelector(loadedRow(0));
    const beforeRows = await visibleRows(page);

    await applyFilter(page, "label_name = 'tabby_cat' AND");
    const err = page.locator('[data-testid=filter-error]');
    await err.getByText('The filter is not valid SQL.').waitFor();
    assert.equal(await err.getAttribute('role'), 'alert');
    assert.match((await err.textContent())!, /sql parser error: Expected an expression, found: EOF/);
    assert.equal(await page.getAttribute('[data-testid=filter]', 'aria-invalid'), 'true');
    assert.equal(await rowCount(page), want);
    // The same rows stay; the message above the grid may push the last one out of view.
    const sameRows = async () => {
      const now = await visibleRows(page);
      assert.ok(now.length >= beforeRows.length - 2 && now.length > 0, `${now.length} rows in view, ${beforeRows.length} before`);
      assert.deepEqual(now, beforeRows.slice(0, now.length));
    };
    await sameRows();
    await wv.screenshot('03-filter-error');

    await applyFilter(page, 'nope = 1');
    await err.getByText(/No field named nope/).waitFor();
    await sameRows();

    await applyFilter(page, 'label < 3 AND id < 100');
    await page.waitForFunction(() => /^\d+ of 50,000 rows$/.test(document.querySelector('[data-testid=row-count]')!.textContent.trim()));
    assert.equal((await err.textContent())!.trim(), '');
    assert.equal(await page.getAttribute('[data-testid=filter]', 'aria-invalid'), null);

    // A valid filter that matches nothing: an empty grid that says so.
    await applyFilter(page, 'id < 0');
    await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '0 of 50,000 rows');
    await page.locator('[data-testid=grid-empty]').waitFor();
    assert.equal(await domRows(page), 0);
    await wv.close();
  });

  test('keyboard: arrows, PageDown, End, Home move the selection, scroll, and report it; Enter reports again', async () => {
    const wv = await mount('keyboard');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    await page.focus('[data-testid=rows-grid]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`${ROW}[data-index="2"][aria-selected=true]`);
    let last = (await reports(page)).at(-1)!;
    assert.equal(last.selectedIndex, 2);
    assert.equal(last.selectedRowId, table.rowId(2));
    assert.equal(await page.getAttribute('[data-testid=rows-grid]', 'aria-activedescendant'), await page.getAttribute(`${ROW}[data-index="2"]`, 'id'));

    const pageRows = (await visibleRows(page)).length;
    await page.keyboard.press('PageDown');
    const afterPage = (await reports(page)).at(-1)!.selectedIndex!;
    assert.ok(afterPage > 2 + pageRows / 2 && afterPage <= 2 + pageRows, `PageDown moved to ${afterPage} (about ${pageRows} rows a screen)`);
    assert.ok(
      (await visibleRows(page)).some((r) => r.index === afterPage),
      'the new selection is on screen',
    );

    await page.keyboard.press('End');
    await page.waitForSelector(`${loadedRow(49_999)}[aria-selected=true]`);
    last = (await reports(page)).at(-1)!;
    assert.equal(last.selectedIndex, 49_999);
    await page.waitForFunction((id) => (window as any).__reports.at(-1).selectedRowId === id, table.rowId(49_999));
    await page.keyboard.press('ArrowUp');
    await page.waitForSelector(`${ROW}[data-index="49998"][aria-selected=true]`);

    await page.keyboard.press('Home');
    await page.waitForSelector(`${loadedRow(0)}[aria-selected=true]`);
    const n = (await reports(page)).length;
    await page.keyboard.press('Enter');
    const all = await reports(page);
    assert.equal(all.length, n + 1, 'Enter reports the selection again (the host opens the preview)');
    assert.equal(all.at(-1)!.selectedIndex, 0);

    // selectRelative (the preview's next/previous).
    await page.evaluate(() => (window as any).__rows.selectRelative(1));
    await page.waitForSelector(`${ROW}[data-index="1"][aria-selected=true]`);
    await wv.screenshot('04-keyboard-selection');
    await wv.close();
  });

  test('clicking a value adds a correctly quoted condition (quote, unicode, backslash; backticks; numbers bare) with AND', async () => {
    const wv = await mount('click-filter');
    const { page } = wv;
    await applyFilter(page, 'id < 2000');
    await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '2,000 of 50,000 rows');
    const target = Array.from({ length: 2000 }, (_, i) => i).find((i) => table.label(i) === 2)!;
    await page.evaluate((i) => (window as any).__rows.goToRow(i), target);
    await page.waitForSelector(loadedRow(target));

    const k = await page.getAttribute('.grid-header [data-column=label_name]', 'aria-colindex');
    const cell = page.locator(`${loadedRow(target)} [role=gridcell][aria-colindex="${k}"]`);
    await cell.hover();
    const icon = cell.locator('[data-testid=cell-filter]');
    assert.match((await icon.getAttribute('title'))!, /^Filter: label_name = 'O''Neil''s “café” ☕ C:\\temp\\x' \(or Alt\+click the value\)$/);
    await wv.screenshot('05-filter-icon-hover');
    await icon.click();
    const expected = "id < 2000 AND label_name = 'O''Neil''s “café” ☕ C:\\temp\\x'";
    assert.equal(await page.inputValue('[data-testid=filter]'), expected);
    const n = table.count(expected);
    assert.ok(n > 100);
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${fmt(n)} of 50,000 rows`);
    await page.waitForSelector(loadedRow(0));
    const names = Object.values(await columnTexts(page, 'label_name'));
    assert.ok(names.length > 5 && names.every((s) => s === LABELS[2]), `label names shown: ${[...new Set(names)].join(' | ')}`);
    assert.equal(wv.host.requests('rows').at(-1)!.params && (wv.host.requests('rows').at(-1)!.params as RowsRequest).filter, expected);

    // Alt+click a number: bare; a column whose name needs backticks: quoted.
    const idK = await page.getAttribute('.grid-header [data-column=id]', 'aria-colindex');
    const firstId = (await columnTexts(page, 'id'))[0];
    await page.click(`${loadedRow(0)} [role=gridcell][aria-colindex="${idK}"] .cell-num`, { modifiers: ['Alt'] });
    assert.equal(await page.inputValue('[data-testid=filter]'), `${expected} AND id = ${firstId}`);
    await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '1 of 50,000 rows');
    await page.waitForSelector(loadedRow(0));
    const qk = await page.getAttribute('.grid-header [data-column="Quality score"]', 'aria-colindex');
    const q = (await columnTexts(page, 'Quality score'))[0];
    await page.click(`${loadedRow(0)} [role=gridcell][aria-colindex="${qk}"] .cell-num`, { modifiers: ['Alt'] });
    assert.equal(await page.inputValue('[data-testid=filter]'), `${expected} AND id = ${firstId} AND \`Quality score\` = ${q}`);
    await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '1 of 50,000 rows');
    assert.equal(await page.locator('[data-testid=filter-error]').textContent(), '');
    await wv.close();
  });

  test('column chooser: hiding and reordering changes the columns requested and shown, and is remembered', async () => {
    const wv = await mount('columns');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    await page.click('[data-testid=columns-button]');
    const chooser = page.locator('[data-testid=column-chooser]');
    await chooser.waitFor({ state: 'visible' });
    const n = wv.host.requests('rows').length;
    await chooser.locator('input[data-column=caption]').uncheck();
    await chooser.locator('input[data-column=big]').uncheck();
    await chooser.locator('button[data-move=up][data-column=label_name]').click();
    await chooser.locator('button[data-move=up][data-column=label_name]').click();
    await wv.screenshot('06-column-chooser');
    const expected = ['id', 'label_name', 'image', 'label', 'Quality score', 'embedding'];
    await until('a rows request with the chosen columns', () =>
      rowsRequests(wv)
        .slice(n)
        .some((r) => JSON.stringify(r.columns) === JSON.stringify(expected)),
    );
    await page.keyboard.press('Escape');
    await chooser.waitFor({ state: 'hidden' });
    await page.waitForFunction(
      (c) => [...document.querySelectorAll('.grid-header [data-column]')].map((e) => (e as HTMLElement).dataset.column).join('|') === c,
      expected.join('|'),
    );
    assert.deepEqual(await headerColumns(page), expected);
    await page.waitForSelector(loadedRow(0));
    assert.equal((await columnTexts(page, 'label_name'))[0], LABELS[table.label(0)]);
    // Later pages ask for the chosen columns only.
    await page.evaluate(() => (window as any).__rows.goToRow(30_000));
    await page.waitForSelector(loadedRow(30_000));
    assert.deepEqual(rowsRequests(wv).at(-1)!.columns, expected);
    const saved = await page.evaluate(() => (window as any).__ctxState['rows.columns']);
    assert.deepEqual(saved, expected);
    await wv.close();

    // Remembered: a view restored from state shows the same columns.
    const again = await mount('columns-restored', { state: { 'rows.columns': expected } });
    await again.page.waitForSelector(loadedRow(0));
    assert.deepEqual(await headerColumns(again.page), expected);
    assert.deepEqual(rowsRequests(again)[0].columns, expected);
    await again.close();
  });

  test('blob: URLs are revoked when rows leave the screen and pages are evicted; the page LRU is bounded', async () => {
    const wv = await mount('blob-urls');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    const spots = Array.from({ length: 20 }, (_, k) => 1_000 + k * 2_000);
    for (const i of spots) {
      await page.evaluate((x) => (window as any).__rows.goToRow(x), i);
      await page.waitForSelector(loadedRow(i));
    }
    const s = await blobStats(page);
    console.log(`[grid] blob URLs after visiting 20 pages: created ${s.created}, revoked ${s.revoked}, live ${s.live}; ${s.blobImgs} blob images and ${s.domRows} rows in the DOM`);
    assert.ok(s.created > 200, `created ${s.created}`);
    // A thumbnail's URL is revoked once its image has loaded (the element keeps the picture): live
    // URLs are images still loading.
    assert.ok(s.live <= s.blobImgs, `live URLs ${s.live}, blob images ${s.blobImgs}`);
    assert.ok(s.live < 100, `live URLs ${s.live}`);

    // A recent page is served from the cache; the oldest one was evicted and is asked again.
    const n = wv.host.requests('rows').length;
    await page.evaluate((x) => (window as any).__rows.goToRow(x), spots.at(-2)!);
    await page.waitForSelector(loadedRow(spots.at(-2)!));
    await sleep(120);
    assert.equal(wv.host.requests('rows').length, n, 'recent page came from the cache');
    await page.evaluate((x) => (window as any).__rows.goToRow(x), spots[0]);
    await page.waitForSelector(loadedRow(spots[0]));
    assert.ok(
      rowsRequests(wv)
        .slice(n)
        .some((r) => r.offset === spots[0]),
      'evicted page asked again',
    );
    const s2 = await blobStats(page);
    assert.ok(s2.live <= s2.blobImgs);
    await wv.close();
  });

  test('context menu: Find similar, Copy row as JSON (full row, exact int64), Copy cell, Filter by this value; keyboard opens it', async () => {
    const wv = await mount('context-menu');
    const { page } = wv;
    await page.waitForSelector(loadedRow(4));
    const k = await page.getAttribute('.grid-header [data-column=label_name]', 'aria-colindex');
    await page.click(`${loadedRow(4)} [role=gridcell][aria-colindex="${k}"]`, { button: 'right' });
    const menu = page.locator('[data-testid=row-menu]');
    await menu.waitFor();
    assert.equal(await menu.getAttribute('role'), 'menu');
    assert.deepEqual(await menu.locator('[role=menuitem]').allTextContents(), [
      'Find similar',
      'Copy row as JSON',
      'Copy cell (label_name)',
      `Filter by this value: label_name = '${LABELS[table.label(4)].replace(/'/g, "''")}'`,
    ]);
    await wv.screenshot('07-context-menu');
    await menu.locator('[data-testid=menu-copy-json]').click();
    await page.waitForFunction(() => (window as any).__clipboard.length === 1);
    const json = (await page.evaluate(() => (window as any).__clipboard[0])) as string;
    assert.match(json, /"big": 9007199254740997,/, 'int64 written exactly');
    const parsed = JSON.parse(json);
    assert.equal(parsed._rowid, Number(table.rowId(4)));
    assert.equal(parsed.id, 4);
    assert.equal(parsed.label_name, LABELS[table.label(4)]);
    assert.equal(parsed.embedding.length, 512, 'the full vector, from the host');

    await page.click(`${loadedRow(4)} [role=gridcell][aria-colindex="${k}"]`, { button: 'right' });
    await menu.locator('[data-testid=menu-copy-cell]').click();
    await page.waitForFunction(() => (window as any).__clipboard.length === 2);
    assert.equal(await page.evaluate(() => (window as any).__clipboard[1]), LABELS[table.label(4)]);

    await page.click(`${loadedRow(4)} [role=gridcell][aria-colindex="${k}"]`, { button: 'right' });
    // Find similar has the focus as the menu opens: its search may start while the user gets to it.
    assert.deepEqual(await page.evaluate(() => (window as any).__calls.at(-1)), ['prepareSimilar', table.rowId(4)]);
    await menu.locator('[data-testid=menu-find-similar]').click();
    assert.deepEqual(await page.evaluate(() => (window as any).__calls.at(-1)), ['findSimilar', table.rowId(4)]);

    // Keyboard: Shift+F10 on the selected row, arrows, Enter.
    await page.focus('[data-testid=rows-grid]');
    await page.keyboard.press('Shift+F10');
    await menu.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'menu-find-similar');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });
    assert.equal(await page.inputValue('[data-testid=filter]'), `label_name = '${LABELS[table.label(4)].replace(/'/g, "''")}'`);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'rows-grid', 'focus back on the grid');

    // Ctrl+C copies the active cell; when navigator.clipboard refuses, execCommand('copy') on a hidden textarea does it.
    await page.evaluate(() => {
      const w = window as any;
      w.__execCopied = [];
      navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));
      document.execCommand = (cmd: string) => {
        const ta = document.activeElement as HTMLTextAreaElement;
        w.__execCopied.push([cmd, ta.tagName, ta.value.slice(ta.selectionStart, ta.selectionEnd)]);
        return true;
      };
    });
    await page.waitForSelector(loadedRow(0));
    await page.focus('[data-testid=rows-grid]');
    await page.keyboard.press('Home');
    await page.keyboard.press('Control+c');
    await page.waitForFunction(() => (window as any).__execCopied.length === 1);
    const [cmd, tag, text] = await page.evaluate(() => (window as any).__execCopied[0]);
    const labelName = LABELS[table.label(table.indices(`label_name = '${LABELS[table.label(4)].replace(/'/g, "''")}'`, 0, 1)[0])];
    assert.deepEqual([cmd, tag, text], ['copy', 'TEXTAREA', labelName]);
    assert.equal(await page.locator('textarea').count(), 0, 'the textarea is gone again');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'rows-grid');
    assert.match((await page.textContent('[data-testid=rows-status]'))!, /^Copied label_name of row 0\.$/);
    assert.deepEqual(wv.consoleErrors(), []);
    await wv.close();
  });

  test('filter box: column-name completion, history of applied filters (kept in state)', async () => {
    const wv = await mount('filter-box', { state: { 'rows.filterHistory': ['id < 10', "label_name = 'goldfish'"] } });
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    const box = page.locator('[data-testid=filter]');
    await box.click();
    const list = page.locator('[data-testid=filter-suggestions]');
    await list.waitFor();
    assert.deepEqual(await list.locator('[role=option] .text').allTextContents(), ['id < 10', "label_name = 'goldfish'"]);
    await box.pressSequentially('qual');
    assert.deepEqual(await list.locator('[role=option] .text').allTextContents(), ['Quality score']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.equal(await box.inputValue(), '`Quality score` ');
    await box.pressSequentially('> 9.5 AND lab');
    assert.deepEqual(await list.locator('[role=option] .text').allTextContents(), ['label', 'label_name']);
    await wv.screenshot('08-completion');
    await page.keyboard.press('Tab');
    await box.pressSequentially('= 3');
    await page.keyboard.press('Enter');
    const f = '`Quality score` > 9.5 AND label = 3';
    await page.waitForFunction((t) => document.querySelector('[data-testid=row-count]')!.textContent.trim() === t, `${fmt(table.count(f))} of 50,000 rows`);
    const hist = await page.evaluate(() => (window as any).__ctxState['rows.filterHistory']);
    assert.deepEqual(hist, [f, 'id < 10', "label_name = 'goldfish'"]);
    assert.equal(await page.evaluate(() => (window as any).__ctxState['rows.filter']), f);

    // Picking a recent filter applies it.
    await box.fill('');
    await list.waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '10 of 50,000 rows');
    await wv.close();
  });

  test('wrap toggle: taller rows with wrapped text; the state is kept', async () => {
    const wv = await mount('wrap');
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    const h0 = await page.$eval(loadedRow(0), (r) => r.getBoundingClientRect().height);
    await page.click('[data-testid=wrap-toggle]');
    await page.waitForFunction((h) => document.querySelector('[data-testid=grid-row][data-index="0"]')!.getBoundingClientRect().height > h, h0);
    assert.equal(await page.getAttribute('[data-testid=wrap-toggle]', 'aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => (window as any).__ctxState['rows.wrap']), true);
    const ws = await page.$eval(`${loadedRow(0)} .cell-text`, (e) => getComputedStyle(e).whiteSpace);
    assert.equal(ws, 'pre-wrap');
    await wv.screenshot('09-wrap');
    assert.ok((await domRows(page)) < 40);
    await wv.close();
  });

  test('2,000,000 rows: the scrollbar is scaled under the browser limit, the end and the middle are reachable', async () => {
    const big = new FakeTable({ rows: 2_000_000, imagesPerLabel: 1 });
    const wv = await mount('two-million', { table: big });
    const { page } = wv;
    await page.waitForSelector(loadedRow(0));
    assert.equal(await rowCount(page), '2,000,000 rows');
    const { scrollHeight, clientHeight } = await page.$eval('[data-testid=rows-grid]', (g) => ({ scrollHeight: g.scrollHeight, clientHeight: g.clientHeight }));
    assert.ok(scrollHeight <= 10_000_100 && scrollHeight > 9_000_000, `spacer ${scrollHeight} px`);
    await scrollGridTo(page, (scrollHeight - clientHeight) / 2);
    // The rows of the new position render on the next frame; on a busy machine that took over 100 ms.
    let mid = await visibleRows(page);
    for (const end = Date.now() + 10_000; !(mid[0]?.index > 500_000) && Date.now() < end; mid = await visibleRows(page)) await sleep(50);
    assert.ok(mid.length && Math.abs(mid[0].index - 1_000_000) < 50, `middle shows ${mid[0]?.index}`);
    await page.waitForSelector(loadedRow(mid[1].index));
    await scrollGridTo(page, scrollHeight);
    await page.waitForSelector(loadedRow(1_999_999));
    const end = await visibleRows(page);
    assert.equal(end.at(-1)!.index, 1_999_999);
    const box = await page.$eval(loadedRow(1_999_999), (r) => {
      const g = r.closest('[data-testid=rows-grid]') as HTMLElement;
      const inner = g.getBoundingClientRect().top + g.clientTop + g.clientHeight;
      return { gap: inner - r.getBoundingClientRect().bottom };
    });
    assert.ok(Math.abs(box.gap) < 1.5, `the last row sits at the bottom (gap ${box.gap})`);
    await page.fill('[data-testid=goto]', '1234567');
    await page.press('[data-testid=goto]', 'Enter');
    await page.waitForSelector(`${loadedRow(1_234_567)}[aria-selected=true]`);
    assert.ok((await visibleRows(page)).some((r) => r.index === 1_234_567));
    // Keyboard steps are exact under scaling too.
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`${ROW}[data-index="1234568"][aria-selected=true]`);
    assert.ok((await domRows(page)) < 100);
    await wv.screenshot('10-two-million');
    await wv.close();
  });

  test('a recreated webview comes back with its filter, position and selection (ctx state)', async () => {
    const state = { 'rows.filter': 'label = 3', 'rows.position': { top: 200, selected: 205 }, 'rows.wrap': false };
    const wv = await mount('restore', { state });
    const { page } = wv;
    await page.waitForSelector(`${loadedRow(205)}[aria-selected=true]`);
    assert.equal(await page.inputValue('[data-testid=filter]'), 'label = 3');
    assert.equal(await rowCount(page), `${fmt(table.count('label = 3'))} of 50,000 rows`);
    const first = rowsRequests(wv)[0];
    assert.equal(first.filter, 'label = 3');
    assert.equal(first.offset, 200, 'the first page asked is the one on screen, not page 0');
    assert.equal((await visibleRows(page))[0].index, 200);
    const labels = Object.values(await columnTexts(page, 'label'));
    assert.ok(labels.every((l) => l === '3'));
    await page.waitForFunction((id) => (window as any).__reports.at(-1)?.selectedRowId === id, table.rowId(table.indices('label = 3', 205, 1)[0]));
    await wv.close();

    // A saved filter that no longer works (e.g. a newer version dropped the column): its error, and all rows.
    const again = await mount('restore-bad', { state: { 'rows.filter': 'gone_column = 1' } });
    await again.page
      .locator('[data-testid=filter-error]')
      .getByText(/No field named gone_column/)
      .waitFor();
    await again.page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '50,000 rows');
    await again.page.waitForSelector(loadedRow(0));
    assert.match((await again.page.textContent('[data-testid=filter-error]'))!, /No field named gone_column/, 'the reason stays on screen');
    await again.close();
  });

  test('rowsError from describe: the message, and no grid', async () => {
    const broken = new FakeTable({
      rows: 10,
      imagesPerLabel: 1,
      rowsError: { kind: 'unreadable-data', message: 'A data file of this version is missing.', detail: 'Not found: data/abc.lance' },
    });
    const wv = await mount('rows-error', { table: broken });
    const { page } = wv;
    await page.waitForSelector('[data-testid=rows-error]');
    assert.match((await page.textContent('[data-testid=rows-error]'))!, /A data file of this version is missing\.[\s\S]*Not found: data\/abc\.lance/);
    assert.equal(await page.locator('[data-testid=rows-grid]').count(), 0);
    assert.equal(wv.host.requests('rows').length, 0);
    await wv.screenshot('11-rows-error');
    await wv.close();
  });
});
