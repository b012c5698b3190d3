// The dataset panel's webview: asks the host to describe the dataset, then shows a header and tabs.
import type { DatasetDescription } from '../../shared/types';
import { RpcError } from '../../shared/rpc';
import { announceReady, rpc, vscodeApi } from '../host';
import { formatBytes, formatCount, h } from '../ui/dom';
import { badge, button, registerToolkit, tabs } from '../ui/toolkit';
import { indicesView } from './indicesView';
import { rowsView } from './rowsView';
import { schemaView } from './schemaView';
import { versionsView } from './versionsView';

interface UiState {
  location?: DatasetDescription['location'];
  version?: number;
  tag?: string;
  tab?: string;
}

registerToolkit();
const app = document.getElementById('app')!;
const saved = (vscodeApi.getState() as UiState | undefined) ?? {};

function showError(message: string, detail?: string): void {
  app.setAttribute('aria-busy', 'false');
  app.replaceChildren(h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'error' }, message, detail ? h('pre', { class: 'detail' }, detail) : null));
}

async function start(): Promise<void> {
  let d: DatasetDescription;
  try {
    d = await rpc.request('describe', {});
  } catch (err) {
    const info = err instanceof RpcError ? err.info : undefined;
    showError(info?.message ?? String(err), info?.detail);
    return;
  }
  // What the panel serializer needs to bring this panel back after a reload.
  const state: UiState = { ...saved, location: d.location, version: d.pinned ? d.version : undefined, tag: d.tag };
  vscodeApi.setState(state);
  app.setAttribute('aria-busy', 'false');
  app.replaceChildren(header(d), changedBanner, tabs(
    [
      { id: 'schema', label: 'Schema', content: schemaView(d) },
      { id: 'rows', label: 'Rows', content: rowsView(d) },
      { id: 'versions', label: 'Versions', content: versionsView(d.version) },
      { id: 'indices', label: 'Indices & stats', content: indicesView(d) },
    ],
    saved.tab,
    (tab) => vscodeApi.setState({ ...(vscodeApi.getState() as UiState), tab }),
  ));
}

const changedBanner = h('div', { class: 'info-banner', hidden: true, 'data-testid': 'version-available' });
rpc.on('datasetChanged', ({ latestVersion }) => {
  changedBanner.hidden = false;
  changedBanner.replaceChildren(`Version ${latestVersion} is available on disk. `, button('Reload', async () => {
    changedBanner.hidden = true;
    await rpc.request('reload', {}).catch(() => undefined);
    await start();
  }));
});
rpc.on('showError', (e) => showError(e.message, e.detail));

function header(d: DatasetDescription): HTMLElement {
  return h(
    'header',
    { class: 'ds-header' },
    h('h1', { 'data-testid': 'dataset-name', title: d.location.uri }, d.location.name),
    h(
      'div',
      { class: 'facts' },
      h('span', { 'data-testid': 'row-count' }, `${formatCount(d.stats.rows)} rows`),
      h('span', {}, `${d.schema.length} columns`),
      h('span', { 'data-testid': 'version' }, `version ${d.version}`),
      d.pinned ? badge(d.tag ? `tag ${d.tag} · read-only` : 'older version · read-only') : null,
      h('span', {}, `${formatCount(d.stats.fragments)} fragments`),
      h('span', {}, formatBytes(d.stats.bytes)),
      d.stats.dataFormat ? h('span', {}, `format ${d.stats.dataFormat}`) : null,
    ),
    h('div', { class: 'muted path' }, d.location.uri),
    d.rowsError ? h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'rows-error' }, `Rows cannot be read: ${d.rowsError.message}`) : null,
  );
}

announceReady();
void start();
