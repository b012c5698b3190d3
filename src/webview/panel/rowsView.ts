// The Rows tab: a virtualised grid over the whole table (only about a screenful of rows in the DOM,
// pages of 50 rows fetched on demand and kept in a small LRU), a SQL WHERE filter over the whole table
// with history, column-name completion and inline errors, click-a-value-to-filter, a column chooser,
// "go to row", keyboard navigation, a row context menu, and the selection reported to the host (the
// preview follows it). A header click sorts the whole (filtered) table: the host keeps the view's
// order and answers every page by row id (see sortOrder.ts), so any row of a sorted table is one jump.
// A row set (a list of rows another tab kept on the host: a curation signal, a map selection) shows the
// same way, in its own order with its score as a column; a chip names it and its ✕ goes back to the table.
import { SCORE_COLUMN, type Cell, type ErrorInfo, type RowSetInfo, type SchemaField, type SearchSummary, type SortKey, type TextQuery, type ViewState } from '../../shared/types';
import { searchableColumns } from '../../shared/textSearch';
import type { Highlight } from '../ui/highlight';
import { planView } from './planView';
import { describeSort, MAX_SORT_KEYS, sameSort, toggleSort, unsortableReason } from '../../shared/sort';
import { cellPlainText, rowJson, wholeCells } from '../../shared/cellJson';
import { copyText } from '../ui/clipboard';
import { columnChooser } from '../grid/columnChooser';
import { hasImageColumn, rowPxImages, ROW_PX_TEXT, ROW_PX_WRAP, validColumns } from '../grid/columns';
import { filterBox } from '../grid/filterBox';
import { closeMenu, openMenu, type MenuItem } from '../grid/menu';
import { errorInfo, pageSize, RowsQuery } from '../grid/rowsQuery';
import { defaultColumns, pageRowsFor } from '../../shared/firstScreen';
import { andFilter, conditionFor } from '../../shared/sql';
import { VirtualGrid, type RowState } from '../grid/virtualGrid';
import { formatCount, h } from '../ui/dom';
import { button } from '../ui/toolkit';
import type { PanelContext, RowsViewApi } from './context';

const HISTORY_MAX = 20;
const KEY = {
  filter: 'rows.filter',
  history: 'rows.filterHistory',
  columns: 'rows.columns',
  wrap: 'rows.wrap',
  position: 'rows.position',
  sort: 'rows.sort',
  search: 'rows.search',
  rowSet: 'rows.rowSet',
} as const;

interface Position {
  top: number;
  selected?: number;
}

