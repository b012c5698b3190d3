// The column chooser: a popup (role=dialog) listing every top-level column with a checkbox (shown or
// not) and up/down buttons (order). Changes apply at once; "Defaults" and "All" reset the choice.
import type { SchemaField } from '../../shared/types';
import { h } from '../ui/dom';

export interface ColumnChooserOptions {
  fields: SchemaField[];
  shown(): string[];
  defaults(): string[];
  change(shown: string[]): void;
}

export interface ColumnChooser {
  element: HTMLElement;
  open(anchor: HTMLElement): void;
  close(refocus?: boolean): void;
  readonly isOpen: boolean;
}

export function columnChooser(opts: ColumnChooserOptions): ColumnChooser {
  const byName = new Map(opts.fields.map((f) => [f.name, f]));
  /** Every column in display order: the shown ones in their order, then the hidden ones in schema order. */
  let order: string[] = [];
  let checked = new Set<string>();
  let anchorEl: HTMLElement | undefined;
  const list = h('ul', { class: 'column-list' });
  const element = h(
    'div',
    { class: 'column-chooser', role: 'dialog', 'aria-label': 'Columns shown in the grid', hidden: true, 'data-testid': 'column-chooser' },
    h('div', { class: 'chooser-head' }, h('strong', {}, 'Columns'), h('span', { class: 'muted' }, ' only shown columns are read')),
    list,
    h(
      'div',
      { class: 'chooser-actions' },
      h('button', { type: 'button', class: 'link-button', 'data-testid': 'columns-defaults' }, 'Defaults'),
      h('button', { type: 'button', class: 'link-button', 'data-testid': 'columns-all' }, 'All'),
      h('button', { type: 'button', class: 'link-button', 'data-testid': 'columns-close' }, 'Close'),
    ),
  );

  function load(): void {
    const shown = opts.shown();
    checked = new Set(shown);
    order = [...shown, ...opts.fields.map((f) => f.name).filter((n) => !checked.has(n))];
    draw();
  }

  function draw(focus?: { name: string; part: 'up' | 'down' | 'box' }): void {
    list.replaceChildren(
      ...order.map((name, k) => {
        const f = byName.get(name);
        const box = h('input', { type: 'checkbox', 'data-testid': 'col-toggle', 'data-column': name, 'aria-label': `Show ${name}` });
        box.checked = checked.has(name);
        return h(
          'li',
          { 'data-column': name },
          h(
            'label',
            { title: f?.type },
            box,
            h('span', { class: 'col-name' }, name),
            f ? h('span', { class: 'col-type' }, f.kind === 'vector' && f.dimension ? `vector ${f.dimension}` : f.type) : null,
          ),
          h('button', { type: 'button', class: 'icon-button', 'data-move': 'up', 'data-column': name, 'aria-label': `Move ${name} up`, title: 'Move up', disabled: k === 0 }, '↑'),
          h(
            'button',
            {
              type: 'button',
              class: 'icon-button',
              'data-move': 'down',
              'data-column': name,
              'aria-label': `Move ${name} down`,
              title: 'Move down',
              disabled: k === order.length - 1,
            },
            '↓',
          ),
        );
      }),
    );
    if (focus) {
      const sel = focus.part === 'box' ? `input[data-column="${CSS.escape(focus.name)}"]` : `button[data-move="${focus.part}"][data-column="${CSS.escape(focus.name)}"]`;
      const el = list.querySelector<HTMLElement>(sel) ?? list.querySelector<HTMLElement>(`li[data-column="${CSS.escape(focus.name)}"] input`);
      el?.focus();
    }
  }

  function emit(): void {
    opts.change(order.filter((n) => checked.has(n)));
  }

  list.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    const name = box.dataset.column;
    if (!name) return;
    if (box.checked) checked.add(name);
    else checked.delete(name);
    emit();
  });
  list.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('button[data-move]');
    if (!b) return;
    const name = b.dataset.column!;
    const k = order.indexOf(name);
    const to = b.dataset.move === 'up' ? k - 1 : k + 1;
    if (k < 0 || to < 0 || to >= order.length) return;
    [order[k], order[to]] = [order[to], order[k]];
    const part = to === 0 || to === order.length - 1 ? 'box' : (b.dataset.move as 'up' | 'down');
    draw({ name, part });
    if (checked.has(name)) emit();
  });
  element.querySelector('[data-testid=columns-defaults]')!.addEventListener('click', () => {
    const d = opts.defaults();
    checked = new Set(d);
    order = [...d, ...opts.fields.map((f) => f.name).filter((n) => !checked.has(n))];
    draw();
    emit();
  });
  element.querySelector('[data-testid=columns-all]')!.addEventListener('click', () => {
    for (const n of order) checked.add(n);
    draw();
    emit();
  });
  element.querySelector('[data-testid=columns-close]')!.addEventListener('click', () => close(true));
  element.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    }
  });
  const onDocPointer = (e: Event) => {
    const t = e.target as Node;
    if (!element.contains(t) && !anchorEl?.contains(t)) close(false);
  };

  function open(anchor: HTMLElement): void {
    anchorEl = anchor;
    load();
    element.hidden = false;
    anchor.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', onDocPointer, true);
    (list.querySelector('input') as HTMLElement | null)?.focus();
  }

  function close(refocus = false): void {
    if (element.hidden) return;
    element.hidden = true;
    anchorEl?.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', onDocPointer, true);
    if (refocus) anchorEl?.focus();
  }

  return {
    element,
    open,
    close,
    get isOpen() {
      return !element.hidden;
    },
  };
}
