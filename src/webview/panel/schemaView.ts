// The schema as a tree: nested structs and lists expand under their parents (a WAI-ARIA tree: one
// tab stop, arrows to move, Right/Left to open/close). Each field shows its Arrow type, nullability,
// metadata and a badge for every index on it. Below: the schema metadata in full, and
// `lance:class_names` as a searchable list with a row count per class (asked for once the list is on
// screen) where clicking a class filters the rows.
import type { DatasetDescription, SchemaField } from '../../shared/types';
import { copyText } from '../ui/clipboard';
import { RpcError } from '../../shared/rpc';
import { formatCount, h } from '../ui/dom';
import { badge, button } from '../ui/toolkit';
import type { PanelContext, View } from './context';
import { labelCandidates, type LabelColumn } from '../../shared/labelColumn';
import { equalsFilter } from '../../shared/sql';

const EXPANDED_KEY = 'schema.expanded';
/** Metadata values longer than this (or with line breaks) are folded behind a disclosure. */
const LONG_VALUE = 160;

export function schemaView(ctx: PanelContext): View {
  const d = ctx.description;
  const tree = fieldTree(ctx);
  const copyStatus = h('span', { class: 'muted', role: 'status', 'aria-live': 'polite', 'data-testid': 'copy-status' });
  const copy = async () => {
    const ok = await copyText(schemaJson(d));
    copyStatus.textContent = ok ? 'Schema copied to the clipboard.' : 'Could not reach the clipboard.';
    copyBtn.focus();
  };
  const copyBtn = button('Copy schema as JSON', () => void copy(), {
    secondary: true,
    testId: 'copy-schema',
    title: 'Copy the fields (name, type, nullability, metadata, children) and the schema metadata as JSON',
  });
  const classes = d.classNames?.length ? classList(ctx, d.classNames) : undefined;
  const element = h(
    'section',
    { class: 'schema-view', 'data-testid': 'schema' },
    h(
      'div',
      { class: 'toolbar' },
      h('span', { class: 'muted' }, `${d.schema.length} columns${countNested(d.schema) ? `, ${countNested(d.schema)} nested fields` : ''}`),
      button('Expand all', () => tree.setAll(true), { secondary: true, testId: 'schema-expand-all' }),
      button('Collapse all', () => tree.setAll(false), { secondary: true, testId: 'schema-collapse-all' }),
      copyBtn,
      copyStatus,
    ),
    tree.element,
    h('h3', {}, 'Schema metadata'),
    metadataTable(d),
    classes?.element,
  );
  return {
    element,
    onShow: () => classes?.onShow(),
    dispose: () => classes?.dispose(),
  };
}

// ---------------------------------------------------------------------------------------------------
// The field tree
// ---------------------------------------------------------------------------------------------------

interface Item {
  li: HTMLLIElement;
  group?: HTMLUListElement;
  path: string;
  parent?: Item;
}

