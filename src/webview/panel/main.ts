// The dataset panel's webview: asks the host to describe the dataset, then shows a header and tabs.
// Views never talk to each other directly; they go through the PanelContext built here.
import '../bundleStart';
import type { DatasetDescription } from '../../shared/types';
import { RpcError } from '../../shared/rpc';
import { announceReady, rpc, takeFirstAnswers, useSettings, vscodeApi } from '../host';
import { mark } from '../marks';
import { formatBytes, formatCount, h } from '../ui/dom';
import { badge, button, registerToolkit, tabs } from '../ui/toolkit';
import type { PanelContext, RowsViewApi, SimilarViewApi, TabId, VersionsViewApi, View } from './context';
import { curationView } from './curationView';
import { indicesView } from './indicesView';
import { mapView, type MapViewApi } from './mapView';
import { rowsView } from './rowsView';
import { schemaView } from './schemaView';
import { similarView } from './similarView';
import { versionsView } from './versionsView';
import { remoteActivity } from './remoteActivity';

interface UiState {
  location?: DatasetDescription['location'];
  version?: number;
  tag?: string;
  tab?: TabId;
  views?: Record<string, unknown>;
}

registerToolkit();
const app = document.getElementById('app')!;
const TAB_LABELS: Record<TabId, string> = {
  rows: 'Rows',
  schema: 'Schema',
  versions: 'Versions',
  indices: 'Indices & stats',
  similar: 'Similar',
  curation: 'Curation',
  map: 'Map',
};
const TAB_ORDER: TabId[] = ['rows', 'schema', 'versions', 'indices', 'similar', 'curation', 'map'];

interface PanelViews {
  rows: RowsViewApi;
  schema: View;
  versions: VersionsViewApi;
  indices: View;
  similar: SimilarViewApi;
  curation: View;
  map: MapViewApi;
}
const MAKERS: { [K in TabId]: (ctx: PanelContext) => PanelViews[K] } = {
  rows: rowsView,
  schema: schemaView,
  versions: versionsView,
  indices: indicesView,
  similar: similarView,
  curation: curationView,
  map: mapView,
};

/**
 * The views of the dataset shown now, each made when first wanted (its tab shown, or another view or
 * a palette command asking for it): making all seven when the panel opened was one main-thread task of
 * 110–330 ms in the real VS Code, and the first page's answer waited behind it.
 */
let views: (<K extends TabId>(id: K) => PanelViews[K]) | undefined;
let madeViews: Partial<PanelViews> = {};
let tabsEl: HTMLElement | undefined;

function state(): UiState {
  return (vscodeApi.getState() as UiState | undefined) ?? {};
}
function patchState(p: Partial<UiState>): void {
  vscodeApi.setState({ ...state(), ...p });
}

// Outside #app, so it shows while the dataset opens and survives an error replacing the panel.
const cancelledBanner = h('div', { class: 'info-banner', hidden: true, role: 'status', 'data-testid': 'remote-cancelled' });
const activity = remoteActivity(rpc, () => {
  cancelledBanner.hidden = false;
  cancelledBanner.replaceChildren(
    'Stopped reading from the object store. ',
    button('Read Again', () => {
      void (async () => {
        cancelledBanner.hidden = true;
        await rpc.request('reload', {}).catch(() => undefined);
        await start();
      })();
    }),
  );
});
activity.setUri(document.body.dataset.remoteUri ?? state().location?.uri);
document.body.append(cancelledBanner, activity.element);

function showError(message: string, detail?: string): void {
  app.setAttribute('aria-busy', 'false');
  app.replaceChildren(h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'error' }, message, detail ? h('pre', { class: 'detail' }, detail) : null));
}

function showTab(id: TabId): void {
  tabsEl?.setAttribute('activeid', `tab-${id}`);
  patchState({ tab: id });
  views?.(id).onShow?.();
}

