// What every view of the dataset panel gets from main.ts: the protocol client, the dataset's
// description, and ways to reach the other views (a bar click filters the rows, a row runs find
// similar, …). Views never import each other; they go through this.
import type { RpcClient } from '../../shared/rpc';
import type { DatasetDescription, RowSetInfo, SortKey, TextQuery, ViewState } from '../../shared/types';

export type TabId = 'schema' | 'rows' | 'versions' | 'indices' | 'similar' | 'curation' | 'map';

export interface PanelContext {
  rpc: RpcClient;
  description: DatasetDescription;
  showTab(id: TabId): void;
  /** Filter the Rows tab (and show it). */
  setFilter(filter: string): void;
  /** Show a kept row set (keepRowSet) in the Rows tab, with a chip whose ✕ goes back to the whole table. */
  showRowSet(set: RowSetInfo): void;
  /** Run "find similar" from a row (shows the Similar tab). */
  findSimilar(rowId: string): void;
  /** findSimilar(rowId) is likely next (its menu item is pointed at): the search may start now. */
  prepareSimilar(rowId: string): void;
  /** Tell the host which row is selected and what the grid shows (the preview follows it; export uses it). */
  reportView(v: ViewState): void;
  /** Reveal the side-panel preview of the selected row (Enter / double-click on a row). */
  openPreview(): void;
  /** Small UI state that survives the webview being hidden or reloaded (vscode getState/setState). */
  getState<T>(key: string): T | undefined;
  setState<T>(key: string, value: T): void;
}

/** A view: its element, plus hooks main.ts calls. */
export interface View {
  element: HTMLElement;
  /** The tab became visible (re-request what is on screen). */
  onShow?(): void;
  dispose?(): void;
}

export interface RowsViewApi extends View {
  setFilter(filter: string): void;
  /** Sort the whole table by these keys (none: table order). */
  setSort(keys: SortKey[]): void;
  /** Search a string column for text (undefined: no search). */
  setSearch(search: TextQuery | undefined): void;
  /** Show a kept row set's rows in its order (undefined: the whole table again). */
  showRowSet(set: RowSetInfo | undefined): void;
  goToRow(index: number): void;
  selectRelative(delta: number): void;
}

export interface SimilarViewApi extends View {
  run(rowId: string): void;
  /** run(rowId) is likely next: its search may start now. */
  prepare(rowId: string): void;
}

export interface VersionsViewApi extends View {
  compare(from: number, to: number): void;
}
