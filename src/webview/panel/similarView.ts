// The "Similar" tab: the nearest neighbours of one row's vector, as a grid of cards (image, distance,
// rank, labels), with the query row first. The controls (k, nprobes, refine factor, vector column,
// filter, "same label") persist in the panel state; every run says which path answered (the ANN index
// or an exact scan) and how long it took, measured here in the webview.
import { planView } from './planView';
import { RpcError } from '../../shared/rpc';
import { labelColumnOf } from '../../shared/labelColumn';
import { rowKey } from '../../shared/rowKey';
import { combineFilters, conditionFor } from '../../shared/sql';
import { uiSettings } from '../settings';
import type { Cell, ErrorInfo, SchemaField, SimilarRequest, SimilarResult } from '../../shared/types';
import { ImageUrls, renderCell } from '../cells';
import { mark } from '../marks';
import { clear, devicePx, formatCount, formatDistance, formatMs, h } from '../ui/dom';
import { button, checkbox, dropdown, progressRing, textField, type CheckboxControl, type ValueControl } from '../ui/toolkit';
import type { PanelContext, SimilarViewApi } from './context';

const STATE_KEY = 'similar';
const MAX_K = 500;
const MAX_NPROBES = 100_000;
const MAX_REFINE = 1_000;
/** Label-like columns shown on each card, at most. */
const MAX_LABEL_COLUMNS = 5;

export const SIMILAR_HINT = 'Right-click a row in Rows → Find similar, or use Lance: Find Similar to Row…';

/**
 * The spinner and the dimmed cards show only when a search takes longer than this: most answer sooner,
 * and a spinner that flashes for 0.2 s tells nothing. Its animation also cost the search time: in
 * code-server the host made the cards' thumbnails in 108–196 ms with it spinning, 68–154 ms without.
 */
const BUSY_AFTER_MS = 300;

/** The widest a card shows its image (CSS px): a 4:3 photo fitted into the 150-px-high box (similar.css). */
const CARD_IMAGE_PX = 200;
/** How long a search asked for ahead (prepare) waits to be taken by a run before it is cancelled. */
const ASK_AHEAD_MS = 10_000;

/** What a search is run with, from the controls. */
type SearchSettings = Pick<SimilarState, 'k' | 'nprobes' | 'refine' | 'filter'>;

interface SimilarState {
  k: number;
  nprobes: number;
  /** Undefined (or 1): no refine step. */
  refine?: number;
  filter: string;
  sameLabel: boolean;
  vectorColumn?: string;
  /** The last query row, so the tab can show it again after the webview was reloaded. */
  lastRowId?: string;
}

/** Columns shown as text on each card: ids first, then label-like columns, then other short scalars. */
export function cardColumnsOf(schema: SchemaField[]): string[] {
  const scalar = schema.filter((f) => ['int', 'string', 'dictionary', 'bool', 'temporal'].includes(f.kind) && !f.unsupported);
  const rank = (f: SchemaField) => (/^(id|.*_id|uid|key)$/i.test(f.name) ? 0 : /label|class|categ|name|title|caption/i.test(f.name) ? 1 : 2);
  return scalar
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .slice(0, MAX_LABEL_COLUMNS)
    .map(({ f }) => f.name);
}

/** Lets labels such as "american_bulldog" or "a/b.jpg" wrap after _ - / . rather than mid-word (a <wbr>; the text is unchanged). */
function allowBreaks(el: HTMLElement): void {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);
  for (const t of texts) {
    const parts = (t.data.match(/[^_\-/.]*[_\-/.]+|[^_\-/.]+$/g) ?? []).filter(Boolean);
    if (parts.length < 2) continue;
    const frag = document.createDocumentFragment();
    parts.forEach((p, i) => frag.append(...(i ? [document.createElement('wbr'), p] : [p])));
    t.replaceWith(frag);
  }
}

function parseIntIn(text: string, min: number, max: number): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= min && n <= max ? n : undefined;
}

