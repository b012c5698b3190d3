// The side-panel preview: a webview view in the Lance activity-bar container showing the row selected
// in the active dataset panel. It follows whichever dataset panel was used last; its requests are
// answered by that panel's session.
import * as vscode from 'vscode';
import { isEnvelope, type Envelope } from '../../shared/protocol';
import { RpcServer, type Handlers } from '../../shared/rpc';
import { LanceError, toErrorInfo } from '../lance/errors';
import { DatasetPanel } from '../panel/datasetPanel';
import { panelHtml } from '../panel/html';
import { readSettings } from '../settings';

export const PREVIEW_VIEW_ID = 'lanceInspector.preview';

export class PreviewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private server: RpcServer | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      DatasetPanel.onDidChangeSelection(() => this.sendSelection()),
      DatasetPanel.onDidChangeActive(() => this.sendSelection()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = panelHtml(view.webview, this.extensionUri, 'Lance Preview', 'preview');
    this.server = new RpcServer((m) => void view.webview.postMessage(m), this.handlers(), (err) => toErrorInfo(err));
    view.webview.onDidReceiveMessage((m: unknown) => {
      if (!isEnvelope(m)) return;
      if (m.type === 'ready') {
        this.ready = true;
        this.sendSelection();
      } else void this.server?.handle(m as Envelope);
    }, undefined, this.disposables);
    view.onDidChangeVisibility(() => {
      if (!view.visible) this.ready = false;
    }, undefined, this.disposables);
    view.onDidDispose(() => {
      this.view = undefined;
      this.server?.dispose();
    }, undefined, this.disposables);
  }

  /** Show the preview (the "Enter opens the preview" path). */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand(`${PREVIEW_VIEW_ID}.focus`);
  }

  private sendSelection(): void {
    if (!this.view || !this.ready || !this.server) return;
    const p = DatasetPanel.current;
    this.server.event('select', p?.view.selectedRowId
      ? { rowId: p.view.selectedRowId, index: p.selectedIndex, dataset: p.title.replace(/^Lance: /, ''), version: p.state.version }
      : {});
  }

  private handlers(): Handlers {
    const panel = (): DatasetPanel => {
      const p = DatasetPanel.current;
      if (!p) throw new LanceError('not-found', 'No Lance dataset panel is open.');
      return p;
    };
    const session = async () => (await panel().session()).handlers;
    const unsupported = async (): Promise<never> => {
      throw new LanceError('internal', 'Not available in the preview.');
    };
    return {
      describe: async (p, s, pr) => (await session()).describe(p, s, pr),
      versions: async (p, s, pr) => (await session()).versions(p, s, pr),
      count: async (p, s, pr) => (await session()).count(p, s, pr),
      rows: async (p, s, pr) => (await session()).rows(p, s, pr),
      similar: async (p, s, pr) => (await session()).similar(p, s, pr),
      row: async (p, s, pr) => (await session()).row(p, s, pr),
      columnStats: async (p, s, pr) => (await session()).columnStats(p, s, pr),
      distinct: async (p, s, pr) => (await session()).distinct(p, s, pr),
      compareVersions: async (p, s, pr) => (await session()).compareVersions(p, s, pr),
      reload: unsupported,
      browse: unsupported,
      createTag: unsupported,
      deleteTag: unsupported,
      viewState: async () => null,
      settings: async () => readSettings().ui,
      command: async ({ id, args }) => {
        await vscode.commands.executeCommand(`lanceInspector.${id}`, args);
        return null;
      },
    };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.server?.dispose();
  }
}
