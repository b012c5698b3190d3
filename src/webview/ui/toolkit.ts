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
