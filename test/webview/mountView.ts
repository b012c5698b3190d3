// Test entries' common part: describe first (as main.ts does), a PanelContext over the fake host that
// keeps what the view tells it on window for the tests to read, then the view mounted alone.
import type { DatasetDescription } from '../../src/shared/types';
import { announceReady, rpc } from '../../src/webview/host';
import type { PanelContext, View } from '../../src/webview/panel/context';
import { registerToolkit } from '../../src/webview/ui/toolkit';

export interface TestWindow {
  __reports: unknown[];
  __calls: [string, unknown][];
  __ctxState: Record<string, unknown>;
  __mounted?: boolean;
}

export const testWindow = window as unknown as TestWindow;

/** Mounts the view `make` builds; `ctx` overrides parts of the recording context (given the view once built). */
export function mountView<T extends View>(make: (ctx: PanelContext) => T, ctx: (view: () => T) => Partial<PanelContext> = () => ({}), onMounted?: (view: T) => void): void {
  const w = testWindow;
  w.__reports = [];
  w.__calls = [];
  w.__ctxState = w.__ctxState ?? {};
  registerToolkit();
  announceReady();
  void (async () => {
    const d: DatasetDescription = await rpc.request('describe', {});
    let view: T | undefined;
    const context: PanelContext = {
      rpc,
      description: d,
      showTab: (id) => w.__calls.push(['showTab', id]),
      setFilter: (f) => w.__calls.push(['setFilter', f]),
      showRowSet: (set) => w.__calls.push(['showRowSet', set]),
      findSimilar: (rowId) => w.__calls.push(['findSimilar', rowId]),
      prepareSimilar: (rowId) => w.__calls.push(['prepareSimilar', rowId]),
      reportView: (v) => w.__reports.push(JSON.parse(JSON.stringify(v))),
      openPreview: () => w.__calls.push(['openPreview', null]),
      getState: <S>(k: string) => w.__ctxState[k] as S | undefined,
      setState: <S>(k: string, v: S) => {
        w.__ctxState[k] = JSON.parse(JSON.stringify(v ?? null));
      },
      ...ctx(() => view!),
    };
    view = make(context);
    document.getElementById('app')!.replaceChildren(view.element);
    document.getElementById('app')!.setAttribute('aria-busy', 'false');
    view.onShow?.();
    onMounted?.(view);
    w.__mounted = true;
  })();
}
