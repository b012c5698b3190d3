// The side-panel preview in headless Chromium against a fake host: the empty state, a row in full
// (image at natural size with its pixel and byte size, every field with its type, vectors summarised
// with all values on request, nulls apart from empty strings, structs and lists), Previous / Next /
// Find similar as host commands (buttons and ←/→), Copy as JSON, supersession and inline errors.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Cell, DatasetDescription, FullRow, SchemaField } from '../../src/shared/types';
import { encodeJpeg } from '../../src/extension/lance/jpegEncode';
import { openWebview, type Webview } from './harness';

const f = (name: string, type: string, kind: SchemaField['kind']): SchemaField => ({ name, type, kind, nullable: true, metadata: {}, children: [] });
const SCHEMA: SchemaField[] = [
  f('id', 'Int64', 'int'),
  f('image', 'LargeBinary', 'binary'),
  f('label', 'Int32', 'int'),
  f('label_name', 'Utf8', 'string'),
  { ...f('image_emb', 'FixedSizeList[512]<Float32>', 'vector'), dimension: 512 },
  f('caption', 'Utf8', 'string'),
  f('note', 'Utf8', 'string'),
  f('missing', 'Utf8', 'string'),
  f('tags', 'List<Utf8>', 'list'),
  { ...f('bbox', 'Struct<x: Float32, y: Float32, w: Float32, h: Float32>', 'struct'), children: ['x', 'y', 'w', 'h'].map((n) => f(n, 'Float32', 'float')) },
  // 'objects', 'taken_at', 'raw', 'original' are not in the schema the fake describes: their types come from the cells.
];
const DESCRIPTION: DatasetDescription = {
  location: { uri: '/data/imagenet_val.lance', name: 'imagenet_val' },
  version: 5,
  latestVersion: 5,
  pinned: false,
  schema: SCHEMA,
  schemaMetadata: {},
  indices: [],
  indexMetadataMissing: false,
  stats: { rows: 2000, fragments: 2 },
};

const CAPTION =
  'A carved pumpkin with a candle inside, glowing on a porch step at night.\nSecond line: the grin has three teeth; ' +
  'the stem is bent to the left. '.repeat(6) +
  'A very_long_token_without_spaces_'.repeat(4);

