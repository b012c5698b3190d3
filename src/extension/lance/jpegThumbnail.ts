// Grid thumbnails of JPEGs, made in the host without an image codec. A page of 12 true-shape rows
// carried 1.4 MB of JPEGs through VS Code's webview channel (about 9 MB/s in code-server: 0.15 s) for
// 64-px cells, and the webview then decoded every one at full size. A JPEG already holds a small image:
// the DC coefficient of each 8×8 block is that block's mean, so decoding only the entropy-coded data
// (no full inverse DCT) gives the picture at 1/8 scale; the first few coefficients give 1/4 and 1/2
// (the exact means of 2×2 or 4×4 sub-blocks, a box filter). That is what libjpeg's scaled decoding and
// most thumbnailers do. The pixels are then written as a small JPEG (jpegEncode.ts; ~2–3 KB for
// 500×375 at 1/8) that the webview shows as it is.
//
// Covered: baseline and extended sequential Huffman JPEGs (SOF0, SOF1) at 1/8, 1/4 or 1/2 scale, and
// progressive ones (SOF2) at 1/8 (their DC scans only; the AC scans are skipped unread); 8-bit samples;
// grayscale, YCbCr (any sampling up to 4×4) and Adobe RGB; restart intervals. Anything else (arithmetic
// coding, lossless, 12-bit, CMYK, a corrupt stream) returns undefined and the caller sends the bytes.

import { ZIGZAG, type RgbaImage } from './jpegEncode';

/** The thumbnail's pixels: RGBA, 4 bytes a pixel, rows top to bottom (alpha 255). */
export type Thumbnail = RgbaImage;

/** How many times wider than asked a 1/8-scale thumbnail may be before none is made. */
const MAX_OVERSIZE = 4;

/**
 * The scale (output pixels per block side, 1, 2 or 4) for an image whose longer side is `side` to be
 * at least about `px` on that side (it is shown fitted into a px × px box); undefined when even 1/2 is
 * smaller (a small image: its bytes are small too).
 */
export function thumbnailScale(side: number, px: number, progressive: boolean): 1 | 2 | 4 | undefined {
  // A little under px is close enough: 437 px at 1/8 is 55, shown at 64 without visible loss, and
  // 1/4 would send four times the pixels.
  const enough = (n: number) => Math.ceil((side * n) / 8) >= Math.floor(px * 0.8);
  // Even 1/8 far larger than wanted (a panorama, or a header declaring 65,535 × 65,535 over a few bytes):
  // not made here, where its planes would take hundreds of MB.
  if (Math.ceil(side / 8) > MAX_OVERSIZE * Math.max(px, 1)) return undefined;
  if (enough(1)) return 1;
  if (progressive) return undefined;
  if (enough(2)) return 2;
  if (enough(4)) return 4;
  return undefined;
}

/**
 * How finely colour is decoded: 'whole' at the thumbnail's resolution; 'half' at half of it both ways
 * (then repeated), which is all a 4:2:0 JPEG of the thumbnail keeps, for ~30% less decoding time at 1/2 scale.
 */
export type ChromaDetail = 'whole' | 'half';

/**
 * A thumbnail of a JPEG whose longer side is at least about `px` pixels (at 1/8, 1/4 or 1/2 scale), or
 * undefined when the JPEG is of a kind not covered, too small to be worth it, or does not decode.
 */
export function jpegThumbnail(bytes: Uint8Array, px: number, chroma: ChromaDetail = 'whole'): Thumbnail | undefined {
  try {
    return decode(bytes, px, chroma);
  } catch {
    return undefined;
  }
}