function fieldTree(ctx: PanelContext): { element: HTMLElement; setAll(open: boolean): void } {
  const saved = ctx.getState<Record<string, boolean>>(EXPANDED_KEY) ?? {};
  const items: Item[] = [];
  const byLi = new Map<HTMLElement, Item>();
  let nextId = 0;

  const isOpen = (it: Item) => it.li.getAttribute('aria-expanded') === 'true';
  const setOpen = (it: Item, open: boolean, remember = true) => {
    if (!it.group) return;
    it.li.setAttribute('aria-expanded', String(open));
    it.group.hidden = !open;
    if (remember) {
      saved[it.path] = open;
      ctx.setState(EXPANDED_KEY, saved);
    }
  };

  const build = (f: SchemaField, depth: number, parentPath: string, parent?: Item): HTMLLIElement => {
    const path = parentPath ? `${parentPath}/${f.name}` : f.name;
    const id = `schema-field-${nextId++}`;
    const hasChildren = f.children.length > 0;
    const metaEntries = Object.entries(f.metadata);
    const line = h(
      'div',
      { class: 'field-line' },
      h('span', { class: 'field-name', id }, h('span', { class: 'twisty', 'aria-hidden': 'true' }), h('span', { class: 'name-text' }, f.name)),
      h('code', { class: 'field-type', title: f.type }, f.type),
      h('span', { class: f.nullable ? 'field-null muted' : 'field-null not-null' }, f.nullable ? 'nullable' : 'not null'),
      h(
        'span',
        { class: 'field-badges' },
        f.unsupported ? h('span', { class: 'warn', title: f.unsupported }, '⚠ unreadable') : null,
        (f.indices ?? []).map((i) => {
          const b = badge(`${i.type}${i.metric ? ' · ' + i.metric.toLowerCase() : ''}`, `Index “${i.name}”: ${i.type}${i.metric ? `, metric ${i.metric}` : ''}`);
          b.dataset.testid = 'index-badge';
          b.dataset.index = i.name;
          return b;
        }),
      ),
    );
    line.style.setProperty('--depth', String(depth));
    const li = h(
      'li',
      {
        role: 'treeitem',
        'aria-level': depth + 1,
        'aria-labelledby': id,
        tabindex: -1,
        class: hasChildren ? 'field expandable' : 'field',
        ...(depth === 0 ? { 'data-testid': 'schema-field', 'data-name': f.name } : { 'data-testid': 'schema-subfield', 'data-path': path.split('/').join('.') }),
      },
      line,
      metaEntries.length
        ? h(
            'div',
            { class: 'field-meta', 'data-testid': 'field-metadata' },
            metaEntries.map(([k, v]) => h('div', { class: 'kv-line' }, h('code', { class: 'meta-key' }, k), h('span', { class: 'muted' }, ' = '), longText(v))),
          )
        : null,
    );
    li.querySelector<HTMLElement>('.field-meta')?.style.setProperty('--depth', String(depth));
    const item: Item = { li, path, parent };
    items.push(item);
    byLi.set(li, item);
    if (hasChildren) {
      const group = h('ul', { role: 'group' });
      item.group = group;
      for (const c of f.children) group.append(build(c, depth + 1, path, item));
      li.append(group);
      const open = saved[path] ?? (depth === 0 && f.kind === 'struct' && f.children.length <= 64);
      setOpen(item, open, false);
    }
    return li;
  };

  const treeEl = h(
    'ul',
    { role: 'tree', class: 'schema-tree', 'aria-label': 'Columns of the dataset' },
    ctx.description.schema.map((f) => build(f, 0, '')),
  );
  if (items.length) items[0].li.tabIndex = 0;

  /** Items whose ancestors are all open, in document order. */
  const visible = () =>
    items.filter((it) => {
      for (let p = it.parent; p; p = p.parent) if (!isOpen(p)) return false;
      return true;
    });
  const focus = (it: Item | undefined) => {
    if (!it) return;
    for (const o of items) o.li.tabIndex = -1;
    it.li.tabIndex = 0;
    it.li.focus();
  };

  treeEl.addEventListener('keydown', (e) => {
    const it = byLi.get((e.target as HTMLElement).closest('li[role=treeitem]') as HTMLElement);
    if (!it || (e.target as HTMLElement).closest('summary, a, button, input') || e.altKey || e.ctrlKey || e.metaKey) return;
    const vis = visible();
    const i = vis.indexOf(it);
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        focus(vis[i + 1]);
        break;
      case 'ArrowUp':
        focus(vis[i - 1]);
        break;
      case 'Home':
        focus(vis[0]);
        break;
      case 'End':
        focus(vis[vis.length - 1]);
        break;
      case 'ArrowRight':
        if (it.group && !isOpen(it)) setOpen(it, true);
        else if (it.group) focus(items.find((c) => c.parent === it));
        break;
      case 'ArrowLeft':
        if (it.group && isOpen(it)) setOpen(it, false);
        else focus(it.parent);
        break;
      case 'Enter':
      case ' ':
        if (it.group) setOpen(it, !isOpen(it));
        break;
      case '*':
        for (const s of items) if (s.parent === it.parent && s.group) setOpen(s, true);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  });
  treeEl.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const li = target.closest<HTMLElement>('li[role=treeitem]');
    const it = li && byLi.get(li);
    if (!it || target.closest('.field-meta')) return;
    focus(it);
    // The arrow and the name open and close; the rest of the line only selects (so types can be copied).
    if (it.group && target.closest('.field-name')) setOpen(it, !isOpen(it));
  });

  return {
    element: treeEl,
    setAll(open: boolean) {
      for (const it of items) if (it.group) setOpen(it, open);
    },
  };
}

function countNested(fields: SchemaField[]): number {
  return fields.reduce((n, f) => n + f.children.length + countNested(f.children), 0);
}

// ---------------------------------------------------------------------------------------------------
// Schema metadata
// ---------------------------------------------------------------------------------------------------

