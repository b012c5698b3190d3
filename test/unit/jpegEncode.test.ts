// The JPEG encoder that writes the host's thumbnails (and the fixtures' images): its tables are the
// standard ones libjpeg writes, and what it writes decodes (in jpeg-js, an independent decoder) to the
// picture it was given, at any size.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { encodeJpeg, type RgbaImage } from '../../src/extension/lance/jpegEncode';
import { jpegThumbnail } from '../../src/extension/lance/jpegThumbnail';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/jpegs');

/** The payloads of every segment with this marker (e.g. 0xc4 DHT, 0xdb DQT) before the scan. */
function segments(b: Uint8Array, marker: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  for (let i = 2; i + 4 <= b.length && b[i] === 0xff;) {
    const m = b[i + 1];
    const len = (b[i + 2] << 8) | b[i + 3];
    if (m === marker) found.push(b.subarray(i + 4, i + 2 + len));
    if (m === 0xda) break;
    i += 2 + len;
  }
  return found;
}

/** Peak signal-to-noise ratio (dB) of b against a over the RGB channels. */
function psnr(a: RgbaImage, b: { data: Uint8Array; width: number; height: number }): number {
  assert.deepEqual([b.width, b.height], [a.width, a.height]);
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4)
    for (let c = 0; c < 3; c++) {
      se += (a.data[i + c] - b.data[i + c]) ** 2;
      n++;
    }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n));
}

function gradient(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([(x * 255) / Math.max(1, width - 1), (y * 255) / Math.max(1, height - 1), 128, 255], (y * width + x) * 4);
  return { data, width, height };
}

describe('encodeJpeg', () => {
  const photo = jpegThumbnail(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'baseline-444.jpg'))), 100)!;

  test('writes the Annex K Huffman tables and the IJG quality-85 quantisation tables, as cjpeg does', () => {
    // baseline-420.jpg was written by libjpeg-turbo's cjpeg -quality 85 without -optimize (fixtures README).
    const cjpeg = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'baseline-420.jpg')));
    const ours = encodeJpeg(photo, 85);
    const joined = (parts: Uint8Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p))).toString('hex');
    assert.equal(joined(segments(ours, 0xc4)), joined(segments(cjpeg, 0xc4)), 'DHT');
    assert.equal(joined(segments(ours, 0xdb)), joined(segments(cjpeg, 0xdb)), 'DQT');
  });

  test('a thumbnail decodes to itself within JPEG’s loss, at a fraction of its raw size; 4:4:4 keeps its colour edges', () => {
    // The fixture's picture is drawn (stripes and a disc in saturated colours): a hard case for chroma.
    assert.deepEqual([photo.width, photo.height], [102, 76]);
    const decoded = (b: Uint8Array) => jpeg.decode(b, { useTArray: true, formatAsRGBA: true });
    const full = encodeJpeg(photo, 85, '4:4:4');
    const halved = encodeJpeg(photo, 85);
    const dbFull = psnr(photo, decoded(full));
    const dbHalved = psnr(photo, decoded(halved));
    assert.ok(dbFull > 26, `4:4:4 PSNR ${dbFull.toFixed(1)} dB`);
    assert.ok(dbFull > dbHalved + 3, `4:4:4 ${dbFull.toFixed(1)} dB against 4:2:0 ${dbHalved.toFixed(1)} dB`);
    assert.ok(full.byteLength * 2 < photo.width * photo.height * 3, `${full.byteLength} bytes for ${photo.width} × ${photo.height}`);
    // Lower quality: fewer bytes, a rougher picture.
    const rough = encodeJpeg(photo, 30, '4:4:4');
    assert.ok(rough.byteLength < full.byteLength);
    assert.ok(psnr(photo, decoded(rough)) < dbFull);
  });

  test('any size: partial MCUs at the edges (the last row and column repeat), down to 1 × 1', () => {
    for (const [w, h] of [
      [1, 1],
      [7, 3],
      [17, 9],
      [63, 47],
      [250, 188],
    ]) {
      const img = gradient(w, h);
      for (const chroma of ['4:2:0', '4:4:4'] as const) {
        const back = jpeg.decode(encodeJpeg(img, 85, chroma), { useTArray: true, formatAsRGBA: true });
        const db = psnr(img, back);
        // A gradient from black to red over 7 or 17 px changes colour faster than halved chroma can follow.
        assert.ok(db > (chroma === '4:4:4' || w > 32 ? 30 : 15), `${w} × ${h} ${chroma}: PSNR ${db.toFixed(1)} dB`);
      }
    }
    assert.throws(() => encodeJpeg({ data: new Uint8Array(0), width: 0, height: 0 }, 85), /bad JPEG size/);
  });

  test('our own thumbnail decoder reads what it writes (1/8 scale = block means)', () => {
    const img = gradient(250, 188);
    const t = jpegThumbnail(encodeJpeg(img, 95, '4:4:4'), 30)!;
    assert.deepEqual([t.width, t.height], [32, 24]);
    // Block (5, 7)'s mean: x from 40..47 → red, y from 56..63 → green.
    const o = (7 * t.width + 5) * 4;
    const red = (43.5 * 255) / 249;
    const green = (59.5 * 255) / 187;
    assert.ok(Math.abs(t.data[o] - red) < 4 && Math.abs(t.data[o + 1] - green) < 4 && Math.abs(t.data[o + 2] - 128) < 4, `block mean ${Array.from(t.data.subarray(o, o + 3))}`);
  });
});
