// Version history, newest first, a page at a time.
import type { VersionsPage } from '../../shared/types';
import { rpc } from '../host';
import { formatCount, h } from '../ui/dom';
import { badge, button } from '../ui/toolkit';

const PAGE = 100;

export function versionsView(current: number): HTMLElement {
  const tbody = h('tbody');
  const more = h('div');
  const view = h(
    'section',
    { 'data-testid': 'versions' },
    h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Time'), h('th', {}, 'Rows'), h('th', {}, 'Tags'))), tbody),
    more,
  );
  const load = async (offset: number) => {
    more.replaceChildren(h('span', { class: 'muted' }, 'Loading…'));
    let page: VersionsPage;
    try {
      page = await rpc.request('versions', { offset, limit: PAGE });
    } catch (err) {
      more.replaceChildren(h('div', { class: 'error-inline' }, (err as Error).message));
      return;
    }
    for (const v of page.versions) {
      tbody.append(
        h(
          'tr',
          { class: v.version === current ? 'current' : undefined, 'data-version': v.version },
          h('td', {}, String(v.version), v.version === current ? ' (shown)' : ''),
          h('td', { title: v.timestamp ?? '' }, v.timestamp ? new Date(v.timestamp).toLocaleString() : 'unknown'),
          h('td', {}, v.rows === undefined ? '—' : formatCount(v.rows)),
          h('td', {}, v.tags.map((t) => badge(t))),
        ),
      );
    }
    const shown = offset + page.versions.length;
    more.replaceChildren(shown < page.total ? button(`Show more (${formatCount(page.total - shown)} older)`, () => void load(shown), { secondary: true }) : h('span', { class: 'muted' }, `${formatCount(page.total)} versions`));
  };
  void load(0);
  return view;
}
