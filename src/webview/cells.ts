// Wire cells → DOM. Images become blob: URLs made from the exact bytes the host sent (no base64);
// every URL made here is revoked through the ImageUrls that made it when its rows go away.
import type { Cell } from '../shared/types';
import { formatBytes, h } from './ui/dom';

export class ImageUrls {
  private readonly urls = new Set<string>();
  make(bytes: Uint8Array, media: string): string {
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: media }));
    this.urls.add(url);
    return url;
  }
  revokeAll(): void {
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
    case 'time':
      return h('span', { class: 'cell-time', title: cell.type }, cell.v);
    case 'bin': {
      const label = `${cell.media ? MEDIA_LABEL[cell.media] ?? cell.media : 'binary'} · ${formatBytes(cell.size)}`;
      if (cell.bytes && cell.media) {
        const img = h('img', { class: 'thumb', alt: label, title: label, loading: 'lazy', decoding: 'async', 'data-testid': 'thumb' });
        if (opts.thumbSize) img.style.maxHeight = img.style.maxWidth = `${opts.thumbSize}px`;
        img.src = opts.images.make(cell.bytes, cell.media);
        return img;
      }
      return h('span', { class: 'cell-bin', title: cell.head }, label, h('code', {}, ' ' + cell.head.slice(0, 23)));
    }
    case 'vec':
      return h('span', { class: 'cell-vec', title: `first values: ${cell.head.map((v) => v.toFixed(3)).join(', ')}` }, sparkline(cell.head), ` ${cell.dim}-d · ‖v‖ ${cell.norm.toFixed(3)}`);
    case 'list':
      return h('span', { class: 'cell-list' }, `[${cell.length}] `, cell.items.slice(0, 6).map((c) => preview(c)).join(', '), cell.length > 6 ? ', …' : '');
    case 'struct':
      return h('span', { class: 'cell-struct' }, '{', Object.entries(cell.fields).slice(0, 6).map(([k, v]) => `${k}: ${preview(v)}`).join(', '), '}');
    case 'unsupported':
      return h('span', { class: 'cell-unsupported', title: cell.reason }, `‹${cell.type}›`);
  }
}

/** Short text of a nested cell. */
function preview(c: Cell): string {
  if (c === null) return 'null';
  if (typeof c !== 'object') return typeof c === 'string' ? JSON.stringify(c.length > 40 ? c.slice(0, 40) + '…' : c) : String(c);
  switch (c.t) {
    case 'i64':
    case 'time':
      return c.v;
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

function sparkline(values: number[]): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 40 12');
  svg.setAttribute('aria-hidden', 'true');
  const max = Math.max(1e-9, ...values.map(Math.abs));
  const pts = values.map((v, i) => `${((i / Math.max(1, values.length - 1)) * 40).toFixed(1)},${(6 - (v / max) * 5).toFixed(1)}`).join(' ');
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts);
  svg.appendChild(line);
  return svg;
}
