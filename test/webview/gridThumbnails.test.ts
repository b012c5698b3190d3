// Host-made thumbnails in the Rows grid (real data layer, headless Chromium): a dataset of large JPEGs
// (400–500 px, ~30–80 KB each) is asked for with thumbnailPx, its cells arrive as small BMPs and show
// as such (64 px, no decoding of the JPEG in the webview); small JPEGs still arrive as their bytes.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RowsRequest } from '../../src/shared/types';
import { openWebview } from './harness';
import { openRealRows, sessionHandlers, type RealRows } from './realHost';

let r: RealRows;

describe('Rows grid thumbnails made by the host', () => {
  before(async () => {
    r = await openRealRows('thumbnails', { rows: 40, seed: 5, minSide: 420, maxSide: 500, quality: 95, indices: false });
  });
  after(async () => {
    await r?.close();
  });

  test('JPEGs arrive as BMP thumbnails about the cell size and render', async () => {
    const { page, wv } = r;
    const req = (await wv.host.waitForRequest('rows', 0)).params as RowsRequest;
    assert.equal(req.thumbnailPx, 64, 'the cell size at device pixel ratio 1');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid=thumb]')].filter((i) => i.complete && i.naturalWidth > 0).length >= 10);
    const thumbs = await page.$$eval('[data-testid=thumb]', (imgs) =>
      imgs.slice(0, 10).map((i) => {
        const img = i as HTMLImageElement;
        const b = img.getBoundingClientRect();
        return { w: img.naturalWidth, h: img.naturalHeight, shownW: b.width, shownH: b.height, title: img.title };
      }),
    );
    for (const t of thumbs) {
      // 420–500 px at 1/8: 53–63 px on the longer side, shown at that size (never above 64).
      assert.ok(Math.max(t.w, t.h) >= 52 && Math.max(t.w, t.h) <= 64, `a 1/8-scale thumbnail: ${t.w}×${t.h}`);
      assert.ok(Math.max(t.shownW, t.shownH) <= 64.5, `shown within the 64-px cell: ${t.shownW}×${t.shownH}`);
      assert.match(t.title, /^JPEG · \d+(\.\d)? KB$/, 'the label names the JPEG and its size, not the thumbnail');
    }
    const page0 = await r.session.handlers.rows({ ...req }, new AbortController().signal, () => undefined);
    const image = page0.columns.indexOf('image');
    const cells = page0.rows.map((row) => row[image]);
    assert.ok(
      cells.every((c) => c && typeof c === 'object' && c.t === 'bin' && c.thumb && !c.bytes),
      'every cell of the page is a thumbnail',
    );
    await wv.screenshot('01-host-thumbnails');
  });

  test('at device pixel ratio 2 the host is asked for 128 px and sends 1/4-scale thumbnails, shown at 64 CSS px', async () => {
    const wv = await openWebview({
      entry: { path: 'test/webview/rowsEntry.ts' },
      css: ['panel.css', 'grid.css'],
      name: 'thumbnails-dpr2',
      viewport: { width: 1200, height: 900 },
      deviceScaleFactor: 2,
      browser: r.browser,
      handlers: sessionHandlers(r.session),
    });
    try {
      const req = (await wv.host.waitForRequest('rows', 0)).params as RowsRequest;
      assert.equal(req.thumbnailPx, 128);
      await wv.page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid=thumb]')].filter((i) => i.complete && i.naturalWidth > 0).length >= 10);
      const thumbs = await wv.page.$$eval('[data-testid=thumb]', (imgs) =>
        imgs.slice(0, 10).map((i) => {
          const img = i as HTMLImageElement;
          const b = img.getBoundingClientRect();
          return { w: img.naturalWidth, h: img.naturalHeight, shown: Math.max(b.width, b.height), src: img.src.slice(0, 23) };
        }),
      );
      for (const t of thumbs) {
        // 420–500 px at 1/4: 105–125 px on the longer side, drawn into 64 CSS px (128 device px).
        assert.ok(Math.max(t.w, t.h) >= 103 && Math.max(t.w, t.h) <= 128, `a 1/4-scale thumbnail: ${t.w}×${t.h}`);
        assert.ok(t.shown <= 64.5, `shown within the 64-px cell: ${t.shown}`);
        assert.equal(t.src, 'data:image/jpeg;base64,');
      }
      await wv.screenshot('01-host-thumbnails-dpr2');
    } finally {
      await wv.close();
    }
  });
});