export function rowsView(ctx: PanelContext): RowsViewApi {
  const d = ctx.description;
  if (d.rowsError) {
    // Schema and versions still show in their tabs; rows cannot be read at all.
    const element = h(
      'section',
      { class: 'rows-view' },
      h(
        'div',
        { class: 'error-banner', role: 'alert', 'data-testid': 'rows-error' },
        `Rows cannot be read: ${d.rowsError.message}`,
        d.rowsError.detail ? h('pre', { class: 'detail' }, d.rowsError.detail) : null,
      ),
    );
    return { element, setFilter() {}, setSort() {}, setSearch() {}, showRowSet() {}, goToRow() {}, selectRelative() {} };
  }

  const fields: SchemaField[] = d.schema;
  const byName = new Map(fields.map((f) => [f.name, f]));
  const hasVectors = fields.some((f) => f.kind === 'vector');
  let shown = validColumns(ctx.getState(KEY.columns), fields) ?? defaultColumns(fields);
  let wrap = ctx.getState<boolean>(KEY.wrap) === true;
  let history = (ctx.getState<unknown[]>(KEY.history) ?? []).filter((s): s is string => typeof s === 'string').slice(0, HISTORY_MAX);
  const savedFilter = ctx.getState<string>(KEY.filter);
  let sort = validSort(ctx.getState(KEY.sort), fields);
  const searchable = searchableColumns(fields, d.indices);
  let search = validSearch(ctx.getState(KEY.search));
  /** The row set shown instead of the whole table (a search is then not applied). */
  let rowSet = validRowSet(ctx.getState(KEY.rowSet));
  if (rowSet) search = undefined;
  /** What the current search found (its count, terms and which path answered). */
  let searchInfo: SearchSummary | undefined;
  let restore = ctx.getState<Position>(KEY.position);

  /** What the grid shows, and the query waiting for its count before it replaces it. */
  let current: RowsQuery | undefined;
  let pending: RowsQuery | undefined;
  let unfilteredTotal: number | undefined;
  let goToAfterCommit: number | undefined;
  /** Shown after the next commit instead of clearing the error (the fallback after a failed restored filter). */
  let errorAfterCommit: ErrorInfo | undefined;
  let lastReport = '';
  let lastPosition = '';
  let disposed = false;

  /** True while a click on the grid is being handled (its selection is the user's own click). */
  let clicking = false;

  // ----- pieces ---------------------------------------------------------------------------------
  const grid = new VirtualGrid(
    {
      row: rowState,
      needRows,
      selectionChanged: () => report(false, clicking),
      open: () => {
        report(true);
        ctx.openPreview();
      },
      contextMenu: showMenu,
      filterValue: (col, cell) => filterByValue(col, cell),
      copy: (i, col) => void copyCell(i, col),
      sortBy: (column, add) => setSort(toggleSort(sort, column, add)),
    },
    `Rows of ${d.location.name}`,
  );
  const box = filterBox({
    columns: () => fields.map((f) => ({ name: f.name, type: f.type })),
    history: () => history,
    apply: (f) => applyFilter(f),
  });
  const countEl = h('span', { class: 'row-count', 'data-testid': 'row-count', 'aria-live': 'polite' }, `${formatCount(d.stats.rows)} rows`);
  const statusEl = h('span', { class: 'rows-status muted', 'data-testid': 'rows-status', 'aria-live': 'polite' });
  const gotoInput = h('input', {
    type: 'text',
    inputmode: 'numeric',
    class: 'goto',
    placeholder: 'Go to row',
    'aria-label': 'Go to row number (0-based); Enter jumps',
    title: 'Go to row number (0-based)',
    'data-testid': 'goto',
  });
  const sortText = h('span', { class: 'sort-text', 'data-testid': 'sort-text' });
  const clearSortBtn = h(
    'button',
    { type: 'button', class: 'clear-sort', title: 'Clear the sort (table order)', 'aria-label': 'Clear the sort', 'data-testid': 'clear-sort' },
    '✕',
  );
  clearSortBtn.addEventListener('click', () => setSort([]));
  const sortChip = h('span', { class: 'sort-chip muted', 'data-testid': 'sort-chip', hidden: true }, sortText, clearSortBtn);
  const rowSetText = h('span', { class: 'rowset-text', 'data-testid': 'rowset-text' });
  const clearRowSetBtn = h(
    'button',
    { type: 'button', class: 'clear-rowset', title: 'Back to the whole table', 'aria-label': 'Close the row set: back to the whole table', 'data-testid': 'clear-rowset' },
    '✕',
  );
  clearRowSetBtn.addEventListener('click', () => showRowSet(undefined));
  const rowSetChip = h('span', { class: 'rowset-chip', 'data-testid': 'rowset-chip', role: 'status', hidden: true }, rowSetText, clearRowSetBtn);
  const searchInput = h('input', {
    type: 'search',
    class: 'search-text',
    placeholder: 'Search text',
    'aria-label': 'Search text in a column (Enter searches; empty clears)',
    title: 'Search text in the chosen column: its full-text index when it has one (best matches first), otherwise a substring scan',
    'data-testid': 'search',
  });
  const searchColumn = h(
    'select',
    { class: 'search-column', 'aria-label': 'Column to search', title: 'Column to search', 'data-testid': 'search-column' },
    ...searchable.map((c) => h('option', { value: c.name }, c.index ? `${c.name} (full-text index)` : c.name)),
  );
  const searchNote = h('div', { class: 'search-note muted', 'data-testid': 'search-note', 'aria-live': 'polite', hidden: true });
  const plan = planView(
    ctx.rpc,
    () => {
      const q = current;
      if (!q) return undefined;
      const offset = Math.floor(grid.firstVisible() / q.pageRows) * q.pageRows;
      return {
        view: 'rows',
        filter: q.spec.filter || undefined,
        ...(q.spec.rowSet !== undefined ? { rowSet: q.spec.rowSet } : {}),
        sort: q.spec.sort.length ? q.spec.sort : undefined,
        search: q.spec.search,
        columns: shown,
        offset,
        limit: q.pageRows,
      };
    },
    'rows-plan',
  );
  const filterError = h('div', { class: 'error-inline filter-error', role: 'alert', 'data-testid': 'filter-error' });
  const chooser = columnChooser({
    fields,
    shown: () => shown,
    defaults: () => defaultColumns(fields),
    change: (next) => setColumns(next),
  });
  const columnsBtn = button('Columns…', () => (chooser.isOpen ? chooser.close() : chooser.open(columnsBtn)), {
    secondary: true,
    title: 'Choose the columns shown and their order (only shown columns are read)',
    testId: 'columns-button',
  });
  columnsBtn.setAttribute('aria-haspopup', 'dialog');
  columnsBtn.setAttribute('aria-expanded', 'false');
  const wrapBtn = button('Wrap', () => setWrap(!wrap), { secondary: true, title: 'Wrap long text in taller rows', testId: 'wrap-toggle' });

  const toolbar = h(
    'div',
    { class: 'toolbar rows-toolbar' },
    box.element,
    rowSetChip,
    h('span', { class: 'count-wrap' }, countEl, statusEl),
    sortChip,
    searchable.length ? h('span', { class: 'search-wrap' }, searchInput, searchColumn) : null,
    gotoInput,
    h('span', { class: 'chooser-anchor' }, columnsBtn, chooser.element),
    wrapBtn,
  );
  // Under the box: the engine's error for the last filter, then hints about the text in the box.
  const element = h('section', { class: 'rows-view' }, toolbar, filterError, box.hint, searchNote, plan.element, grid.element);

  // ----- queries --------------------------------------------------------------------------------
  /** Rows per page for these columns: fewer when they carry images of a table with large rows. */
  const pageRows = (columns: string[]) => pageRowsFor(d, columns, pageSize());

  function run(filter: string, columns: string[], how: 'filter' | 'columns' | 'sort' | 'search'): void {
    pending?.dispose();
    const set = rowSet;
    const s = set ? undefined : search;
    // A search by a full-text index ranks its rows, a row set may score its rows: the score is a column, first.
    const withScore = (!!s && searchable.some((c) => c.name === s.column && c.index)) || !!set?.scoreLabel;
    const q = new RowsQuery(
      ctx.rpc,
      { filter, columns: withScore ? [SCORE_COLUMN, ...columns] : columns, sort: s ? [] : sort, search: s, ...(set ? { rowSet: set.id } : {}) },
      pageRows(columns),
      onPage,
      onPageError,
    );
    pending = q;
    const sameRows = !!current && current.spec.filter === filter && current.spec.rowSet === q.spec.rowSet;
    if (how === 'columns' && current && sameRows && sameSort(current.spec.sort, q.spec.sort) && sameSearch(current.spec.search, s)) {
      // Same rows, other columns: the count holds, the position and selection stay.
      commit(q, current.total, true);
      return;
    }
    if (how === 'sort' && current && sameRows && !s && !current.spec.search) {
      // Same rows in another order: the count holds; the view starts again at the top.
      q.request(0);
      commit(q, current.total, false);
      // Until the first page arrives: the host computes the view's order once, then pages are quick.
      if (sort.length && !q.page(0)) setStatus('Sorting…');
      return;
    }
    setStatus(s ? 'Searching…' : filter ? 'Filtering…' : set ? 'Reading the row set…' : 'Counting…');
    element.setAttribute('aria-busy', 'true');
    // The first screen's pages travel with the count, so the grid fills as soon as the count commits it.
    // Pages sized by bytes (12 rows of 120 KB JPEGs) can hold fewer rows than a tall window shows; the
    // rest of that screen used to be asked for only once the count had committed.
    const top = goToAfterCommit ?? restore?.top ?? 0;
    for (let p = Math.floor(top / q.pageRows); p <= Math.floor((top + grid.pageRows()) / q.pageRows); p++) q.request(p);
    const counted: Promise<number> = s
      ? ctx.rpc.request('search', { search: s, filter: filter || undefined }, { channel: 'rows.count' }).then((summary) => {
          if (pending === q) searchInfo = summary;
          return summary.count;
        })
      : ctx.rpc.request('count', { filter: filter || undefined, ...(set ? { rowSet: set.id } : {}) }, { channel: 'rows.count' });
    counted.then(
      (n) => {
        if (pending === q) commit(q, n, false);
      },
      (err) => {
        if (pending !== q) return;
        const info = errorInfo(err);
        if (info.kind === 'superseded' || info.kind === 'cancelled') return;
        fail(q, info);
      },
    );
  }

  function commit(q: RowsQuery, total: number, keepView: boolean): void {
    const prev = current;
    current = q;
    pending = undefined;
    q.total = total;
    if (!q.spec.filter && !q.spec.search && q.spec.rowSet === undefined) unfilteredTotal = total;
    element.setAttribute('aria-busy', 'false');
    showError(errorAfterCommit);
    errorAfterCommit = undefined;
    setStatus('');
    updateCount();
    const columnsChanged =
      !prev || prev.spec.columns.join('\u0000') !== q.spec.columns.join('\u0000') || !sameSearch(prev.spec.search, q.spec.search) || prev.spec.rowSet !== q.spec.rowSet;
    if (columnsChanged) {
      grid.setColumns(q.spec.columns.map(gridColumn));
      grid.setRowHeight(rowHeight());
    }
    if (!q.spec.search) searchInfo = undefined;
    showSearch();
    showRowSetChip();
    plan.reset();
    prev?.dispose();
    grid.setTotal(total, { keepScroll: keepView, keepSelection: keepView });
    if (restore && !prev) {
      // First result after the webview came back: the same place as before.
      grid.scrollToIndex(Math.min(restore.top, Math.max(0, total - 1)), 'top');
      if (restore.selected !== undefined && restore.selected < total) grid.select(restore.selected, { scroll: false });
      grid.render();
    }
    restore = undefined;
    if (goToAfterCommit !== undefined) {
      const i = goToAfterCommit;
      goToAfterCommit = undefined;
      goToRow(i);
    }
    ctx.setState(KEY.filter, q.spec.filter);
    ctx.setState(KEY.columns, q.spec.columns);
    ctx.setState(KEY.sort, sort);
    ctx.setState(KEY.search, q.spec.search ?? null);
    ctx.setState(KEY.rowSet, q.spec.rowSet !== undefined ? (rowSet ?? null) : null);
    if (q.spec.filter) {
      history = [q.spec.filter, ...history.filter((x) => x !== q.spec.filter)].slice(0, HISTORY_MAX);
      ctx.setState(KEY.history, history);
    }
    report(false);
  }

  function fail(q: RowsQuery, info: ErrorInfo): void {
    q.dispose();
    if (pending === q) pending = undefined;
    element.setAttribute('aria-busy', 'false');
    setStatus('');
    showError(info);
    // A row set the host no longer keeps (the dataset was reopened): the whole table, and the reason.
    if (q.spec.rowSet !== undefined && info.kind === 'not-found' && rowSet?.id === q.spec.rowSet) {
      rowSet = undefined;
      errorAfterCommit = info;
      run(q.spec.filter, shown, 'filter');
      return;
    }
    // Nothing shown yet (e.g. a restored filter no longer fits a newer version): show all rows.
    if (!current && q.spec.filter) {
      restore = undefined;
      errorAfterCommit = info;
      run('', shown, 'filter');
    }
  }

  function onPage(q: RowsQuery, page: number): void {
    if (q !== current) return; // a pending query's pages wait in its cache until its count commits it
    if (statusEl.textContent === 'Sorting…') setStatus('');
    grid.refresh(page * q.pageRows, page * q.pageRows + q.pageRows - 1);
    const sel = grid.selected;
    if (sel !== undefined && Math.floor(sel / q.pageRows) === page) report(false); // the row id is known now
  }

  function onPageError(q: RowsQuery, page: number, info: ErrorInfo): void {
    if (q === current && statusEl.textContent === 'Sorting…') setStatus('');
    if (q === pending) fail(q, info);
    else if (q === current) grid.refresh(page * q.pageRows, page * q.pageRows + q.pageRows - 1);
  }

  function needRows(from: number, to: number): void {
    const q = current;
    if (!q) return;
    const pages = new Set<number>();
    const first = Math.floor(from / q.pageRows);
    const last = Math.floor(to / q.pageRows);
    for (let p = first; p <= last; p++) pages.add(p);
    // Pages sized by bytes (11 rows of 120 KB images): nearly every screenful scrolled crosses into the
    // next page, so one page either side is fetched ahead, after the visible ones. Full-size pages
    // (the setting) hold several screens and need no read-ahead.
    if (q.pageRows < pageSize()) {
      if ((last + 1) * q.pageRows < q.total) pages.add(last + 1);
      if (first > 0) pages.add(first - 1);
    }
    q.keepOnly(pages); // pages scrolled past are not waited for
    for (const p of pages) {
      q.touch(p);
      q.request(p);
    }
    const pos: Position = { top: grid.firstVisible(), selected: grid.selected };
    const key = JSON.stringify(pos);
    if (key !== lastPosition) {
      lastPosition = key;
      ctx.setState(KEY.position, pos);
    }
  }

  function rowState(i: number): RowState {
    const q = current;
    if (!q) return { kind: 'loading' };
    const n = q.pageRows;
    const p = Math.floor(i / n);
    const page = q.page(p);
    if (page) {
      const k = i - p * n;
      const cells = page.rows[k];
      if (!cells) return { kind: 'error', message: 'No row here: the table changed since it was counted. Reload to see it again.' };
      return { kind: 'row', rowId: page.rowIds[k], cells };
    }
    const err = q.error(p);
    if (err) return { kind: 'error', message: `Rows ${formatCount(p * n)}–${formatCount(p * n + n - 1)} could not be read: ${err.message}` };
    return { kind: 'loading' };
  }

  function loadedRow(i: number): { rowId: string; cells: Cell[] } | undefined {
    const s = rowState(i);
    return s.kind === 'row' ? s : undefined;
  }

  // ----- filter ---------------------------------------------------------------------------------
  function applyFilter(f: string): void {
    closeMenu();
    errorAfterCommit = undefined;
    run(f.trim(), shown, 'filter');
  }

  /** A column's Arrow type as the schema shows it (some literals depend on it, e.g. Float16). */
  function typeOf(name: string): string | undefined {
    return ctx.description.schema.find((f) => f.name === name)?.type;
  }

  function filterByValue(col: number, cell: Cell): void {
    const name = current?.spec.columns[col];
    const cond = name === undefined ? undefined : conditionFor(name, cell, typeOf(name));
    if (!cond) return;
    const next = andFilter(current?.spec.filter ?? '', cond);
    box.setValue(next);
    applyFilter(next);
  }

  function showError(info: ErrorInfo | undefined): void {
    if (!info) {
      filterError.replaceChildren();
      box.input.removeAttribute('aria-invalid');
    } else {
      filterError.replaceChildren(h('span', { class: 'message' }, info.message), ...(info.detail ? [h('code', { class: 'detail' }, info.detail)] : []));
      box.input.setAttribute('aria-invalid', 'true');
    }
    layout();
  }

  function setStatus(text: string): void {
    statusEl.textContent = text;
  }

  function updateCount(): void {
    const q = current;
    if (!q) return;
    const all = unfilteredTotal ?? d.stats.rows;
    if (q.spec.rowSet !== undefined) {
      countEl.textContent = q.spec.filter ? `${formatCount(q.total)} of ${formatCount(rowSet?.count ?? q.total)} rows` : `${formatCount(q.total)} rows`;
    } else if (q.spec.search) {
      const more = searchInfo?.truncated ? ` (the first ${formatCount(searchInfo.limit)})` : '';
      countEl.textContent = `${formatCount(q.total)} ${q.total === 1 ? 'match' : 'matches'}${more} of ${formatCount(all)} rows`;
    } else countEl.textContent = q.spec.filter ? `${formatCount(q.total)} of ${formatCount(all)} rows` : `${formatCount(q.total)} rows`;
    gotoInput.placeholder = q.total > 0 ? `Go to row (0–${formatCount(q.total - 1)})` : 'Go to row';
  }

  // ----- text search ----------------------------------------------------------------------------
  /** A grid column: the search's score is a pseudo-column; the searched column marks what matched. */
  function gridColumn(name: string): import('../grid/virtualGrid').GridColumn {
    const set = current?.spec.rowSet !== undefined || pending?.spec.rowSet !== undefined ? rowSet : undefined;
    if (name === SCORE_COLUMN && set)
      return {
        name,
        label: set.scoreLabel,
        field: { name, type: 'Float64', kind: 'float', nullable: true, metadata: {}, children: [] },
        unsortable: `The score of ${set.label}: the set's rows come in its order. Sort by another column to reorder them; clear that sort to see the score order again.`,
      };
    if (name === SCORE_COLUMN)
      return {
        name,
        field: { name, type: 'Float32', kind: 'float', nullable: false, metadata: {}, children: [] },
        unsortable: 'The relevance score (BM25) of the text search: matches are already in its order, best first.',
      };
    const s = current?.spec.search ?? pending?.spec.search;
    return { name, field: byName.get(name), ...(s && s.column === name && searchInfo ? { highlight: highlightOf(searchInfo) } : {}) };
  }

  /** A saved search that still fits the schema (its column exists and holds strings). */
  function validSearch(v: unknown): TextQuery | undefined {
    const x = v as TextQuery | null | undefined;
    if (!x || typeof x.column !== 'string' || typeof x.text !== 'string' || !x.text.trim()) return undefined;
    return searchable.some((c) => c.name === x.column) ? { column: x.column, text: x.text } : undefined;
  }

  function highlightOf(info: SearchSummary): Highlight {
    return { terms: info.terms, stemmed: info.stemmed, substring: info.answeredBy.kind === 'scan' };
  }

  /** Runs a text search (undefined or empty text: back to the plain rows). */
  function setSearch(next: TextQuery | undefined): void {
    closeMenu();
    const s = next && next.text.trim() && searchable.some((c) => c.name === next.column) ? { column: next.column, text: next.text.trim() } : undefined;
    search = s;
    if (s) rowSet = undefined; // a search looks through the whole table
    searchInput.value = s?.text ?? '';
    if (s) searchColumn.value = s.column;
    const filter = pending ? pending.spec.filter : (current?.spec.filter ?? '');
    errorAfterCommit = undefined;
    run(filter, shown, 'search');
  }

  function showSearch(): void {
    const s = current?.spec.search;
    const info = searchInfo;
    searchNote.hidden = !s || !info;
    if (!s || !info) return searchNote.replaceChildren();
    searchNote.replaceChildren(
      info.answeredBy.kind === 'fts-index'
        ? `Full-text index ${info.answeredBy.name} on ${s.column}: best matches first, with their relevance score (BM25)${info.stemmed ? '; other forms of the words match too' : ''}.`
        : `No full-text index on ${s.column}: every row was scanned for the text (case-insensitive), in table order. A full-text (INVERTED) index on ${s.column} would make this quick and rank the matches.`,
      ' ',
      h('button', { type: 'button', class: 'link-button', 'data-testid': 'clear-search' }, 'Clear search'),
    );
    searchNote.querySelector('button')!.addEventListener('click', () => setSearch(undefined));
    showSort();
  }

  // ----- row sets -------------------------------------------------------------------------------
  /**
   * Shows a kept row set in its order (its score first when it has one), from its first row: the filter,
   * sort and search are cleared (a filter typed afterwards applies within the set). Undefined: the whole
   * table again, keeping the filter.
   */
  function showRowSet(next: RowSetInfo | undefined): void {
    closeMenu();
    const set = validRowSet(next);
    if (!set && !rowSet) return;
    rowSet = set;
    let filter = pending ? pending.spec.filter : (current?.spec.filter ?? '');
    if (set) {
      filter = '';
      box.setValue('');
      search = undefined;
      searchInput.value = '';
      sort = [];
      showSort();
      restore = undefined;
    }
    errorAfterCommit = undefined;
    showRowSetChip();
    run(filter, shown, 'filter');
  }

  function showRowSetChip(): void {
    const set = current?.spec.rowSet !== undefined ? rowSet : undefined;
    rowSetChip.hidden = !set;
    rowSetText.textContent = set ? `${set.label} · ${formatCount(set.count)} ${set.count === 1 ? 'row' : 'rows'}` : '';
    rowSetChip.title = set
      ? `Showing the rows of ${set.label}${set.scoreLabel ? `, by ${set.scoreLabel}` : ''}. A filter applies within them; ✕ goes back to the whole table.`
      : '';
  }

  // ----- sorting --------------------------------------------------------------------------------
  /** Sorts the whole (filtered) table by `keys` (none: table order) and shows its first rows. */
  function setSort(keys: SortKey[]): void {
    closeMenu();
    const next = validSort(keys, fields);
    sort = next;
    showSort();
    if ((pending ?? current) && sameSort(next, (pending ?? current)!.spec.sort)) return;
    const filter = pending ? pending.spec.filter : (current?.spec.filter ?? '');
    run(filter, shown, pending ? 'filter' : 'sort');
  }

  function showSort(): void {
    grid.setSort(sort);
    sortText.textContent = sort.length ? `Sorted by ${describeSort(sort)}${search ? ' (after the search: matches are in relevance order)' : ''}` : '';
    sortChip.title = sort.length
      ? `The whole${current?.spec.filter ? ' filtered' : ''} table is sorted by ${describeSort(sort)} (nulls last, ties in table order). Click a header to change it; Shift+click adds a key.`
      : '';
    sortChip.hidden = !sort.length;
  }

  // ----- columns, wrap --------------------------------------------------------------------------
  function rowHeight(): number {
    if (wrap) return ROW_PX_WRAP;
    return hasImageColumn(current?.spec.columns ?? shown, fields) ? rowPxImages() : ROW_PX_TEXT;
  }

  let columnsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Applies a column choice once the clicking in the chooser pauses (each change re-reads the rows). */
  function setColumns(next: string[]): void {
    shown = next;
    if (columnsTimer) clearTimeout(columnsTimer);
    columnsTimer = setTimeout(() => {
      columnsTimer = undefined;
      const filter = pending ? pending.spec.filter : (current?.spec.filter ?? '');
      run(filter, shown, 'columns');
    }, 200);
  }

  function setWrap(on: boolean): void {
    wrap = on;
    ctx.setState(KEY.wrap, on);
    grid.setWrap(on);
    wrapBtn.setAttribute('aria-pressed', String(on));
    wrapBtn.setAttribute('appearance', on ? 'primary' : 'secondary');
    grid.setRowHeight(rowHeight());
  }

  // ----- selection and the host -----------------------------------------------------------------
  function report(force: boolean, byClick = false): void {
    const i = grid.selected;
    const v: ViewState = {
      filter: current?.spec.filter || undefined,
      sort: current?.spec.sort.length ? current.spec.sort : undefined,
      columns: current?.spec.columns,
      ...(current?.spec.rowSet !== undefined && rowSet ? { rowSet } : {}),
      selectedRowId: i === undefined ? undefined : loadedRow(i)?.rowId,
      selectedIndex: i,
      ...(current?.spec.search
        ? { search: { ...current.spec.search, ...(searchInfo ? { terms: searchInfo.terms, stemmed: searchInfo.stemmed, substring: searchInfo.answeredBy.kind === 'scan' } : {}) } }
        : {}),
      ...(byClick ? { selectedByClick: true } : {}),
    };
    const key = JSON.stringify(v);
    if (!force && key === lastReport) return;
    lastReport = key;
    ctx.reportView(v);
  }

  function goToRow(index: number): void {
    if (!current) {
      goToAfterCommit = index;
      return;
    }
    if (current.total === 0) return;
    const i = Math.max(0, Math.min(current.total - 1, Math.floor(index)));
    grid.scrollToIndex(i, 'top');
    grid.select(i, { scroll: false });
    grid.render();
    grid.scheduleLoad(0);
  }

  // ----- context menu and copying ---------------------------------------------------------------
  function showMenu(i: number, col: number | undefined, x: number, y: number): void {
    const row = loadedRow(i);
    const colName = col === undefined ? undefined : current?.spec.columns[col];
    const cell = row && col !== undefined ? row.cells[col] : undefined;
    const cond = colName !== undefined && cell !== undefined ? conditionFor(colName, cell, typeOf(colName)) : undefined;
    const items: MenuItem[] = [
      {
        id: 'find-similar',
        label: 'Find similar',
        disabled: !row || !hasVectors,
        title: !hasVectors ? 'This table has no vector column' : !row ? 'The row is still loading' : 'Rows nearest to this one by its vector column',
        run: () => row && ctx.findSimilar(row.rowId),
        prepare: () => row && ctx.prepareSimilar(row.rowId),
      },
      { id: 'copy-json', label: 'Copy row as JSON', disabled: !row, run: () => void copyRow(i) },
      {
        id: 'copy-cell',
        label: colName ? `Copy cell (${colName})` : 'Copy cell',
        disabled: !row || col === undefined,
        run: () => col !== undefined && void copyCell(i, col),
      },
      {
        id: 'filter-value',
        label: cond ? `Filter by this value: ${cond.length > 60 ? cond.slice(0, 59) + '…' : cond}` : 'Filter by this value',
        disabled: !cond,
        title: cond ? `Adds ${cond} to the filter (AND)` : 'Only scalar values (text, numbers, booleans, null) can be filtered by',
        run: () => cell !== undefined && col !== undefined && filterByValue(col, cell),
      },
    ];
    openMenu(items, x, y, `Row ${formatCount(i)}`);
  }

  async function copyRow(i: number): Promise<void> {
    const row = loadedRow(i);
    if (!row || !current) return;
    let text: string;
    try {
      // The whole row (every column, full vectors), not just what the grid shows.
      const full = await ctx.rpc.request('row', { rowId: row.rowId });
      // Values capped in the row (over 64 KB) come whole, as from the preview and the palette: one JSON.
      const cells = await wholeCells(full.columns, full.row, (column) => ctx.rpc.request('cell', { rowId: full.rowId, column }, { timeoutMs: 0 }));
      text = rowJson(full.rowId, full.columns, cells);
    } catch {
      text = rowJson(row.rowId, current.spec.columns, row.cells);
    }
    const ok = await copyText(text);
    setStatus(ok ? `Copied row ${formatCount(i)} as JSON.` : 'Could not copy to the clipboard.');
  }

  async function copyCell(i: number, col: number): Promise<void> {
    const row = loadedRow(i);
    if (!row || col >= row.cells.length) return;
    const ok = await copyText(cellPlainText(row.cells[col]));
    setStatus(ok ? `Copied ${current?.spec.columns[col] ?? 'cell'} of row ${formatCount(i)}.` : 'Could not copy to the clipboard.');
  }

  // ----- layout and events ----------------------------------------------------------------------
  /** The grid fills the window below its toolbar (its own scrollbar, not the page's). */
  function layout(): void {
    const r = grid.element.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return; // hidden tab
    const top = r.top + window.scrollY;
    const want = Math.max(240, Math.floor(window.innerHeight - top - 8));
    grid.element.style.height = `${want}px`;
    // Whatever padding the panel puts below us: no page scrollbar next to the grid's own.
    const over = document.documentElement.scrollHeight - window.innerHeight;
    if (over > 0) grid.element.style.height = `${Math.max(240, want - over)}px`;
  }
  grid.element.addEventListener(
    'click',
    () => {
      // Until the click's dispatch is over (a microtask would run between this listener and the grid's).
      clicking = true;
      setTimeout(() => (clicking = false), 0);
    },
    { capture: true },
  );
  const onResize = () => layout();
  window.addEventListener('resize', onResize);
  const toolbarObserver = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => layout()) : undefined;
  toolbarObserver?.observe(toolbar);
  toolbarObserver?.observe(filterError);
  toolbarObserver?.observe(box.hint);
  toolbarObserver?.observe(searchNote);
  toolbarObserver?.observe(plan.element);
  requestAnimationFrame(() => layout());

  gotoInput.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const n = Number(gotoInput.value.replace(/[\s,._']/g, ''));
    if (!Number.isFinite(n) || gotoInput.value.trim() === '') return;
    goToRow(n);
    grid.element.focus({ preventScroll: true });
  });

  // ----- start ----------------------------------------------------------------------------------
  grid.setWrap(wrap);
  wrapBtn.setAttribute('aria-pressed', String(wrap));
  if (wrap) wrapBtn.setAttribute('appearance', 'primary');
  if (savedFilter) box.setValue(savedFilter);
  if (search) {
    searchInput.value = search.text;
    searchColumn.value = search.column;
  }
  searchInput.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    setSearch({ column: searchColumn.value, text: searchInput.value });
  });
  // The ✕ of a search input clears it: back to the plain rows.
  searchInput.addEventListener('search', () => {
    if (!searchInput.value && search) setSearch(undefined);
  });
  showSort();
  run(savedFilter ?? '', shown, 'filter');

  return {
    element,
    setFilter(f: string) {
      box.setValue(f);
      applyFilter(f);
    },
    setSort,
    setSearch,
    showRowSet,
    goToRow,
    selectRelative(delta: number) {
      if (current) grid.move(delta);
    },
    onShow() {
      if (disposed) return;
      layout();
      current?.clearErrors();
      grid.refreshAll();
    },
    dispose() {
      disposed = true;
      if (columnsTimer) clearTimeout(columnsTimer);
      closeMenu();
      chooser.close();
      window.removeEventListener('resize', onResize);
      toolbarObserver?.disconnect();
      pending?.dispose();
      current?.dispose();
      grid.dispose();
    },
  };
}

