// Test entry: mounts just the Rows view with a PanelContext over the fake host, like main.ts does
// (describe first), and keeps what the view tells its context on window for the tests to read.
import type { RowsViewApi } from '../../src/webview/panel/context';
import { rowsView } from '../../src/webview/panel/rowsView';
import { mountView } from './mountView';

const w = window as unknown as { __previews?: number; __rows?: RowsViewApi };

mountView(
  rowsView,
  (view) => ({
    setFilter: (f) => view().setFilter(f),
    showRowSet: (set) => view().showRowSet(set),
    openPreview: () => {
      w.__previews = (w.__previews ?? 0) + 1;
    },
  }),
  (view) => (w.__rows = view),
);
