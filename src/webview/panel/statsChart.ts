// A horizontal bar chart of a column's most frequent values, in plain DOM: each bar is a button
// (label, bar, count and share), so the chart is read by screen readers, reached with Tab, walked with
// the arrow keys, and a bar click can filter the rows. Colours come from the theme (media/tabs.css).
import { formatCount, h } from '../ui/dom';

export interface BarDatum {
  value: string | number | boolean;
  count: number;
}

export interface BarChartOptions {
  /** Column the values come from (for labels). */
  column: string;
  /** Rows the counts are a share of (non-null rows looked at). */
  rows: number;
  /** Called when a bar is chosen; bars whose value cannot be picked are shown but not clickable. */
  onPick?(value: BarDatum['value']): void;
  canPick?(value: BarDatum['value']): boolean;
  /** Tooltip of a clickable bar. */
  pickTitle?(value: BarDatum['value']): string;
}

export function formatValue(v: string | number | boolean | undefined | null): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return formatCount(v);
    return v.toLocaleString('en-US', { maximumSignificantDigits: 6 });
  }
  if (typeof v === 'boolean') return String(v);
  return v;
}

export function barChart(data: BarDatum[], opts: BarChartOptions): HTMLElement {
  const max = Math.max(1, ...data.map((d) => d.count));
  const bars = data.map((d) => {
    const share = opts.rows > 0 ? d.count / opts.rows : 0;
    const label = typeof d.value === 'string' && d.value === '' ? '(empty string)' : formatValue(d.value);
    const pickable = !!opts.onPick && (opts.canPick?.(d.value) ?? true);
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
        title: pickable ? opts.pickTitle?.(d.value) ?? `Show rows where ${opts.column} is ${label}` : `${label}: cannot be written as a filter`,
        tabindex: -1,
      },
      h('span', { class: `bar-label${typeof d.value === 'string' && d.value === '' ? ' muted' : ''}` }, label),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'bar-count' }, formatCount(d.count), h('span', { class: 'muted' }, ` · ${pct(share)}`)),
    );
    if (pickable) bar.addEventListener('click', () => opts.onPick!(d.value));
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
