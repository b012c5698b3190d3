// The Curation tab: what may be wrong in the dataset, found from the nearest neighbours of every row of a
// vector column (through its vector index, on the host; see datasetCuration.ts): near-duplicate groups
// (with the histogram of nearest-neighbour distances and a threshold to drag or type), exact byte
// duplicates of the image column, possible label errors, outliers. Each list shows thumbnails side by side;
// a click selects the row (the Row Preview follows); "Show in Rows" shows every row of the signal in Rows,
// ordered by its score. Compute runs with progress and Cancel; the result is cached on the host, so the
// tab comes back quickly after a reload.
import { labelCandidates } from '../../shared/labelColumn';
import { RpcError } from '../../shared/rpc';
import type { CurationRequest, CurationResult, CurationSignal, ErrorInfo } from '../../shared/types';
import { formatBytes, formatCount, formatDistance, formatMs, h } from '../ui/dom';
import { button } from '../ui/toolkit';
import type { PanelContext, View } from './context';
import { distanceHistogram, formatThreshold } from './distanceHistogram';
import { rowThumbs } from './rowThumbs';

const STATE_KEY = 'curation';
/** Rows per list. */
const TOP = 50;
const THUMB_PX = 88;

interface SavedState {
  column?: string;
  labelColumn?: string;
  imageColumn?: string;
  threshold?: number;
  /** A result was shown: show it again when the tab is back (from the host's cache). */
  computed?: boolean;
}

const NONE = '';

