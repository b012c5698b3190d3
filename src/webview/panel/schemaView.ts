// The schema as a tree: nested structs and lists indented under their parents, with type,
// nullability, field metadata and a badge for every index on the column.
import type { DatasetDescription, SchemaField } from '../../shared/types';
import { h } from '../ui/dom';
import { badge } from '../ui/toolkit';

export function schemaView(d: DatasetDescription): HTMLElement {
  const rows: HTMLElement[] = [];
  const add = (f: SchemaField, depth: number) => {
    const row = h(
      'tr',
      depth === 0 ? { 'data-testid': 'schema-field', 'data-name': f.name } : { class: 'nested', 'data-path-depth': depth },
      h('td', { class: 'field-name', style: `padding-left: ${0.5 + depth * 1.25}em` }, f.name),
      h('td', { class: 'field-type' }, h('code', {}, f.type), f.unsupported ? h('span', { class: 'warn', title: f.unsupported }, ' ⚠') : null),
      h('td', {}, f.nullable ? 'nullable' : h('strong', {}, 'not null')),
      h('td', { class: 'field-indices' }, (f.indices ?? []).map((i) => badge(`${i.type}${i.metric ? ' · ' + i.metric : ''}`, `index ${i.name}`))),
      h('td', { class: 'field-meta' }, Object.entries(f.metadata).map(([k, v]) => h('div', {}, h('code', {}, k), ' = ', truncate(v, 200)))),
    );
    rows.push(row);
    for (const c of f.children) add(c, depth + 1);
  };
  for (const f of d.schema) add(f, 0);
  const meta = Object.entries(d.schemaMetadata);
  return h(
    'section',
    { class: 'schema', 'data-testid': 'schema' },
    h(
      'table',
      { class: 'grid' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, 'Type'), h('th', {}, 'Nulls'), h('th', {}, 'Indices'), h('th', {}, 'Field metadata'))),
      h('tbody', {}, rows),
    ),
    h('h3', {}, 'Schema metadata'),
    meta.length
      ? h(
          'table',
          { class: 'grid kv', 'data-testid': 'schema-metadata' },
          h('tbody', {}, meta.map(([k, v]) => h('tr', {}, h('td', {}, h('code', {}, k)), h('td', {}, k === 'lance:class_names' && d.classNames ? `${d.classNames.length} class names` : truncate(v, 400))))),
        )
      : h('p', { class: 'muted' }, 'None.'),
    d.classNames ? classNames(d.classNames) : null,
  );
}

function classNames(names: string[]): HTMLElement {
  const list = h('ol', { class: 'class-names', start: 0 }, names.map((n) => h('li', {}, n)));
  const input = h('input', { type: 'search', placeholder: `Search ${names.length} class names`, 'aria-label': 'Search class names' });
  input.addEventListener('input', () => {
    const q = input.value.toLowerCase();
    list.querySelectorAll('li').forEach((li) => ((li as HTMLElement).hidden = !!q && !li.textContent!.toLowerCase().includes(q)));
  });
  return h('section', { 'data-testid': 'class-names' }, h('h3', {}, 'lance:class_names'), input, list);
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