function metadataTable(d: DatasetDescription): HTMLElement {
  const entries = Object.entries(d.schemaMetadata);
  if (!entries.length) return h('p', { class: 'muted', 'data-testid': 'schema-metadata' }, 'None.');
  return h(
    'table',
    { class: 'grid kv schema-meta', 'data-testid': 'schema-metadata' },
    h(
      'tbody',
      {},
      entries.map(([k, v]) =>
        h(
          'tr',
          { 'data-key': k },
          h('th', {}, h('code', {}, k)),
          h('td', {}, k === 'lance:class_names' && d.classNames ? longText(v, `${formatCount(d.classNames.length)} class names (listed below) — raw value`) : longText(v)),
        ),
      ),
    ),
  );
}

/** Short text as it is; long text folded behind a disclosure that shows it in full (JSON pretty-printed). */
function longText(value: string, summary?: string): HTMLElement {
  if (!summary && value.length <= LONG_VALUE && !value.includes('\n')) return h('span', { class: 'meta-value' }, value);
  let full = value;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (parsed && typeof parsed === 'object') full = JSON.stringify(parsed, null, 2);
  } catch {
    /* not JSON: as it is */
  }
  const head = summary ?? `${value.slice(0, LONG_VALUE).replace(/\s+/g, ' ')}…`;
  return h(
    'details',
    { class: 'long-value' },
    h('summary', {}, h('span', { class: 'meta-value' }, head), h('span', { class: 'muted' }, ` (${formatCount(value.length)} characters)`)),
    h('pre', { class: 'meta-full' }, full),
  );
}

// ---------------------------------------------------------------------------------------------------
// lance:class_names
// ---------------------------------------------------------------------------------------------------

/** Matches distinct values of a candidate column to the class names; undefined when they do not fit. */
export function matchCounts(names: string[], cand: LabelColumn, values: { value: string | number | boolean; count: number }[]): Map<number, number> | undefined {
  const counts = new Map<number, number>();
  if (!values.length) return undefined;
  let fits = 0;
  if (cand.mode === 'name') {
    const pos = new Map<string, number>();
    names.forEach((n, i) => {
      if (!pos.has(n)) pos.set(n, i);
    });
    for (const v of values) {
      const i = pos.get(String(v.value));
      if (i === undefined) continue;
      fits++;
      counts.set(i, (counts.get(i) ?? 0) + v.count);
    }
  } else {
    for (const v of values) {
      const i = typeof v.value === 'number' ? v.value : Number(v.value);
      if (!Number.isInteger(i) || i < 0 || i >= names.length) continue;
      fits++;
      counts.set(i, (counts.get(i) ?? 0) + v.count);
    }
  }
  // Most distinct values must be classes (a few strays, e.g. "unknown" or -1, are tolerated).
  return fits / values.length >= (cand.mode === 'name' ? 0.5 : 0.9) ? counts : undefined;
}

