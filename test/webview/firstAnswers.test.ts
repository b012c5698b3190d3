// The whole dataset panel (src/webview/panel/main.ts) when its HTML carries the first answers, as
// panelHtml() writes them for a new panel (FIRST_ANSWERS_ID): the header, count and first rows show
// without a request, later pages are asked for, and the answers are read on the first load only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { DatasetSession } from '../../src/extension/host/session';
import { FIRST_ANSWERS_ID, survivesJson, type FirstAnswers } from '../../src/shared/protocol';
import type { RowsRequest } from '../../src/shared/types';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { launchBrowser, openWebview } from './harness';
import { sessionHandlers } from './realHost';

let dir = '';
let session: DatasetSession;
let browser: Browser;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-first-answers-'));
  // Photos large enough for the host to make thumbnails (a page with image bytes is not written into the HTML).
  const uri = await generateImagenetLike({ dir, rows: 60, seed: 5, minSide: 400, maxSide: 500, quality: 95, indices: false });
  session = await DatasetSession.open({ uri, name: 'imagenet_val' }, {}, { maxImageBytes: 4 << 20 });
  browser = await launchBrowser();
});

after(async () => {
  session?.close();
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a new panel whose HTML carries its first answers', () => {
  test('shows its header and first rows without asking for them, then asks for the rest; a reset asks again', async () => {
    // As DatasetPanel writes them: the answers computed ahead that are ready (here the count and page 0).
    session.warmFirstScreen(50, 64);
    await session.earlyFirstPageReady();
    const first: FirstAnswers = {
      describe: await session.describe(),
      settings: { pageSize: 50, thumbnailSize: 64, similarK: 10, similarNprobes: 20, similarRefineFactor: 0, queryTimeoutSeconds: 60 },
      answers: session.takeEarlyAnswers(),
    };
    assert.deepEqual(
      first.answers!.map((a) => a.method),
      ['count', 'rows'],
    );
    assert.ok(
      first.answers!.every((a) => survivesJson(a.result)),
      'thumbnails, no image bytes',
    );
    // The JSON block goes in before the bundle runs, where panelHtml() writes it (the harness's page has none).
    const block = JSON.stringify(first).replace(/</g, '\\u003c');
    const initScript = `new MutationObserver((_, o) => { if (document.body) { const s = document.createElement('script'); s.type = 'application/json'; s.id = ${JSON.stringify(FIRST_ANSWERS_ID)}; s.textContent = ${JSON.stringify(block)}; document.body.prepend(s); o.disconnect(); } }).observe(document, { childList: true, subtree: true });`;
    const wv = await openWebview({
      entry: { path: 'src/webview/panel/main.ts' },
      css: ['panel.css', 'grid.css', 'tabs.css', 'similar.css'],
      name: 'first-answers',
      browser,
      handlers: { ...sessionHandlers(session), viewState: async () => null, settings: async () => first.settings },
      initScript,
      viewport: { width: 1200, height: 800 },
    });
    try {
      const name = wv.page.locator('[data-testid=dataset-name]');
      await name.waitFor({ state: 'visible' });
      assert.equal((await name.innerText()).trim(), 'imagenet_val');
      await wv.page.waitForSelector('[data-testid=grid-row][data-index="0"][data-rowid]');
      assert.equal((await wv.page.locator('[data-testid=row-count]').innerText()).trim(), '60 rows');
      assert.equal(wv.host.requests('describe').length, 0, 'the description came with the HTML');
      assert.equal(wv.host.requests('settings').length, 0, 'so did the settings');
      assert.equal(wv.host.requests('count').length, 0, 'and the count');
      assert.ok(
        wv.host.requests('rows').every((r) => (r.params as RowsRequest).offset > 0),
        'and the first page: only later pages were asked for',
      );
      // The first page's thumbnails, from the HTML, decode.
      await wv.page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img[data-testid=thumb]')].filter((i) => i.complete && i.naturalWidth > 0).length >= 5);
      assert.equal(await wv.page.locator('[data-testid=thumb-broken]').count(), 0, 'no thumbnail broken');
      // Scrolled to the end, later pages are asked for as usual.
      const pageRows = (first.answers![1].params as RowsRequest).limit;
      await wv.page.locator('[data-testid=rows-grid]').evaluate((g) => (g.scrollTop = g.scrollHeight));
      await wv.page.waitForSelector('[data-testid=grid-row][data-index="59"][data-rowid]');
      assert.ok(wv.host.requests('rows').some((r) => (r.params as RowsRequest).offset >= pageRows));
      assert.equal(await wv.page.locator(`#${FIRST_ANSWERS_ID}`).count(), 0, 'read once, then gone');
      await wv.screenshot('header-from-html');
      // Anything after the first load asks again (the HTML's answers may be another version's by then).
      await wv.host.event('reset', {});
      await wv.host.waitForRequest('describe', 0);
      assert.deepEqual(wv.consoleErrors(), []);
    } finally {
      await wv.close();
    }
  });
});
