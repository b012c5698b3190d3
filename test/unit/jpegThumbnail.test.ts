// Host-made JPEG thumbnails (src/extension/lance/jpegThumbnail.ts), checked against an independent
// decoder: jpeg-js decodes each fixture at full size, and every thumbnail pixel must match the mean
// of the block of full-size pixels it stands for. The fixtures (test/fixtures/jpegs/README.md) were
// written by libjpeg-turbo's cjpeg: chroma sampling 4:2:0, 4:2:2 and 4:4:4, grayscale, restart
// intervals, optimized Huffman tables, progressive and arithmetic coding.
// Then through the data layer: a page asked with thumbnailPx carries BMP thumbnails instead of bytes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { jpegThumbnail, thumbnailScale } from '../../src/extension/lance/jpegThumbnail';
import { encodeJpeg, type RgbaImage } from '../../src/extension/lance/jpegEncode';
import { makeThumbnailUrls, thumbnailsMadeInWorker, thumbnailWorkerOnline, useThumbnailWorker } from '../../src/extension/lance/thumbnailLanes';
import { thumbnailUrl } from '../../src/extension/lance/thumbnailUrl';
import { cachedJpegThumbnail, clearThumbnailCache, thumbnailCacheSize } from '../../src/extension/lance/thumbnailCache';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { DatasetSession } from '../../src/extension/host/session';
import { firstScreenRequests } from '../../src/shared/firstScreen';
import { survivesJson } from '../../src/shared/protocol';
import { generateImagenetLike } from '../fixtures/imagenetLike';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/jpegs');
const read = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));

/** A thumbnail's pixels as RGB rows top to bottom (its alpha is always 255). */
function rgbOf(t: RgbaImage): { width: number; height: number; rgb: Uint8Array } {
  const { width, height, data } = t;
  assert.equal(data.byteLength, width * height * 4);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    assert.equal(data[i * 4 + 3], 255, 'opaque');
    rgb.set(data.subarray(i * 4, i * 4 + 3), i * 3);
  }
  return { width, height, rgb };
}

