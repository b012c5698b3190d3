// A first look at the rows: one page at a time with a WHERE filter over the whole table and inline
// images. (The virtualised grid over every row replaces this view.)
import type { DatasetDescription, RowsPage } from '../../shared/types';
import { RpcError } from '../../shared/rpc';
import { ImageUrls, renderCell } from '../cells';
import { rpc } from '../host';
import { clear, formatCount, h } from '../ui/dom';
import { button } from '../ui/toolkit';

const PAGE = 50;

export function rowsView(d: DatasetDescription): HTMLElement {
  const images = new ImageUrls();
  let offset = 0;
  let total = d.stats.rows;
  let filter = '';
  const filterBox = h('input', { type: 'text', class: 'filter', placeholder: "SQL WHERE, e.g. label_name = 'tabby_cat'", 'aria-label': 'Filter rows (SQL WHERE expression)', 'data-testid': 'filter' });
  const filterError = h('div', { class: 'error-inline', role: 'alert', 'data-testid': 'filter-error' });
  const status = h('span', { class: 'muted', 'data-testid': 'rows-status' });
  const body = h('div', { class: 'rows-body' });
  const prev = button('Previous', () => void load(offset - PAGE), { secondary: true });
  const next = button('Next', () => void load(offset + PAGE), { secondary: true });

  async function load(at: number, newFilter = filter): Promise<void> {
    at = Math.max(0, at);
    status.textContent = 'Loading…';
    try {
      const [count, page] = await Promise.all([
        newFilter !== filter || at === 0 ? rpc.request('count', { filter: newFilter }, { channel: 'count' }) : Promise.resolve(total),
        rpc.request('rows', { filter: newFilter, offset: at, limit: PAGE, withImages: true }, { channel: 'rows' }),
      ]);
      filter = newFilter;
      total = count;
      offset = at;
      filterError.textContent = '';
      render(page);
    } catch (err) {
      const info = err instanceof RpcError ? err.info : { kind: 'internal', message: String(err) };
      if (info.kind === 'superseded') return;
      // The previous result stays on screen; the message says what is wrong with the new filter.
      filterError.textContent = info.message;
      status.textContent = `${formatCount(total)} rows`;
    }
  }

  function render(page: RowsPage): void {
    images.revokeAll();
    clear(body);
    status.textContent = total === 0 ? 'No rows' : `Rows ${formatCount(offset + 1)}–${formatCount(offset + page.rows.length)} of ${formatCount(total)}`;
    const table = h(
      'table',
      { class: 'grid rows', 'data-testid': 'rows-table' },
      h('thead', {}, h('tr', {}, h('th', {}, '#'), page.columns.map((c) => h('th', {}, c)))),
      h('tbody', {}, page.rows.map((r, i) => h('tr', { 'data-rowid': page.rowIds[i] }, h('td', { class: 'muted' }, String(offset + i)), r.map((c) => h('td', {}, renderCell(c, { images, thumbSize: 64 })))))),
    );
    body.append(table);
  }

  filterBox.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') void load(0, filterBox.value.trim());
  });

  const view = h('section', { class: 'rows-view' }, h('div', { class: 'toolbar' }, filterBox, prev, next, status), filterError, body);
  if (d.rowsError) {
    view.replaceChildren(h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'rows-error' }, d.rowsError.message, h('div', { class: 'detail' }, d.rowsError.detail ?? '')));
  } else {
    void load(0, '');
  }
  return view;
}
