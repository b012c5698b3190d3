// Indices and dataset statistics.
import type { DatasetDescription } from '../../shared/types';
import { formatBytes, formatCount, h } from '../ui/dom';

export function indicesView(d: DatasetDescription): HTMLElement {
  const s = d.stats;
  const stats = h(
    'table',
    { class: 'grid kv', 'data-testid': 'stats' },
    h(
      'tbody',
      {},
      kv('Rows', formatCount(s.rows)),
      kv('Deleted rows', s.deletedRows === undefined ? 'unknown' : formatCount(s.deletedRows)),
      kv('Fragments', formatCount(s.fragments)),
      kv('Size on disk', formatBytes(s.bytes)),
      kv('Data format', s.dataFormat ?? 'unknown'),
      kv('Version', `${d.version}${d.latestVersion !== d.version ? ` (latest is ${d.latestVersion})` : ''}`),
    ),
  );
  const indices = d.indices.length
    ? h(
        'table',
        { class: 'grid', 'data-testid': 'indices' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Columns'), h('th', {}, 'Metric'), h('th', {}, 'Indexed rows'), h('th', {}, 'Unindexed rows'))),
        h(
          'tbody',
          {},
          d.indices.map((i) =>
            h('tr', {}, h('td', {}, i.name), h('td', {}, i.type), h('td', {}, i.columns.join(', ')), h('td', {}, i.metric ?? '—'), h('td', {}, i.indexedRows === undefined ? '—' : formatCount(i.indexedRows)), h('td', {}, i.unindexedRows === undefined ? '—' : formatCount(i.unindexedRows))),
          ),
        ),
      )
    : h('p', { class: 'muted', 'data-testid': 'indices' }, d.indexMetadataMissing ? 'No index metadata: _indices/ holds files, but this dataset’s manifest does not describe them.' : 'No indices.');
  return h('section', {}, h('h3', {}, 'Statistics'), stats, h('h3', {}, 'Indices'), indices);
}

function kv(k: string, v: string): HTMLElement {
  return h('tr', {}, h('th', {}, k), h('td', {}, v));
}