function classList(ctx: PanelContext, names: string[]): { element: HTMLElement; onShow(): void; dispose(): void } {
  const candidates = labelCandidates(ctx.description.schema);
  let label: LabelColumn | undefined;
  let counts: Map<number, number> | undefined;
  let started = false;
  let order: 'index' | 'count' = 'index';

  const search = h('input', {
    type: 'search',
    class: 'class-search',
    placeholder: `Search ${formatCount(names.length)} classes`,
    'aria-label': 'Search class names',
    'data-testid': 'class-search',
  });
  const sortSel = h(
    'select',
    { class: 'class-sort', 'aria-label': 'Order classes by', disabled: true, 'data-testid': 'class-sort' },
    h('option', { value: 'index' }, 'By index'),
    h('option', { value: 'count' }, 'By row count'),
  );
  const status = h('div', { class: 'muted class-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'class-status' });
  const shownCount = h('span', { class: 'muted' });
  const list = h('ol', { class: 'class-list', 'aria-label': 'Class names' });
  const maxCount = () => Math.max(1, ...(counts?.values() ?? []));

  const itemEls = names.map((name, i) => {
    const count = h('span', { class: 'class-count' });
    const bar = h('span', { class: 'class-bar', 'aria-hidden': 'true' });
    const btn = h(
      'button',
      { type: 'button', class: 'class-item', 'data-testid': 'class-item', 'data-class': name, 'data-index': i },
      h('span', { class: 'class-idx muted' }, String(i)),
      h('span', { class: 'class-name' }, name),
      bar,
      count,
    );
    btn.addEventListener('click', () => {
      if (!label) return;
      const filter = equalsFilter(label.field.name, label.mode === 'name' ? name : i);
      if (filter) ctx.setFilter(filter);
    });
    return { li: h('li', {}, btn), btn, count, bar, name, i };
  });

  const render = () => {
    const q = search.value.trim().toLowerCase();
    const max = maxCount();
    const sorted = order === 'count' && counts ? [...itemEls].sort((a, b) => (counts!.get(b.i) ?? 0) - (counts!.get(a.i) ?? 0) || a.i - b.i) : itemEls;
    let shown = 0;
    for (const it of sorted) {
      const match = !q || it.name.toLowerCase().includes(q) || String(it.i) === q;
      it.li.hidden = !match;
      if (match) shown++;
      if (counts) {
        const c = counts.get(it.i) ?? 0;
        it.count.textContent = formatCount(c);
        it.bar.style.setProperty('--share', String(c / max));
        it.btn.title = label ? `${c === 1 ? '1 row' : `${formatCount(c)} rows`} — show them (${equalsFilter(label.field.name, label.mode === 'name' ? it.name : it.i)})` : '';
      }
      it.btn.setAttribute('aria-disabled', String(!label));
    }
    list.replaceChildren(...sorted.map((it) => it.li));
    shownCount.textContent = q ? `${formatCount(shown)} of ${formatCount(names.length)} shown` : '';
  };

  const load = async () => {
    if (started) return;
    started = true;
    if (!candidates.length) {
      status.textContent = 'No label column found (a text column such as “label_name” or “class”, or an int column “label”): row counts are not available.';
      return;
    }
    let lastError: string | undefined;
    for (const cand of candidates) {
      status.textContent = `Counting rows per class in “${cand.field.name}”…`;
      try {
        const values = await ctx.rpc.request('distinct', { column: cand.field.name, limit: 5000 });
        const matched = matchCounts(names, cand, values);
        if (matched) {
          label = cand;
          counts = matched;
          break;
        }
      } catch (err) {
        if (err instanceof RpcError && err.info.kind === 'cancelled') return;
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    if (label) {
      const total = [...counts!.values()].reduce((a, b) => a + b, 0);
      status.textContent = `Row counts from column “${label.field.name}” (${formatCount(total)} rows). Click a class to show its rows.`;
      sortSel.disabled = false;
    } else if (lastError && candidates[0].mode === 'name') {
      // Counts failed, but the likeliest column can still filter.
      label = candidates[0];
      status.textContent = `Row counts are not available (${lastError}). Click a class to filter “${label.field.name}”.`;
    } else {
      status.textContent = lastError
        ? `Row counts are not available: ${lastError}`
        : `No column’s values match the class names (tried ${candidates.map((c) => `“${c.field.name}”`).join(', ')}).`;
    }
    render();
  };

  search.addEventListener('input', render);
  sortSel.addEventListener('change', () => {
    order = sortSel.value === 'count' ? 'count' : 'index';
    render();
  });

  const element = h(
    'section',
    { class: 'class-names', 'data-testid': 'class-names' },
    h('h3', {}, `Classes `, h('span', { class: 'muted' }, `(lance:class_names, ${formatCount(names.length)})`)),
    h('div', { class: 'toolbar' }, search, sortSel, shownCount),
    status,
    list,
  );
  render();

  // Counts are asked for once the list is on screen, not when the panel opens.
  let observer: IntersectionObserver | undefined;
  if (typeof IntersectionObserver === 'function') {
    observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer?.disconnect();
        void load();
      }
    });
    observer.observe(element);
  }
  return {
    element,
    onShow: () => {
      if (!observer && element.isConnected) void load();
    },
    dispose: () => observer?.disconnect(),
  };
}

// ---------------------------------------------------------------------------------------------------
// Copy as JSON
// ---------------------------------------------------------------------------------------------------

interface JsonField {
  name: string;
  type: string;
  nullable: boolean;
  metadata?: Record<string, string>;
  children?: JsonField[];
}

export function schemaJson(d: DatasetDescription): string {
  const conv = (f: SchemaField): JsonField => ({
    name: f.name,
    type: f.type,
    nullable: f.nullable,
    ...(Object.keys(f.metadata).length ? { metadata: f.metadata } : {}),
    ...(f.children.length ? { children: f.children.map(conv) } : {}),
  });
  return JSON.stringify({ fields: d.schema.map(conv), metadata: d.schemaMetadata }, null, 2);
}
