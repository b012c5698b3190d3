// The only module that touches @vscode/webview-ui-toolkit (deprecated upstream: a later switch to
// another component library should change this file alone). It registers the components we use and
// builds them; the rest of the webview calls these functions, never the tags directly.
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { vsCodeCheckbox, vsCodeDropdown, vsCodeOption } from '@vscode/webview-ui-toolkit';

let registered = false;
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeBadge(), vsCodeButton(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeProgressRing(), vsCodeTextField());
}

export function button(label: string, onClick: () => void, opts: { secondary?: boolean; title?: string; testId?: string } = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (opts.secondary) b.setAttribute('appearance', 'secondary');
  if (opts.title) b.title = opts.title;
  if (opts.testId) b.dataset.testid = opts.testId;
  b.addEventListener('click', onClick);
  return b;
}

export function badge(text: string, title?: string): HTMLElement {
  const b = document.createElement('vscode-badge');
  b.textContent = text;
  if (title) b.title = title;
  return b;
}

export function progressRing(): HTMLElement {
  return document.createElement('vscode-progress-ring');
}

export interface Tab {
  id: string;
  label: string;
  content: HTMLElement;
}

/** Tabs with keyboard navigation (the toolkit's panels handle arrows and Home/End). */
export function tabs(list: Tab[], activeId: string | undefined, onChange: (id: string) => void): HTMLElement {
  const panels = document.createElement('vscode-panels');
  for (const t of list) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${t.id}`;
    tab.textContent = t.label;
    tab.dataset.testid = `tab-${t.id}`;
    panels.appendChild(tab);
  }
  for (const t of list) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${t.id}`;
    view.appendChild(t.content);
    panels.appendChild(view);
  }
  if (activeId) panels.setAttribute('activeid', `tab-${activeId}`);
  panels.addEventListener('change', (e) => {
    const id = (e.target as HTMLElement & { activeid?: string }).activeid;
    if (id?.startsWith('tab-')) onChange(id.slice(4));
  });
  return panels;
}

// ---- Form controls (text field, dropdown, checkbox) --------------------------------------------------
// registerToolkit() above registers the components every view uses; the form controls register
// themselves on first use so views that do not need them pay nothing.

let formControlsRegistered = false;
function registerFormControls(): void {
  registerToolkit();
  if (formControlsRegistered) return;
  formControlsRegistered = true;
  provideVSCodeDesignSystem().register(vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption());
}

/** A control whose current value is read and written through `.value` (as a native input). */
export type ValueControl = HTMLElement & { value: string };

export interface TextFieldOptions {
  value?: string;
  /** Visible label (slotted before the field). */
  label?: string;
  placeholder?: string;
  /** Accessible name when there is no visible label. */
  ariaLabel?: string;
  title?: string;
  testId?: string;
  /** Width in characters. */
  size?: number;
  /** Hint for on-screen keyboards, e.g. 'numeric'. */
  inputMode?: string;
  /** Every edit. */
  onInput?: (value: string) => void;
  /** Committed (blur after an edit, or Enter). */
  onChange?: (value: string) => void;
  onEnter?: (value: string) => void;
}

export function textField(opts: TextFieldOptions = {}): ValueControl {
  registerToolkit();
  const f = document.createElement('vscode-text-field') as ValueControl;
  if (opts.label) f.textContent = opts.label;
  if (opts.placeholder) f.setAttribute('placeholder', opts.placeholder);
  if (opts.ariaLabel) f.setAttribute('aria-label', opts.ariaLabel);
  if (opts.title) f.title = opts.title;
  if (opts.testId) f.dataset.testid = opts.testId;
  if (opts.size) f.setAttribute('size', String(opts.size));
  if (opts.inputMode) f.setAttribute('inputmode', opts.inputMode);
  f.value = opts.value ?? '';
  if (opts.onInput) f.addEventListener('input', () => opts.onInput!(f.value));
  if (opts.onChange) f.addEventListener('change', () => opts.onChange!(f.value));
  if (opts.onEnter) {
    f.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') opts.onEnter!(f.value);
    });
  }
  return f;
}

export interface DropdownOption {
  value: string;
  label: string;
}

export function dropdown(
  options: DropdownOption[],
  value: string | undefined,
  onChange: (value: string) => void,
  opts: { ariaLabel?: string; title?: string; testId?: string } = {},
): ValueControl {
  registerFormControls();
  const d = document.createElement('vscode-dropdown') as ValueControl;
  if (opts.ariaLabel) d.setAttribute('aria-label', opts.ariaLabel);
  if (opts.title) d.title = opts.title;
  if (opts.testId) d.dataset.testid = opts.testId;
  for (const o of options) {
    const opt = document.createElement('vscode-option') as ValueControl;
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    if (o.value === value) opt.setAttribute('selected', '');
    d.appendChild(opt);
  }
  d.addEventListener('change', () => onChange(d.value));
  return d;
}

export type CheckboxControl = HTMLElement & { checked: boolean; disabled: boolean };

export function checkbox(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
  opts: { title?: string; testId?: string; disabled?: boolean } = {},
): CheckboxControl {
  registerFormControls();
  const c = document.createElement('vscode-checkbox') as CheckboxControl;
  c.textContent = label;
  if (opts.title) c.title = opts.title;
  if (opts.testId) c.dataset.testid = opts.testId;
  c.checked = checked;
  if (opts.disabled) c.disabled = true;
  c.addEventListener('change', () => onChange(c.checked));
  return c;
}