interface Huffman {
  /** 9-bit lookahead: (code length << 8) | symbol, 0 when the code is longer. */
  lut: Uint16Array;
  /**
   * AC tables, 9-bit lookahead of a whole coefficient (code and value bits both in the 9):
   * (value << 16) | (zero run << 8) | bits used; 0 otherwise. Most coefficients of a photo are small
   * and decode in one lookup (as stb_image does).
   */
  fastAc: Int32Array;
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  /** Blocks per line and per column, padded to whole MCUs. */
  bw: number;
  bh: number;
  /** Blocks a non-interleaved scan of this component covers. */
  bwScan: number;
  bhScan: number;
  /**
   * Samples per block side decoded for this component: the output's (n) times its subsampling, so a
   * 4:2:0 image's chroma is decoded at the luma's resolution (a sub-block mean, not a stretched one).
   * Progressive: 1 (DC only).
   */
  nh: number;
  nv: number;
  /** basis(nh) and basis(nv). */
  ah?: Float64Array;
  av?: Float64Array;
  /** Decoded samples, `bw * nh` wide. */
  plane: Uint8ClampedArray;
  /** Progressive: each block's DC coefficient (quantized). */
  dc?: Int32Array;
  pred: number;
  dcTable?: Huffman;
  acTable?: Huffman;
}

const LUT_BITS = 11;

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const lut = new Uint16Array(1 << LUT_BITS);
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    valptr[len] = k;
    mincode[len] = code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len <= LUT_BITS) {
        const shift = LUT_BITS - len;
        for (let j = 0; j < 1 << shift; j++) lut[(code << shift) | j] = (len << 8) | values[k];
      }
    }
    maxcode[len] = n ? code - 1 : -1;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  const fastAc = new Int32Array(1 << LUT_BITS);
  for (let i = 0; i < fastAc.length; i++) {
    const e = lut[i];
    if (!e) continue;
    const len = e >> 8;
    const rs = e & 0xff;
    const s = rs & 15;
    if (!s || len + s > LUT_BITS) continue;
    const raw = (i >> (LUT_BITS - len - s)) & ((1 << s) - 1);
    const value = raw < 1 << (s - 1) ? raw - (1 << s) + 1 : raw;
    fastAc[i] = (value << 16) | ((rs >> 4) << 8) | (len + s);
  }
  return { lut, fastAc, maxcode, valptr, mincode, values };
}