async function start(): Promise<void> {
  let d: DatasetDescription;
  try {
    // A new panel's HTML carries them. Not a webview loaded again (hidden, then shown: it has state),
    // whose HTML is still the first one's while the panel may show another version by now.
    const first = state().location ? undefined : takeFirstAnswers();
    for (const a of first?.answers ?? []) rpc.answerAhead(a.method, a.params, a.result);
    mark('describe-sent');
    const [desc, settings] = first ? [first.describe, first.settings] : await Promise.all([rpc.request('describe', {}), rpc.request('settings', {}).catch(() => undefined)]);
    mark('describe-received');
    d = desc;
    activity.setUri(d.location.uri);
    if (settings) useSettings(settings);
  } catch (err) {
    const info = err instanceof RpcError ? err.info : undefined;
    showError(info?.message ?? String(err), info?.detail);
    return;
  }
  for (const v of Object.values(madeViews) as View[]) v.dispose?.();
  // What the panel serializer needs to bring this panel back after a reload.
  patchState({ location: d.location, version: d.pinned && !d.tag ? d.version : undefined, tag: d.tag });

  // Views report partial updates (Similar only the selection); the host gets the merged whole, so a
  // selection made in Similar does not drop the Rows filter that export and subsets use.
  let reported: Parameters<PanelContext['reportView']>[0] = {};
  let lastReport = '';
  const ctx: PanelContext = {
    rpc,
    description: d,
    showTab,
    setFilter(filter) {
      showTab('rows');
      views?.('rows').setFilter(filter);
    },
    showRowSet(set) {
      showTab('rows');
      views?.('rows').showRowSet(set);
    },
    findSimilar(rowId) {
      showTab('similar');
      views?.('similar').run(rowId);
    },
    prepareSimilar(rowId) {
      views?.('similar').prepare(rowId);
    },
    reportView(v) {
      reported = { ...reported, ...v };
      const key = JSON.stringify(reported);
      if (key === lastReport) return;
      lastReport = key;
      void rpc.request('viewState', reported).catch(() => undefined);
    },
    openPreview() {
      void rpc.request('command', { id: 'showPreview' }).catch(() => undefined);
    },
    getState<T>(key: string): T | undefined {
      return state().views?.[key] as T | undefined;
    },
    setState<T>(key: string, value: T): void {
      patchState({ views: { ...state().views, [key]: value } });
    },
  };
  // Each tab's panel holds a slot its view moves into when it is made.
  const made: Partial<PanelViews> = (madeViews = {});
  const slots = new Map(TAB_ORDER.map((id) => [id, h('div', { class: 'tab-slot' })]));
  const view = <K extends TabId>(id: K): PanelViews[K] => {
    const had = made[id];
    if (had) return had;
    const v = MAKERS[id](ctx);
    made[id] = v;
    slots.get(id)!.replaceChildren(v.element);
    return v;
  };
  views = view;
  const active = state().tab ?? 'rows';
  view(active);
  tabsEl = tabs(
    TAB_ORDER.map((id) => ({ id, label: TAB_LABELS[id], content: slots.get(id)! })),
    active,
    (id) => {
      patchState({ tab: id as TabId });
      view(id as TabId).onShow?.();
    },
  );
  app.setAttribute('aria-busy', 'false');
  app.replaceChildren(header(d), changedBanner, tabsEl);
  mark('header-shown');
  view(active).onShow?.();
}

const changedBanner = h('div', { class: 'info-banner', hidden: true, 'data-testid': 'version-available', role: 'status' });
rpc.on('datasetChanged', ({ latestVersion }) => {
  changedBanner.hidden = false;
  changedBanner.replaceChildren(
    `Version ${latestVersion} is available on disk; this view still shows the version it opened. `,
    button('Reload', () => {
      void (async () => {
        changedBanner.hidden = true;
        await rpc.request('reload', {}).catch(() => undefined);
        await start();
      })();
    }),
  );
});
rpc.on('reset', () => {
  changedBanner.hidden = true;
  void start();
});
rpc.on('showError', (e) => showError(e.message, e.detail));
rpc.on('uiAction', (a) => {
  if (!views) return;
  switch (a.action) {
    case 'setFilter':
      showTab('rows');
      views('rows').setFilter(a.filter);
      break;
    case 'goToRow':
      showTab('rows');
      views('rows').goToRow(a.index);
      break;
    case 'setSort':
      showTab('rows');
      views('rows').setSort(a.sort);
      break;
    case 'setSearch':
      showTab('rows');
      views('rows').setSearch(a.search);
      break;
    case 'selectRelative':
      views('rows').selectRelative(a.delta);
      break;
    case 'showTab':
      showTab(a.tab);
      break;
    case 'findSimilar':
      showTab('similar');
      views('similar').run(a.rowId);
      break;
    case 'compare':
      showTab('versions');
      views('versions').compare(a.from, a.to);
      break;
  }
});

function header(d: DatasetDescription): HTMLElement {
  return h(
    'header',
    { class: 'ds-header' },
    h('h1', { 'data-testid': 'dataset-name', title: d.location.uri }, d.location.name),
    h(
      'div',
      { class: 'facts' },
      h('span', { 'data-testid': 'header-row-count' }, `${formatCount(d.stats.rows)} rows`),
      h('span', {}, `${d.schema.length} columns`),
      h('span', { 'data-testid': 'version' }, `version ${d.version}${d.latestVersion > d.version ? ` of ${d.latestVersion}` : ''}`),
      d.pinned ? badge(d.tag ? `tag ${d.tag} · read-only` : 'older version · read-only') : null,
      h('span', {}, `${formatCount(d.stats.fragments)} fragments`),
      h('span', { title: d.stats.bytes === undefined ? 'This dataset’s manifests do not record file sizes' : undefined }, formatBytes(d.stats.bytes)),
      d.stats.dataFormat ? h('span', {}, `format ${d.stats.dataFormat}`) : null,
    ),
    h('div', { class: 'muted path' }, d.location.uri),
    d.damage
      ? h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'damage-banner' }, d.damage.message)
      : d.pinned
        ? h(
            'div',
            { class: 'info-banner', 'data-testid': 'pinned-header' },
            `Viewing ${d.tag ? `tag ${d.tag} (version ${d.version})` : `version ${d.version}`}, read-only. `,
            button('Back to latest', () => void rpc.request('browse', {}).catch((err) => showError((err as Error).message))),
          )
        : null,
    d.rowsError ? h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'header-rows-error' }, `Rows cannot be read: ${d.rowsError.message}`) : null,
  );
}

mark('script-start');
announceReady();
void start();
