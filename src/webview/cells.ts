// Wire cells → DOM. Images become blob: URLs made from the exact bytes the host sent (no base64);
// every URL made here is revoked through the ImageUrls that made it when its rows go away.
import type { Cell, WireFloat } from '../shared/types';
import { floatDisplay, fromWire } from '../shared/floats';
import { devicePx, formatBytes, formatCount, h } from './ui/dom';
import { markFirstImages } from './marks';

/**
 * Small thumbnails, made once per image bytes (while their page is cached) and size: decoded and scaled
 * off the main thread (createImageBitmap with a resize), drawn on an OffscreenCanvas and kept as a small
 * PNG. A 64-px cell then never holds a decoded 500×375 JPEG (750 KB each in the renderer's image cache,
 * which grew the workbench renderer by hundreds of MB per thousand rows scrolled), and scrolling back
 * to a row reuses its thumbnail.
 */
const SMALL_IMAGE_BYTES = 24 * 1024;
const thumbnails = new WeakMap<Uint8Array, { px: number; blob: Promise<Blob> }>();

function thumbnailBlob(bytes: Uint8Array, media: string, px: number): Promise<Blob> {
  const hit = thumbnails.get(bytes);
  if (hit && hit.px === px) return hit.blob;
  const blob = (async () => {
    const canScale = typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';
    // Small files are small images: decoding them as they are costs less than scaling.
    if (!canScale || bytes.byteLength <= SMALL_IMAGE_BYTES) return new Blob([bytes as BlobPart], { type: media });
    const bitmap = await scaledBitmap(bytes, media, px);
    try {
      return await pngOf(bitmap);
    } finally {
      bitmap.close();
    }
  })();
  thumbnails.set(bytes, { px, blob });
  return blob;
}

/**
 * The image decoded and scaled to `px` wide (the height keeps the aspect ratio), off the main thread.
 * Not WebCodecs' ImageDecoder, though it reads the bytes without the Blob copy: in the real VS Code
 * (bench:vscode, 3,000 true-shape rows scrolled) it held the workbench renderer at 1.0–1.1 GB against
 * 550–620 MB this way, with as many long tasks (59 against 65 at load 5–11).
 */
function scaledBitmap(bytes: Uint8Array, media: string, px: number): Promise<ImageBitmap> {
  return createImageBitmap(new Blob([bytes as BlobPart], { type: media }), { resizeWidth: px, resizeQuality: 'medium' });
}

/** One canvas for all thumbnails: convertToBlob copies what is drawn when it is called, so the next can draw. */
let thumbCanvas: { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } | undefined;

function pngOf(bitmap: ImageBitmap): Promise<Blob> {
  if (!thumbCanvas) {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    thumbCanvas = { canvas, ctx: canvas.getContext('2d')! };
  }
  const { canvas, ctx } = thumbCanvas;
  if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
  } else ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

export class ImageUrls {
  private readonly urls = new Set<string>();
  /** Bumped by revokeAll: a thumbnail finished after its row left is revoked at once. */
  private generation = 0;
  make(bytes: Uint8Array, media: string): string {
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: media }));
    this.urls.add(url);
    return url;
  }
  /**
   * Shows a thumbnail `px` wide (see thumbnailBlob) in `img` once made, unless its row left meanwhile;
   * rejects when the bytes do not decode.
   */
  async thumb(img: HTMLImageElement, bytes: Uint8Array, media: string, px: number): Promise<void> {
    const gen = this.generation;
    const blob = await thumbnailBlob(bytes, media, px);
    if (gen === this.generation) this.show(img, blob);
  }
  /**
   * Shows `blob` in `img` through a URL revoked once the image has loaded (or failed): the element
   * keeps the decoded picture, and a row removed before its image arrived (a fast scroll, a new sort)
   * cannot revoke the URL under a load still running ("ERR_FILE_NOT_FOUND").
   */
  private show(img: HTMLImageElement, blob: Blob): void {
    const url = URL.createObjectURL(blob);
    const done = () => URL.revokeObjectURL(url);
    img.addEventListener('load', done, { once: true });
    img.addEventListener('error', done, { once: true });
    img.src = url;
  }
  revokeAll(): void {
    this.generation++;
    for (const u of this.urls) URL.revokeObjectURL(u);
    this.urls.clear();
  }
  get size(): number {
    return this.urls.size;
  }
}

const MEDIA_LABEL: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/bmp': 'BMP',
};

export interface RenderOptions {
  images: ImageUrls;
  thumbSize?: number;
}

