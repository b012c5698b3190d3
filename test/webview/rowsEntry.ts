// Test entry: mounts the Rows view (and, with `__withCuration`, the Curation tab beside it, shown first)
// with a PanelContext over the fake host, like main.ts does (describe first; showRowSet shows Rows with
// the set), and keeps what the views tell their context on window for the tests to read.
import type { DatasetDescription } from '../../src/shared/types';
import { announceReady, rpc } from '../../src/webview/host';
import type { PanelContext, RowsViewApi, View } from '../../src/webview/panel/context';
import { curationView } from '../../src/webview/panel/curationView';
import { rowsView } from '../../src/webview/panel/rowsView';
import { registerToolkit } from '../../src/webview/ui/toolkit';

interface TestWindow {
  __reports: unknown[];
  __previews?: number;
  __calls: [string, unknown][];
  __ctxState: Record<string, unknown>;
  __withCuration?: boolean;
  __rows?: RowsViewApi;
  __curation?: View;
  __mounted?: boolean;
}
const w = window as unknown as TestWindow;
w.__reports = [];
w.__calls = [];
w.__ctxState = w.__ctxState ?? {};

registerToolkit();
announceReady();

async function start(): Promise<void> {
  const d: DatasetDescription = await rpc.request('describe', {});
  const show = (tab: 'rows' | 'curation') => {
    if (!curation) return;
    api.element.hidden = tab !== 'rows';
    curation.element.hidden = tab !== 'curation';
    (tab === 'rows' ? api : curation).onShow?.();
  };
  const ctx: PanelContext = {
    rpc,
    description: d,
    showTab: (id) => {
      w.__calls.push(['showTab', id]);
      if (id === 'rows' || id === 'curation') show(id);
    },
    setFilter: (f) => api.setFilter(f),
    showRowSet: (set) => {
      w.__calls.push(['showRowSet', set]);
      show('rows');
      api.showRowSet(set);
    },
    findSimilar: (rowId) => w.__calls.push(['findSimilar', rowId]),
    prepareSimilar: (rowId) => w.__calls.push(['prepareSimilar', rowId]),
    reportView: (v) => w.__reports.push(JSON.parse(JSON.stringify(v))),
    openPreview: () => {
      w.__previews = (w.__previews ?? 0) + 1;
    },
    getState: <T>(k: string) => w.__ctxState[k] as T | undefined,
    setState: <T>(k: string, v: T) => {
      w.__ctxState[k] = JSON.parse(JSON.stringify(v ?? null));
    },
  };
  const api = rowsView(ctx);
  const curation = w.__withCuration ? curationView(ctx) : undefined;
  const app = document.getElementById('app')!;
  app.replaceChildren(...(curation ? [curation.element] : []), api.element);
  app.setAttribute('aria-busy', 'false');
  if (curation) show('curation');
  else api.onShow?.();
  w.__rows = api;
  w.__curation = curation;
  w.__mounted = true;
}

void start();
