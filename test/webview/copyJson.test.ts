// "Copy row as JSON" has one format (src/shared/cellJson.ts): the grid's row menu, the preview's Copy
// JSON and the palette's Lance: Copy Row as JSON (its vscode-free body, rowJsonText.ts) write the same
// text for the same row, against the real engine: int64 beyond 2^53 exact and unquoted, NaN as "NaN",
// the binary described the same way, `_rowid` first in all three.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { wholeRowJson } from '../../src/extension/commands/rowJsonText';
import { DatasetSession } from '../../src/extension/host/session';
import { generateLabelled, idOf, labelOf } from '../fixtures/labelled';
import { launchBrowser, openWebview, type Webview } from './harness';
import { sessionHandlers } from './realHost';

const CLIP = `window.__clip = []; Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t) => { window.__clip.push(t); } } });`;
const clip = (wv: Webview) => wv.page.evaluate(() => (window as unknown as { __clip: string[] }).__clip);

describe('Copy row as JSON: the grid menu, the preview and the palette write the same text', () => {
  let dir: string;
  let session: DatasetSession;
  let browser: Browser;
  let grid: Webview;
  let preview: Webview;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-copyjson-'));
    const { mixed } = await generateLabelled(dir);
    session = await DatasetSession.open({ uri: mixed, name: 'mixed' }, {}, { maxImageBytes: 1024 * 1024 });
    browser = await launchBrowser();
    const handlers = sessionHandlers(session);
    grid = await openWebview({
      entry: { path: 'test/webview/rowsEntry.ts' },
      css: ['panel.css', 'grid.css'],
      name: 'copy-json-grid',
      viewport: { width: 1200, height: 700 },
      browser,
      handlers,
      initScript: CLIP,
    });
    await grid.page.waitForFunction(() => (window as unknown as { __mounted?: boolean }).__mounted === true);
    preview = await openWebview({
      entry: { path: 'src/webview/preview/main.ts' },
      css: ['panel.css', 'preview.css'],
      name: 'copy-json-preview',
      viewport: { width: 380, height: 900 },
      browser,
      handlers: { ...handlers, command: async () => null },
      initScript: CLIP,
    });
  });

  after(async () => {
    await grid?.close();
    await preview?.close();
    await browser?.close();
    session?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const r of [1, 2, 5]) {
    test(`row ${r}`, async () => {
      const rowId = (await session.dataset.rowIdAt(r))!;

      // Grid: right-click the row → Copy row as JSON.
      const before = (await clip(grid)).length;
      const rowSel = `[data-testid=grid-row][data-index="${r}"][data-rowid]`;
      await grid.page.waitForSelector(rowSel);
      await grid.page.click(`${rowSel} [role=gridcell] >> nth=0`, { button: 'right' });
      await grid.page.locator('[data-testid=menu-copy-json]').click();
      await grid.page.waitForFunction((n) => (window as unknown as { __clip: string[] }).__clip.length > n, before);
      const fromGrid = (await clip(grid))[before];

      // Preview: the host selects the row → Copy JSON.
      const pBefore = (await clip(preview)).length;
      await preview.host.event('select', { rowId, index: r, dataset: 'mixed', version: 1 });
      await preview.page.waitForFunction(
        (id) =>
          document.querySelector('[data-testid=preview-subtitle]')?.getAttribute('title')?.endsWith(id) &&
          !document.querySelector('[data-testid=preview]')?.hasAttribute('aria-busy'),
        rowId,
      );
      await preview.page.click('[data-testid=preview-copy]');
      await preview.page.waitForFunction((n) => (window as unknown as { __clip: string[] }).__clip.length > n, pBefore);
      const fromPreview = (await clip(preview))[pBefore];

      // Palette: what Lance: Copy Row as JSON writes.
      const fromPalette = await wholeRowJson(session.dataset, rowId);

      assert.equal(fromGrid, fromPalette, 'grid menu = palette');
      assert.equal(fromPreview, fromPalette, 'preview = palette');

      // The format itself (README "Copy as JSON").
      const lines = fromPalette.split('\n');
      assert.equal(lines[1], `  "_rowid": ${rowId},`, '_rowid first, bare digits');
      assert.equal(lines[2], `  "id": ${idOf(r)},`, 'int64 exact and unquoted, even beyond 2^53');
      const o = JSON.parse(fromPalette);
      assert.deepEqual(Object.keys(o), ['_rowid', 'id', 'Label', 'emb', 'score', 'image', 'tags', 'meta']);
      assert.equal(o.Label, labelOf(r));
      assert.equal(o.emb.length, 8, 'the whole vector');
      assert.equal(o.score, r === 1 ? 'NaN' : r / 4);
      assert.equal(o.image.binary, true);
      assert.equal(o.image.media, 'image/jpeg');
      assert.ok(o.image.size > 100);
      assert.match(o.image.head, /^ff d8 ff/);
      assert.deepEqual(o.tags, r % 5 === 0 ? [] : ['a', `t${r}`]);
      assert.deepEqual(o.meta, { n: r, s: r % 3 ? `m${r}` : null });
    });
  }
});
