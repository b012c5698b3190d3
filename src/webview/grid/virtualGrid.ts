// A virtualised, keyboard-driven grid over any number of rows of one fixed height.
//
// The scroll container holds a sticky header and a spacer as tall as all rows; only the rows near the
// viewport exist in the DOM (absolutely placed inside the spacer). Browsers cap an element's height
// (Chromium ~33.5 M px, Firefox ~17.9 M px), so past MAX_SCROLL_PX the spacer stays at that height and
// scroll positions are scaled: scrollTop s shows the rows at virtual offset v = s · k, where
// k = (rows·rowHeight − viewport) / (spacer − viewport). Below the cap k = 1 and nothing is scaled.
//
// Each rendered row owns the blob: URLs of its thumbnails (an ImageUrls) and revokes them when it
// leaves the DOM, so the number of live URLs is bounded by the rows on screen.
import type { Cell, SchemaField, SortKey } from '../../shared/types';
import { unsortableReason } from '../../shared/sort';
import { ImageUrls, renderCell } from '../cells';
import { formatCount, h } from '../ui/dom';
import { highlightElement, type Highlight } from '../ui/highlight';
import { indexTrack, thumbPx, trackFor } from './columns';
import { conditionFor } from '../../shared/sql';

export const MAX_SCROLL_PX = 10_000_000;
const HEADER_PX = 28;
/** Rows rendered beyond each edge of the viewport (smooth small scrolls; not requested from the host). */
const OVERSCAN = 4;
const LOAD_DEBOUNCE_MS = 50;

export type RowState = { kind: 'row'; rowId: string; cells: Cell[] } | { kind: 'loading' } | { kind: 'error'; message: string };

export interface GridColumn {
  name: string;
  /** Shown in the header instead of the name (a pseudo-column's meaning, e.g. a row set's score). */
  label?: string;
  field?: SchemaField;
  /** Why this column cannot be sorted, when the field's type does not say (e.g. a search's score). */
  unsortable?: string;
  /** Words a text search matched in this column: marked in its cells. */
  highlight?: Highlight;
}

export interface GridCallbacks {
  row(index: number): RowState;
  /** The visible window settled (debounced): fetch what it needs. Indices inclusive. */
  needRows(from: number, to: number): void;
  selectionChanged(index: number | undefined): void;
  /** Enter or double-click on a row. */
  open(index: number): void;
  contextMenu(index: number, col: number | undefined, x: number, y: number): void;
  /** A value was clicked to filter by (the cell's filter icon or Alt+click). */
  filterValue(col: number, cell: Cell): void;
  /** Ctrl/Cmd+C on the grid: copy the active cell of the selected row. */
  copy(index: number, col: number): void;
  /** A sortable column's header was clicked (`add`: with Shift, to add or cycle a further key). */
  sortBy?(column: string, add: boolean): void;
}

interface Rendered {
  el: HTMLElement;
  loaded: boolean;
  images: ImageUrls;
  state: RowState;
}

export class VirtualGrid {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty: HTMLElement;
  private columns: GridColumn[] = [];
  private sort: SortKey[] = [];
  private total = 0;
  private rowHeight = 72;
  private readonly rendered = new Map<number, Rendered>();
  private selectedIndex: number | undefined;
  private activeCol = 0;
  private loadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly resizeObserver?: ResizeObserver;

