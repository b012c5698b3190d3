// The side-panel preview: a webview view in the Lance activity-bar container showing the row selected
// in the active dataset panel. It follows whichever dataset panel was used last; its requests are
// answered by that panel's session.
import * as vscode from 'vscode';
import type { Handlers } from '../../shared/rpc';
import { LanceError } from '../lance/errors';
import { delegateToSession } from '../host/session';
import { DatasetPanel } from '../panel/datasetPanel';
import { panelHtml } from '../panel/html';
import { WebviewEndpoint } from '../panel/webviewEndpoint';

export const PREVIEW_VIEW_ID = 'lanceInspector.preview';

export class PreviewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private endpoint: WebviewEndpoint | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Panels whose first selection has been seen (the preview is revealed once per panel). */
  private readonly selectedOnce = new WeakSet<DatasetPanel>();

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      DatasetPanel.onDidChangeSelection((p) => {
        this.sendSelection();
        this.revealOnFirstSelection(p);
      }),
      DatasetPanel.onDidChangeActive(() => this.sendSelection()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.endpoint?.dispose();
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = panelHtml(view.webview, this.extensionUri, 'Lance Preview', 'preview');
    const endpoint = (this.endpoint = new WebviewEndpoint(view.webview, this.handlers()));
    // The webview asks for its first selection by saying it is ready; the selection event waits for that.
    this.sendSelection();
    view.onDidChangeVisibility(
      () => {
        if (!view.visible) endpoint.gone();
        else this.sendSelection();
      },
      undefined,
      this.disposables,
    );
    view.onDidDispose(
      () => {
        if (this.view === view) this.view = undefined;
        endpoint.dispose();
      },
      undefined,
      this.disposables,
    );
  }

  /** Show the preview (the "Enter opens the preview" path). */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${PREVIEW_VIEW_ID}.focus`);
  }

  /**
   * The first selection in a panel shows the preview when it is not on screen (say the Explorer is
   * showing), so clicking a row visibly does something; once per panel, and not with
   * `lanceInspector.preview.revealOnSelect` off. Focus is handed back to the panel afterwards.
   */
  private revealOnFirstSelection(p: DatasetPanel | undefined): void {
    if (!p?.view.selectedRowId || !p.view.selectedByClick || this.selectedOnce.has(p)) return;
    this.selectedOnce.add(p);
    if (!vscode.workspace.getConfiguration('lanceInspector').get<boolean>('preview.revealOnSelect', true)) return;
    if (this.view?.visible) return;
    void (async () => {
      if (this.view) return this.view.show(true);
      // Not resolved yet: the only way to open a view is to focus it; focus then goes back to the panel
      // (its webview keeps its own focused element, the grid).
      await vscode.commands.executeCommand(`${PREVIEW_VIEW_ID}.focus`);
      p.panel.reveal(p.panel.viewColumn, false);
    })().catch(() => undefined);
  }

  private sendSelection(): void {
    if (!this.view || !this.endpoint) return;
    const p = DatasetPanel.current;
    this.endpoint.event(
      'select',
      p?.view.selectedRowId
        ? {
            rowId: p.view.selectedRowId,
            index: p.selectedIndex,
            dataset: p.title.replace(/^Lance: /, ''),
            version: p.state.version,
            ...(p.view.search?.terms?.length
              ? { search: { column: p.view.search.column, terms: p.view.search.terms, stemmed: !!p.view.search.stemmed, substring: !!p.view.search.substring } }
              : {}),
          }
        : {},
    );
  }

  private handlers(): Omit<Handlers, 'settings' | 'command'> {
    const panel = (): DatasetPanel => {
      const p = DatasetPanel.current;
      if (!p) throw new LanceError('not-found', 'No Lance dataset panel is open.');
      return p;
    };
    const unsupported = async (): Promise<never> => {
      throw new LanceError('internal', 'Not available in the preview.');
    };
    return {
      // The session of the dataset panel used last, looked up when each request arrives.
      ...delegateToSession(() => panel().session()),
      reload: unsupported,
      browse: unsupported,
      createTag: unsupported,
      deleteTag: unsupported,
      viewState: async () => null,
    };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.endpoint?.dispose();
  }
}
