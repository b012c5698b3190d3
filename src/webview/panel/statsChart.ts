// A horizontal bar chart of a column's most frequent values, in plain DOM: each bar is a button
// (label, bar, count and share), so the chart is read by screen readers, reached with Tab, walked with
// the arrow keys, and a bar click can filter the rows. Colours come from the theme (media/tabs.css).
import { floatDisplay } from '../../shared/floats';
import type { Cell, ExactValue } from '../../shared/types';
import { formatCount, h } from '../ui/dom';

export interface BarDatum {
  /** What is shown. */
  value: string | number | boolean;
  count: number;
  /** The value itself when `value` is not it (int64 beyond 2^53, NaN / ±∞ / −0, a shortened string). */
  exact?: ExactValue;
}

/** The exact value of a bar, as a cell: what filters are built from (never the shown text). */
export function barCell(d: BarDatum): Cell {
  return d.exact ?? d.value;
}

export interface BarChartOptions {
  /** Column the values come from (for labels). */
  column: string;
  /** Rows the counts are a share of (non-null rows looked at). */
  rows: number;
  /** Called with the bar's exact value (barCell) when a bar is chosen; bars whose value cannot be picked are shown but not clickable. */
  onPick?(value: Cell): void;
  canPick?(value: Cell): boolean;
  /** Tooltip of a clickable bar. */
  pickTitle?(value: Cell): string;
}

/** A statistic as people read it: counts grouped, floats to 6 digits, NaN, +∞, −∞ and −0 as such. */
export function formatValue(v: string | number | boolean | ExactValue | undefined | null): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) return floatDisplay(v);
    if (Number.isInteger(v)) return formatCount(v);
    return v.toLocaleString('en-US', { maximumSignificantDigits: 6 });
  }
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (v.t === 'float') return floatDisplay(v.v);
  if (v.t === 'str') return v.v + '…';
  return v.v;
}

/** The label of a bar: the exact value's own display when it has one (NaN, ∞, −0), else the shown value. */
function barLabel(d: BarDatum): string {
  if (typeof d.value === 'string' && d.value === '') return '(empty string)';
  if (d.exact?.t === 'float') return floatDisplay(d.exact.v);
  return formatValue(d.value);
}

export function barChart(data: BarDatum[], opts: BarChartOptions): HTMLElement {
  const max = Math.max(1, ...data.map((d) => d.count));
  const bars = data.map((d) => {
    const share = opts.rows > 0 ? d.count / opts.rows : 0;
    const label = barLabel(d);
    const cell = barCell(d);
    const pickable = !!opts.onPick && (opts.canPick?.(cell) ?? true);
    const fill = h('span', { class: 'bar-fill' });
    fill.style.width = `${Math.max(0.5, (d.count / max) * 100)}%`;
    const bar = h(
      'button',
      {
        type: 'button',
        class: `stats-bar${pickable ? '' : ' not-pickable'}`,
        'data-testid': 'stats-bar',
        'data-value': String(d.value),
        'aria-label': `${label}: ${formatCount(d.count)} rows, ${pct(share)}${pickable ? '. Show these rows.' : ''}`,
        'aria-disabled': pickable ? undefined : 'true',
        title: pickable ? (opts.pickTitle?.(cell) ?? `Show rows where ${opts.column} is ${label}`) : `${label}: cannot be written as a filter`,
        'data-exact': d.exact ? (d.exact.t === 'str' ? `md5:${d.exact.md5}` : d.exact.v) : undefined,
        tabindex: -1,
      },
      h('span', { class: `bar-label${typeof d.value === 'string' && d.value === '' ? ' muted' : ''}` }, label),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'bar-count' }, formatCount(d.count), h('span', { class: 'muted' }, ` · ${pct(share)}`)),
    );
    if (pickable) bar.addEventListener('click', () => opts.onPick!(cell));
    return bar;
  });
  if (bars.length) bars[0].tabIndex = 0;
  const chart = h('div', { class: 'stats-chart', role: 'group', 'aria-label': `Most frequent values of ${opts.column}` }, bars);
  // One tab stop; arrows move between bars.
  chart.addEventListener('keydown', (e) => {
    const i = bars.indexOf(e.target as HTMLButtonElement);
    if (i < 0) return;
    const to = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? bars.length - 1 : -2;
    if (to === -2) return;
    e.preventDefault();
    const b = bars[Math.max(0, Math.min(bars.length - 1, to))];
    for (const o of bars) o.tabIndex = -1;
    b.tabIndex = 0;
    b.focus();
  });
  return chart;
}

function pct(share: number): string {
  if (share === 0) return '0%';
  if (share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}