function embedding(seed: number): number[] {
  const v = Array.from({ length: 512 }, (_, i) => Math.sin(i * 0.07 + seed) + 0.3 * Math.cos(i * 0.31 * seed));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function fullRow(rowId: string): FullRow {
  const id = Number(rowId);
  const jpeg = jpegOf(id, 320, 240);
  const vec = embedding(id);
  const row: [string, Cell][] = [
    ['id', { t: 'i64', v: rowId }],
    ['image', { t: 'bin', size: jpeg.byteLength, media: 'image/jpeg', head: 'ffd8ffe000104a464946', bytes: jpeg }],
    ['label', 7],
    ['label_name', "jack-o'-lantern"],
    ['image_emb', { t: 'vec', dim: 512, norm: 1, head: vec.slice(0, 16), values: vec }],
    ['caption', CAPTION],
    ['note', ''],
    ['missing', null],
    ['tags', { t: 'list', length: 3, items: ['halloween', 'night', ''] }],
    ['bbox', { t: 'struct', fields: { x: 12.5, y: 8, w: 200.25, h: null } }],
    [
      'objects',
      {
        t: 'list',
        length: 2,
        items: [
          { t: 'struct', fields: { name: 'pumpkin', score: 0.98 } },
          { t: 'struct', fields: { name: 'candle', score: 0.61 } },
        ],
      },
    ],
    ['taken_at', { t: 'time', v: '2024-10-31T21:15:00.000Z', type: 'Timestamp<MILLISECOND, UTC>' }],
    ['raw', { t: 'bin', size: 2048, head: '00010203040506070809' }],
    ['original', { t: 'bin', size: 9_437_184, media: 'image/png', head: '89504e470d0a1a0a' }],
  ];
  return { rowId, columns: row.map(([c]) => c), row: row.map(([, v]) => v) };
}

async function mount(initScript = ''): Promise<Webview> {
  const wv = await openWebview({
    entry: { path: 'src/webview/preview/main.ts' },
    css: ['panel.css', 'preview.css'],
    viewport: { width: 360, height: 900 },
    name: 'preview',
    initScript:
      // The clipboard of a headless page is not readable here: record what the preview writes.
      `window.__clip = []; Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t) => { window.__clip.push(t); } } });` + initScript,
    handlers: {
      describe: async () => DESCRIPTION,
      row: async (p) => fullRow((p as { rowId: string }).rowId),
      command: async () => null,
    },
  });
  return wv;
}

const SELECT = { rowId: '42', index: 41, dataset: 'imagenet_val', version: 5 };

describe('Preview', () => {
  let wv: Webview;
  before(async () => {
    wv = await mount();
  });
  after(async () => {
    await wv?.close();
  });

  test('at start: says what to do, announces ready', async () => {
    await wv.page.waitForSelector('[data-testid=preview-empty]');
    assert.equal(await wv.page.textContent('[data-testid=preview-empty]'), 'Select a row in a Lance dataset panel to preview it here.');
    assert.equal(await wv.page.isVisible('[data-testid=preview-prev]'), false, 'no row, no buttons');
    assert.ok(wv.host.ready);
    await wv.screenshot('01-empty');
  });

  test('a selected row in full: header, image at natural size with pixel and byte size, every field with its type', async () => {
    await wv.host.event('select', SELECT);
    const req = await wv.host.waitForRequest('row');
    assert.deepEqual(req.params, { rowId: '42' });
    assert.equal(req.channel, 'row');
    await wv.page.waitForSelector('[data-testid=preview-field][data-name=original]');
    assert.equal(await wv.page.isVisible('[data-testid=preview-empty]'), false);
    assert.equal(await wv.page.textContent('[data-testid=preview-title]'), 'imagenet_val');
    assert.equal(await wv.page.textContent('[data-testid=preview-subtitle]'), 'row 41 · version 5');

    const names = await wv.page.$$eval('[data-testid=preview-field]', (els) => els.map((e) => e.getAttribute('data-name')));
    assert.deepEqual(names, fullRow('42').columns, 'every field, in column order');

    // The image: decoded from the bytes sent, shown at its natural size (320 px wide fits in the view? it is scaled to fit).
    await wv.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid=preview-image]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    const img = await wv.page.$eval('[data-testid=preview-image]', (i) => {
      const im = i as HTMLImageElement;
      return { w: im.naturalWidth, h: im.naturalHeight, shownW: im.getBoundingClientRect().width, src: im.src.slice(0, 5), maxWidth: getComputedStyle(im).maxWidth };
    });
    assert.deepEqual([img.w, img.h, img.src, img.maxWidth], [320, 240, 'blob:', '100%']);
    assert.ok(img.shownW <= 360 && img.shownW > 200, `scaled to the view's width (${img.shownW}px)`);
    const caption = await wv.page.textContent('[data-testid=preview-image-caption]');
    assert.match(caption!, /^320 × 240 px · JPEG · \d+(\.\d)? KB$/);
    assert.equal(await wv.page.locator('[data-testid=preview-image]').count(), 1, 'the too-big PNG is not an <img>');

    const field = (name: string) => wv.page.locator(`[data-testid=preview-field][data-name="${name}"]`);
    const type = async (name: string) => field(name).locator('.pv-field-head .pv-type').textContent();
    assert.equal(await type('id'), 'Int64', 'types from the schema');
    assert.equal(await type('image_emb'), 'FixedSizeList[512]<Float32>');
    assert.equal(await type('taken_at'), 'Timestamp<MILLISECOND, UTC>', 'else from the cell');
    assert.equal(await type('objects'), 'list[2]');

    assert.equal(await field('id').locator('.pv-value').textContent(), '42');
    assert.equal(await field('label_name').locator('.pv-value').textContent(), "jack-o'-lantern");
    // Null and empty string look different.
    assert.equal(await field('missing').locator('.pv-value').textContent(), 'null');
    assert.equal(await field('note').locator('.pv-value').textContent(), '"" (empty string)');
    assert.notEqual(await field('missing').locator('.pv-value > *').getAttribute('class'), await field('note').locator('.pv-value > *').getAttribute('class'));
    // Long text wraps (no horizontal overflow), whole.
    const caption2 = await field('caption')
      .locator('.pv-text')
      .evaluate((e) => ({ text: e.textContent, ws: getComputedStyle(e).whiteSpace, overflow: e.scrollWidth > e.clientWidth + 1 }));
    assert.equal(caption2.text, CAPTION);
    assert.equal(caption2.ws, 'pre-wrap');
    assert.equal(caption2.overflow, false);
    // Lists and structs readable.
    assert.equal(await field('tags').locator('.pv-value').textContent(), '["halloween", "night", ""]');
    assert.match((await field('bbox').locator('.pv-value').textContent())!, /x.*12\.5.*y.*8.*w.*200\.25.*h.*null/);
    assert.match((await field('objects').locator('.pv-value').textContent())!, /name.*pumpkin.*score.*0\.98.*name.*candle/);
    assert.deepEqual(await field('bbox').locator('dt').allTextContents(), ['xFloat32', 'yFloat32', 'wFloat32', 'hFloat32'], 'nested types from the schema');
    assert.deepEqual(await field('objects').locator('dt').allTextContents(), ['name', 'score', 'name', 'score'], 'no schema: no guessed nested types');
    assert.match((await field('raw').locator('.pv-value').textContent())!, /^binary · 2\.0 KB/);
    assert.match((await field('original').locator('.pv-value').textContent())!, /PNG image · 9\.0 MB.*maxInlineImageKB/);
    assert.equal(await field('taken_at').locator('.pv-value').textContent(), '2024-10-31T21:15:00.000Z');
    await wv.screenshot('02-row');
  });

  test('a vector: dimension, norm, sparkline, every value on request', async () => {
    const v = wv.page.locator('[data-testid=preview-field][data-name=image_emb]');
    assert.match((await v.locator('.pv-vector-facts').textContent())!, /^512-d · ‖v‖ 1\.0000 · min -?0\.\d+ · max 0\.\d+ · mean -?[\d.e-]+normalized$/);
    assert.equal(await v.locator('svg.pv-spark polyline').count(), 1);
    await v.locator('summary').click();
    await v.locator('.pv-values').waitFor();
    assert.equal(await v.locator('.pv-values span').count(), 512);
    const first = Number(await v.locator('.pv-values span').first().textContent());
    assert.ok(Math.abs(first - embedding(42)[0]) < 1e-5);
    await v.scrollIntoViewIfNeeded();
    await wv.screenshot('03-vector-values');
  });

  test('Previous / Next / Find similar send host commands; ←/→ work while the view has focus', async () => {
    await wv.page.click('[data-testid=preview-next]');
    await wv.page.click('[data-testid=preview-prev]');
    await wv.page.click('[data-testid=preview-similar]');
    await wv.host.waitForRequest('command', 2);
    assert.deepEqual(
      wv.host.requests('command').map((r) => r.params),
      [
        { id: 'selectRelative', args: { delta: 1 } },
        { id: 'selectRelative', args: { delta: -1 } },
        { id: 'findSimilar', args: { rowId: '42' } },
      ],
    );
    await wv.page.locator('[data-testid=preview-title]').click();
    await wv.page.keyboard.press('ArrowRight');
    await wv.page.keyboard.press('ArrowLeft');
    await wv.host.waitForRequest('command', 4);
    assert.deepEqual(
      wv.host
        .requests('command')
        .slice(3)
        .map((r) => r.params),
      [
        { id: 'selectRelative', args: { delta: 1 } },
        { id: 'selectRelative', args: { delta: -1 } },
      ],
    );
    // Keyboard: the buttons are reachable with Tab.
    await wv.page.locator('[data-testid=preview-prev]').focus();
    await wv.page.keyboard.press('Tab');
    assert.equal(await wv.page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'preview-next');
    await wv.page.keyboard.press('Enter');
    await wv.host.waitForRequest('command', 5);
    assert.deepEqual(wv.host.requests('command')[5].params, { id: 'selectRelative', args: { delta: 1 } });
  });

  test('Copy JSON (shared/cellJson.ts): _rowid first, int64 as bare digits, vectors as arrays, binaries described', async () => {
    await wv.page.click('[data-testid=preview-copy]');
    await wv.page.waitForFunction(() => (window as unknown as { __clip: string[] }).__clip.length === 1);
    const text = await wv.page.evaluate(() => (window as unknown as { __clip: string[] }).__clip[0]);
    const obj = JSON.parse(text);
    assert.match(text, /^\{\n {2}"_rowid": 42,\n {2}"id": 42,\n/);
    assert.equal(obj.id, 42);
    assert.equal(obj.label, 7);
    assert.equal(obj.label_name, "jack-o'-lantern");
    assert.equal(obj.image_emb.length, 512);
    assert.ok(Math.abs(obj.image_emb[3] - embedding(42)[3]) < 1e-12);
    assert.deepEqual(obj.image, { binary: true, size: (fullRow('42').row[1] as { size: number }).size, media: 'image/jpeg', head: 'ffd8ffe000104a464946' });
    assert.deepEqual(obj.raw, { binary: true, size: 2048, head: '00010203040506070809' });
    assert.equal(obj.missing, null);
    assert.equal(obj.note, '');
    assert.deepEqual(obj.tags, ['halloween', 'night', '']);
    assert.deepEqual(obj.bbox, { x: 12.5, y: 8, w: 200.25, h: null });
    assert.equal(await wv.page.textContent('[data-testid=preview-copied]'), 'Copied');
  });

  test('a newer selection supersedes an older one; errors show inline; nothing selected empties the view', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    wv.host.handlers.row = async (p) => {
      const id = (p as { rowId: string }).rowId;
      if (id === '100') await gate;
      return fullRow(id);
    };
    const oldSrc = (await wv.page.getAttribute('[data-testid=preview-image]', 'src'))!;
    const n = wv.host.requests('row').length;
    await wv.host.event('select', { ...SELECT, rowId: '100', index: 99 });
    const older = await wv.host.waitForRequest('row', n);
    await wv.host.event('select', { ...SELECT, rowId: '101', index: 100 });
    await wv.page.waitForFunction(() => document.querySelector('[data-testid=preview-field][data-name=id] .pv-value')?.textContent === '101');
    release();
    await wv.host.waitForResponseSent(older.id);
    await wv.page.waitForTimeout(150);
    assert.equal(await wv.page.textContent('[data-testid=preview-field][data-name=id] .pv-value'), '101');
    assert.equal(await wv.page.textContent('[data-testid=preview-subtitle]'), 'row 100 · version 5');
    const loads = (src: string) =>
      wv.page.evaluate((u) => new Promise<boolean>((resolve) => Object.assign(new Image(), { onload: () => resolve(true), onerror: () => resolve(false), src: u })), src);
    assert.equal(await loads(oldSrc), false, "the previous row's blob URL is revoked");
    assert.equal(await loads((await wv.page.getAttribute('[data-testid=preview-image]', 'src'))!), true);

    // A row selected outside the Rows tab (a Similar card, "Find similar" from a neighbour) has no
    // position: the header names it by its id once loaded, never by the previous row's number.
    await wv.host.event('select', { ...SELECT, rowId: '123', index: undefined });
    await wv.page.waitForFunction(() => document.querySelector('[data-testid=preview-field][data-name=id] .pv-value')?.textContent === '123');
    assert.equal(await wv.page.textContent('[data-testid=preview-subtitle]'), 'id 123 · version 5');
    await wv.screenshot('03b-no-position');

    wv.host.handlers.row = async () => {
      throw { kind: 'not-found', message: 'Row 999 is not in this version of the dataset.' };
    };
    await wv.host.event('select', { ...SELECT, rowId: '999', index: 5 });
    await wv.page.waitForSelector('[data-testid=preview-error]:visible');
    assert.equal(await wv.page.getAttribute('[data-testid=preview-error]', 'role'), 'alert');
    assert.equal(await wv.page.textContent('[data-testid=preview-error]'), 'Row 999 is not in this version of the dataset.');
    assert.equal(await wv.page.locator('[data-testid=preview-field]').count(), 0, "the previous row's fields do not stay under row 999's header");
    await wv.screenshot('04-error');

    await wv.host.event('select', {});
    await wv.page.waitForSelector('[data-testid=preview-empty]:visible');
    assert.equal(await wv.page.locator('[data-testid=preview-field]').count(), 0);
    assert.equal(await wv.page.isVisible('[data-testid=preview-error]'), false);
    // The one expected console error: the probe above that loads a revoked blob: URL.
    assert.deepEqual(
      wv.consoleErrors().filter((e) => e !== 'Failed to load resource: net::ERR_FILE_NOT_FOUND'),
      [],
    );
    assert.ok(wv.consoleErrors().length <= 1);
  });
});

