// Indices (type, columns, metric, parameters, how many rows they cover), dataset statistics, and
// statistics of one column on demand: streamed by the host with a progress bar and a Cancel button,
// shown as figures and a bar chart of the most frequent values where a bar filters the rows.
import type { ColumnStats, DatasetDescription, IndexInfo, SchemaField } from '../../shared/types';
import { RpcError } from '../../shared/rpc';
import { formatBytes, formatCount, h } from '../ui/dom';
import { button } from '../ui/toolkit';
import type { PanelContext, View } from './context';
import { barChart, formatValue } from './statsChart';
import { equalsFilter } from '../../shared/sql';

const COLUMN_KEY = 'stats.column';
const TOP_K = 20;

export function indicesView(ctx: PanelContext): View {
  const d = ctx.description;
  const col = columnStats(ctx);
  const element = h(
    'section',
    { class: 'indices-view' },
    h('h3', {}, 'Indices'),
    indicesTable(d),
    h('h3', {}, 'Dataset statistics'),
    statsTable(d),
    h('h3', {}, 'Column statistics'),
    col.element,
  );
  return { element, dispose: col.dispose };
}

// ---------------------------------------------------------------------------------------------------
// Dataset statistics
// ---------------------------------------------------------------------------------------------------

function statsTable(d: DatasetDescription): HTMLElement {
  const s = d.stats;
  const kv = (k: string, v: string | HTMLElement, testId?: string) => h('tr', { 'data-testid': testId }, h('th', {}, k), h('td', {}, v));
  return h(
    'table',
    { class: 'grid kv', 'data-testid': 'stats' },
    h(
      'tbody',
      {},
      kv('Rows', formatCount(s.rows), 'stat-rows'),
      kv('Deleted rows', s.deletedRows === undefined ? 'unknown' : formatCount(s.deletedRows), 'stat-deleted'),
      kv('Fragments', formatCount(s.fragments), 'stat-fragments'),
      kv('Size on disk', formatBytes(s.bytes), 'stat-bytes'),
      kv('Data format', s.dataFormat ?? 'unknown', 'stat-format'),
      kv('Version', `${d.version}${d.latestVersion !== d.version ? ` (latest is ${d.latestVersion})` : ''}${d.tag ? `, tag “${d.tag}”` : ''}`, 'stat-version'),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------
// Indices
// ---------------------------------------------------------------------------------------------------

function indicesTable(d: DatasetDescription): HTMLElement {
  if (!d.indices.length) {
    return h(
      'p',
      { class: 'muted', 'data-testid': 'indices' },
      d.indexMetadataMissing
        ? 'No index metadata: _indices/ holds files, but this dataset’s manifest does not describe them (written by an older Lance), so their type and columns are unknown.'
        : 'No indices.',
    );
  }
  return h(
    'table',
    { class: 'grid indices-table', 'data-testid': 'indices' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Columns'), h('th', {}, 'Metric'), h('th', {}, 'Parameters'), h('th', {}, 'Coverage'))),
    h(
      'tbody',
      {},
      d.indices.map((i) =>
        h(
          'tr',
          { 'data-testid': 'index-row', 'data-index': i.name },
          h('td', {}, h('code', {}, i.name)),
          h('td', {}, i.type),
          h(
            'td',
            {},
            i.columns.flatMap((c, n) => [n ? ', ' : '', h('code', {}, c)]),
          ),
          h('td', {}, i.metric ? i.metric.toLowerCase() : h('span', { class: 'muted' }, '—')),
          h('td', { class: 'index-params' }, indexParams(i)),
          h('td', {}, coverage(i)),
        ),
      ),
    ),
  );
}

function pick(o: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
}

function firstOf(o: unknown, paths: string[][]): string | number | undefined {
  for (const p of paths) {
    const v = pick(o, ...p);
    if (typeof v === 'number' || (typeof v === 'string' && v !== '')) return v;
  }
  return undefined;
}

/** The parameters the engine reports for an index (partitions, sub-vectors, bits…), then the rest in full. */
function indexParams(i: IndexInfo): (HTMLElement | string)[] {
  const dt = i.details;
  const out: HTMLElement[] = [];
  const param = (label: string, v: string | number | undefined) => {
    if (v !== undefined) out.push(h('span', { class: 'param' }, h('span', { class: 'muted' }, `${label} `), typeof v === 'number' ? formatCount(v) : v));
  };
  if (dt && typeof dt === 'object') {
    param('partitions', firstOf(dt, [['num_partitions'], ['ivf', 'num_partitions'], ['partitions'], ['num_centroids']]));
    const comp = firstOf(dt, [['compression', 'type']]);
    param('compression', typeof comp === 'string' ? comp.toUpperCase() : comp);
    param('sub-vectors', firstOf(dt, [['compression', 'num_sub_vectors'], ['num_sub_vectors'], ['pq', 'num_sub_vectors']]));
    param('bits', firstOf(dt, [['compression', 'num_bits'], ['num_bits'], ['pq', 'num_bits']]));
    param('m', firstOf(dt, [['hnsw', 'm'], ['m']]));
    param('ef_construction', firstOf(dt, [['hnsw', 'ef_construction'], ['ef_construction']]));
    param('tokenizer', firstOf(dt, [['base_tokenizer'], ['tokenizer']]));
  }
  if (typeof i.sizeBytes === 'number') param('size', formatBytes(i.sizeBytes));
  if (i.createdAt) param('created', new Date(i.createdAt).toLocaleString());
  const hasDetails = dt && typeof dt === 'object' && Object.keys(dt).length > 0;
  return [
    ...(out.length ? [h('span', { class: 'params' }, out)] : []),
    ...(hasDetails
      ? [h('details', { class: 'index-details' }, h('summary', {}, 'all details'), h('pre', {}, JSON.stringify(dt, null, 2)))]
      : out.length
        ? []
        : [h('span', { class: 'muted' }, '—')]),
  ];
}

function coverage(i: IndexInfo): HTMLElement {
  if (i.indexedRows === undefined && i.unindexedRows === undefined) return h('span', { class: 'muted' }, 'unknown');
  const idx = i.indexedRows ?? 0;
  const un = i.unindexedRows ?? 0;
  const all = idx + un;
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${all ? (idx / all) * 100 : 0}%`;
  return h(
    'div',
    {
      class: `coverage${un > 0 ? ' partial' : ''}`,
      title: un > 0 ? `${formatCount(un)} rows were added after the index was built: searches read them without the index until it is optimized.` : 'Every row is indexed.',
    },
    h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
    h('span', {}, `${formatCount(idx)} indexed`),
    h('span', { class: un > 0 ? 'warn' : 'muted' }, ` · ${formatCount(un)} unindexed`),
  );
}

// ---------------------------------------------------------------------------------------------------
// Column statistics
// ---------------------------------------------------------------------------------------------------

/** The column statistics are first offered for: a label-like column, else the first plain one. */
function defaultColumn(fields: SchemaField[]): string | undefined {
  const plain = fields.filter((f) => ['string', 'dictionary', 'bool', 'int', 'float', 'temporal', 'decimal'].includes(f.kind));
  const text = plain.filter((f) => f.kind === 'string' || f.kind === 'dictionary');
  const labelish = (f: SchemaField) => /label|class|category/i.test(f.name);
  return (text.find(labelish) ?? plain.find(labelish) ?? plain[0] ?? fields[0])?.name;
}

function columnStats(ctx: PanelContext): { element: HTMLElement; dispose: () => void } {
  const fields = ctx.description.schema.filter((f) => !f.unsupported);
  const saved = ctx.getState<string>(COLUMN_KEY);
  const initial = fields.some((f) => f.name === saved) ? saved : defaultColumn(fields);
  const select = h(
    'select',
    { class: 'stats-column', 'aria-label': 'Column', 'data-testid': 'stats-column' },
    fields.map((f) => h('option', { value: f.name, selected: f.name === initial }, `${f.name} — ${f.type}`)),
  );
  const filterBox = h('input', {
    type: 'text',
    class: 'stats-filter',
    placeholder: 'Filter (optional SQL WHERE)',
    'aria-label': 'Only rows matching this filter (optional SQL WHERE expression)',
    'data-testid': 'stats-filter',
  });
  const runBtn = button('Compute', () => void run(), { testId: 'stats-run', title: 'Read this column (only this column) and compute its statistics' });
  const bar = h('progress', { class: 'stats-progress-bar', 'aria-label': 'Rows read' });
  const progressText = h('span', { class: 'muted' }, 'Starting…');
  const cancelBtn = button('Cancel', () => running?.cancel(), { secondary: true, testId: 'stats-cancel', title: 'Stop reading the column' });
  const progress = h('div', { class: 'stats-progress', 'data-testid': 'stats-progress', hidden: true, role: 'status', 'aria-live': 'polite' }, bar, progressText, cancelBtn);
  const result = h('div', { class: 'stats-result', 'data-testid': 'stats-result' });
  let running: { id: number; cancel(): void } | undefined;

  select.addEventListener('change', () => ctx.setState(COLUMN_KEY, select.value));
  filterBox.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void run();
  });

  async function run(): Promise<void> {
    const column = select.value;
    if (!column) return;
    running?.cancel();
    const filter = filterBox.value.trim() || undefined;
    // No client time limit: the host applies the user's query timeout, and Cancel is on screen.
    const req = ctx.rpc.start('columnStats', { column, filter, topK: TOP_K }, { timeoutMs: 0 });
    const mine = { id: req.id, cancel: req.cancel };
    running = mine;
    bar.removeAttribute('value'); // indeterminate until the first progress event
    progressText.textContent = `Reading “${column}”…`;
    progress.hidden = false;
    result.setAttribute('aria-busy', 'true');
    const off = ctx.rpc.on('progress', (e) => {
      if (e.requestId !== req.id) return;
      bar.max = Math.max(1, e.total);
      bar.value = Math.min(e.done, e.total);
      progressText.textContent = `${formatCount(e.done)} of ${formatCount(e.total)} rows (${e.total ? Math.floor((e.done / e.total) * 100) : 0}%)`;
    });
    try {
      const stats = await req.result;
      if (running === mine) result.replaceChildren(renderStats(ctx, stats, filter));
    } catch (err) {
      if (running !== mine) return;
      const info = err instanceof RpcError ? err.info : undefined;
      result.replaceChildren(
        info?.kind === 'cancelled'
          ? h('p', { class: 'muted', 'data-testid': 'stats-cancelled' }, `Cancelled: statistics of “${column}” were not computed.`)
          : h(
              'div',
              { class: 'error-inline', role: 'alert', 'data-testid': 'stats-error' },
              `Could not compute statistics of “${column}”: ${info?.message ?? String(err)}`,
              info?.detail ? h('pre', { class: 'detail' }, info.detail) : null,
            ),
      );
    } finally {
      off();
      if (running === mine) {
        running = undefined;
        progress.hidden = true;
        result.removeAttribute('aria-busy');
      }
    }
  }

  const element = h(
    'section',
    { class: 'column-stats', 'data-testid': 'column-stats' },
    h('div', { class: 'toolbar' }, h('label', { class: 'muted' }, 'Column '), select, filterBox, runBtn),
    progress,
    result,
  );
  // The label points at the select (h() sets attributes, the id ties them).
  select.id = 'stats-column-select';
  element.querySelector('label')!.setAttribute('for', select.id);
  return { element, dispose: () => running?.cancel() };
}

function renderStats(ctx: PanelContext, s: ColumnStats, filter: string | undefined): HTMLElement {
  const nonNull = Math.max(0, s.rows - s.nulls);
  const fig = (k: string, v: string, testId: string) => h('div', { class: 'fig', 'data-testid': testId }, h('span', { class: 'fig-k muted' }, k), h('span', { class: 'fig-v' }, v));
  const share = (n: number) => (s.rows ? ` (${((n / s.rows) * 100).toFixed(n && n / s.rows < 0.01 ? 2 : 1)}%)` : '');
  const figures = h(
    'div',
    { class: 'stats-figures' },
    fig('Rows', formatCount(s.rows), 'stats-rows'),
    fig('Nulls', `${formatCount(s.nulls)}${share(s.nulls)}`, 'stats-nulls'),
    s.distinct !== undefined ? fig('Distinct', `${s.distinctCapped ? '≥ ' : ''}${formatCount(s.distinct)}`, 'stats-distinct') : null,
    s.min !== undefined ? fig('Min', formatValue(s.min), 'stats-min') : null,
    s.max !== undefined ? fig('Max', formatValue(s.max), 'stats-max') : null,
    s.mean !== undefined ? fig('Mean', formatValue(s.mean), 'stats-mean') : null,
    s.nans !== undefined ? fig('NaN', `${formatCount(s.nans)}${share(s.nans)}`, 'stats-nans') : null,
  );
  const top = s.top ?? [];
  const covered = top.reduce((a, t) => a + t.count, 0);
  return h(
    'div',
    { 'data-testid': 'stats-summary' },
    h(
      'p',
      { class: 'stats-head' },
      h('code', {}, s.column),
      h('span', { class: 'muted' }, ` ${s.type} · ${formatCount(s.rows)} rows${filter ? ` matching ${filter}` : ''}`),
      s.partial ? h('span', { class: 'warn' }, ' · partial: the scan stopped early, figures cover the rows read') : null,
    ),
    figures,
    top.length
      ? [
          h(
            'h4',
            {},
            `Most frequent values`,
            h('span', { class: 'muted' }, ` (top ${top.length}, ${nonNull ? Math.round((covered / nonNull) * 100) : 0}% of non-null rows) — click a bar to show its rows`),
          ),
          barChart(top, {
            column: s.column,
            rows: nonNull,
            canPick: (v) => equalsFilter(s.column, v, undefined, s.type) !== undefined,
            pickTitle: (v) => `Show rows: ${equalsFilter(s.column, v, filter, s.type)}`,
            onPick: (v) => {
              const f = equalsFilter(s.column, v, filter, s.type);
              if (f) ctx.setFilter(f);
            },
          }),
        ]
      : h('p', { class: 'muted' }, nonNull ? 'No frequent-values chart for this column (too many distinct values, or a type that has none).' : 'Every value is null.'),
  );
}
