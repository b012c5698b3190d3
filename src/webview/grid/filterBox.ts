// The filter box: a SQL WHERE over the whole table, applied with Enter. It completes column names
// (the word at the caret) and offers the recent filters (focus the empty box or press ArrowDown).
// One suggestion list, an ARIA combobox: Up/Down move, Enter/Tab accept, Escape closes.
import { h } from '../ui/dom';
import { quoteIdent, wordAt } from '../../shared/sql';
import { filterHints } from '../../shared/filterHints';

export interface FilterBoxOptions {
  columns(): { name: string; type: string }[];
  history(): string[];
  apply(filter: string): void;
}

interface Suggestion {
  kind: 'column' | 'history';
  text: string;
  detail?: string;
}

export interface FilterBox {
  element: HTMLElement;
  input: HTMLInputElement;
  /**
   * Hints about the text in the box (a double-quoted column name is a text value in Lance's SQL: it
   * silently selects nothing or fails to cast). The view places it under the box; hidden when empty.
   */
  hint: HTMLElement;
  setValue(s: string): void;
}

let uid = 0;

export function filterBox(opts: FilterBoxOptions): FilterBox {
  const listId = `filter-suggestions-${++uid}`;
  const input = h('input', {
    type: 'text',
    class: 'filter',
    placeholder: "SQL WHERE over the whole table, e.g. label_name = 'tabby' AND id < 1000 — Enter applies",
    'aria-label': 'Filter rows (SQL WHERE expression over the whole table; Enter applies; ArrowDown shows recent filters)',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    autocomplete: 'off',
    spellcheck: 'false',
    'data-testid': 'filter',
  });
  const list = h('ul', { class: 'suggestions', role: 'listbox', id: listId, hidden: true, 'aria-label': 'Suggestions', 'data-testid': 'filter-suggestions' });
  let items: Suggestion[] = [];
  let active = -1;
  let wordStart = 0;

  function show(next: Suggestion[]): void {
    items = next.slice(0, 20);
    active = -1;
    list.replaceChildren(
      ...items.map((s, k) =>
        h(
          'li',
          { role: 'option', id: `${listId}-${k}`, class: `suggestion ${s.kind}`, 'aria-selected': 'false', 'data-testid': `suggestion-${s.kind}` },
          h('span', { class: 'text' }, s.text),
          s.detail ? h('span', { class: 'detail' }, s.detail) : null,
        ),
      ),
    );
    const open = items.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    input.removeAttribute('aria-activedescendant');
  }
  const hide = () => show([]);

  function setActive(k: number): void {
    if (!items.length) return;
    active = (k + items.length) % items.length;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === active)));
    input.setAttribute('aria-activedescendant', `${listId}-${active}`);
    (list.children[active] as HTMLElement | undefined)?.scrollIntoView?.({ block: 'nearest' });
  }

  function accept(k: number): void {
    const s = items[k];
    if (!s) return;
    if (s.kind === 'history') {
      input.value = s.text;
      updateHint();
      hide();
      opts.apply(s.text);
      return;
    }
    const caret = input.selectionStart ?? input.value.length;
    const ident = quoteIdent(s.text);
    input.value = input.value.slice(0, wordStart) + ident + ' ' + input.value.slice(caret).replace(/^\s+/, '');
    updateHint();
    const at = wordStart + ident.length + 1;
    input.setSelectionRange(at, at);
    hide();
  }

  function historySuggestions(): Suggestion[] {
    return opts.history().map((text) => ({ kind: 'history' as const, text, detail: 'recent' }));
  }

  function columnSuggestions(): Suggestion[] {
    const caret = input.selectionStart ?? input.value.length;
    const w = wordAt(input.value, caret);
    if (!w || !w.word) return [];
    wordStart = w.start;
    const q = w.word.toLowerCase();
    const cols = opts.columns();
    const starts = cols.filter((c) => c.name.toLowerCase().startsWith(q));
    const contains = cols.filter((c) => !c.name.toLowerCase().startsWith(q) && c.name.toLowerCase().includes(q));
    const out = [...starts, ...contains];
    // Nothing to offer when the word already is exactly one column name.
    if (out.length === 1 && out[0].name === w.word) return [];
    return out.map((c) => ({ kind: 'column' as const, text: c.name, detail: c.type }));
  }

  const hint = h('div', { class: 'filter-hint', role: 'status', 'data-testid': 'filter-hint', hidden: true });
  function updateHint(): void {
    const hints = filterHints(
      input.value,
      opts.columns().map((c) => c.name),
    );
    hint.replaceChildren(...hints.map((t) => h('div', {}, t)));
    hint.hidden = hints.length === 0;
  }

  input.addEventListener('input', () => {
    show(input.value.trim() === '' ? historySuggestions() : columnSuggestions());
    updateHint();
  });
  input.addEventListener('focus', () => {
    if (input.value.trim() === '') show(historySuggestions());
  });
  input.addEventListener('blur', () => setTimeout(hide, 120));
  input.addEventListener('keydown', (e) => {
    const open = items.length > 0;
    switch (e.key) {
      case 'ArrowDown':
        if (!open) show(columnSuggestions().length ? columnSuggestions() : historySuggestions());
        else setActive(active + 1);
        break;
      case 'ArrowUp':
        if (!open) return;
        setActive(active - 1);
        break;
      case 'Escape':
        if (!open) return;
        hide();
        break;
      case 'Tab':
        if (!open || items[Math.max(0, active)]?.kind !== 'column') return;
        accept(Math.max(0, active));
        break;
      case 'Enter':
        if (open && active >= 0) {
          accept(active);
        } else {
          hide();
          opts.apply(input.value.trim());
        }
        break;
      default:
        return;
    }
    e.preventDefault();
  });
  list.addEventListener('mousedown', (e) => {
    // Keep the focus in the box; pick on mousedown so blur does not close the list first.
    const li = (e.target as Element).closest('li');
    if (!li) return;
    e.preventDefault();
    accept([...list.children].indexOf(li));
  });

  const element = h('div', { class: 'filter-box' }, input, list);
  return {
    element,
    input,
    hint,
    setValue(s: string) {
      input.value = s;
      updateHint();
      hide();
    },
  };
}
