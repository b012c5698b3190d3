// Values that survive the trip (issue 10, items 3, 6, 8) in the real webviews, in headless Chromium,
// against the REAL data layer (DatasetSession's handlers) over generated datasets, every answer passed
// through JSON first as VS Code's webview messages are (NaN and ±Infinity would be null, -0 would be 0):
// - the grid shows NaN, +∞, −∞, −0 in float columns and vectors holding them, without a page error, and
//   the filter icon on NaN builds `isnan(f64)`, which the real engine answers with that one row;
// - the preview shows the same values and vector facts, and a capped 100,001-character string and a
//   5,000-item list come whole through the `cell` request ("Show all", "Copy whole value", Copy JSON);
// - the column statistics show −∞ / +∞ extremes and a NaN count, bars NaN / +∞ / −∞ / −0, and a bar
//   click filters on the exact value (`isnan(f64)`, `f64 = '-0'::double`).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Field, Int32, List, Utf8 } from 'apache-arrow';
import type { Browser, Page } from 'playwright-core';
import { DatasetSession } from '../../src/extension/host/session';
import { column, tableOf } from '../fixtures/arrowUtil';
import { generateHostile, NONFINITE_ROWS, NONFINITE_VEC_DIM, NONFINITE_VEC_ROWS } from '../fixtures/hostile';
import { lancedb } from '../fixtures/lance';
import { launchBrowser, openWebview, repoRoot, type Webview } from './harness';
import { sessionHandlers } from './realHost';

const LONG = 'A'.repeat(100_000) + 'Z';
const ITEMS = 5000;

let dir: string;
let browser: Browser;
let nonFinite: DatasetSession;
let capped: DatasetSession;

/** The session's handlers as the fake host's, each answer through JSON (what VS Code's postMessage does). */
const jsonHandlers = (session: DatasetSession) => sessionHandlers(session, { json: true });