/** Reads the entropy-coded bits of a scan: unstuffs FF00, stops at a marker (then reads zeros). */
class Bits {
  buf = 0;
  count = 0;
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
  ) {}

  private fill(): void {
    const b = this.b;
    while (this.count <= 24) {
      let byte = 0;
      if (this.pos < b.length) {
        byte = b[this.pos];
        if (byte === 0xff) {
          const next = b[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else byte = 0; // a marker: stay on it
        } else this.pos++;
      }
      this.buf = (this.buf << 8) | byte;
      this.count += 8;
    }
  }

  bits(n: number): number {
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.buf >>> this.count) & ((1 << n) - 1);
  }

  skip(n: number): void {
    if (this.count < n) this.fill();
    this.count -= n;
  }

  huffman(t: Huffman): number {
    if (this.count < 16) this.fill();
    const e = t.lut[(this.buf >>> (this.count - LUT_BITS)) & ((1 << LUT_BITS) - 1)];
    if (e) {
      this.count -= e >> 8;
      return e & 0xff;
    }
    for (let len = LUT_BITS + 1; len <= 16; len++) {
      const code = (this.buf >>> (this.count - len)) & ((1 << len) - 1);
      if (code <= t.maxcode[len]) {
        this.count -= len;
        return t.values[t.valptr[len] + code - t.mincode[len]];
      }
    }
    throw new Error('bad Huffman code');
  }

  /** Past a block's AC coefficients (to the end of block). */
  acSkip(t: Huffman): void {
    const fast = t.fastAc;
    for (let k = 1; k < 64;) {
      if (this.count < 16) this.fill();
      const f = fast[(this.buf >>> (this.count - LUT_BITS)) & ((1 << LUT_BITS) - 1)];
      if (f) {
        this.count -= f & 0xff;
        k += ((f >> 8) & 0xff) + 1;
        continue;
      }
      const rs = this.huffman(t);
      const s = rs & 15;
      if (!s) {
        if (rs !== 0xf0) return;
        k += 16;
        continue;
      }
      this.skip(s);
      k += (rs >> 4) + 1;
    }
  }

  /**
   * A block's AC coefficients, dequantized, into `coef` (natural order; zero it first). Returns a bit
   * mask of the coefficient rows holding a non-zero value (row 0 always) in bits 0–7, and the mask of
   * the columns in bits 8–15 (column 0 always).
   */
  acInto(t: Huffman, coef: Float64Array, q: Int32Array): number {
    const fast = t.fastAc;
    let rows = 0x101;
    for (let k = 1; k < 64;) {
      if (this.count < 16) this.fill();
      const f = fast[(this.buf >>> (this.count - LUT_BITS)) & ((1 << LUT_BITS) - 1)];
      if (f) {
        this.count -= f & 0xff;
        k += (f >> 8) & 0xff;
        if (k > 63) return rows;
        const z = ZIGZAG[k];
        coef[z] = (f >> 16) * q[k];
        rows |= (1 << (z >> 3)) | (256 << (z & 7));
        k++;
        continue;
      }
      const rs = this.huffman(t);
      const s = rs & 15;
      if (!s) {
        if (rs !== 0xf0) return rows;
        k += 16;
        continue;
      }
      k += rs >> 4;
      if (k > 63) return rows;
      const z = ZIGZAG[k];
      coef[z] = this.extend(s) * q[k];
      rows |= (1 << (z >> 3)) | (256 << (z & 7));
      k++;
    }
    return rows;
  }

  /** A magnitude category's value, sign-extended (JPEG's RECEIVE and EXTEND). */
  extend(s: number): number {
    const v = this.bits(s);
    return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
  }

  /** Past the restart marker the scan should be at; the bits before it are padding. */
  restart(): void {
    this.count = 0;
    this.buf = 0;
    const b = this.b;
    while (this.pos + 1 < b.length && !(b[this.pos] === 0xff && b[this.pos + 1] >= 0xd0 && b[this.pos + 1] <= 0xd7)) this.pos++;
    this.pos += 2;
  }

  /** Where the next marker after the scan's data starts. */
  nextMarker(): number {
    const b = this.b;
    let p = this.pos;
    while (p + 1 < b.length && !(b[p] === 0xff && b[p + 1] !== 0x00 && !(b[p + 1] >= 0xd0 && b[p + 1] <= 0xd7))) p++;
    return p;
  }
}

/** Samples per block side for a wanted `f` (a power of two up to 8; the nearest below otherwise). */
function blockSide(f: number): number {
  return f >= 8 ? 8 : f >= 4 ? 4 : f >= 2 ? 2 : 1;
}

/** A[i][u] for n outputs per block side: the mean over sub-block i of the basis function u (with C(u)/2). */
const BASIS = new Map<number, Float64Array>();
function basis(n: number): Float64Array {
  let a = BASIS.get(n);
  if (a) return a;
  a = new Float64Array(n * 8);
  const s = 8 / n;
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let x = i * s; x < (i + 1) * s; x++) sum += Math.cos(((2 * x + 1) * u * Math.PI) / 16);
      a[i * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * (sum / s);
    }
  }
  BASIS.set(n, a);
  return a;
}

