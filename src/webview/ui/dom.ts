// Tiny DOM builder. Text always goes in as textContent, never as HTML: dataset strings may look like
// markup (`<script>`), and the webview must show them, not run them.
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> & { class?: string } = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** One formatter: `toLocaleString` makes a new one per call (~0.1 ms, once per grid row built while scrolling). */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

/** CSS pixels in device pixels (what an image shown `css` px wide needs to look sharp). */
export function devicePx(css: number): number {
  return Math.round(css * (globalThis.devicePixelRatio || 1));
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return 'unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** A distance as the result lists show it: four significant digits, 0 as 0, "—" when there is none. */
export function formatDistance(d: number | null | undefined): string {
  if (typeof d !== 'number' || !Number.isFinite(d)) return '—';
  return d === 0 ? '0' : d.toPrecision(4);
}

/** A duration: milliseconds under a second, else seconds. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
