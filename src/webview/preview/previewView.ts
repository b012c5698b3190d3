// The side-panel preview: the row selected in the active dataset panel, in full. The host tells it
// what is selected ('select' events); it asks for the row itself ('row', answered by that panel's
// session) and for the schema once per dataset version ('describe', for the type of each field).
import { highlightElement } from '../ui/highlight';
import { cellJson, isCapped, rowJson, wholeCells } from '../../shared/cellJson';
import { rowKey } from '../../shared/rowKey';
import { copyText as copyToClipboard } from '../ui/clipboard';
import type { RpcClient } from '../../shared/rpc';
import { RpcError } from '../../shared/rpc';
import type { WebviewEvents } from '../../shared/protocol';
import type { Cell, ErrorInfo, FullRow, SchemaField } from '../../shared/types';
import { ImageUrls } from '../cells';
import { clear, formatCount, h } from '../ui/dom';
import { button } from '../ui/toolkit';
import { renderValue, elideTypeParams, typeHintOf } from './values';

export const EMPTY_TEXT = 'Select a row in a Lance dataset panel to preview it here.';

type Selection = WebviewEvents['select'];

export interface PreviewDeps {
  rpc: RpcClient;
  /** Clipboard writer (tests may replace it); the default tries the async clipboard, then execCommand. */
  writeClipboard?: (text: string) => Promise<void>;
}

