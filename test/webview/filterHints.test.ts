// The Rows view's filter box over the REAL data layer (a small Lance table with a mixed-case column
// `Label`): a double-quoted column name silently selects no row in Lance's SQL, so the view says under
// the box that identifiers take backticks, whether the engine then answers 0 rows or fails; and a long
// engine error is shown whole (its reason included), wrapped and scrollable, never cut.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DatasetSession } from '../../src/extension/host/session';
import { lancedb } from '../fixtures/lance';
import { launchBrowser, openWebview, type Webview } from './harness';
import { sessionHandlers } from './realHost';

let dir: string;
let session: DatasetSession;
let browser: Browser;
let wv: Webview;
let page: Page;

const countText = (p: Page) => p.$eval('[data-testid=row-count]', (e) => e.textContent.trim());
const hintText = (p: Page) => p.$eval('[data-testid=filter-hint]', (e) => ((e as HTMLElement).hidden ? '' : e.textContent.trim()));

async function applyFilter(p: Page, filter: string): Promise<void> {
  await p.fill('[data-testid=filter]', filter);
  await p.press('[data-testid=filter]', 'Enter');
}

describe('Filter hints and whole errors (real data layer)', () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-hints-'));
    const db = await lancedb.connect(dir);
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: i, Label: i % 3 === 0 ? 'cat' : 'dog', label_name: `name ${i}` }));
    (await db.createTable('t', rows)).close();
    db.close();
    session = await DatasetSession.open({ uri: path.join(dir, 't.lance'), name: 't' }, {}, { maxImageBytes: 1024 * 1024 });
    browser = await launchBrowser();
    const handlers = sessionHandlers(session);
    wv = await openWebview({
      entry: { path: 'test/webview/rowsEntry.ts' },
      css: ['panel.css', 'grid.css'],
      name: 'filter-hints',
      viewport: { width: 900, height: 700 },
      browser,
      handlers,
    });
    page = wv.page;
    await page.waitForFunction(() => (window as any).__mounted === true);
    await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '30 rows');
  });

  after(async () => {
    await wv?.close();
    await browser?.close();
    session?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('"Label" = \'cat\' selects 0 rows in the engine; the hint under the box says to write `Label`', async () => {
    assert.equal(await hintText(page), '', 'no hint for an empty box');
    await applyFilter(page, `"Label" = 'cat'`);
    await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '0 of 30 rows');
    assert.equal(await page.textContent('[data-testid=filter-error]'), '', 'the engine does not complain');
    const hint = await hintText(page);
    assert.match(hint, /"Label" in double quotes is the text 'Label', not the column Label: write `Label` for the column\./);
    assert.equal(await page.getAttribute('[data-testid=filter-hint]', 'role'), 'status');
    await wv.screenshot('01-double-quoted-hint');

    // Following the hint gives the rows.
    await applyFilter(page, "`Label` = 'cat'");
    await page.waitForFunction(() => document.querySelector('[data-testid=row-count]')!.textContent.trim() === '10 of 30 rows');
    assert.equal(await hintText(page), '', 'the hint goes with the double quotes');
    assert.equal(await countText(page), '10 of 30 rows');
  });

  test('"Label" = 1 fails: the error leads with the reason and carries the same hint; the box hint shows too', async () => {
    await applyFilter(page, `"Label" = 1`);
    const err = page.locator('[data-testid=filter-error]');
    await page.waitForFunction(() => document.querySelector('[data-testid=filter-error]')!.textContent.trim() !== '');
    const text = (await err.textContent())!;
    assert.match(
      text,
      /^Filter error: Cannot cast string 'Label' to value of Int64 type\. Note: "Label" in double quotes is text, not a column; column names take backticks: `Label`\./,
    );
    assert.doesNotMatch(text, /SELECT 1 FROM|\.rs:\d+|GenericFailure/);
    assert.match(await hintText(page), /write `Label` for the column/);
    assert.equal(await countText(page), '10 of 30 rows', 'the previous result stays');
    await wv.screenshot('02-double-quoted-error');
  });

  test('a long filter error is shown whole: wrapped, scrollable, the reason at its end visible', async () => {
    const long = 'x'.repeat(3000);
    await applyFilter(page, `label_name = '${long}' AND id >`);
    await page.waitForFunction(() => /SQL syntax/.test(document.querySelector('[data-testid=filter-error]')!.textContent));
    const text = (await page.textContent('[data-testid=filter-error]'))!;
    assert.match(text, /^Filter error: SQL syntax: Expected: an expression, found: EOF\./, 'the reason first');
    assert.match(text, /\(3,000 characters\)/, 'the long value loses its middle, said so');
    assert.match(text, /found: EOF\)$/, "the engine's detail keeps its end");
    const box = await page.$eval('[data-testid=filter-error]', (e) => {
      const s = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      return { overflowY: s.overflowY, wrap: s.overflowWrap, width: r.width, scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, windowWidth: window.innerWidth };
    });
    assert.equal(box.overflowY, 'auto');
    assert.equal(box.wrap, 'anywhere');
    assert.ok(box.scrollWidth <= box.clientWidth + 1, `no horizontal overflow: ${JSON.stringify(box)}`);
    assert.ok(box.width <= box.windowWidth, 'inside the window');
    await wv.screenshot('03-long-error-whole');
    assert.deepEqual(wv.consoleErrors(), []);
  });
});