export function curationView(ctx: PanelContext): View {
  const schema = ctx.description.schema;
  const vectors = schema.filter((f) => f.kind === 'vector' && !f.unsupported).map((f) => f.name);
  const labels = labelCandidates(schema).map((c) => c.field.name);
  const binaries = schema.filter((f) => f.kind === 'binary' && !f.unsupported).map((f) => f.name);
  const saved = ctx.getState<SavedState>(STATE_KEY) ?? {};
  const state: SavedState = {
    column: saved.column && vectors.includes(saved.column) ? saved.column : vectors[0],
    labelColumn: saved.labelColumn === NONE || (saved.labelColumn && labels.includes(saved.labelColumn)) ? saved.labelColumn : labels[0],
    imageColumn:
      saved.imageColumn === NONE || (saved.imageColumn && binaries.includes(saved.imageColumn))
        ? saved.imageColumn
        : (binaries.find((b) => /image|img|jpe?g|png/i.test(b)) ?? binaries[0]),
    threshold: typeof saved.threshold === 'number' ? saved.threshold : undefined,
    computed: saved.computed === true,
  };
  const save = () => ctx.setState(STATE_KEY, state);

  if (!vectors.length) {
    return {
      element: h(
        'section',
        { class: 'curation-view' },
        h(
          'p',
          { class: 'muted', 'data-testid': 'curation-none' },
          'This dataset has no vector column: the curation signals come from the nearest neighbours of an embedding column.',
        ),
      ),
    };
  }

  const thumbs = rowThumbs(ctx.rpc, () => state.imageColumn || undefined, THUMB_PX);
  let result: CurationResult | undefined;
  let running: { id: number; cancel(): void } | undefined;
  let selectedRowId: string | undefined;

  // ----- controls -------------------------------------------------------------------------------
  const select = (id: string, label: string, options: string[], value: string | undefined, none: string | undefined, title: string, onChange: (v: string) => void) => {
    const el = h(
      'select',
      { id, 'data-testid': id, title },
      ...(none !== undefined ? [h('option', { value: NONE, selected: value === NONE }, none)] : []),
      ...options.map((o) => h('option', { value: o, selected: o === value }, o)),
    );
    el.addEventListener('change', () => onChange(el.value));
    return h('label', { class: 'cur-control' }, h('span', { class: 'muted' }, label), el);
  };
  const columnPick = select('curation-column', 'Vector column', vectors, state.column, undefined, 'The embedding column whose nearest neighbours the signals come from', (v) => {
    state.column = v;
    state.threshold = undefined; // another column has its own distances
    save();
    setComputeLabel();
  });
  const labelPick = select('curation-label', 'Label column', labels, state.labelColumn, '(none)', 'Label errors compare each row’s label with its neighbours’ labels', (v) => {
    state.labelColumn = v;
    save();
    if (result?.column === state.column) compute({}); // the neighbour lists are kept: only the label scores change
  });
  const imagePick = select(
    'curation-image',
    'Image column',
    binaries,
    state.imageColumn,
    '(none)',
    'Exact byte duplicates are found by hashing this column; thumbnails come from it',
    (v) => {
      state.imageColumn = v;
      save();
      if (result?.column === state.column) compute({}); // the neighbour lists are kept: only the hashing runs
    },
  );
  // Recompute: the same column again (a new search); another column is computed (or loaded from the cache).
  const computeBtn = button('Compute', () => compute({ recompute: result?.column === state.column }), {
    testId: 'curation-compute',
    title: 'Find every row’s nearest neighbours through the vector index and score them (cached; Recompute searches again)',
  });
  const bar = h('progress', { class: 'cur-progress-bar', 'aria-label': 'Progress' });
  const progressText = h('span', { class: 'muted', 'data-testid': 'curation-progress-text' });
  const cancelBtn = button('Cancel', () => running?.cancel(), { secondary: true, testId: 'curation-cancel', title: 'Stop computing' });
  const progress = h('div', { class: 'cur-progress', role: 'status', 'aria-live': 'polite', hidden: true, 'data-testid': 'curation-progress' }, bar, progressText, cancelBtn);
  const status = h('div', { class: 'cur-status muted', 'data-testid': 'curation-status', 'aria-live': 'polite' });
  const error = h('div', { class: 'error-inline', role: 'alert', 'data-testid': 'curation-error', hidden: true });
  const body = h('div', { class: 'cur-body', 'data-testid': 'curation-body' });
  const hist = distanceHistogram({
    onChange: (t) => {
      state.threshold = t;
      save();
      if (result?.column === state.column) compute({ threshold: t });
    },
  });
  const element = h(
    'section',
    { class: 'curation-view', 'data-testid': 'curation-view' },
    h('div', { class: 'toolbar cur-controls' }, columnPick, labelPick, imagePick, computeBtn),
    progress,
    error,
    status,
    body,
  );
  body.append(
    h(
      'p',
      { class: 'muted cur-intro' },
      'Compute finds the nearest neighbours of every row through the vector index (once; the result is cached), then lists near-duplicates, exact byte duplicates, possible label errors and outliers.',
    ),
  );

  // ----- computing ------------------------------------------------------------------------------
  let seq = 0;
  function compute(o: { recompute?: boolean; threshold?: number; cachedOnly?: boolean }): void {
    if (!state.column) return;
    running?.cancel();
    const req: CurationRequest = {
      column: state.column,
      ...(state.labelColumn ? { labelColumn: state.labelColumn } : {}),
      ...(state.imageColumn ? { imageColumn: state.imageColumn } : {}),
      ...((o.threshold ?? state.threshold) !== undefined ? { threshold: o.threshold ?? state.threshold } : {}),
      top: TOP,
      ...(o.recompute ? { recompute: true } : {}),
      ...(o.cachedOnly ? { cachedOnly: true } : {}),
    };
    const mine = ++seq;
    const call = ctx.rpc.start('curationSignals', req, { timeoutMs: 0, channel: 'curation' });
    running = { id: call.id, cancel: call.cancel };
    const started = performance.now();
    error.hidden = true;
    bar.removeAttribute('value');
    progressText.textContent = o.recompute ? 'Starting again…' : 'Starting…';
    // A rescore from kept lists answers in milliseconds: no flicker of a progress bar for it.
    const showTimer = setTimeout(() => (progress.hidden = false), 250);
    body.setAttribute('aria-busy', 'true');
    const off = ctx.rpc.on('progress', (e) => {
      if (e.requestId !== call.id) return;
      progress.hidden = false;
      bar.max = Math.max(1, e.total);
      bar.value = Math.min(e.done, e.total);
      progressText.textContent = `${e.stage ?? 'Working'}: ${formatCount(e.done)} of ${formatCount(e.total)} rows (${e.total ? Math.floor((e.done / e.total) * 100) : 0}%)`;
    });
    call.result
      .then(async (r) => {
        if (mine !== seq) return;
        state.computed = true;
        state.threshold = r.threshold;
        save();
        await show(r, performance.now() - started);
      })
      .catch((err: unknown) => {
        if (mine !== seq) return;
        const info: ErrorInfo = err instanceof RpcError ? err.info : { kind: 'internal', message: String(err) };
        if (info.kind === 'superseded') return;
        if (o.cachedOnly && info.kind === 'not-found') return; // not computed for this version yet: Compute is there
        error.hidden = false;
        error.replaceChildren(
          info.kind === 'cancelled' ? 'Cancelled: the signals were not computed.' : `Could not compute the curation signals: ${info.message}`,
          info.detail ? h('pre', { class: 'detail' }, info.detail) : '',
        );
        if (info.kind === 'cancelled') error.setAttribute('data-kind', 'cancelled');
        else error.removeAttribute('data-kind');
      })
      .finally(() => {
        off();
        clearTimeout(showTimer);
        if (mine === seq) {
          running = undefined;
          progress.hidden = true;
          body.removeAttribute('aria-busy');
        }
      });
  }

  // ----- showing --------------------------------------------------------------------------------
  async function show(r: CurationResult, ms: number): Promise<void> {
    const first = !result || result.column !== r.column;
    result = r;
    setComputeLabel();
    const how =
      r.answeredBy.kind === 'index'
        ? `through the ${r.answeredBy.type} index ${r.answeredBy.name} (${r.metric}, nprobes ${r.answeredBy.nprobes}, candidates re-ranked by exact distance)`
        : `by an exact scan (${r.metric}; ${r.column} has no vector index)`;
    const rows = `${formatCount(r.rows)} rows${r.sampled ? ` (a seeded sample of ${formatCount(r.totalRows)})` : ''}${r.skipped ? `, ${formatCount(r.skipped)} without a usable vector left out` : ''}`;
    const when = r.searched
      ? `Computed in ${formatMs(ms)}: reading vectors ${formatMs(r.timings.readMs)}, neighbour search ${formatMs(r.timings.neighboursMs)}`
      : r.cached && first
        ? `Loaded from the cache in ${formatMs(ms)} (the neighbour search took ${formatMs(r.timings.neighboursMs)} when computed; Recompute searches again)`
        : `Rescored from the kept neighbour lists in ${formatMs(ms)} (no new search)`;
    status.textContent = `${when}. ${r.k} nearest neighbours of each of ${rows}, ${how}.`;

    const shownIds = [
      ...r.duplicates.groups.flatMap((g) => g.rowIds),
      ...(r.byteDuplicates?.groups.flatMap((g) => g.rowIds) ?? []),
      ...(r.labelErrors?.rows.map((x) => x.rowId) ?? []),
      ...r.outliers.rows.map((x) => x.rowId),
    ];
    await thumbs.show(shownIds);
    if (result !== r) return;
    hist.setData(r.histogram, r.threshold);
    body.replaceChildren(duplicatesSection(r), bytesSection(r), labelSection(r), outlierSection(r));
  }

  function setComputeLabel(): void {
    const again = result?.column === state.column;
    computeBtn.textContent = again ? 'Recompute' : 'Compute';
    computeBtn.title = again
      ? 'Search the nearest neighbours again and hash the images again, replacing the cached result'
      : 'Find every row’s nearest neighbours through the vector index and score them (cached; Recompute searches again)';
  }

  function section(kind: CurationSignal, title: string, summary: string, explain: string, content: HTMLElement[], canShow: boolean): HTMLElement {
    const showBtn = button('Show in Rows', () => void showInRows(kind), {
      secondary: true,
      testId: `show-in-rows-${kind}`,
      title: 'Every row of this signal in the Rows tab, ordered by its score (a filter then applies within them)',
    });
    if (!canShow) showBtn.setAttribute('disabled', '');
    const id = `cur-h-${kind}`;
    return h(
      'section',
      { class: 'cur-section', 'data-testid': `cur-${kind}`, 'aria-labelledby': id },
      h('div', { class: 'cur-section-head' }, h('h2', { id }, title), h('span', { class: 'cur-summary', 'data-testid': `cur-summary-${kind}` }, summary), showBtn),
      h('p', { class: 'muted cur-explain' }, explain),
      ...content,
    );
  }

  async function showInRows(kind: CurationSignal): Promise<void> {
    try {
      const set = await ctx.rpc.request('curationRowSet', { signal: kind });
      ctx.showRowSet(set);
    } catch (err) {
      error.hidden = false;
      error.replaceChildren(`Could not show these rows: ${err instanceof RpcError ? err.info.message : String(err)}`);
    }
  }

  function tile(rowId: string, lines: (string | HTMLElement)[], label: string): HTMLElement {
    const el = h(
      'div',
      { class: 'cur-tile', role: 'listitem', tabindex: 0, 'data-rowid': rowId, 'data-testid': 'cur-tile', 'aria-label': label, title: 'Click to show this row in the Row Preview' },
      thumbs.box(rowId),
      ...lines.map((l) => h('div', { class: 'cur-tile-line' }, l)),
    );
    if (rowId === selectedRowId) el.classList.add('selected');
    el.addEventListener('click', () => selectRow(rowId));
    el.addEventListener('keydown', (e) => {
      if (e.target !== el) return;
      const all = [...(el.closest('.cur-section')?.querySelectorAll<HTMLElement>('.cur-tile') ?? [])];
      const i = all.indexOf(el);
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        selectRow(rowId);
      } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
        e.preventDefault();
        all[i + 1]?.focus();
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
        e.preventDefault();
        all[i - 1]?.focus();
      }
    });
    return el;
  }

  function selectRow(rowId: string): void {
    selectedRowId = rowId;
    for (const t of body.querySelectorAll<HTMLElement>('.cur-tile')) {
      const on = t.dataset.rowid === rowId;
      t.classList.toggle('selected', on);
      if (on) t.setAttribute('aria-current', 'true');
      else t.removeAttribute('aria-current');
    }
    // Not a position in the Rows tab: the preview shows this row by its id.
    ctx.reportView({ selectedRowId: rowId, selectedIndex: undefined, selectedByClick: true });
  }

  /** A group's tiles side by side (a list). */
  function groupTiles(tiles: HTMLElement[]): HTMLElement {
    return h('div', { class: 'cur-group-tiles', role: 'list' }, ...tiles);
  }

  function duplicatesSection(r: CurationResult): HTMLElement {
    const d = r.duplicates;
    const groups = d.groups.map((g, i) =>
      h(
        'div',
        { class: 'cur-group', 'data-testid': 'dup-group', 'aria-label': `Group ${i + 1}: ${g.rowIds.length} rows` },
        h(
          'div',
          { class: 'cur-group-head muted' },
          `${g.rowIds.length} rows · ${g.minDistance === g.maxDistance ? formatDistance(g.minDistance) : `${formatDistance(g.minDistance)}–${formatDistance(g.maxDistance)}`}`,
        ),
        groupTiles(
          g.rowIds.map((id, j) =>
            tile(
              id,
              [h('span', { title: 'Distance to the nearest row of its group' }, `↔ ${formatDistance(g.distances[j])}`)],
              `Near-duplicate, distance ${formatDistance(g.distances[j])} to the nearest in its group`,
            ),
          ),
        ),
      ),
    );
    const more =
      d.groupCount > d.groups.length ? h('p', { class: 'muted' }, `The ${d.groups.length} closest groups of ${formatCount(d.groupCount)}; Show in Rows lists them all.`) : null;
    return section(
      'duplicates',
      'Near-duplicates',
      d.groupCount
        ? `${formatCount(d.groupCount)} groups, ${formatCount(d.rowCount)} rows within ${formatThreshold(r.threshold)}`
        : `No rows within ${formatThreshold(r.threshold)} of each other`,
      `Rows whose embeddings are within the threshold of one of their ${r.k} nearest neighbours, joined into groups. The index is approximate: a pair it did not propose is missed. Drag the line on the histogram (or type a value) to choose the threshold; the default for ${r.metric} is ${formatThreshold(r.defaultThreshold)}.`,
      [hist.element, h('div', { class: 'cur-groups', 'data-testid': 'dup-groups' }, ...groups), ...(more ? [more] : [])],
      d.groupCount > 0,
    );
  }

  function bytesSection(r: CurationResult): HTMLElement {
    const b = r.byteDuplicates;
    if (!b)
      return section(
        'byteDuplicates',
        'Exact byte duplicates',
        'Not looked for',
        'Choose an image (binary) column and compute: its values are hashed (SHA-1) to find identical copies.',
        [],
        false,
      );
    const groups = b.groups.map((g) =>
      h(
        'div',
        { class: 'cur-group', 'data-testid': 'byte-group', title: `SHA-1 ${g.sha1}` },
        h('div', { class: 'cur-group-head muted' }, `${g.rowIds.length} copies · ${formatBytes(g.bytes)} · ${g.sha1.slice(0, 10)}…`),
        groupTiles(g.rowIds.map((id) => tile(id, [formatBytes(g.bytes)], `Identical bytes, one of ${g.rowIds.length} copies`))),
      ),
    );
    return section(
      'byteDuplicates',
      'Exact byte duplicates',
      b.groupCount
        ? `${formatCount(b.groupCount)} groups, ${formatCount(b.rowCount)} rows with identical ${b.column}`
        : `No identical values of ${b.column} in ${formatCount(b.rowsRead)} rows`,
      `Values of ${b.column} with identical bytes (SHA-1 of every value, ${formatCount(b.rowsRead)} rows read${b.cached ? ', from the cache' : ` in ${formatMs(b.ms)}`}). A re-encoded copy has other bytes: it shows under near-duplicates instead.`,
      [h('div', { class: 'cur-groups', 'data-testid': 'byte-groups' }, ...groups)],
      b.groupCount > 0,
    );
  }

  function labelSection(r: CurationResult): HTMLElement {
    const le = r.labelErrors;
    if (!le)
      return section(
        'labelErrors',
        'Possible label errors',
        'No label column',
        'Choose a label column: each row’s label is compared with its nearest neighbours’ labels.',
        [],
        false,
      );
    const tiles = le.rows.map((x) =>
      tile(
        x.rowId,
        [
          h('span', { class: 'cur-label', title: 'Its label' }, x.label || '(none)'),
          h('span', { class: 'cur-majority', title: 'Most of its neighbours say' }, `→ ${x.majority || '(none)'}`),
          `${Math.round(x.share * 100)}% disagree`,
        ],
        `Labelled ${x.label}; most neighbours are ${x.majority}; ${Math.round(x.share * 100)}% disagree`,
      ),
    );
    return section(
      'labelErrors',
      'Possible label errors',
      `${formatCount(le.flagged)} rows where most neighbours carry another ${le.column}`,
      `The share of a row’s ${r.k} nearest neighbours whose ${le.column} differs from its own, with the label most of them carry. Look-alike classes score high without being wrong; an approximate index can change a share by a neighbour or two.`,
      [h('div', { class: 'cur-tiles', role: 'list', 'data-testid': 'label-errors' }, ...tiles)],
      le.rows.length > 0,
    );
  }

  function outlierSection(r: CurationResult): HTMLElement {
    const tiles = r.outliers.rows.map((x) =>
      tile(
        x.rowId,
        [h('span', { title: `Distance to its ${r.k}th nearest neighbour` }, `↔ ${formatDistance(x.distance)}`)],
        `Outlier: distance ${formatDistance(x.distance)} to its ${r.k}th neighbour`,
      ),
    );
    return section(
      'outliers',
      'Outliers',
      `The ${r.outliers.rows.length} rows farthest from their ${r.k}th neighbour`,
      `Distance to the ${r.k}th nearest neighbour: high means few rows look like this one (unusual, or unique). Not a verdict: rare classes and odd but valid images score high too.`,
      [h('div', { class: 'cur-tiles', role: 'list', 'data-testid': 'outliers' }, ...tiles)],
      r.outliers.rows.length > 0,
    );
  }

  return {
    element,
    onShow() {
      // Back after a reload: what the host has cached is shown again; nothing is computed unasked (another
      // version, or a cache that was cleared, waits for Compute).
      if (!result && !running && state.computed) compute({ cachedOnly: true });
    },
    dispose() {
      seq++;
      running?.cancel();
      thumbs.dispose();
    },
  };
}