describe('Preview: clipboard fallback', () => {
  test('when the async clipboard refuses, execCommand copies', async () => {
    const wv = await mount(
      `Object.defineProperty(navigator, 'clipboard', { value: { writeText: async () => { throw new Error('NotAllowedError'); } } });
       window.__exec = []; const orig = document.execCommand.bind(document);
       document.execCommand = (cmd, ...rest) => { window.__exec.push([cmd, document.activeElement && document.activeElement.value]); return true; };`,
    );
    try {
      await wv.host.event('select', SELECT);
      await wv.page.waitForSelector('[data-testid=preview-field][data-name=id]');
      await wv.page.click('[data-testid=preview-copy]');
      await wv.page.waitForFunction(() => (window as unknown as { __exec: unknown[] }).__exec.length === 1);
      const [cmd, text] = await wv.page.evaluate(() => (window as unknown as { __exec: [string, string][] }).__exec[0]);
      assert.equal(cmd, 'copy');
      assert.equal(JSON.parse(text).id, 42);
      assert.equal(await wv.page.textContent('[data-testid=preview-copied]'), 'Copied');
    } finally {
      await wv.close();
    }
  });
});

/** A real JPEG of w×h whose colours depend on seed (the browser must decode it). */
function jpegOf(seed: number, w: number, h: number): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  const hue = (seed * 47) % 360;
  const [r0, g0, b0] = [Math.cos((hue * Math.PI) / 180), Math.cos(((hue + 120) * Math.PI) / 180), Math.cos(((hue + 240) * Math.PI) / 180)].map((c) => 128 + 100 * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      const ring = Math.hypot(x - w / 2, y - h / 2) % 24 < 12 ? 1 : 0.55;
      data[p] = Math.min(255, r0 * ring + (x * 60) / w);
      data[p + 1] = Math.min(255, g0 * ring + (y * 60) / h);
      data[p + 2] = Math.min(255, b0 * ring);
      data[p + 3] = 255;
    }
  }
  return encodeJpeg({ data, width: w, height: h }, 85);
}
