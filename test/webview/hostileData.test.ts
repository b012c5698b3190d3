// Hostile binaries and deep nesting in the real webviews (headless Chromium) against the REAL data
// layer over the hostile fixture (issue 10): a valid JPEG decodes; a truncated JPEG, a PNG signature
// followed by garbage, a JPEG-magic polyglot carrying <script> and a GIF header alone say "cannot be
// decoded" instead of a broken-image icon; an SVG carrying <script> is a binary, never an image; no
// element made from data runs or loads anything. A 20-level struct renders in the preview down to its
// leaves, and a struct that is null halfway down shows as null there.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DatasetSession } from '../../src/extension/host/session';
import { DEEP_INNER_NULL_ROW, DEEP_LEVELS, generateHostile, IMAGE_ROW_COUNT, IMAGE_ROWS } from '../fixtures/hostile';
import { launchBrowser, openWebview, type Webview } from './harness';
import { sessionHandlers } from './realHost';

let dir: string;
let browser: Browser;
let images: DatasetSession;
let deep: DatasetSession;

const handlersOf = (session: DatasetSession) => sessionHandlers(session);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-wv-hostile-'));
  const made = await generateHostile({ dir, only: ['images', 'deep'] });
  images = await DatasetSession.open({ uri: made.images!, name: 'images' }, {}, { maxImageBytes: 1 << 20 });
  deep = await DatasetSession.open({ uri: made.deep!, name: 'deep' }, {}, { maxImageBytes: 1 << 20 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  images?.close();
  deep?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('hostile binaries in the grid', () => {
  let wv: Webview;
  let page: Page;
  const row = (i: number) => `[data-testid=grid-row][data-index="${i}"][data-rowid]`;

  before(async () => {
    wv = await openWebview({
      entry: { path: 'test/webview/rowsEntry.ts' },
      css: ['panel.css', 'grid.css'],
      name: 'hostile-images',
      viewport: { width: 1000, height: 700 },
      browser,
      handlers: handlersOf(images),
    });
    page = wv.page;
    await page.waitForSelector(row(IMAGE_ROW_COUNT - 1));
  });
  after(async () => {
    await wv?.close();
  });

  test('a valid JPEG decodes; undecodable image bytes say so; an SVG with a script is a binary', async () => {
    await page.waitForFunction(
      (rows) => rows.every((i) => document.querySelector(`[data-testid=grid-row][data-index="${i}"] [data-testid=thumb-broken]`)),
      [IMAGE_ROWS.truncatedJpeg, IMAGE_ROWS.pngGarbage, IMAGE_ROWS.polyglot, IMAGE_ROWS.gifHeaderOnly],
      { timeout: 15_000 },
    );
    await page.waitForFunction((i) => {
      const img = document.querySelector<HTMLImageElement>(`[data-testid=grid-row][data-index="${i}"] img[data-testid=thumb]`);
      return !!img && img.complete && img.naturalWidth > 0;
    }, IMAGE_ROWS.validJpeg);
    await wv.screenshot('01-hostile-images');
    const text = async (i: number) => (await page.textContent(`${row(i)} [role=gridcell][aria-colindex="3"]`))?.trim() ?? '';
    assert.match(await text(IMAGE_ROWS.truncatedJpeg), /^⚠ JPEG · .* · cannot be decoded$/);
    assert.match(await text(IMAGE_ROWS.polyglot), /cannot be decoded/);
    assert.match(await text(IMAGE_ROWS.svgScript), /^binary · /, 'SVG is not sniffed as an image (it could carry script)');
    assert.match(await text(IMAGE_ROWS.empty), /^binary · 0 B/);
    assert.match(await text(IMAGE_ROWS.null), /null/);
    const dom = await page.evaluate(() => ({
      scripts: document.querySelectorAll('[data-testid=rows-grid] script').length,
      imgs: [...document.querySelectorAll('[data-testid=rows-grid] img')].map((i) => i.getAttribute('data-testid')),
      iframes: document.querySelectorAll('[data-testid=rows-grid] iframe, [data-testid=rows-grid] object, [data-testid=rows-grid] svg script').length,
    }));
    assert.equal(dom.scripts, 0, 'no <script> from data');
    assert.equal(dom.iframes, 0, 'no embedded documents from data');
    assert.deepEqual(dom.imgs, ['thumb'], 'only the valid JPEG is an <img>');
  });
});

describe('a 20-level struct in the preview', () => {
  let wv: Webview;
  before(async () => {
    wv = await openWebview({
      entry: { path: 'src/webview/preview/main.ts' },
      css: ['panel.css', 'preview.css'],
      name: 'hostile-deep',
      viewport: { width: 420, height: 900 },
      browser,
      handlers: { ...handlersOf(deep), command: async () => null },
    });
  });
  after(async () => {
    await wv?.close();
  });

  async function show(index: number): Promise<string> {
    const ids = await deep.handlers.rows({ offset: index, limit: 1, columns: ['id'] }, new AbortController().signal, () => undefined);
    await wv.host.event('select', { rowId: ids.rowIds[0], index, dataset: 'deep' });
    await wv.page.waitForFunction((id) => document.querySelector('[data-testid=preview-field][data-name=id]')?.textContent?.includes(String(id)), index, { timeout: 15_000 });
    return (await wv.page.textContent('[data-testid=preview-field][data-name=s]')) ?? '';
  }

  test('the leaves 20 levels down show; a null halfway down shows as null', async () => {
    const full = await show(0);
    await wv.screenshot('01-deep-struct');
    assert.match(full, new RegExp(`Int32${DEEP_LEVELS}t`), 'the leaf n = 0 * 100 + 20, after its type');
    assert.ok(full.length < 2000, `nested types are shortened (${full.length} characters)`);
    assert.match(full, /deep 0/, 'the leaf t');
    const inner = await show(DEEP_INNER_NULL_ROW);
    assert.match(inner, /null/);
    assert.doesNotMatch(inner, new RegExp(`deep ${DEEP_INNER_NULL_ROW}`), 'nothing below the null');
    assert.deepEqual(
      wv.consoleErrors().filter((e) => !/Failed to load resource/.test(e)),
      [],
    );
  });
});
