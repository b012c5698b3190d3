// One cell in full, for the preview: images at natural size, vectors summarised with every value on
// request, long text wrapped, nulls distinct from empty strings, structs and lists laid out.
import type { Cell, SchemaField } from '../../shared/types';
import { floatDisplay, fromWire } from '../../shared/floats';
import type { ImageUrls } from '../cells';
import { formatBytes, formatCount, h } from '../ui/dom';

/** Text longer than this shows its start and a "show all" expander. */
const LONG_TEXT = 4000;
/** List items shown before "… more". */
const LIST_ITEMS = 200;

const MEDIA_LABEL: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/bmp': 'BMP',
};

export function mediaLabel(media: string | undefined): string {
  return media ? (MEDIA_LABEL[media] ?? media) : 'binary';
}

/**
 * A nested field's type, its parameters elided past a length (the full type is the title): each level of
 * a deep struct would otherwise repeat every level below it, quadratic text for a 20-level struct.
 */
export function elideTypeParams(type: string): string {
  return type.length > 40 ? type.replace(/<.*>$/s, '<…>') : type;
}

/** Type as far as the cell itself tells (the schema's type is used instead when known). */
export function typeHintOf(c: Cell): string {
  if (c === null) return 'null';
  if (typeof c === 'string') return 'string';
  if (typeof c === 'number') return Number.isInteger(c) ? 'number' : 'float';
  if (typeof c === 'boolean') return 'bool';
  switch (c.t) {
    case 'i64':
      return 'int64';
    case 'float':
      return 'float';
    case 'str':
      return 'string';
    case 'time':
      return c.type;
    case 'bin':
      return c.media ? `binary · ${mediaLabel(c.media)}` : 'binary';
    case 'vec':
      return `vector[${c.dim}]`;
    case 'list':
      return `list[${c.length}]`;
    case 'struct':
      return 'struct';
    case 'unsupported':
      return c.type;
  }
}

function isScalar(c: Cell): boolean {
  return c === null || typeof c !== 'object' || c.t === 'i64' || c.t === 'time' || c.t === 'float';
}

export interface ValueOptions {
  images: ImageUrls;
  /** Field name, for image alt text. */
  name: string;
  /** The schema's field, when known: nested fields show their declared types. */
  field?: SchemaField;
}

export function renderValue(c: Cell, opts: ValueOptions): HTMLElement {
  if (c === null) return h('span', { class: 'cell-null pv-null', title: 'null (no value)' }, 'null');
  if (typeof c === 'string') {
    if (c === '') return h('span', { class: 'cell-empty pv-empty-string', title: 'empty string' }, '"" (empty string)');
    return longText(c);
  }
  if (typeof c === 'number') return h('span', { class: 'cell-num' }, floatDisplay(c));
  if (typeof c === 'boolean') return h('span', { class: 'cell-bool' }, String(c));
  switch (c.t) {
    case 'i64':
      return h('span', { class: 'cell-num' }, c.v);
    case 'float':
      return h('span', { class: 'cell-num cell-float-special', 'data-float': c.v, title: c.v === '-0' ? 'negative zero (−0.0)' : c.v }, floatDisplay(c.v));
    case 'str':
      // Only the start was sent: the field's "Show all" loads the whole value (previewView).
      return h(
        'div',
        { class: 'pv-capped', 'data-testid': 'preview-capped' },
        h('div', { class: 'pv-text', dir: 'auto' }, c.v.slice(0, LONG_TEXT) + '…'),
        h('div', { class: 'muted pv-capped-note' }, `The first ${formatCount(c.v.length)} of ${formatCount(c.length)} characters were sent.`),
      );
    case 'time':
      return h('span', { class: 'cell-time', title: c.type }, c.v);
    case 'bin':
      return binary(c, opts);
    case 'vec':
      return vector(c);
    case 'list':
      return list(c, opts);
    case 'struct':
      return h(
        'dl',
        { class: 'pv-struct' },
        Object.entries(c.fields).flatMap(([k, v]) => {
          const child = opts.field?.children.find((f) => f.name === k);
          return [
            h('dt', {}, k, child ? h('span', { class: 'pv-type', title: child.type }, elideTypeParams(child.type)) : null),
            h('dd', {}, renderValue(v, { ...opts, name: `${opts.name}.${k}`, field: child })),
          ];
        }),
      );
    case 'unsupported':
      return h('span', { class: 'cell-unsupported', title: c.reason }, `‹${c.type}› `, h('span', { class: 'muted' }, c.reason));
  }
}