/** Saved or asked-for sort keys that still fit the schema: known, sortable, each once, at most MAX_SORT_KEYS. */
function validSort(v: unknown, fields: SchemaField[]): SortKey[] {
  if (!Array.isArray(v)) return [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: SortKey[] = [];
  for (const k of v as unknown[]) {
    const column = (k as SortKey | null)?.column;
    const f = typeof column === 'string' ? byName.get(column) : undefined;
    if (!f || unsortableReason(f) || out.some((x) => x.column === column)) continue;
    out.push((k as SortKey).descending ? { column: f.name, descending: true } : { column: f.name });
  }
  return out.slice(0, MAX_SORT_KEYS);
}

/** A saved or asked-for row set that has what the view needs. */
function validRowSet(v: unknown): RowSetInfo | undefined {
  const x = v as RowSetInfo | null | undefined;
  if (!x || typeof x.id !== 'string' || typeof x.label !== 'string' || typeof x.count !== 'number') return undefined;
  return { id: x.id, label: x.label, count: x.count, ...(typeof x.scoreLabel === 'string' ? { scoreLabel: x.scoreLabel } : {}) };
}

function sameSearch(a: TextQuery | undefined, b: TextQuery | undefined): boolean {
  return (!a && !b) || (!!a && !!b && a.column === b.column && a.text === b.text);
}