export function renderCell(cell: Cell, opts: RenderOptions): HTMLElement {
  if (cell === null) return h('span', { class: 'cell-null', title: 'null' }, 'null');
  if (typeof cell === 'string') {
    if (cell === '') return h('span', { class: 'cell-empty', title: 'empty string' }, '""');
    return h('span', { class: 'cell-text', title: cell.length > 80 ? cell.slice(0, 2000) : undefined, dir: 'auto' }, cell.length > 500 ? cell.slice(0, 500) + '…' : cell);
  }
  if (typeof cell === 'number') return h('span', { class: 'cell-num' }, String(cell));
  if (typeof cell === 'boolean') return h('span', { class: 'cell-bool' }, String(cell));
  switch (cell.t) {
    case 'i64':
      return h('span', { class: 'cell-num' }, cell.v);
    case 'float':
      return h('span', { class: 'cell-num cell-float-special', title: FLOAT_TITLE[cell.v], 'data-float': cell.v }, floatDisplay(cell.v));
    case 'str':
      return h(
        'span',
        {
          class: 'cell-text cell-capped',
          title: `${formatCount(cell.length)} characters; the first ${formatCount(cell.v.length)} were sent (the preview shows all)`,
          dir: 'auto',
        },
        cell.v.slice(0, 500) + '…',
        h('span', { class: 'muted cell-capped-len' }, ` (${formatCount(cell.length)} chars)`),
      );
    case 'time':
      return h('span', { class: 'cell-time', title: cell.type }, cell.v);
    case 'bin': {
      const label = `${cell.media ? (MEDIA_LABEL[cell.media] ?? cell.media) : 'binary'} · ${formatBytes(cell.size)}`;
      if (cell.thumb || (cell.bytes && cell.media)) {
        const img = h('img', { class: 'thumb', alt: label, title: label, ...(cell.thumb ? {} : { loading: 'lazy' }), decoding: 'async', 'data-testid': 'thumb' });
        // Bytes that start like an image but do not decode (truncated, a polyglot): say so, never a broken icon.
        const broken = () =>
          img.replaceWith(
            h('span', { class: 'cell-bin warn', title: `${cell.head}: the browser could not decode this image`, 'data-testid': 'thumb-broken' }, `⚠ ${label} · cannot be decoded`),
          );
        img.addEventListener('error', broken);
        if (opts.thumbSize) img.style.maxHeight = img.style.maxWidth = `${opts.thumbSize}px`;
        markFirstImages(img);
        // The host's thumbnail is made at the cell's size: shown as it is.
        if (cell.thumb) img.src = cell.thumb;
        else if (opts.thumbSize) opts.images.thumb(img, cell.bytes!, cell.media!, devicePx(opts.thumbSize)).catch(broken);
        else img.src = opts.images.make(cell.bytes!, cell.media!);
        return img;
      }
      return h('span', { class: 'cell-bin', title: cell.head }, label, h('code', {}, ' ' + cell.head.slice(0, 23)));
    }
    case 'vec': {
      const bad = cell.nonFinite ? ` · ${cell.nonFinite} non-finite` : '';
      return h(
        'span',
        { class: `cell-vec${cell.nonFinite ? ' cell-vec-nonfinite' : ''}`, title: `first values: ${cell.head.map((v) => fixed3(v)).join(', ')}${bad}` },
        sparkline(cell.head),
        ` ${cell.dim}-d · ‖v‖ ${fixed3(cell.norm)}`,
        cell.nonFinite ? h('span', { class: 'warn cell-vec-bad' }, bad) : null,
      );
    }
    case 'list':
      return h(
        'span',
        { class: 'cell-list' },
        `[${cell.length}] `,
        cell.items
          .slice(0, 6)
          .map((c) => preview(c))
          .join(', '),
        cell.length > 6 ? ', …' : '',
      );
    case 'struct':
      return h(
        'span',
        { class: 'cell-struct' },
        '{',
        Object.entries(cell.fields)
          .slice(0, 6)
          .map(([k, v]) => `${k}: ${preview(v)}`)
          .join(', '),
        '}',
      );
    case 'unsupported':
      return h('span', { class: 'cell-unsupported', title: cell.reason }, `‹${cell.type}›`);
  }
}

const FLOAT_TITLE: Record<string, string> = {
  NaN: 'NaN (not a number)',
  Infinity: '+Infinity',
  '-Infinity': '−Infinity',
  '-0': 'negative zero (−0.0)',
};

/** A wire float with three decimals; NaN, +∞, −∞ and −0 as such. */
function fixed3(v: WireFloat): string {
  return floatDisplay(v, (n) => n.toFixed(3));
}

/** Short text of a nested cell. */
function preview(c: Cell): string {
  if (c === null) return 'null';
  if (typeof c !== 'object') return typeof c === 'string' ? JSON.stringify(c.length > 40 ? c.slice(0, 40) + '…' : c) : String(c);
  switch (c.t) {
    case 'i64':
    case 'time':
      return c.v;
    case 'float':
      return floatDisplay(c.v);
    case 'str':
      return JSON.stringify(c.v.slice(0, 40) + '…');
    case 'bin':
      return `binary(${c.size})`;
    case 'vec':
      return `vector(${c.dim})`;
    case 'list':
      return `[${c.length}]`;
    case 'struct':
      return '{…}';
    case 'unsupported':
      return `‹${c.type}›`;
  }
}

function sparkline(wire: WireFloat[]): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 40 12');
  svg.setAttribute('aria-hidden', 'true');
  // NaN and ±Infinity have no place on the line: drawn at the clamped edge (∞) or the middle (NaN).
  const values = wire.map(fromWire);
  const max = Math.max(1e-9, ...values.map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
  const y = (v: number) => (Number.isNaN(v) ? 6 : 6 - (Math.max(-max, Math.min(max, v)) / max) * 5);
  const pts = values.map((v, i) => `${((i / Math.max(1, values.length - 1)) * 40).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts);
  svg.appendChild(line);
  return svg;
}