function decode(b: Uint8Array, px: number, chroma: ChromaDetail): Thumbnail | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  const quant: (Int32Array | undefined)[] = [];
  const dcTables: (Huffman | undefined)[] = [];
  const acTables: (Huffman | undefined)[] = [];
  let comps: Component[] | undefined;
  let width = 0;
  let height = 0;
  let hmax = 1;
  let vmax = 1;
  let mcusX = 0;
  let mcusY = 0;
  let n: 1 | 2 | 4 = 1;
  let progressive = false;
  let restartInterval = 0;
  let adobeTransform: number | undefined;
  let pos = 2;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) {
      pos++;
      continue;
    }
    const marker = b[pos + 1];
    if (marker === 0xff || marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9) break;
    const seg = pos + 4;
    const end = pos + 2 + ((b[pos + 2] << 8) | b[pos + 3]);
    if (end > b.length) return undefined;
    switch (marker) {
      case 0xdb: {
        for (let p = seg; p < end;) {
          const precision = b[p] >> 4;
          const id = b[p] & 15;
          p++;
          const q = new Int32Array(64);
          for (let k = 0; k < 64; k++) q[k] = precision ? (b[p + 2 * k] << 8) | b[p + 2 * k + 1] : b[p + k];
          p += precision ? 128 : 64;
          quant[id] = q;
        }
        break;
      }
      case 0xc4: {
        for (let p = seg; p < end;) {
          const cls = b[p] >> 4;
          const id = b[p] & 15;
          const counts = b.subarray(p + 1, p + 17);
          let total = 0;
          for (let i = 0; i < 16; i++) total += counts[i];
          const t = buildHuffman(counts, b.subarray(p + 17, p + 17 + total));
          (cls === 0 ? dcTables : acTables)[id] = t;
          p += 17 + total;
        }
        break;
      }
      case 0xc0:
      case 0xc1:
      case 0xc2: {
        if (b[seg] !== 8) return undefined; // 12-bit samples
        progressive = marker === 0xc2;
        height = (b[seg + 1] << 8) | b[seg + 2];
        width = (b[seg + 3] << 8) | b[seg + 4];
        const nf = b[seg + 5];
        if (!width || !height || (nf !== 1 && nf !== 3)) return undefined; // height 0 (DNL), CMYK
        const scale = thumbnailScale(Math.max(width, height), px, progressive);
        if (scale === undefined) return undefined;
        n = scale;
        comps = [];
        for (let i = 0; i < nf; i++) {
          const p = seg + 6 + 3 * i;
          const h = b[p + 1] >> 4;
          const v = b[p + 1] & 15;
          if (h < 1 || h > 4 || v < 1 || v > 4) return undefined;
          comps.push({ id: b[p], h, v, tq: b[p + 2], bw: 0, bh: 0, bwScan: 0, bhScan: 0, nh: 1, nv: 1, plane: new Uint8ClampedArray(0), pred: 0 });
        }
        hmax = Math.max(...comps.map((c) => c.h));
        vmax = Math.max(...comps.map((c) => c.v));
        mcusX = Math.ceil(width / (8 * hmax));
        mcusY = Math.ceil(height / (8 * vmax));
        for (const c of comps) {
          c.bw = mcusX * c.h;
          c.bh = mcusY * c.v;
          c.bwScan = Math.ceil(Math.ceil((width * c.h) / hmax) / 8);
          c.bhScan = Math.ceil(Math.ceil((height * c.v) / vmax) / 8);
          if (!progressive) {
            const f = chroma === 'half' && c !== comps[0] ? 2 : 1;
            c.nh = blockSide((n * hmax) / c.h / f);
            c.nv = blockSide((n * vmax) / c.v / f);
            c.ah = basis(c.nh);
            c.av = basis(c.nv);
          }
          c.plane = new Uint8ClampedArray(c.bw * c.nh * c.bh * c.nv);
          if (progressive) c.dc = new Int32Array(c.bw * c.bh);
        }
        break;
      }
      case 0xc3:
      case 0xc5:
      case 0xc6:
      case 0xc7:
      case 0xc9:
      case 0xca:
      case 0xcb:
      case 0xcd:
      case 0xce:
      case 0xcf:
        return undefined; // lossless, hierarchical or arithmetic-coded
      case 0xdd:
        restartInterval = (b[seg] << 8) | b[seg + 1];
        break;
      case 0xee:
        if (end - seg >= 12 && String.fromCharCode(...b.subarray(seg, seg + 5)) === 'Adobe') adobeTransform = b[seg + 11];
        break;
      case 0xda: {
        if (!comps) return undefined;
        const ns = b[seg];
        const scanComps: Component[] = [];
        for (let i = 0; i < ns; i++) {
          const c = comps.find((x) => x.id === b[seg + 1 + 2 * i]);
          if (!c) return undefined;
          c.dcTable = dcTables[b[seg + 2 + 2 * i] >> 4];
          c.acTable = acTables[b[seg + 2 + 2 * i] & 15];
          scanComps.push(c);
        }
        const p = seg + 1 + 2 * ns;
        const ss = b[p];
        const se = b[p + 1];
        const ah = b[p + 2] >> 4;
        const al = b[p + 2] & 15;
        const bits = new Bits(b, end);
        if (!progressive) {
          if (ss !== 0 || se !== 63) return undefined;
          sequentialScan(bits, scanComps, quant, mcusX, mcusY, restartInterval);
        } else if (ss === 0) {
          progressiveDcScan(bits, scanComps, ah, al, mcusX, mcusY, restartInterval);
        }
        // Progressive AC scans are not read: the thumbnail needs only the DC.
        pos = bits.nextMarker();
        continue;
      }
    }
    pos = end;
  }
  if (!comps) return undefined;
  if (progressive) {
    for (const c of comps) {
      const q0 = quant[c.tq]?.[0];
      if (q0 === undefined) return undefined;
      const dc = c.dc!;
      for (let i = 0; i < dc.length; i++) c.plane[i] = Math.round((dc[i] * q0) / 8) + 128;
    }
  }
  return toRgba(comps, width, height, n, hmax, vmax, adobeTransform);
}