  constructor(
    private readonly cb: GridCallbacks,
    label: string,
  ) {
    this.header = h('div', { class: 'grid-header', role: 'row', 'aria-rowindex': 1 });
    this.spacer = h('div', { class: 'grid-spacer', role: 'presentation' });
    this.empty = h('div', { class: 'grid-empty', hidden: true, 'data-testid': 'grid-empty' }, 'No rows match.');
    this.element = h(
      'div',
      { class: 'rows-grid', role: 'grid', tabindex: 0, 'aria-label': label, 'aria-rowcount': 1, 'aria-multiselectable': 'false', 'data-testid': 'rows-grid' },
      this.header,
      this.spacer,
      this.empty,
    );
    this.element.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('dblclick', (e) => {
      const i = this.indexOf(e.target);
      if (i !== undefined && !(e.target as Element).closest('.cell-filter')) this.cb.open(i);
    });
    this.element.addEventListener('contextmenu', (e) => {
      const i = this.indexOf(e.target);
      if (i === undefined) return;
      e.preventDefault();
      const col = this.colOf(e.target);
      if (col !== undefined) this.setActiveCol(col);
      this.select(i, { scroll: false });
      this.element.focus({ preventScroll: true });
      this.cb.contextMenu(i, col, e.clientX, e.clientY);
    });
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => {
        this.render();
        this.scheduleLoad();
      });
      this.resizeObserver.observe(this.element);
    }
  }

  // ----- configuration -------------------------------------------------------------------------

  /** The keys the rows are sorted by: shown in the headers (direction, and rank when there are several). */
  setSort(keys: SortKey[]): void {
    this.sort = keys.slice();
    this.layoutColumns();
  }

  setColumns(columns: GridColumn[]): void {
    this.columns = columns;
    this.activeCol = Math.min(this.activeCol, Math.max(0, columns.length - 1));
    this.layoutColumns();
    this.dropAllRows();
    this.render();
  }

  /** A new result: `total` rows. Scrolls to the top and clears the selection unless told to keep them. */
  setTotal(total: number, opts: { keepScroll?: boolean; keepSelection?: boolean } = {}): void {
    const anchor = opts.keepScroll ? this.firstVisible() : 0;
    this.total = total;
    this.element.setAttribute('aria-rowcount', String(total + 1));
    this.empty.hidden = total > 0;
    this.layoutColumns();
    this.dropAllRows();
    this.updateSpacer();
    if (!opts.keepSelection || (this.selectedIndex !== undefined && this.selectedIndex >= total)) this.selectedIndex = undefined;
    this.scrollToIndex(Math.min(anchor, Math.max(0, total - 1)), 'top');
    this.render();
    this.scheduleLoad(0);
  }

  /** Changes the row height, keeping the first visible row in place. */
  setRowHeight(px: number): void {
    if (px === this.rowHeight) return;
    const anchor = this.firstVisible();
    this.rowHeight = px;
    this.element.style.setProperty('--row-h', `${px}px`);
    this.dropAllRows();
    this.updateSpacer();
    this.scrollToIndex(anchor, 'top');
    this.render();
    this.scheduleLoad();
  }

  setWrap(on: boolean): void {
    this.element.classList.toggle('wrap', on);
  }

  /** Rows in [from, to] may have new data (a page arrived): fills those still showing placeholders. */
  refresh(from: number, to: number): void {
    for (const [i, r] of this.rendered) {
      if (i < from || i > to || r.loaded) continue;
      r.images.revokeAll();
      // The placeholder's cell goes; the row element, its place and its index cell stay.
      while (r.el.childElementCount > 1) r.el.lastElementChild!.remove();
      this.fillRow(i, r.el);
    }
  }

  /** Re-render every row (the data behind them changed). */
  refreshAll(): void {
    this.dropAllRows();
    this.render();
    this.scheduleLoad(0);
  }

  get rowCount(): number {
    return this.total;
  }

  get selected(): number | undefined {
    return this.selectedIndex;
  }

  get activeColumn(): number {
    return this.activeCol;
  }

  // ----- geometry -------------------------------------------------------------------------------

  private viewHeight(): number {
    // Before the grid is laid out (the first pages are asked for then): the window's height, which the
    // grid nearly fills, so the pages of the whole first screen go out at once.
    const ch = this.element.clientHeight || globalThis.innerHeight || 600;
    return Math.max(this.rowHeight, ch - HEADER_PX);
  }

  private contentHeight(): number {
    return this.total * this.rowHeight;
  }

  private spacerHeight(): number {
    return Math.min(this.contentHeight(), MAX_SCROLL_PX);
  }

  /** Virtual px per scroll px (1 unless the table is taller than the browser allows). */
  private scale(): number {
    const content = this.contentHeight();
    const spacer = this.spacerHeight();
    const view = this.viewHeight();
    if (content <= spacer || spacer <= view) return 1;
    return (content - view) / (spacer - view);
  }

  private virtualTop(): number {
    const s = this.element.scrollTop;
    const k = this.scale();
    if (k === 1) return s;
    // Scaled: the browser rounds large scroll offsets, and one scroll px is k px of rows; at (about)
    // the bottom show the very end instead of stopping up to k px short of it.
    const view = this.viewHeight();
    if (s >= this.spacerHeight() - view - 1) return this.contentHeight() - view;
    return s * k;
  }

  private updateSpacer(): void {
    this.spacer.style.height = `${this.spacerHeight()}px`;
  }

  firstVisible(): number {
    if (this.total === 0) return 0;
    return Math.min(this.total - 1, Math.floor(this.virtualTop() / this.rowHeight + 1e-6));
  }

  /** Whole rows that fit in the viewport. */
  pageRows(): number {
    return Math.max(1, Math.floor(this.viewHeight() / this.rowHeight));
  }

  private visibleRange(): [number, number] {
    if (this.total === 0) return [0, -1];
    const v = this.virtualTop();
    const first = Math.min(this.total - 1, Math.floor(v / this.rowHeight));
    const last = Math.min(this.total - 1, Math.ceil((v + this.viewHeight()) / this.rowHeight) - 1);
    return [first, Math.max(first, last)];
  }

  /** Scrolls so row i shows: at the top, or just enough to bring it into view. */
  scrollToIndex(i: number, align: 'top' | 'nearest'): void {
    if (this.total === 0) {
      this.element.scrollTop = 0;
      return;
    }
    const rowTop = i * this.rowHeight;
    const view = this.viewHeight();
    const v = this.virtualTop();
    let target: number;
    if (align === 'top') target = rowTop;
    else if (rowTop < v) target = rowTop;
    else if (rowTop + this.rowHeight > v + view) target = rowTop + this.rowHeight - view;
    else return;
    target = Math.max(0, Math.min(target, this.contentHeight() - view));
    const k = this.scale();
    // Rounding: scrollTop is snapped to device pixels; aim for the exact row under scaling.
    this.element.scrollTop = k === 1 ? target : Math.ceil(target / k);
  }

  // ----- selection ------------------------------------------------------------------------------

  select(i: number | undefined, opts: { scroll?: boolean } = {}): void {
    if (i !== undefined) i = Math.max(0, Math.min(this.total - 1, i));
    if (this.total === 0) i = undefined;
    const changed = i !== this.selectedIndex;
    const prev = this.selectedIndex;
    this.selectedIndex = i;
    if (prev !== undefined) this.decorate(prev);
    if (i !== undefined) {
      if (opts.scroll !== false) this.scrollToIndex(i, 'nearest');
      this.render();
      this.decorate(i);
    }
    this.updateActiveDescendant();
    if (changed) this.cb.selectionChanged(i);
  }

  /** Moves the selection by delta rows (from the first visible row when nothing is selected). */
  move(delta: number): void {
    const from = this.selectedIndex ?? (delta > 0 ? this.firstVisible() - 1 : this.firstVisible() + 1);
    this.select(from + delta);
    this.scheduleLoad();
  }

  private setActiveCol(c: number): void {
    this.activeCol = Math.max(0, Math.min(this.columns.length - 1, c));
    for (const [i] of this.rendered) this.decorate(i);
  }

  private decorate(i: number): void {
    const r = this.rendered.get(i);
    if (!r) return;
    const sel = i === this.selectedIndex;
    r.el.classList.toggle('selected', sel);
    r.el.setAttribute('aria-selected', String(sel));
    if (sel) r.el.id = this.rowDomId(i);
    else r.el.removeAttribute('id');
    r.el.querySelectorAll('.active-cell').forEach((c) => c.classList.remove('active-cell'));
    if (sel) r.el.querySelector(`.grid-cell[data-col="${this.activeCol}"]`)?.classList.add('active-cell');
  }

  private rowDomId(i: number): string {
    return `rows-grid-row-${i}`;
  }

  private updateActiveDescendant(): void {
    const i = this.selectedIndex;
    if (i !== undefined && this.rendered.has(i)) this.element.setAttribute('aria-activedescendant', this.rowDomId(i));
    else this.element.removeAttribute('aria-activedescendant');
  }

  // ----- rendering ------------------------------------------------------------------------------

  private layoutColumns(): void {
    const idx = indexTrack(this.total);
    const tracks = [idx, ...this.columns.map((c) => trackFor(c.field))];
    this.element.style.setProperty('--grid-cols', tracks.map((t) => t.track).join(' '));
    const min = tracks.reduce((s, t) => s + t.minPx, 0);
    this.spacer.style.minWidth = this.header.style.minWidth = `${min}px`;
    this.element.setAttribute('aria-colcount', String(this.columns.length + 1));
    this.header.replaceChildren(
      h('div', { class: 'grid-cell index', role: 'columnheader', 'aria-colindex': 1, title: 'Row number in this result (0-based)' }, '#'),
      ...this.columns.map((c, j) => this.headerCell(c, j)),
    );
  }

  /**
   * One column's header. Sortable columns hold a button (click: sort by it alone, cycling ascending →
   * descending → none; Shift+click: add it as a further key), with the direction and, among several
   * keys, the key's rank; the others say on hover why they cannot be sorted.
   */
  private headerCell(c: GridColumn, j: number): HTMLElement {
    const rank = this.sort.findIndex((k) => k.column === c.name);
    const key = rank >= 0 ? this.sort[rank] : undefined;
    const why = c.unsortable ?? (c.field ? unsortableReason(c.field) : 'Unknown column type.');
    const type = c.field ? `${c.name}: ${c.field.type}` : c.name;
    const label = [h('span', { class: 'col-name' }, c.label ?? c.name), c.field && c.field.kind !== 'binary' ? h('span', { class: 'col-type' }, shortType(c.field)) : null];
    const attrs = {
      class: `grid-cell kind-${c.field?.kind ?? 'other'}${key ? ' sorted' : ''}`,
      role: 'columnheader',
      'aria-colindex': j + 2,
      'data-column': c.name,
      ...(key && rank === 0 ? { 'aria-sort': key.descending ? 'descending' : 'ascending' } : {}),
    };
    if (why || !this.cb.sortBy) return h('div', { ...attrs, title: why ? `${type}\n${why}` : type }, ...label);
    const dir = key ? (key.descending ? 'descending' : 'ascending') : undefined;
    const state = key ? `Sorted ${dir}${this.sort.length > 1 ? ` (key ${rank + 1} of ${this.sort.length})` : ''}. ` : '';
    const btn = h(
      'button',
      {
        type: 'button',
        class: 'col-sort',
        'data-testid': `sort-${c.name}`,
        title: `${type}\n${state}Click to sort by this column${key ? ' (again: ' + (key.descending ? 'no sort' : 'descending') + ')' : ''}; Shift+click to add it as a further key.`,
      },
      ...label,
      key ? h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, key.descending ? '▼' : '▲', this.sort.length > 1 ? h('sup', {}, String(rank + 1)) : null) : null,
    );
    btn.addEventListener('click', (e) => {
      e.stopPropagation();
      this.cb.sortBy?.(c.name, e.shiftKey);
    });
    // Enter and Space belong to the button here, not to the grid's row keys.
    btn.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') e.stopPropagation();
    });
    return h('div', attrs, btn);
  }

  private onScroll(): void {
    this.render();
    this.scheduleLoad();
  }

  /** Asks for the visible window's rows once scrolling pauses (a window scrolled past is never asked for). */
  scheduleLoad(delay = LOAD_DEBOUNCE_MS): void {
    if (this.loadTimer) clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => {
      this.loadTimer = undefined;
      const [from, to] = this.visibleRange();
      if (to >= from) this.cb.needRows(from, to);
    }, delay);
  }

  render(): void {
    const [first, last] = this.visibleRange();
    const from = Math.max(0, first - OVERSCAN);
    const to = Math.min(this.total - 1, last + OVERSCAN);
    for (const i of [...this.rendered.keys()]) if (i < from || i > to) this.removeRow(i);
    const s = this.element.scrollTop;
    const v = this.virtualTop();
    let added = false;
    for (let i = from; i <= to; i++) {
      let r = this.rendered.get(i);
      if (!r) {
        r = this.buildRow(i);
        this.rendered.set(i, r);
        added = true;
      }
      const top = s + i * this.rowHeight - v;
      const topPx = `${Math.round(top * 100) / 100}px`;
      if (r.el.style.top !== topPx) r.el.style.top = topPx;
    }
    if (added) {
      // Keep DOM order = row order (screen readers, tests reading rows in order).
      const ordered = [...this.rendered.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r.el);
      ordered.forEach((el, k) => {
        if (this.spacer.children[k] !== el) this.spacer.insertBefore(el, this.spacer.children[k] ?? null);
      });
      this.updateActiveDescendant();
    }
  }

  private buildRow(i: number): Rendered {
    const el = h('div', {
      class: 'grid-row',
      role: 'row',
      'aria-rowindex': i + 2,
      'data-index': i,
      'data-testid': 'grid-row',
      'aria-selected': 'false',
    });
    el.append(h('div', { class: 'grid-cell index', role: 'rowheader', 'aria-colindex': 1 }, formatCount(i)));
    return this.fillRow(i, el);
  }

  /**
   * Puts row i's cells (its data, placeholders, or its error) into `el`, which holds only the index
   * cell: a new row, or a placeholder row whose page arrived (filled in place, so that needs neither a
   * new row nor the geometry, whose reading would force a layout after the DOM changed).
   */
  private fillRow(i: number, el: HTMLElement): Rendered {
    const state = this.cb.row(i);
    const images = new ImageUrls();
    el.classList.toggle('loading', state.kind === 'loading');
    if (state.kind === 'loading') el.setAttribute('aria-busy', 'true');
    else el.removeAttribute('aria-busy');
    if (state.kind === 'row') {
      el.dataset.rowid = state.rowId;
      state.cells.forEach((cell, j) => {
        const col = this.columns[j];
        const content = renderCell(cell, { images, thumbSize: thumbPx() });
        if (col?.highlight) highlightElement(content, col.highlight);
        const cond = col ? conditionFor(col.name, cell, col.field?.type) : undefined;
        const cellEl = h('div', { class: `grid-cell kind-${col?.field?.kind ?? 'other'}`, role: 'gridcell', 'aria-colindex': j + 2, 'data-col': j }, content);
        if (cond) {
          cellEl.classList.add('filterable');
          cellEl.append(
            h('button', {
              class: 'cell-filter',
              type: 'button',
              tabindex: -1,
              title: `Filter: ${truncate(cond, 200)} (or Alt+click the value)`,
              'aria-label': `Filter by ${truncate(cond, 200)}`,
              'data-testid': 'cell-filter',
            }),
          );
        }
        el.append(cellEl);
      });
    } else if (state.kind === 'loading') {
      // One cell across the row, not one per column: a row on its way is made and dropped within a
      // screenful of scrolling, and each element (and each pulsing bar's layer) is work for the renderer.
      el.append(h('div', { class: 'grid-cell placeholder', role: 'gridcell', 'aria-colindex': 2 }, h('span', { class: 'skeleton' })));
    } else {
      el.classList.add('row-error');
      el.append(h('div', { class: 'grid-cell error', role: 'gridcell', 'aria-colindex': 2 }, state.message));
    }
    const r: Rendered = { el, loaded: state.kind !== 'loading', images, state };
    this.rendered.set(i, r);
    this.decorate(i);
    return r;
  }

  private removeRow(i: number): void {
    const r = this.rendered.get(i);
    if (!r) return;
    r.el.remove();
    r.images.revokeAll();
    this.rendered.delete(i);
  }

  private dropAllRows(): void {
    for (const i of [...this.rendered.keys()]) this.removeRow(i);
  }

  /** The data behind a rendered row (for menus and copying). */
  rowState(i: number): RowState | undefined {
    return this.rendered.get(i)?.state;
  }

  /** The on-screen rectangle of a rendered row. */
  rowRect(i: number): DOMRect | undefined {
    return this.rendered.get(i)?.el.getBoundingClientRect();
  }

  // ----- events ---------------------------------------------------------------------------------

  private indexOf(target: EventTarget | null): number | undefined {
    const row = (target as Element | null)?.closest?.('.grid-row') as HTMLElement | null;
    if (!row || !this.element.contains(row)) return undefined;
    const i = Number(row.dataset.index);
    return Number.isInteger(i) ? i : undefined;
  }

  private colOf(target: EventTarget | null): number | undefined {
    const cell = (target as Element | null)?.closest?.('.grid-cell[data-col]') as HTMLElement | null;
    if (!cell) return undefined;
    const c = Number(cell.dataset.col);
    return Number.isInteger(c) ? c : undefined;
  }

  private onClick(e: MouseEvent): void {
    const i = this.indexOf(e.target);
    if (i === undefined) return;
    const col = this.colOf(e.target);
    if (col !== undefined) this.activeCol = col;
    this.select(i, { scroll: false });
    this.decorate(i);
    this.element.focus({ preventScroll: true });
    const state = this.rendered.get(i)?.state;
    const byButton = !!(e.target as Element).closest('.cell-filter');
    if ((byButton || e.altKey) && col !== undefined && state?.kind === 'row') {
      e.preventDefault();
      const cell = state.cells[col];
      if (conditionFor(this.columns[col]?.name ?? '', cell, this.columns[col]?.field?.type) !== undefined) this.cb.filterValue(col, cell);
    }
  }

  private onKey(e: KeyboardEvent): void {
    if (e.target !== this.element) return;
    const page = Math.max(1, this.pageRows() - 1);
    const cur = this.selectedIndex;
    switch (e.key) {
      case 'ArrowDown':
        this.move(1);
        break;
      case 'ArrowUp':
        this.move(-1);
        break;
      case 'PageDown':
        this.move(page);
        break;
      case 'PageUp':
        this.move(-page);
        break;
      case 'Home':
        this.select(0);
        this.scheduleLoad();
        break;
      case 'End':
        this.select(this.total - 1);
        this.scheduleLoad();
        break;
      case 'ArrowRight':
      case 'ArrowLeft': {
        this.setActiveCol(this.activeCol + (e.key === 'ArrowRight' ? 1 : -1));
        this.revealActiveCol();
        break;
      }
      case 'Enter':
        if (cur === undefined) this.move(1);
        else this.cb.open(cur);
        break;
      case 'ContextMenu':
        this.keyboardMenu();
        break;
      case 'F10':
        if (!e.shiftKey) return;
        this.keyboardMenu();
        break;
      case 'c':
      case 'C':
        // Text the user selected with the mouse is copied by the browser as usual.
        if (!(e.ctrlKey || e.metaKey) || cur === undefined || window.getSelection()?.toString()) return;
        this.cb.copy(cur, this.activeCol);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private keyboardMenu(): void {
    if (this.selectedIndex === undefined) this.move(1);
    const i = this.selectedIndex;
    if (i === undefined) return;
    const rect = this.rowRect(i) ?? this.element.getBoundingClientRect();
    const cell = this.rendered.get(i)?.el.querySelector(`.grid-cell[data-col="${this.activeCol}"]`)?.getBoundingClientRect();
    this.cb.contextMenu(i, this.columns.length ? this.activeCol : undefined, (cell ?? rect).left + 8, (cell ?? rect).top + Math.min(24, rect.height / 2));
  }

  private revealActiveCol(): void {
    const i = this.selectedIndex;
    const cell = i === undefined ? undefined : this.rendered.get(i)?.el.querySelector(`.grid-cell[data-col="${this.activeCol}"]`);
    (cell as HTMLElement | undefined)?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }

  dispose(): void {
    if (this.loadTimer) clearTimeout(this.loadTimer);
    this.resizeObserver?.disconnect();
    this.dropAllRows();
  }
}

function shortType(f: SchemaField): string {
  if (f.kind === 'vector' && f.dimension) return `vector ${f.dimension}`;
  return f.type.length > 24 ? f.type.slice(0, 23) + '…' : f.type;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