function longText(s: string): HTMLElement {
  if (s.length <= LONG_TEXT) return h('div', { class: 'pv-text', dir: 'auto' }, s);
  const rest = h('details', { class: 'pv-more' }, h('summary', {}, `Show all ${formatCount(s.length)} characters`));
  rest.addEventListener('toggle', () => {
    if (rest.open && !rest.querySelector('.pv-text')) rest.append(h('div', { class: 'pv-text', dir: 'auto' }, s));
  });
  return h('div', {}, h('div', { class: 'pv-text', dir: 'auto' }, s.slice(0, LONG_TEXT) + '…'), rest);
}

function binary(c: Extract<Cell, { t: 'bin' }>, opts: ValueOptions): HTMLElement {
  const kind = mediaLabel(c.media);
  if (c.bytes && c.media?.startsWith('image/')) {
    const caption = h('figcaption', { class: 'muted pv-image-caption', 'data-testid': 'preview-image-caption' }, `${kind} · ${formatBytes(c.size)}`);
    const img = h('img', { class: 'pv-image', alt: `${opts.name}: ${kind} image, ${formatBytes(c.size)}`, 'data-testid': 'preview-image', decoding: 'async' });
    img.addEventListener('load', () => {
      caption.textContent = `${img.naturalWidth} × ${img.naturalHeight} px · ${kind} · ${formatBytes(c.size)}`;
      img.dataset.width = String(img.naturalWidth);
      img.dataset.height = String(img.naturalHeight);
    });
    img.addEventListener('error', () => {
      caption.textContent = `${kind} · ${formatBytes(c.size)} · the browser could not decode this image`;
      caption.classList.add('warn');
    });
    img.src = opts.images.make(c.bytes, c.media);
    return h('figure', { class: 'pv-figure' }, img, caption);
  }
  if (c.media?.startsWith('image/')) {
    return h(
      'div',
      { class: 'pv-bin' },
      `${kind} image · ${formatBytes(c.size)} `,
      h('span', { class: 'muted' }, '(larger than the inline image limit, setting lanceInspector.maxInlineImageKB)'),
    );
  }
  return h('div', { class: 'pv-bin' }, `${kind} · ${formatBytes(c.size)}`, c.head ? h('code', { class: 'pv-hex', title: 'first bytes' }, c.head) : null);
}

