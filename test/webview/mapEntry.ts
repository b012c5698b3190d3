// Test entry: mounts just the Map view with a PanelContext over the fake host, like main.ts does
// (describe first), and keeps what the view tells its context on window for the tests to read.
import type { DatasetDescription } from '../../src/shared/types';
import { announceReady, rpc } from '../../src/webview/host';
import type { PanelContext } from '../../src/webview/panel/context';
import { mapView, type MapViewApi } from '../../src/webview/panel/mapView';
import { registerToolkit } from '../../src/webview/ui/toolkit';

interface TestWindow {
  __reports: unknown[];
  __calls: [string, unknown][];
  __ctxState: Record<string, unknown>;
  __map?: MapViewApi;
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
  const ctx: PanelContext = {
    rpc,
    description: d,
    showTab: (id) => w.__calls.push(['showTab', id]),
    setFilter: (f) => w.__calls.push(['setFilter', f]),
    findSimilar: (rowId) => w.__calls.push(['findSimilar', rowId]),
    reportView: (v) => w.__reports.push(JSON.parse(JSON.stringify(v))),
    openPreview: () => w.__calls.push(['openPreview', null]),
    getState: <T>(k: string) => w.__ctxState[k] as T | undefined,
    setState: <T>(k: string, v: T) => {
      w.__ctxState[k] = JSON.parse(JSON.stringify(v ?? null));
    },
  };
  const api = mapView(ctx);
  document.getElementById('app')!.replaceChildren(api.element);
  document.getElementById('app')!.setAttribute('aria-busy', 'false');
  api.onShow?.();
  w.__map = api;
  w.__mounted = true;
}

void start();