function sequentialScan(bits: Bits, scan: Component[], quant: (Int32Array | undefined)[], mcusX: number, mcusY: number, restartInterval: number): void {
  for (const c of scan) {
    if (!c.dcTable || !c.acTable || !quant[c.tq]) throw new Error('missing table');
    c.pred = 0;
  }
  const coef = new Float64Array(64);
  const tmp = new Float64Array(64);
  const rowsUsed = new Int32Array(8);
  const block = (c: Component, bx: number, by: number) => {
    const q = quant[c.tq]!;
    const dc = c.dcTable!;
    const ac = c.acTable!;
    const t = bits.huffman(dc);
    c.pred += t ? bits.extend(t) : 0;
    const nh = c.nh;
    const nv = c.nv;
    const stride = c.bw * nh;
    if (nh === 1 && nv === 1) {
      bits.acSkip(ac);
      c.plane[by * stride + bx] = Math.round((c.pred * q[0]) / 8) + 128;
      return;
    }
    coef.fill(0);
    coef[0] = c.pred * q[0];
    const mask = bits.acInto(ac, coef, q);
    // Separable: each row of coefficients against the horizontal basis, then the columns. Rows of
    // zeros (most of a photo's block) are skipped, and each row stops at the last column holding a
    // value: in a profile at 1/2 scale the sums were half the decoding time.
    const ah = c.ah!;
    const av = c.av!;
    const uEnd = 32 - Math.clz32(mask >> 8);
    const vEnd = 32 - Math.clz32(mask & 0xff);
    let nRows = 0;
    for (let v = 0; v < vEnd; v++) {
      if (!(mask & (1 << v))) continue;
      rowsUsed[nRows++] = v;
      for (let x = 0; x < nh; x++) {
        let sum = 0;
        for (let u = 0; u < uEnd; u++) sum += ah[x * 8 + u] * coef[v * 8 + u];
        tmp[v * nh + x] = sum;
      }
    }
    for (let y = 0; y < nv; y++) {
      const row = (by * nv + y) * stride + bx * nh;
      for (let x = 0; x < nh; x++) {
        let sum = 0;
        for (let r = 0; r < nRows; r++) {
          const v = rowsUsed[r];
          sum += av[y * 8 + v] * tmp[v * nh + x];
        }
        c.plane[row + x] = Math.round(sum) + 128;
      }
    }
  };
  eachBlock(bits, scan, mcusX, mcusY, restartInterval, block);
}