/** The JPEG bytes of a thumbnail's data: URL. */
function jpegOfUrl(url: string): Uint8Array {
  const prefix = 'data:image/jpeg;base64,';
  assert.ok(url.startsWith(prefix), `a data:image/jpeg URL: ${url.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(url.slice(prefix.length), 'base64'));
}

/** Mean and largest absolute difference between a thumbnail and block means of jpeg-js's full decode (inner blocks only: edge blocks are partly padding). */
function differenceFromFullDecode(bytes: Uint8Array, px: number): { mean: number; max: number; width: number; height: number; full: { width: number; height: number } } {
  const t = jpegThumbnail(bytes, px);
  assert.ok(t, 'a thumbnail');
  const { width, height, rgb } = rgbOf(t);
  const full = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  const scale = Math.round(full.width / width);
  assert.ok([2, 4, 8].includes(scale), `scale ${full.width}/${width}`);
  let sum = 0;
  let max = 0;
  let n = 0;
  for (let y = 0; y < Math.floor(full.height / scale); y++) {
    for (let x = 0; x < Math.floor(full.width / scale); x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let yy = y * scale; yy < (y + 1) * scale; yy++) for (let xx = x * scale; xx < (x + 1) * scale; xx++) acc += full.data[(yy * full.width + xx) * 4 + c];
        const d = Math.abs(acc / (scale * scale) - rgb[(y * width + x) * 3 + c]);
        sum += d;
        max = Math.max(max, d);
        n++;
      }
    }
  }
  return { mean: sum / n, max, width, height, full };
}

describe('jpegThumbnail', () => {
  // 203 × 151 pixels: 1/8 is 26 × 19, 1/4 is 51 × 38, 1/2 is 102 × 76.
  for (const name of ['baseline-420.jpg', 'baseline-444.jpg', 'restart-422.jpg', 'gray.jpg', 'optimized-restart-rows.jpg']) {
    test(`${name}: block means at 1/8, 1/4 and 1/2`, () => {
      for (const [px, w, h] of [
        [24, 26, 19],
        [50, 51, 38],
        [100, 102, 76],
      ] as const) {
        const d = differenceFromFullDecode(read(name), px);
        assert.deepEqual([d.width, d.height], [w, h], `${name} at ${px} px`);
        // jpeg-js's inverse DCT and colour conversion round differently; a wrong block, plane or
        // colour would be off by tens.
        assert.ok(d.mean < 1.5, `${name} at ${px} px: mean difference ${d.mean.toFixed(2)}`);
        assert.ok(d.max < 40, `${name} at ${px} px: largest difference ${d.max.toFixed(0)}`);
      }
    });
  }

  test('progressive: 1/8 from the DC scans (chroma at 1/16, stretched); larger sizes are left to the browser', () => {
    const bytes = read('progressive.jpg');
    const t = jpegThumbnail(bytes, 24);
    assert.ok(t);
    const { rgb, width, height } = rgbOf(t);
    assert.deepEqual([width, height], [26, 19]);
    // Luma is exact block means; compare it alone.
    const full = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
    let sum = 0;
    let n = 0;
    for (let y = 0; y < 18; y++) {
      for (let x = 0; x < 25; x++) {
        let acc = 0;
        for (let yy = y * 8; yy < y * 8 + 8; yy++)
          for (let xx = x * 8; xx < x * 8 + 8; xx++) acc += luma(...([0, 1, 2].map((c) => full.data[(yy * full.width + xx) * 4 + c]) as [number, number, number]));
        const o = (y * width + x) * 3;
        sum += Math.abs(acc / 64 - luma(rgb[o], rgb[o + 1], rgb[o + 2]));
        n++;
      }
    }
    assert.ok(sum / n < 3, `progressive luma mean difference ${(sum / n).toFixed(2)}`);
    assert.equal(jpegThumbnail(bytes, 50), undefined, 'progressive at 1/4: not made');
  });

  test('what it does not cover comes back undefined, never a throw', () => {
    assert.equal(jpegThumbnail(read('arithmetic.jpg'), 24), undefined, 'arithmetic coding');
    assert.equal(jpegThumbnail(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 24), undefined, 'a PNG');
    assert.equal(jpegThumbnail(new Uint8Array(0), 24), undefined, 'nothing');
    assert.equal(jpegThumbnail(read('baseline-420.jpg'), 400), undefined, 'asked bigger than 1/2 scale');
    const whole = read('baseline-420.jpg');
    // Cut anywhere: no exception escapes (a cut in the entropy data decodes as zeros or fails cleanly).
    for (const cut of [3, 20, 200, 700, whole.length >> 1, whole.length - 10]) {
      const t = jpegThumbnail(whole.subarray(0, cut), 24);
      if (t) rgbOf(t);
    }
    // A header declaring 65,535 × 65,535 pixels over the same few KB: no plane of hundreds of MB.
    const huge = whole.slice();
    for (let i = 2; i + 9 < huge.length; i++) {
      if (huge[i] === 0xff && huge[i + 1] === 0xc0) {
        huge.set([0xff, 0xff, 0xff, 0xff], i + 5);
        break;
      }
    }
    assert.equal(jpegThumbnail(huge, 24), undefined, 'declared 65,535 × 65,535');
    const garbage = whole.slice();
    for (let i = 700; i < garbage.length - 2; i += 7) garbage[i] = 0xff - garbage[i];
    const g = jpegThumbnail(garbage, 24);
    if (g) rgbOf(g);
  });

  test("'half' chroma: the same picture with colour at half the resolution, as a 4:2:0 JPEG of it keeps", () => {
    const bytes = read('baseline-444.jpg');
    const whole = jpegThumbnail(bytes, 100)!;
    const half = jpegThumbnail(bytes, 100, 'half')!;
    assert.deepEqual([half.width, half.height], [whole.width, whole.height]);
    const luma = (d: Uint8Array, o: number) => 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2];
    let lumaDiff = 0;
    let colourDiff = 0;
    for (let o = 0; o < whole.data.length; o += 4) {
      lumaDiff += Math.abs(luma(whole.data, o) - luma(half.data, o));
      for (let c = 0; c < 3; c++) colourDiff += Math.abs(whole.data[o + c] - half.data[o + c]);
    }
    const px = whole.width * whole.height;
    // Luma is decoded the same way; colour, at half resolution, differs at its edges only.
    assert.ok(lumaDiff / px < 2, `luma mean difference ${(lumaDiff / px).toFixed(2)}`);
    assert.ok(colourDiff / px / 3 > 0.5 && colourDiff / px / 3 < 12, `colour mean difference ${(colourDiff / px / 3).toFixed(2)}`);
  });

  test('the cache writes small thumbnails with whole colour (4:4:4) and large ones with half (4:2:0)', () => {
    clearThumbnailCache();
    const sampling = (url: string) => {
      const j = jpegOfUrl(url);
      for (let i = 2; i + 12 < j.length; i++) if (j[i] === 0xff && j[i + 1] === 0xc0) return j[i + 11];
      return undefined;
    };
    const a = read('baseline-420.jpg');
    assert.equal(sampling(cachedJpegThumbnail(a, 24)!), 0x11, '24 px: luma sampled 1×1');
    assert.equal(sampling(cachedJpegThumbnail(a, 100)!), 0x11, '100 px: 1×1');
    // 203 px at 1/2 is 102, close enough to 128 (see thumbnailScale).
    assert.equal(sampling(cachedJpegThumbnail(a, 128)!), 0x22, '128 px: luma sampled 2×2 against each chroma sample');
    clearThumbnailCache();
  });

  test('two lanes: the worker script (dist/thumbnailWorker.js) and this thread share the images, in order, the same either way', async () => {
    const jpegs = ['baseline-420.jpg', 'baseline-444.jpg', 'arithmetic.jpg', 'restart-422.jpg', 'gray.jpg'].map(read);
    const here = jpegs.map((j) => thumbnailUrl(j, 24));
    assert.equal(here[2], '', 'arithmetic coding: none');
    const worker = path.resolve(__dirname, '../../../dist/thumbnailWorker.js');
    assert.ok(fs.existsSync(worker), `${worker} is built (node esbuild.js)`);
    const many = [...jpegs, ...jpegs, ...jpegs, ...jpegs];
    try {
      useThumbnailWorker(worker);
      // Not yet running: this thread makes them all rather than wait for it.
      const before = thumbnailsMadeInWorker();
      assert.deepEqual(await makeThumbnailUrls(jpegs, 24), here);
      assert.equal(thumbnailsMadeInWorker() - before, 0, 'a worker still starting makes none');
      assert.equal(await thumbnailWorkerOnline(), true, 'the worker runs');
      // One Node Buffer on both lanes (as the warm-up at activation gives): the worker's copy must not detach it here.
      const buffer = Buffer.from(jpegs[0]);
      assert.deepEqual(await makeThumbnailUrls([buffer, buffer], 24), [here[0], here[0]]);
      assert.equal(buffer.byteLength, jpegs[0].byteLength, 'still whole');
      // These images take this thread ~0.5 ms each: on a loaded machine the worker's first answer can come
      // after a batch of 20 is done (seen once in CI: 0 of 20), so batches go on until it has made one.
      const running = thumbnailsMadeInWorker();
      let made = 0;
      for (let round = 0; round < 20 && thumbnailsMadeInWorker() === running; round++) {
        assert.deepEqual(await makeThumbnailUrls(many, 24), [...here, ...here, ...here, ...here]);
        made += many.length;
      }
      const byWorker = thumbnailsMadeInWorker() - running;
      assert.ok(byWorker >= 1 && byWorker < made, `both lanes made some: ${byWorker} of ${made} by the worker`);
      // A worker that cannot start leaves all of them to this thread.
      useThumbnailWorker(path.join(os.tmpdir(), 'no-such-thumbnail-worker.js'));
      const failing = thumbnailsMadeInWorker();
      assert.deepEqual(await makeThumbnailUrls(jpegs, 24), here);
      await thumbnailWorkerOnline(); // its thread starts, then its script is not found
      assert.deepEqual(await makeThumbnailUrls(many, 24), [...here, ...here, ...here, ...here]);
      assert.equal(thumbnailsMadeInWorker(), failing, 'all by this thread');
    } finally {
      useThumbnailWorker(undefined);
    }
    assert.deepEqual(await makeThumbnailUrls(jpegs, 24), here, 'no worker: this thread alone');
  });

  test('cachedJpegThumbnail: made once per content and size; what cannot be scaled is remembered as such', () => {
    clearThumbnailCache();
    const a = read('baseline-420.jpg');
    const first = cachedJpegThumbnail(a, 24);
    assert.ok(first);
    assert.deepEqual(jpegOfUrl(first), encodeJpeg(jpegThumbnail(a, 24)!, 85, '4:4:4'), 'the thumbnail written as a 4:4:4 JPEG of quality 85');
    assert.equal(cachedJpegThumbnail(a.slice(), 24), first, 'same bytes in another buffer: the kept thumbnail');
    assert.notEqual(cachedJpegThumbnail(a, 50), first, 'another size: another thumbnail');
    assert.equal(cachedJpegThumbnail(read('arithmetic.jpg'), 24), undefined);
    assert.equal(cachedJpegThumbnail(read('arithmetic.jpg'), 24), undefined);
    assert.equal(thumbnailCacheSize().entries, 3);
    clearThumbnailCache();
    assert.equal(thumbnailCacheSize().entries, 0);
  });

  test('thumbnailScale: the smallest scale whose longer side reaches about px', () => {
    assert.equal(thumbnailScale(500, 64, false), 1);
    assert.equal(thumbnailScale(500, 128, false), 2);
    assert.equal(thumbnailScale(500, 250, false), 4);
    assert.equal(thumbnailScale(500, 300, false), 4);
    assert.equal(thumbnailScale(500, 350, false), undefined);
    assert.equal(thumbnailScale(420, 64, false), 1, 'a little under px is close enough');
    assert.equal(thumbnailScale(2048, 64, false), 1, '1/8 is 256: four times 64, still made');
    assert.equal(thumbnailScale(65_535, 64, false), undefined, 'a huge declared size: not made');
    assert.equal(thumbnailScale(500, 128, true), undefined);
  });
});

describe('pages with thumbnails (data layer)', () => {
  let tmp: string;
  let ds: LanceDataset;
  let uri: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-thumbs-'));
    // Large enough JPEGs (~30–80 KB) for thumbnails to be made.
    uri = await generateImagenetLike({ dir: tmp, rows: 12, minSide: 400, maxSide: 500, quality: 95, indices: false, name: 'big_images' });
    ds = await LanceDataset.open({ uri, name: 'big_images' });
  });
  after(() => {
    ds?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('thumbnailPx: JPEGs travel as small JPEG thumbnails of about that size; without it, as their bytes', async () => {
    const withThumbs = await ds.rows({ columns: ['id', 'image'], offset: 0, limit: 12, withImages: true, thumbnailPx: 64 });
    const withBytes = await ds.rows({ columns: ['id', 'image'], offset: 0, limit: 12, withImages: true });
    assert.equal(withThumbs.rows.length, 12);
    for (let i = 0; i < 12; i++) {
      const t = withThumbs.rows[i][1];
      const b = withBytes.rows[i][1];
      assert.ok(t && typeof t === 'object' && t.t === 'bin' && b && typeof b === 'object' && b.t === 'bin');
      assert.ok(b.bytes && b.bytes.byteLength > 24 * 1024, 'a large JPEG');
      assert.equal(t.bytes, undefined, 'no bytes beside the thumbnail');
      assert.ok(t.thumb, `row ${i}: a thumbnail`);
      assert.equal(t.size, b.size, 'the size is the image’s');
      assert.equal(t.media, 'image/jpeg');
      assert.equal(t.head, b.head);
      const small = jpegOfUrl(t.thumb);
      const { width, height } = jpeg.decode(small, { useTArray: true });
      const full = jpeg.decode(b.bytes, { useTArray: true });
      const side = Math.max(full.width, full.height);
      const n = thumbnailScale(side, 64, false);
      assert.ok(n, 'a scale');
      assert.equal(Math.max(width, height), Math.ceil((side * n) / 8), `1/${8 / n} scale of ${side} px for 64 px`);
      assert.ok(Math.max(width, height) >= 51, 'about 64 px');
      assert.ok(small.byteLength * 10 < b.bytes.byteLength, `a tenth of the JPEG or less: ${small.byteLength} of ${b.bytes.byteLength} bytes`);
    }
    const none = await ds.rows({ columns: ['image'], offset: 0, limit: 2, withImages: false, thumbnailPx: 64 });
    const c = none.rows[0][0];
    assert.ok(c && typeof c === 'object' && c.t === 'bin' && !c.thumb && !c.bytes, 'withImages false: neither');
  });

  test('a new panel’s first screen is answered ahead: its count and pages are read once, and taken once', async () => {
    clearThumbnailCache();
    const session = await DatasetSession.open({ uri, name: 'big_images' }, {}, { maxImageBytes: 16 * 1024 * 1024 });
    const signal = new AbortController().signal;
    // Each read, and whether it was the request's own (its signal) or done ahead.
    const reads: string[] = [];
    const who = (s: AbortSignal | undefined) => (s === signal ? '' : ' ahead');
    const rows = session.dataset.rows.bind(session.dataset);
    session.dataset.rows = (req, s) => (reads.push(`rows@${req.offset}/${req.thumbnailPx}${who(s)}`), rows(req, s));
    const count = session.dataset.count.bind(session.dataset);
    session.dataset.count = (filter, s, rowSet) => (reads.push(`count${filter ? ` ${filter}` : ''}${who(s)}`), count(filter, s, rowSet));
    const noProgress = () => undefined;
    try {
      session.warmFirstScreen(50, 64);
      const [first, second] = firstScreenRequests(await session.describe(), 50, 64, 2);
      assert.equal(first.limit, 10, 'rows of large JPEGs: a screenful a page (10)');
      // Asked at once, as the webview does when it loads: the answers on their way are joined.
      const [n, p0] = await Promise.all([session.handlers.count({}, signal, noProgress), session.handlers.rows({ ...first }, signal, noProgress)]);
      assert.equal(n, 12);
      assert.equal(p0.rows.length, 10);
      const image = p0.rows[0][first.columns!.indexOf('image')];
      assert.ok(image && typeof image === 'object' && image.t === 'bin' && image.thumb, 'thumbnails made ahead');
      assert.equal((await session.handlers.rows({ ...second }, signal, noProgress)).rows.length, 2);
      assert.deepEqual(reads, ['count ahead', 'rows@0/64 ahead', 'rows@10/64 ahead'], 'each read once, ahead, pages in order');
      // Taken once: the same question again is read again; another thumbnail size or a filter never matched.
      await session.handlers.rows({ ...first }, signal, noProgress);
      await session.handlers.rows({ ...first, thumbnailPx: 128 }, signal, noProgress);
      await session.handlers.count({ filter: 'label = 1' }, signal, noProgress);
      await session.handlers.count({}, signal, noProgress);
      assert.deepEqual(reads.slice(3), ['rows@0/64', 'rows@0/128', 'count label = 1', 'count']);
      // What is ready when the panel writes its HTML goes into it, taken: the webview then asks for none of it.
      session.warmFirstScreen(50, 64);
      await session.earlyFirstPageReady();
      const given = session.takeEarlyAnswers();
      assert.deepEqual(
        given.map((a) => a.method),
        ['count', 'rows'],
        'the count and the first page (the second was still being made)',
      );
      assert.equal(given[1].result && (given[1].result as { rows: unknown[] }).rows.length, 10);
      assert.deepEqual(given[1].params, first);
      assert.deepEqual(session.takeEarlyAnswers(), [], 'taken once');
      assert.ok(survivesJson(given[1].result), 'thumbnails only: the page can be written into the HTML');
      assert.equal(survivesJson(given[1].result), true);
      assert.equal(survivesJson({ a: [1, 'x', null, { b: true }] }), true);
      assert.equal(survivesJson({ rows: [[{ t: 'bin', bytes: new Uint8Array(3) }]] }), false, 'image bytes: JSON would flatten them');
      const readBefore = reads.length;
      await session.handlers.rows({ ...first }, signal, noProgress);
      assert.deepEqual(reads.slice(readBefore), ['rows@0/64'], 'given to the webview, so read again if asked');
      // An answer the HTML cannot carry stays for the webview's request.
      session.warmFirstScreen(50, 64);
      await session.earlyFirstPageReady();
      assert.deepEqual(
        session.takeEarlyAnswers((a) => a.method !== 'rows').map((a) => a.method),
        ['count'],
      );
      const kept = reads.length;
      await session.handlers.rows({ ...first }, signal, noProgress);
      assert.deepEqual(reads.slice(kept), [], 'the first page, computed ahead, answers the request');
    } finally {
      session.close();
    }
  });
});