function vector(c: Extract<Cell, { t: 'vec' }>): HTMLElement {
  const values = (c.values ?? c.head).map(fromWire);
  const complete = !!c.values && c.values.length === c.dim;
  // min / max / mean of the finite values; NaN and ±Infinity are counted and named instead.
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  let nans = 0;
  let posInf = 0;
  let negInf = 0;
  for (const v of values) {
    if (Number.isNaN(v)) nans++;
    else if (v === Infinity) posInf++;
    else if (v === -Infinity) negInf++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      finite++;
    }
  }
  const norm = fromWire(c.norm);
  const normalized = Math.abs(norm - 1) < 1e-3;
  const bad = [nans ? `${nans} NaN` : '', posInf ? `${posInf} × +∞` : '', negInf ? `${negInf} × −∞` : ''].filter(Boolean);
  const facts = [`${c.dim}-d`, `‖v‖ ${floatDisplay(c.norm, (n) => n.toFixed(4))}`, ...(finite ? [`min ${fmt(min)}`, `max ${fmt(max)}`, `mean ${fmt(sum / finite)}`] : [])];
  // Only the first values may be on hand: the count of every non-finite value comes from the host.
  const badText = complete || !c.nonFinite ? bad.join(', ') : `${c.nonFinite} non-finite (NaN or ±∞)`;
  const all = h(
    'details',
    { class: 'pv-more', 'data-testid': 'preview-vector-values' },
    h('summary', {}, complete ? `Show all ${c.dim} values` : `Show the first ${values.length} of ${c.dim} values`),
  );
  all.addEventListener('toggle', () => {
    if (!all.open || all.querySelector('.pv-values')) return;
    all.append(
      h(
        'div',
        { class: 'pv-values' },
        values.map((v, i) => h('span', { title: `[${i}]` }, fmt(v))).flatMap((s, i) => (i ? [', ', s] : [s])),
      ),
    );
  });
  return h(
    'div',
    { class: 'pv-vector' },
    h('div', { class: 'pv-vector-facts' }, facts.join(' · '), normalized ? h('span', { class: 'pv-badge', title: 'Unit length (‖v‖ = 1)' }, 'normalized') : null),
    badText
      ? h('div', { class: 'warn pv-vector-nonfinite', 'data-testid': 'preview-vector-nonfinite' }, `Non-finite values: ${badText}. Distances to this vector are not defined.`)
      : null,
    sparkline(values),
    complete ? null : h('div', { class: 'muted' }, `Only the first ${values.length} values were sent.`),
    all,
  );
}

function fmt(v: number): string {
  if (!Number.isFinite(v) || Object.is(v, -0)) return floatDisplay(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e6 ? Number(v.toPrecision(6)).toString() : v.toExponential(4);
}

/** A sparkline over every value, drawn as min/max bands when there are more values than pixels. */
function sparkline(values: number[]): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const W = 256;
  const H = 32;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'pv-spark');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Sparkline of ${values.length} values`);
  if (!values.length) return svg;
  const amp = Math.max(1e-12, ...values.map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
  const y = (v: number) => (H / 2 - (v / amp) * (H / 2 - 1)).toFixed(2);
  const zero = document.createElementNS(ns, 'line');
  zero.setAttribute('x1', '0');
  zero.setAttribute('x2', String(W));
  zero.setAttribute('y1', String(H / 2));
  zero.setAttribute('y2', String(H / 2));
  zero.setAttribute('class', 'pv-spark-zero');
  svg.appendChild(zero);
  const buckets = Math.min(values.length, W);
  const pts: string[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * values.length) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * values.length) / buckets));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = Number.isFinite(values[i]) ? values[i] : 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const x = ((b + 0.5) * W) / buckets;
    pts.push(`${x.toFixed(1)},${y(hi)}`);
    if (hi !== lo) pts.push(`${x.toFixed(1)},${y(lo)}`);
  }
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts.join(' '));
  svg.appendChild(line);
  return svg;
}

function list(c: Extract<Cell, { t: 'list' }>, opts: ValueOptions): HTMLElement {
  const shown = c.items.slice(0, LIST_ITEMS);
  const more = c.length - shown.length;
  const tail = more > 0 ? h('span', { class: 'muted' }, ` … ${formatCount(more)} more not shown`) : null;
  if (c.length === 0) return h('span', { class: 'muted' }, '[] (empty list)');
  if (shown.every(isScalar)) {
    const parts = shown.flatMap((it, i) => {
      const el = it === null ? h('span', { class: 'cell-null' }, 'null') : typeof it === 'string' ? h('span', { class: 'pv-str' }, JSON.stringify(it)) : renderValue(it, opts);
      return i ? [', ', el] : [el];
    });
    return h('div', { class: 'pv-list-inline' }, '[', ...parts, tail, ']');
  }
  return h(
    'div',
    {},
    h(
      'ol',
      { class: 'pv-list', start: 0 },
      shown.map((it, i) => h('li', {}, renderValue(it, { ...opts, name: `${opts.name}[${i}]`, field: opts.field?.children[0] }))),
    ),
    tail,
  );
}