function progressiveDcScan(bits: Bits, scan: Component[], ah: number, al: number, mcusX: number, mcusY: number, restartInterval: number): void {
  for (const c of scan) {
    if (!ah && !c.dcTable) throw new Error('missing table');
    c.pred = 0;
  }
  eachBlock(bits, scan, mcusX, mcusY, restartInterval, (c, bx, by) => {
    const i = by * c.bw + bx;
    if (ah) {
      if (bits.bits(1)) c.dc![i] |= 1 << al;
      return;
    }
    const t = bits.huffman(c.dcTable!);
    c.pred += t ? bits.extend(t) : 0;
    c.dc![i] = c.pred * (1 << al);
  });
}

/** The blocks of a scan in stream order (MCUs of interleaved components, or one component's blocks). */
function eachBlock(bits: Bits, scan: Component[], mcusX: number, mcusY: number, restartInterval: number, block: (c: Component, bx: number, by: number) => void): void {
  let done = 0;
  const restartIfDue = () => {
    if (restartInterval && done > 0 && done % restartInterval === 0) {
      bits.restart();
      for (const c of scan) c.pred = 0;
    }
  };
  if (scan.length === 1) {
    const c = scan[0];
    for (let by = 0; by < c.bhScan; by++) {
      for (let bx = 0; bx < c.bwScan; bx++) {
        restartIfDue();
        block(c, bx, by);
        done++;
      }
    }
    return;
  }
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      restartIfDue();
      for (const c of scan) {
        for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) block(c, mx * c.h + h, my * c.v + v);
      }
      done++;
    }
  }
}

/** The components' planes as RGBA pixels. */
function toRgba(comps: Component[], width: number, height: number, n: number, hmax: number, vmax: number, adobeTransform: number | undefined): Thumbnail {
  const w = Math.ceil((width * n) / 8);
  const h = Math.ceil((height * n) / 8);
  const out = new Uint8Array(w * h * 4);
  const [c0, c1, c2] = comps;
  // A component decoded at the output's resolution is read 1:1; a subsampled one (progressive chroma,
  // or odd sampling factors) is stretched to it. Where each output column reads is worked out once.
  const columns = comps.map((c) => Int32Array.from({ length: w }, (_, x) => Math.floor((x * c.h * c.nh) / (hmax * n))));
  const rowStart = (c: Component, y: number) => Math.floor((y * c.v * c.nv) / (vmax * n)) * c.bw * c.nh;
  const [x0, x1, x2] = columns;
  const rgb = comps.length === 3 && adobeTransform === 0;
  let o = 0;
  for (let y = 0; y < h; y++) {
    const p0 = c0.plane;
    const r0 = rowStart(c0, y);
    if (comps.length === 1) {
      for (let x = 0; x < w; x++, o += 4) {
        out[o] = out[o + 1] = out[o + 2] = p0[r0 + x0[x]];
        out[o + 3] = 255;
      }
      continue;
    }
    const p1 = c1.plane;
    const p2 = c2.plane;
    const r1 = rowStart(c1, y);
    const r2 = rowStart(c2, y);
    for (let x = 0; x < w; x++, o += 4) {
      out[o + 3] = 255;
      const Y = p0[r0 + x0[x]];
      const cb = p1[r1 + x1[x]];
      const cr = p2[r2 + x2[x]];
      if (rgb) {
        out[o] = Y;
        out[o + 1] = cb;
        out[o + 2] = cr;
        continue;
      }
      out[o] = clamp(Y + 1.402 * (cr - 128));
      out[o + 1] = clamp(Y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128));
      out[o + 2] = clamp(Y + 1.772 * (cb - 128));
    }
  }
  return { width: w, height: h, data: out };
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