export function mountPreview(app: HTMLElement, deps: PreviewDeps): { element: HTMLElement; select(s: Selection): void } {
  const { rpc } = deps;
  const writeClipboard = deps.writeClipboard ?? copyText;
  const images = new ImageUrls();
  let selection: Selection = {};
  let row: FullRow | undefined;
  let seq = 0;
  /** Schema types by dataset version ("name@version"), asked once each. */
  const schemas = new Map<string, Promise<Map<string, SchemaField> | undefined>>();

  const root = h('section', { class: 'preview', 'data-testid': 'preview', 'aria-label': 'Row preview' });
  const title = h('h2', { class: 'pv-title', 'data-testid': 'preview-title' });
  const subtitle = h('div', { class: 'muted pv-subtitle', 'data-testid': 'preview-subtitle' });
  const prev = button('Previous', () => void command('selectRelative', { delta: -1 }), { secondary: true, title: 'Previous row (←)', testId: 'preview-prev' });
  const next = button('Next', () => void command('selectRelative', { delta: 1 }), { secondary: true, title: 'Next row (→)', testId: 'preview-next' });
  const similar = button(
    'Find similar',
    () => {
      if (selection.rowId) void command('findSimilar', { rowId: selection.rowId });
    },
    { secondary: true, title: 'Show rows similar to this one in the dataset panel', testId: 'preview-similar' },
  );
  const copy = button('Copy JSON', () => void copyRow(), { secondary: true, title: 'Copy this row as JSON', testId: 'preview-copy' });
  const copied = h('span', { class: 'muted pv-copied', role: 'status', 'data-testid': 'preview-copied' });
  const toolbar = h('div', { class: 'pv-toolbar', role: 'toolbar', 'aria-label': 'Row actions' }, prev, next, similar, copy, copied);
  const head = h('header', { class: 'pv-header' }, title, subtitle, toolbar);
  const errorBox = h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'preview-error', hidden: true });
  const fields = h('div', { class: 'pv-fields', 'data-testid': 'preview-fields' });
  const empty = h('p', { class: 'muted pv-empty', 'data-testid': 'preview-empty' }, EMPTY_TEXT);
  root.append(head, errorBox, fields, empty);
  app.replaceChildren(root);
  showEmpty();

  // ←/→ move the selection while the view has focus (not while typing, not from an open expander's text).
  root.ownerDocument.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const t = e.target as HTMLElement | null;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (!selection.rowId) return;
    e.preventDefault();
    void command('selectRelative', { delta: e.key === 'ArrowLeft' ? -1 : 1 });
  });

  function showEmpty(): void {
    seq++;
    row = undefined;
    images.revokeAll();
    clear(fields);
    hideError();
    head.hidden = true;
    empty.hidden = false;
    root.removeAttribute('aria-busy');
  }

  function showError(info: ErrorInfo): void {
    errorBox.hidden = false;
    errorBox.replaceChildren(h('span', {}, info.message));
    if (info.detail) errorBox.append(h('pre', { class: 'detail' }, info.detail));
  }
  function hideError(): void {
    errorBox.hidden = true;
    clear(errorBox);
  }

  function headerText(s: Selection, r?: FullRow): void {
    title.textContent = s.dataset ?? 'Lance dataset';
    title.title = s.dataset ?? '';
    // The row's position in the Rows tab when it was selected there; else (a Similar card) its key, once loaded.
    const key = s.index === undefined && r ? rowKey(r.columns, r.row) : undefined;
    const parts = [
      s.index !== undefined ? `row ${formatCount(s.index)}` : key ? `${key.column} ${key.text}` : undefined,
      s.version !== undefined ? `version ${s.version}` : undefined,
    ];
    subtitle.textContent = parts.filter(Boolean).join(' · ');
    // Lance's internal row id is for the curious, not the headline.
    subtitle.title = `Lance row id ${r?.rowId ?? s.rowId}`;
  }

  async function select(s: Selection): Promise<void> {
    selection = s;
    if (!s.rowId) {
      showEmpty(); // a pending row reply is dropped: showEmpty() moves seq on
      return;
    }
    const mine = ++seq;
    empty.hidden = true;
    head.hidden = false;
    headerText(s, row && row.rowId === s.rowId ? row : undefined);
    root.setAttribute('aria-busy', 'true');
    const schema = schemaFor(s);
    try {
      const r = await rpc.request('row', { rowId: s.rowId }, { channel: 'row' });
      const types = await schema;
      if (mine !== seq) return;
      hideError();
      render(r, types);
      headerText(s, r);
    } catch (err) {
      const info: ErrorInfo = err instanceof RpcError ? err.info : { kind: 'internal', message: String(err) };
      if (mine !== seq || info.kind === 'superseded' || info.kind === 'cancelled') return;
      // The fields on screen belong to another row: they go, the message says why this one is missing.
      row = undefined;
      images.revokeAll();
      clear(fields);
      showError(info);
    } finally {
      if (mine === seq) root.removeAttribute('aria-busy');
    }
  }

  function schemaFor(s: Selection): Promise<Map<string, SchemaField> | undefined> {
    const key = `${s.dataset ?? ''}@${s.version ?? ''}`;
    let p = schemas.get(key);
    if (!p) {
      p = rpc
        .request('describe', {})
        .then((d) => new Map(d.schema.map((f) => [f.name, f] as const)))
        .catch(() => {
          schemas.delete(key); // ask again next time
          return undefined;
        });
      schemas.set(key, p);
    }
    return p;
  }

  function render(r: FullRow, types: Map<string, SchemaField> | undefined): void {
    images.revokeAll();
    row = r;
    clear(fields);
    r.columns.forEach((name, i) => {
      const cell = r.row[i] ?? null;
      const field = types?.get(name);
      const typeText = field ? elideTypeParams(field.type) : typeHintOf(cell);
      const value = h('div', { class: 'pv-value' }, renderValue(cell, { images, name, field }));
      if (selection.search?.column === name) highlightElement(value, selection.search);
      const head = h(
        'div',
        { class: 'pv-field-head' },
        h('span', { class: 'pv-name' }, name),
        h('span', { class: 'pv-type', title: field?.type ?? 'type as the value shows it' }, typeText),
      );
      // A value that came capped (a long string or list): the whole of it on request.
      if (isCapped(cell)) head.append(wholeValueControls(r, name, value, field));
      fields.append(h('div', { class: 'pv-field', 'data-testid': 'preview-field', 'data-name': name, role: 'group', 'aria-label': name }, head, value));
    });
  }

  /** The whole value of a capped cell, asked for by row id and column; undefined when the row changed meanwhile. */
  async function wholeCell(r: FullRow, column: string): Promise<Cell | undefined> {
    const cell = await rpc.request('cell', { rowId: r.rowId, column }, { timeoutMs: 0 });
    return row === r ? cell : undefined;
  }

  function wholeValueControls(r: FullRow, name: string, value: HTMLElement, field: SchemaField | undefined): HTMLElement {
    const status = h('span', { class: 'muted pv-whole-status', role: 'status' });
    const show = button('Show all', () => void showWhole(), { secondary: true, title: 'Load and show the whole value', testId: 'preview-show-whole' });
    const copyWhole = button('Copy whole value', () => void copyWholeValue(), {
      secondary: true,
      title: 'Copy the whole value (text as is, anything else as JSON)',
      testId: 'preview-copy-whole',
    });
    // "Show all" for text (the preview lists 200 items of a list at most, so a whole list is for copying).
    const box = h('span', { class: 'pv-whole' }, hasCappedText(r.row[r.columns.indexOf(name)] ?? null) ? show : null, copyWhole, status);
    const fail = (err: unknown) => {
      const info: ErrorInfo = err instanceof RpcError ? err.info : { kind: 'internal', message: String(err) };
      status.textContent = '';
      if (info.kind !== 'superseded' && info.kind !== 'cancelled') showError({ ...info, message: `Could not load the whole value of ${name}: ${info.message}` });
    };
    async function showWhole(): Promise<void> {
      status.textContent = 'Loading…';
      try {
        const full = await wholeCell(r, name);
        if (full === undefined) return;
        value.replaceChildren(renderValue(full, { images, name, field }));
        show.remove();
        status.textContent = '';
      } catch (err) {
        fail(err);
      }
    }
    async function copyWholeValue(): Promise<void> {
      status.textContent = 'Loading…';
      try {
        const full = await wholeCell(r, name);
        if (full === undefined) return;
        await writeClipboard(typeof full === 'string' ? full : cellJson(full));
        status.textContent = 'Copied';
      } catch (err) {
        fail(err);
      }
    }
    return box;
  }

  async function command(id: string, args: unknown): Promise<void> {
    try {
      await rpc.request('command', { id, args });
    } catch (err) {
      const info: ErrorInfo = err instanceof RpcError ? err.info : { kind: 'internal', message: String(err) };
      if (info.kind !== 'superseded' && info.kind !== 'cancelled') showError(info);
    }
  }

  async function copyRow(): Promise<void> {
    if (!row) return;
    const r = row;
    // Capped values are asked for whole; one that cannot be says it is truncated (shared/cellJson.ts).
    const cells = await wholeCells(r.columns, r.row, (c) => wholeCell(r, c));
    if (row !== r) return;
    try {
      await writeClipboard(rowJson(r.rowId, r.columns, cells));
      copied.textContent = 'Copied';
    } catch (err) {
      copied.textContent = '';
      showError({ kind: 'internal', message: 'Could not copy to the clipboard.', detail: String(err) });
      return;
    }
    setTimeout(() => {
      if (copied.textContent === 'Copied') copied.textContent = '';
    }, 2000);
  }

  rpc.on('select', (s) => void select(s));
  rpc.on('reset', () => {
    schemas.clear();
    if (selection.rowId) void select(selection);
  });
  rpc.on('showError', (e) => showError(e));

  return { element: root, select: (s) => void select(s) };
}

/** True when a string in the cell (at any depth) came capped. */
function hasCappedText(c: Cell): boolean {
  if (c === null || typeof c !== 'object') return false;
  if (c.t === 'str') return true;
  if (c.t === 'list') return c.items.some(hasCappedText);
  if (c.t === 'struct') return Object.values(c.fields).some(hasCappedText);
  return false;
}

/** Shared clipboard path; the preview reports a refusal as an error. */
async function copyText(text: string): Promise<void> {
  if (!(await copyToClipboard(text))) throw new Error('The clipboard refused the text.');
}
