// The histogram of each row's distance to its nearest neighbour, with the near-duplicate threshold on it:
// drag the line (or click), use the arrow keys on it (a slider), or type the value. Bar heights are on a
// log scale: the few duplicates near 0 must show next to thousands of ordinary rows. Theme colours only.
import { formatCount, h } from '../ui/dom';

export interface HistogramData {
  edges: number[];
  counts: number[];
}

export interface DistanceHistogram {
  element: HTMLElement;
  /** New data (a new computation); keeps the threshold given. */
  setData(data: HistogramData, threshold: number): void;
  setThreshold(t: number): void;
}

/** Digits enough to tell thresholds apart at this range. */
export function formatThreshold(t: number): string {
  if (!Number.isFinite(t)) return '—';
  return t === 0 ? '0' : Number(t.toPrecision(3)).toString();
}

export function distanceHistogram(opts: { onChange(threshold: number): void; metric?: string }): DistanceHistogram {
  let data: HistogramData = { edges: [0, 1], counts: [0] };
  let threshold = 0;
  const bars = h('div', { class: 'hist-bars', 'aria-hidden': 'true' });
  const line = h('div', { class: 'hist-threshold', 'aria-hidden': 'true' });
  const below = h('div', { class: 'hist-below', 'aria-hidden': 'true' });
  const plot = h(
    'div',
    {
      class: 'hist-plot',
      role: 'slider',
      tabindex: 0,
      'aria-label': 'Near-duplicate threshold on the histogram of nearest-neighbour distances (arrow keys move it)',
      'data-testid': 'hist-plot',
    },
    below,
    bars,
    line,
  );
  const axis = h('div', { class: 'hist-axis muted' });
  const input = h('input', {
    type: 'number',
    class: 'hist-input',
    min: 0,
    step: 'any',
    'aria-label': 'Near-duplicate threshold (distance)',
    title: 'Rows within this distance of a neighbour are grouped as near-duplicates (Enter applies)',
    'data-testid': 'threshold-input',
  });
  const caption = h('span', { class: 'hist-caption muted', 'data-testid': 'hist-caption' });
  const element = h(
    'div',
    { class: 'distance-histogram', 'data-testid': 'distance-histogram' },
    plot,
    axis,
    h('label', { class: 'hist-control' }, 'Threshold ', input, ' ', caption),
  );

  const lo = () => data.edges[0];
  const hi = () => data.edges[data.edges.length - 1];
  const frac = (v: number) => Math.max(0, Math.min(1, (v - lo()) / (hi() - lo() || 1)));

  function rowsBelow(t: number): number {
    let n = 0;
    data.counts.forEach((c, i) => {
      if (data.edges[i + 1] <= t) n += c;
      else if (data.edges[i] < t) n += Math.round((c * (t - data.edges[i])) / (data.edges[i + 1] - data.edges[i] || 1));
    });
    return n;
  }

  function draw(): void {
    const max = Math.max(1, ...data.counts);
    bars.replaceChildren(
      ...data.counts.map((c, i) =>
        h('div', {
          class: `hist-bar${data.edges[i + 1] <= threshold ? ' in' : ''}`,
          style: `height: ${c ? Math.max(4, (Math.log1p(c) / Math.log1p(max)) * 100) : 0}%`,
          title: `${formatThreshold(data.edges[i])}–${formatThreshold(data.edges[i + 1])}: ${formatCount(c)} rows`,
        }),
      ),
    );
    axis.replaceChildren(h('span', {}, formatThreshold(lo())), h('span', {}, formatThreshold((lo() + hi()) / 2)), h('span', {}, formatThreshold(hi())));
    placeLine();
  }

  function placeLine(): void {
    const pct = `${frac(threshold) * 100}%`;
    line.style.left = pct;
    below.style.width = pct;
    plot.setAttribute('aria-valuemin', formatThreshold(lo()));
    plot.setAttribute('aria-valuemax', formatThreshold(hi()));
    plot.setAttribute('aria-valuenow', formatThreshold(threshold));
    plot.setAttribute('aria-valuetext', `${formatThreshold(threshold)}: about ${formatCount(rowsBelow(threshold))} rows have a neighbour this close`);
    if (document.activeElement !== input) input.value = formatThreshold(threshold);
    caption.textContent = `${opts.metric ? `${opts.metric} distance; ` : ''}≈ ${formatCount(rowsBelow(threshold))} rows have a neighbour this close`;
    for (const [i, b] of [...bars.children].entries()) b.classList.toggle('in', data.edges[i + 1] <= threshold);
  }

  function set(t: number, commit: boolean): void {
    if (!Number.isFinite(t) || t < 0) return;
    threshold = t;
    placeLine();
    if (commit) opts.onChange(t);
  }

  // Dragging: the line follows the pointer; the groups are asked for when it stops moving (debounced).
  let timer: ReturnType<typeof setTimeout> | undefined;
  const commitSoon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => opts.onChange(threshold), 150);
  };
  const fromX = (x: number) => {
    const r = plot.getBoundingClientRect();
    return lo() + ((x - r.left) / (r.width || 1)) * (hi() - lo());
  };
  plot.addEventListener('pointerdown', (e) => {
    plot.setPointerCapture(e.pointerId);
    set(Math.max(0, fromX(e.clientX)), false);
    commitSoon();
    plot.focus();
  });
  plot.addEventListener('pointermove', (e) => {
    if (!plot.hasPointerCapture(e.pointerId)) return;
    set(Math.max(0, fromX(e.clientX)), false);
    commitSoon();
  });
  plot.addEventListener('keydown', (e) => {
    const step = (hi() - lo()) / (e.shiftKey ? 20 : 200);
    let next: number | undefined;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp') next = threshold + step;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') next = Math.max(0, threshold - step);
    else if (e.key === 'Home') next = 0;
    if (next === undefined) return;
    e.preventDefault();
    set(Number(next.toPrecision(4)), false);
    commitSoon();
  });
  const fromInput = () => {
    const v = Number(input.value);
    if (input.value.trim() !== '' && Number.isFinite(v) && v >= 0 && v !== threshold) set(v, true);
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') fromInput();
  });
  input.addEventListener('change', fromInput);

  return {
    element,
    setData(d, t) {
      data = d.counts.length ? d : data;
      threshold = t;
      draw();
    },
    setThreshold(t) {
      threshold = t;
      placeLine();
    },
  };
}
