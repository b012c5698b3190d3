// Test entry: mounts the Curation tab and the Rows tab with a PanelContext over the fake host, like
// main.ts does (describe first; showRowSet hides Curation and shows Rows with the set), and keeps what
// the views tell their context on window for the tests to read.
import type { DatasetDescription } from '../../src/shared/types';
import { announceReady, rpc } from '../../src/webview/host';
import type { PanelContext, RowsViewApi, View } from '../../src/webview/panel/context';
import { curationView } from '../../src/webview/panel/curationView';
import { rowsView } from '../../src/webview/panel/rowsView';
import { registerToolkit } from '../../src/webview/ui/toolkit';

interface TestWindow {
  __reports: unknown[];
  __calls: [string, unknown][];
  __ctxState: Record<string, unknown>;
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
  const app = document.getElementById('app')!;
  const show = (tab: 'rows' | 'curation') => {
    rows.element.hidden = tab !== 'rows';
    curation.element.hidden = tab !== 'curation';
    (tab === 'rows' ? rows : curation).onShow?.();
  };
  const ctx: PanelContext = {
    rpc,
    description: d,
    showTab: (id) => {
      w.__calls.push(['showTab', id]);
      if (id === 'rows' || id === 'curation') show(id);
    },
    setFilter: (f) => rows.setFilter(f),
    showRowSet: (set) => {
      w.__calls.push(['showRowSet', set]);
      show('rows');
      rows.showRowSet(set);
    },
    findSimilar: (rowId) => w.__calls.push(['findSimilar', rowId]),
    reportView: (v) => w.__reports.push(JSON.parse(JSON.stringify(v))),
    openPreview: () => w.__calls.push(['openPreview', null]),
    getState: <T>(k: string) => w.__ctxState[k] as T | undefined,
    setState: <T>(k: string, v: T) => {
      w.__ctxState[k] = JSON.parse(JSON.stringify(v ?? null));
    },
  };
  const rows = rowsView(ctx);
  const curation = curationView(ctx);
  app.replaceChildren(curation.element, rows.element);
  app.setAttribute('aria-busy', 'false');
  show('curation');
  w.__rows = rows;
  w.__curation = curation;
  w.__mounted = true;
}

void start();