async function rowIds(session: DatasetSession, n: number): Promise<string[]> {
  return (await session.handlers.rows({ offset: 0, limit: n, columns: ['id'] }, new AbortController().signal, () => undefined)).rowIds;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-wv-values-'));
  const { nonFinite: nf } = await generateHostile({ dir, only: ['nonFinite'] });
  nonFinite = await DatasetSession.open({ uri: nf!, name: 'nonFinite' }, {}, { maxImageBytes: 1 << 20 });
  const db = await lancedb.connect(dir);
  const listType = new List(new Field('item', new Int32(), true));
  const t = tableOf(
    [new Field('id', new Int32(), false), new Field('text', new Utf8(), true), new Field('items', listType, true)],
    [column(new Int32(), [0, 1]), column(new Utf8(), [LONG, 'short']), column(listType, [Array.from({ length: ITEMS }, (_, i) => i), [1, 2]])],
  );
  (await db.createTable('capped', t)).close();
  db.close();
  capped = await DatasetSession.open({ uri: path.join(dir, 'capped.lance'), name: 'capped' }, {}, { maxImageBytes: 1 << 20 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  nonFinite?.close();
  capped?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('the grid', () => {
  let wv: Webview;
  let page: Page;
  const loadedRow = (i: number) => `[data-testid=grid-row][data-index="${i}"][data-rowid]`;
  async function cellText(i: number, col: string): Promise<string> {
    const k = await page.getAttribute(`.grid-header [data-column=${col}]`, 'aria-colindex');
    return page.$eval(`${loadedRow(i)} [role=gridcell][aria-colindex="${k}"]`, (c) => c.firstElementChild!.textContent);
  }

  before(async () => {
    wv = await openWebview({
      entry: { path: 'test/webview/rowsEntry.ts' },
      css: ['panel.css', 'grid.css'],
      name: 'values-grid',
      viewport: { width: 1200, height: 800 },
      browser,
      handlers: jsonHandlers(nonFinite),
    });
    page = wv.page;
    await page.waitForFunction(() => (window as any).__mounted === true);
    await page.waitForSelector(loadedRow(8));
  });
  after(async () => {
    await wv?.close();
  });

  test('NaN, +∞, −∞, −0 in float scalars; vectors holding NaN and ±∞ render with their norm; no page error', async () => {
    const want = ['NaN', '+∞', '−∞', '−0', '0', '1.5', 'null'];
    for (const col of ['f64', 'f32']) {
      const got = [];
      for (const r of Object.values(NONFINITE_ROWS)) got.push(await cellText(r, col));
      assert.deepEqual(got, want, col);
    }
    const allNaN = await cellText(NONFINITE_VEC_ROWS.allNaN, 'vec');
    assert.match(allNaN, new RegExp(`${NONFINITE_VEC_DIM}-d · ‖v‖ NaN · ${NONFINITE_VEC_DIM} non-finite`));
    assert.match(await cellText(NONFINITE_VEC_ROWS.posInf, 'vec'), /‖v‖ \+∞ · 1 non-finite/);
    assert.match(await cellText(NONFINITE_VEC_ROWS.negInf, 'vec'), /‖v‖ \+∞ · 1 non-finite/);
    assert.match(await cellText(0, 'vec'), /^\s*8-d · ‖v‖ 1\.000$/);
    const title = await page.$eval(`${loadedRow(NONFINITE_VEC_ROWS.negInf)} .cell-vec`, (e) => e.getAttribute('title'));
    assert.match(title!, /−∞/);
    assert.deepEqual(wv.consoleErrors(), []);
    await wv.screenshot('01-nonfinite-grid');
  });

  test('the filter icon on NaN builds isnan(f64): the real engine answers with that one row', async () => {
    const k = await page.getAttribute('.grid-header [data-column=f64]', 'aria-colindex');
    const cell = page.locator(`${loadedRow(NONFINITE_ROWS.nan)} [role=gridcell][aria-colindex="${k}"]`);
    await cell.hover();
    await cell.locator('[data-testid=cell-filter]').click();
    assert.equal(await page.inputValue('[data-testid=filter]'), 'isnan(f64)');
    await page.waitForFunction(() => / of \d+ rows$/.test(document.querySelector('[data-testid=row-count]')!.textContent.trim()));
    assert.match((await page.textContent('[data-testid=row-count]'))!, /^1 of \d+ rows$/);
    await page.waitForSelector(loadedRow(0));
    assert.equal(await cellText(0, 'f64'), 'NaN');
    assert.equal(await cellText(0, 'label'), 'nan');
    assert.deepEqual(wv.consoleErrors(), []);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the preview', () => {
  async function mount(session: DatasetSession, name: string): Promise<Webview> {
    return openWebview({
      entry: { path: 'src/webview/preview/main.ts' },
      css: ['panel.css', 'preview.css'],
      viewport: { width: 420, height: 900 },
      name,
      browser,
      initScript: `window.__clip = []; Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t) => { window.__clip.push(t); } } });`,
      handlers: { ...jsonHandlers(session), command: async () => null },
    });
  }
  const field = (wv: Webview, name: string) => wv.page.locator(`[data-testid=preview-field][data-name="${name}"]`);

  test('float scalars and vectors with NaN / ±∞ / −0 after JSON: shown as such, nothing throws', async () => {
    const wv = await mount(nonFinite, 'values-preview');
    try {
      const ids = await rowIds(nonFinite, 10);
      const shown: Record<string, string> = {};
      for (const [name, r] of Object.entries(NONFINITE_ROWS)) {
        await wv.host.event('select', { rowId: ids[r], index: r, dataset: 'nonFinite', version: 1 });
        await wv.page.waitForFunction((l) => document.querySelector('[data-testid=preview-field][data-name=label] .pv-value')?.textContent === l, name);
        shown[name] = `${await field(wv, 'f64').locator('.pv-value').textContent()} ${await field(wv, 'f32').locator('.pv-value').textContent()}`;
      }
      assert.deepEqual(shown, { nan: 'NaN NaN', posInf: '+∞ +∞', negInf: '−∞ −∞', negZero: '−0 −0', zero: '0 0', finite: '1.5 1.5', null: 'null null' });

      await wv.host.event('select', { rowId: ids[NONFINITE_VEC_ROWS.allNaN], index: 1, dataset: 'nonFinite', version: 1 });
      await wv.page.waitForFunction(() => document.querySelector('[data-testid=preview-field][data-name=label] .pv-value')?.textContent === 'posInf');
      const v = field(wv, 'vec');
      assert.match((await v.locator('.pv-vector-facts').textContent())!, /^8-d · ‖v‖ NaN$/);
      assert.match((await v.locator('[data-testid=preview-vector-nonfinite]').textContent())!, /8 NaN/);
      await v.locator('summary').click();
      await v.locator('.pv-values').waitFor();
      assert.deepEqual(await v.locator('.pv-values span').allTextContents(), new Array(NONFINITE_VEC_DIM).fill('NaN'));
      await wv.screenshot('02-preview-nan-vector');

      await wv.host.event('select', { rowId: ids[NONFINITE_VEC_ROWS.negInf], index: 3, dataset: 'nonFinite', version: 1 });
      await wv.page.waitForFunction(() => document.querySelector('[data-testid=preview-field][data-name=label] .pv-value')?.textContent === 'negZero');
      assert.match((await v.locator('.pv-vector-facts').textContent())!, /‖v‖ \+∞ · min -?[\d.]+ · max [\d.]+ · mean/);
      assert.match((await v.locator('[data-testid=preview-vector-nonfinite]').textContent())!, /1 × −∞/);
      await v.locator('summary').click();
      await v.locator('.pv-values').waitFor();
      assert.ok((await v.locator('.pv-values span').allTextContents()).includes('−∞'));

      // Copy JSON: NaN and ±∞ as "NaN" / "Infinity" / "-Infinity" (what export writes), never null.
      await wv.page.click('[data-testid=preview-copy]');
      await wv.page.waitForFunction(() => (window as any).__clip.length === 1);
      const copied = JSON.parse(await wv.page.evaluate(() => (window as any).__clip[0]));
      assert.equal(copied.f64, 0, '-0 as 0 (JSON.stringify cannot write -0)');
      assert.ok(copied.vec.includes('-Infinity'), JSON.stringify(copied.vec));
      assert.deepEqual(wv.consoleErrors(), []);
    } finally {
      await wv.close();
    }
  });

  test('a capped string and list: the note, then "Show all", "Copy whole value" and Copy JSON through the cell request', async () => {
    const wv = await mount(capped, 'values-preview-capped');
    try {
      const ids = await rowIds(capped, 2);
      await wv.host.event('select', { rowId: ids[0], index: 0, dataset: 'capped', version: 1 });
      const text = field(wv, 'text');
      await text.locator('[data-testid=preview-capped]').waitFor();
      assert.match((await text.locator('.pv-capped-note').textContent())!, /^The first 65,536 of 100,001 characters were sent\.$/);
      await wv.screenshot('03-preview-capped');

      await text.locator('[data-testid=preview-copy-whole]').click();
      await wv.page.waitForFunction(() => (window as any).__clip.length === 1);
      const clip = await wv.page.evaluate(() => (window as any).__clip[0] as string);
      assert.equal(clip, LONG);
      assert.deepEqual(
        wv.host.requests('cell').map((r) => r.params),
        [{ rowId: ids[0], column: 'text' }],
      );

      await text.locator('[data-testid=preview-show-whole]').click();
      await text.locator('[data-testid=preview-capped]').waitFor({ state: 'detached' });
      await text.locator('summary').click(); // "Show all 100,001 characters"
      await wv.page.waitForFunction(() => [...document.querySelectorAll('[data-name=text] .pv-text')].some((e) => e.textContent.length === 100_001));

      // The list came with its first 1,000 items; the whole of both arrives for Copy JSON.
      assert.match((await field(wv, 'items').locator('.pv-value').textContent())!, /4,800 more not shown/);
      await wv.page.click('[data-testid=preview-copy]');
      await wv.page.waitForFunction(() => (window as any).__clip.length === 2);
      const row = JSON.parse(await wv.page.evaluate(() => (window as any).__clip[1] as string));
      assert.equal(row.text, LONG);
      assert.equal(row.items.length, ITEMS);
      assert.equal(row.items[ITEMS - 1], ITEMS - 1);
      assert.deepEqual(wv.consoleErrors(), []);
    } finally {
      await wv.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('column statistics', () => {
  const ENTRY = `
import { rpc } from '../../src/webview/host';
import { registerToolkit } from '../../src/webview/ui/toolkit';
import { indicesView } from '../../src/webview/panel/indicesView';
registerToolkit();
const w = window as any;
w.__calls = [];
const ctx = {
  rpc, description: w.__description,
  showTab() {}, findSimilar() {}, reportView() {},
  setFilter(filter: string) { w.__calls.push(filter); },
  getState() { return undefined; }, setState() {},
};
document.getElementById('app')!.append(indicesView(ctx as any).element);
`;

  test('−∞ / +∞ extremes and a NaN count; bars NaN, +∞, −∞, −0 filter on the exact value', async () => {
    const description = JSON.parse(JSON.stringify(await nonFinite.describe()));
    const wv = await openWebview({
      entry: { contents: ENTRY, resolveDir: path.join(repoRoot, 'test/webview') },
      css: ['panel.css', 'tabs.css'].filter((c) => fs.existsSync(path.join(repoRoot, 'media', c))),
      name: 'values-stats',
      viewport: { width: 1000, height: 1200 },
      browser,
      globals: { __description: description },
      handlers: jsonHandlers(nonFinite),
    });
    try {
      const p = wv.page;
      await p.waitForSelector('[data-testid=stats-column]');
      await p.selectOption('[data-testid=stats-column]', 'f64');
      // Rows 0–9: every special value once, so all of them are among the 20 bars.
      await p.fill('[data-testid=stats-filter]', 'id < 10');
      await p.click('[data-testid=stats-run]');
      await p.waitForSelector('[data-testid=stats-bar]');
      const fig = (id: string) => p.$eval(`[data-testid=${id}] .fig-v`, (e) => e.textContent);
      assert.equal(await fig('stats-min'), '−∞');
      assert.equal(await fig('stats-max'), '+∞');
      assert.match(await fig('stats-nans'), /^1 \(/);
      const labels = await p.$$eval('[data-testid=stats-bar] .bar-label', (els) => els.map((e) => e.textContent));
      for (const l of ['NaN', '+∞', '−∞', '−0', '0', '1.5']) assert.ok(labels.includes(l), `a bar ${l} in ${labels.join(' | ')}`);
      await wv.screenshot('04-stats-nonfinite');
      await p.click('[data-testid=stats-bar][data-exact=NaN]');
      await p.click('[data-testid=stats-bar][data-exact="-0"]');
      await p.click('[data-testid=stats-bar][data-exact="-Infinity"]');
      const calls = await p.evaluate(() => (window as any).__calls as string[]);
      assert.deepEqual(calls, ['(id < 10) AND isnan(f64)', "(id < 10) AND f64 = '-0'::double", "(id < 10) AND f64 = '-Infinity'::double"]);
      // Each selects exactly its row through the real engine.
      for (const [f, label] of [
        [calls[0], 'nan'],
        [calls[1], 'negZero'],
        [calls[2], 'negInf'],
      ]) {
        const page = await nonFinite.handlers.rows({ filter: f, offset: 0, limit: 10, columns: ['label'] }, new AbortController().signal, () => undefined);
        assert.deepEqual(page.rows, [[label]], f);
      }
      assert.deepEqual(wv.consoleErrors(), []);
    } finally {
      await wv.close();
    }
  });
});