export function similarView(ctx: PanelContext): SimilarViewApi {
  const schema = ctx.description.schema;
  const vectorFields = schema.filter((f) => f.kind === 'vector');
  const labelField = labelColumnOf(schema)?.field;
  const cardColumns = cardColumnsOf(schema);
  const binaryColumns = schema.filter((f) => f.kind === 'binary').map((f) => f.name);
  // Only what the cards show is read: no vectors, no other wide columns.
  const requestColumns = [...new Set([...cardColumns, ...(labelField ? [labelField.name] : []), ...binaryColumns])];

  const saved = ctx.getState<Partial<SimilarState>>(STATE_KEY) ?? {};
  const state: SimilarState = {
    k: saved.k ?? uiSettings.similarK,
    nprobes: saved.nprobes ?? uiSettings.similarNprobes,
    refine: saved.refine ?? (uiSettings.similarRefineFactor > 1 ? uiSettings.similarRefineFactor : undefined),
    filter: saved.filter ?? '',
    sameLabel: saved.sameLabel ?? false,
    vectorColumn: vectorFields.some((f) => f.name === saved.vectorColumn) ? saved.vectorColumn : vectorFields[0]?.name,
    lastRowId: saved.lastRowId,
  };
  const persist = () => ctx.setState(STATE_KEY, state);

  const images = new ImageUrls();
  /** Bumped by every run (and by dispose): a reply to an older run is dropped. */
  let runSeq = 0;
  let running = false;
  let current: { result: SimilarResult; filter?: string; request?: SimilarRequest } | undefined;
  let selectedRowId: string | undefined;
  /** Label values of the rows on screen, so "same label" from a card needs no extra request. */
  const knownLabels = new Map<string, Cell>();

  // ---- elements ----------------------------------------------------------------------------------
  const view = h('section', { class: 'similar-view', 'data-testid': 'similar-view' });
  const errorBox = h('div', { class: 'error-banner similar-error', role: 'alert', 'data-testid': 'similar-error', hidden: true });
  const status = h('div', { class: 'similar-status', 'aria-live': 'polite' });
  const answeredBy = h('span', { class: 'similar-answered-by', 'data-testid': 'similar-answered-by' });
  const timing = h('span', { class: 'muted', 'data-testid': 'similar-time' });
  const busy = h('span', { class: 'similar-busy', hidden: true }, progressRing(), h('span', { class: 'muted' }, 'Searching…'));
  status.append(answeredBy, timing, busy);
  const body = h('div', { class: 'similar-body', 'data-testid': 'similar-body' });
  // "How this query ran", under the results: the search as it was run (its row, k, nprobes, filter).
  const plan = planView(ctx.rpc, () => (current?.request ? { view: 'similar', request: { ...current.request, withImages: false } } : undefined), 'similar-plan');

  if (vectorFields.length === 0) {
    view.append(
      h(
        'div',
        { class: 'info-banner similar-no-vector', 'data-testid': 'similar-no-vector' },
        'This dataset has no vector column (a fixed-size list of floats), so there is nothing to search by similarity.',
      ),
    );
    return {
      element: view,
      run: () => undefined,
      prepare: () => undefined,
      dispose: () => images.revokeAll(),
    };
  }

  const kField = numberField('Neighbours to find (k)', String(state.k), 'similar-k', 4);
  const nprobesField = numberField('IVF partitions to search (nprobes); more is slower and more exact', String(state.nprobes), 'similar-nprobes', 5);
  const refineField = numberField(
    'Refine factor: re-rank k × factor candidates by their exact distance (empty or 1: none)',
    state.refine && state.refine > 1 ? String(state.refine) : '',
    'similar-refine',
    5,
    'none',
  );
  const filterField = textField({
    value: state.filter,
    placeholder: 'optional WHERE, e.g. label < 100',
    ariaLabel: 'Only neighbours matching this SQL WHERE expression',
    title: 'Only neighbours matching this SQL WHERE expression (Enter runs)',
    testId: 'similar-filter',
    onEnter: () => rerun(),
    onChange: (v) => {
      state.filter = v;
      persist();
    },
  });
  filterField.classList.add('similar-filter');
  const sameLabel: CheckboxControl | undefined = labelField
    ? checkbox(
        `Same ${labelField.name}`,
        state.sameLabel,
        (on) => {
          state.sameLabel = on;
          persist();
          updateSameLabelTitle();
          rerun();
        },
        { testId: 'similar-same-label' },
      )
    : undefined;
  const runButton = button('Find similar', () => rerun(), { testId: 'similar-run', title: 'Search again with these settings' });
  const vectorPicker: ValueControl | undefined =
    vectorFields.length > 1
      ? dropdown(
          vectorFields.map((f) => ({ value: f.name, label: `${f.name}${f.dimension ? ` (${f.dimension}-d)` : ''}` })),
          state.vectorColumn,
          (v) => {
            state.vectorColumn = v;
            persist();
            rerun();
          },
          { ariaLabel: 'Vector column to search', testId: 'similar-vector-column' },
        )
      : undefined;

  const controls = h(
    'div',
    { class: 'toolbar similar-controls', role: 'group', 'aria-label': 'Search settings' },
    vectorPicker
      ? h('label', { class: 'similar-control' }, h('span', { class: 'muted' }, 'vector'), vectorPicker)
      : h(
          'span',
          { class: 'similar-control', title: 'The vector column searched (the only one)' },
          h('span', { class: 'muted' }, 'vector'),
          h('code', {}, state.vectorColumn ?? ''),
        ),
    h('label', { class: 'similar-control' }, h('span', { class: 'muted' }, 'k'), kField),
    h('label', { class: 'similar-control' }, h('span', { class: 'muted' }, 'nprobes'), nprobesField),
    h('label', { class: 'similar-control' }, h('span', { class: 'muted' }, 'refine'), refineField),
    filterField,
    sameLabel ?? null,
    runButton,
  );
  view.append(controls, status, errorBox, body);
  showHint();
  updateSameLabelTitle();
  setRunEnabled();

  function numberField(title: string, value: string, testId: string, size: number, placeholder?: string): ValueControl {
    const field = textField({ value, title, ariaLabel: title, testId, size, placeholder, inputMode: 'numeric', onEnter: () => rerun() });
    field.classList.add('similar-num');
    return field;
  }

  function setRunEnabled(): void {
    const has = !!(current || state.lastRowId);
    if (has) runButton.removeAttribute('disabled');
    else runButton.setAttribute('disabled', '');
    runButton.title = has ? 'Search again with these settings' : SIMILAR_HINT;
  }

  function updateSameLabelTitle(): void {
    if (!sameLabel || !labelField) return;
    const v = current ? labelValueOf(current.result, current.result.query.rowId) : undefined;
    const clause = v !== undefined ? conditionFor(labelField.name, v, labelField.type) : undefined;
    sameLabel.title = clause ? `Only neighbours with ${clause}` : `Only neighbours with the query row's ${labelField.name}`;
  }

  function showHint(): void {
    clear(body);
    body.append(h('p', { class: 'muted similar-hint', 'data-testid': 'similar-hint' }, SIMILAR_HINT));
  }

  function showError(info: ErrorInfo): void {
    errorBox.hidden = false;
    errorBox.replaceChildren(h('span', {}, info.message));
    if (info.detail) errorBox.append(h('pre', { class: 'detail' }, info.detail));
  }

  function clearError(): void {
    errorBox.hidden = true;
    clear(errorBox);
  }

  /** The search settings as the controls show them, or why they cannot be used. */
  function controlValues(): SearchSettings | string {
    const k = parseIntIn(kField.value, 1, MAX_K);
    if (k === undefined) return `k must be a whole number from 1 to ${MAX_K}.`;
    const nprobes = parseIntIn(nprobesField.value, 1, MAX_NPROBES);
    if (nprobes === undefined) return `nprobes must be a whole number from 1 to ${formatCount(MAX_NPROBES)}.`;
    const refineText = refineField.value.trim();
    const refine = refineText === '' ? 1 : parseIntIn(refineText, 1, MAX_REFINE);
    if (refine === undefined) return `The refine factor must be empty (none) or a whole number from 1 to ${MAX_REFINE}.`;
    return { k, nprobes, refine: refine > 1 ? refine : undefined, filter: filterField.value.trim() };
  }

  /** Reads the numeric controls into the state; shows what is wrong and returns false when one is invalid. */
  function readControls(): boolean {
    const values = controlValues();
    if (typeof values === 'string') {
      showError({ kind: 'bad-filter', message: values });
      return false;
    }
    Object.assign(state, values);
    persist();
    return true;
  }

  function rerun(): void {
    const rowId = current?.result.query.rowId ?? state.lastRowId;
    if (rowId !== undefined) run(rowId);
  }

  function labelValueOf(result: SimilarResult, rowId: string): Cell | undefined {
    if (!labelField) return undefined;
    const col = result.columns.indexOf(labelField.name);
    if (col < 0) return undefined;
    if (rowId === result.query.rowId) return result.query.row[col];
    const i = result.rowIds.indexOf(rowId);
    return i < 0 ? undefined : result.rows[i][col];
  }

  function run(rowId: string): void {
    void runAsync(rowId);
  }

  function requestFor(rowId: string, labelClause?: string, settings: SearchSettings = state): SimilarRequest {
    return {
      rowId,
      vectorColumn: state.vectorColumn!,
      k: settings.k,
      nprobes: settings.nprobes,
      refineFactor: settings.refine,
      filter: combineFilters(settings.filter, labelClause),
      columns: requestColumns.length ? requestColumns : undefined,
      withImages: true,
      // Eleven 120-KB photos took ~0.15 s through code-server's webview channel; JPEG thumbnails of
      // the card's size are 20–28 KB each on the true-shape replica. The preview still shows the image itself.
      thumbnailPx: devicePx(CARD_IMAGE_PX),
    };
  }

  /**
   * The search run(rowId) is about to send, asked for now (its menu item is pointed at or focused), with
   * the settings the controls show. Not with "same label", whose filter needs the row's label first.
   */
  function prepare(rowId: string): void {
    const settings = controlValues();
    if (!state.vectorColumn || (state.sameLabel && labelField) || typeof settings === 'string') return;
    mark('similar-asked-ahead');
    ctx.rpc.askAhead('similar', requestFor(rowId, undefined, settings), { channel: 'similar', ttlMs: ASK_AHEAD_MS });
  }

  async function runAsync(rowId: string): Promise<void> {
    const seq = ++runSeq;
    state.lastRowId = rowId;
    setRunEnabled();
    if (!readControls()) return;
    clearError();
    running = true;
    const showBusy = setTimeout(() => {
      if (seq !== runSeq) return;
      busy.hidden = false;
      body.setAttribute('aria-busy', 'true');
    }, BUSY_AFTER_MS);
    const done = () => {
      clearTimeout(showBusy);
      if (seq !== runSeq) return;
      running = false;
      busy.hidden = true;
      body.setAttribute('aria-busy', 'false');
    };
    try {
      let labelClause: string | undefined;
      if (state.sameLabel && labelField) {
        let value = knownLabels.get(rowId);
        if (value === undefined) {
          const r = await ctx.rpc.request('row', { rowId, columns: [labelField.name] }, { channel: 'similar-label' });
          value = r.row[r.columns.indexOf(labelField.name)] ?? null;
        }
        if (seq !== runSeq) return;
        labelClause = conditionFor(labelField.name, value, labelField.type);
      }
      const params = requestFor(rowId, labelClause);
      const filter = params.filter;
      mark('similar-sent');
      // The search's own time, from when it was asked (ahead, or now): the tab says how long it took, not "0 ms".
      const { result: answer, sentAt: started } = ctx.rpc.start('similar', params, { channel: 'similar' });
      const result = await answer;
      if (seq !== runSeq) return;
      mark('similar-received');
      render(result, filter, performance.now() - started, params);
      mark('similar-rendered');
    } catch (err) {
      const info: ErrorInfo = err instanceof RpcError ? err.info : { kind: 'internal', message: String(err) };
      if (info.kind === 'superseded' || seq !== runSeq) return;
      // The previous result stays on screen; the message says what went wrong with this run.
      showError(info);
    } finally {
      done();
    }
  }

  function render(result: SimilarResult, filter: string | undefined, ms: number, request?: SimilarRequest): void {
    images.revokeAll();
    current = { result, filter, request };
    plan.reset();
    knownLabels.clear();
    if (labelField) {
      for (const id of [result.query.rowId, ...result.rowIds]) {
        const v = labelValueOf(result, id);
        if (v !== undefined) knownLabels.set(id, v);
      }
    }
    selectedRowId = undefined;
    updateSameLabelTitle();
    setRunEnabled();

    const by = result.answeredBy;
    answeredBy.replaceChildren(
      by.kind === 'index'
        ? h('span', { title: 'Approximate nearest neighbours through the vector index' }, 'Answered by index ', h('code', {}, by.name), ` (${by.type}, ${result.metric})`)
        : h('span', { title: 'Every row compared with the query: exact, and slower on big tables' }, `Answered by exact scan (${result.metric})`),
    );
    answeredBy.dataset.kind = by.kind;
    timing.textContent = ` · ${formatMs(ms)}`;
    timing.title = 'Time from request to answer, measured in the panel';

    const imageCol = pickImageColumn(result);
    const cols = result.columns;
    const textCols = cardColumns.filter((c) => cols.includes(c));

    clear(body);
    const grid = h('div', { class: 'similar-grid', role: 'list', 'aria-label': 'Query row and its nearest neighbours' });
    grid.append(card(result.query.rowId, result.query.row, { query: true }));
    result.rowIds.forEach((id, i) => grid.append(card(id, result.rows[i], { rank: i + 1, distance: result.distances[i] })));
    const shown = result.rowIds.length;
    // Name the query row by a key column people know (id), not by Lance's internal row id.
    const key = rowKey(result.columns, result.query.row);
    const queryName = key ? `the row with ${key.column} ${key.text}` : 'the query row';
    const summary = h(
      'p',
      { class: 'muted similar-summary', 'data-testid': 'similar-summary' },
      shown === 0
        ? `No neighbours found${filter ? ` matching ${filter}` : ''}.`
        : `${shown} nearest neighbour${shown === 1 ? '' : 's'} of ${queryName} by ${state.vectorColumn}${filter ? `, where ${filter}` : ''}` +
            (shown < state.k ? ` (fewer than k = ${state.k}: no more rows match)` : '') +
            '.',
    );
    body.append(summary, grid, plan.element);

    function card(rowId: string, row: Cell[], o: { query?: boolean; rank?: number; distance?: number }): HTMLElement {
      const imgCell = imageCol >= 0 ? row[imageCol] : undefined;
      // No image column in this dataset: no image box at all (a binary that is not an image shows its size).
      const media = imageCol >= 0 ? h('div', { class: 'similar-media' }, renderCell(imgCell ?? null, { images })) : null;
      const head = h(
        'div',
        { class: 'similar-card-head' },
        o.query ? h('span', { class: 'similar-rank query-tag' }, 'query') : h('span', { class: 'similar-rank', title: `Rank ${o.rank}` }, `#${o.rank}`),
        o.query ? null : h('span', { class: 'similar-distance cell-num', title: `${result.metric} distance ${o.distance}` }, formatDistance(o.distance ?? NaN)),
      );
      const labels = h(
        'dl',
        { class: 'similar-labels' },
        textCols.flatMap((c) => {
          const dd = h('dd', {}, renderCell(row[cols.indexOf(c)] ?? null, { images }));
          dd.title = dd.textContent ?? '';
          allowBreaks(dd);
          return [h('dt', {}, c), dd];
        }),
      );
      const attrs: Record<string, string | number | boolean | undefined> = {
        class: `similar-card${o.query ? ' query' : ''}`,
        role: 'listitem',
        tabindex: 0,
        'data-rowid': rowId,
        'data-testid': o.query ? 'similar-query' : 'similar-result',
        'aria-label': o.query ? `Query row ${rowId}` : `Rank ${o.rank}, distance ${formatDistance(o.distance ?? NaN)}, row ${rowId}`,
        title: o.query ? 'The query row' : 'Click to preview; double-click to find rows similar to this one',
      };
      if (!o.query) attrs['data-distance'] = String(o.distance);
      const el = h('div', attrs, head, media, labels);
      if (!o.query) {
        const again = button(
          'Find similar',
          () => {
            select(rowId, el);
            run(rowId);
          },
          { secondary: true, title: 'Find rows similar to this one', testId: 'similar-again' },
        );
        again.classList.add('similar-again');
        again.addEventListener('click', (e) => e.stopPropagation());
        el.append(again);
        el.addEventListener('dblclick', () => run(rowId));
      }
      el.addEventListener('click', () => select(rowId, el));
      el.addEventListener('keydown', (e) => {
        if (e.target !== el) return;
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          select(rowId, el);
        } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
          e.preventDefault();
          (el.nextElementSibling as HTMLElement | null)?.focus();
        } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
          e.preventDefault();
          (el.previousElementSibling as HTMLElement | null)?.focus();
        }
      });
      if (rowId === selectedRowId) el.classList.add('selected');
      return el;
    }
  }

  function select(rowId: string, el: HTMLElement): void {
    selectedRowId = rowId;
    for (const c of body.querySelectorAll('.similar-card.selected')) {
      c.classList.remove('selected');
      c.removeAttribute('aria-current');
    }
    el.classList.add('selected');
    el.setAttribute('aria-current', 'true');
    // Not a position in the Rows tab: the preview must not keep naming the row selected there.
    ctx.reportView({ selectedRowId: rowId, selectedIndex: undefined });
  }

  /** The first binary column holding images in these rows (its cells are sniffed, not guessed from names). */
  function pickImageColumn(result: SimilarResult): number {
    const rows = [result.query.row, ...result.rows];
    const isImage = (c: Cell | undefined) => !!c && typeof c === 'object' && c.t === 'bin' && !!c.media?.startsWith('image/');
    for (const name of binaryColumns) {
      const i = result.columns.indexOf(name);
      if (i >= 0 && rows.some((r) => isImage(r[i]))) return i;
    }
    return -1;
  }

  return {
    element: view,
    run,
    prepare,
    onShow() {
      // Back after a reload: show the last query again (the results themselves are not kept).
      // Deferred: "find similar" shows the tab and then runs; that run must not be preceded by this one.
      queueMicrotask(() => {
        if (!current && !running && state.lastRowId !== undefined) run(state.lastRowId);
      });
    },
    dispose() {
      runSeq++;
      images.revokeAll();
    },
  };
}
