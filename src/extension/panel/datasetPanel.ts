// A dataset panel: one webview tab showing one dataset (latest, or pinned to a version or tag).
// The host owns the Lance connection; the webview asks for what it shows through the protocol.
import * as path from 'path';
import * as vscode from 'vscode';
import { isEnvelope, type Envelope } from '../../shared/protocol';
import { RpcServer } from '../../shared/rpc';
import type { DatasetLocation, ErrorInfo } from '../../shared/types';
import { DatasetSession } from '../host/session';
import { toErrorInfo } from '../lance/errors';
import { isObjectStoreUri } from '../lance/locate';
import { listManifestVersions } from '../lance/manifest';
import { readSettings } from '../settings';
import { panelHtml } from './html';

export const PANEL_VIEW_TYPE = 'lanceInspector.dataset';

/** What a panel needs to come back after a window reload (kept by VS Code through the webview state). */
export interface PanelState {
  location: DatasetLocation;
  version?: number;
  tag?: string;
}

export class DatasetPanel {
  private static readonly open = new Set<DatasetPanel>();
  private static active: DatasetPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly server: RpcServer;
  private session: Promise<DatasetSession>;
  private ready = false;
  private readonly queued: Envelope[] = [];

  static get current(): DatasetPanel | undefined {
    return DatasetPanel.active;
  }

  /** Reveal the panel already showing this dataset (same version), or open a new one. */
  static show(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, state: PanelState): DatasetPanel {
    for (const p of DatasetPanel.open) {
      if (p.state.location.uri === state.location.uri && p.state.version === state.version && p.state.tag === state.tag) {
        p.panel.reveal();
        return p;
      }
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, titleOf(state), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    return new DatasetPanel(panel, extensionUri, log, state);
  }

  /** Restores a panel after a reload (registered as the webview panel serializer). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: vscode.LogOutputChannel, state: PanelState): DatasetPanel {
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    return new DatasetPanel(panel, extensionUri, log, state);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    readonly state: PanelState,
  ) {
    DatasetPanel.open.add(this);
    DatasetPanel.active = this;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'lance.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, titleOf(state));
    const post = (msg: Envelope) => void panel.webview.postMessage(msg);
    this.session = this.openSession();
    this.server = new RpcServer(
      post,
      {
        describe: async (p, s) => (await this.session).handlers.describe(p, s),
        versions: async (p, s) => (await this.session).handlers.versions(p, s),
        count: async (p, s) => (await this.session).handlers.count(p, s),
        rows: async (p, s) => (await this.session).handlers.rows(p, s),
        similar: async (p, s) => (await this.session).handlers.similar(p, s),
        reload: async () => {
          this.reopen();
          await this.session;
          return null;
        },
      },
      (err) => this.errorInfo(err),
    );
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m), undefined, this.disposables);
    panel.onDidChangeViewState(() => {
      if (panel.active) DatasetPanel.active = this;
    }, undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    this.watchVersions();
  }

  private async openSession(): Promise<DatasetSession> {
    const s = readSettings();
    const started = Date.now();
    try {
      const session = await DatasetSession.open(
        this.state.location,
        { version: this.state.version, tag: this.state.tag, storageOptions: s.storageOptions, timeoutMs: s.queryTimeoutSeconds * 1000 },
        { maxImageBytes: s.maxInlineImageBytes },
      );
      this.log.info(`Opened ${this.state.location.uri} at version ${session.dataset.version} in ${Date.now() - started} ms`);
      return session;
    } catch (err) {
      const info = toErrorInfo(err);
      this.log.error(`Could not open ${this.state.location.uri}: ${info.message} ${info.detail ?? ''}`);
      throw err;
    }
  }

  private errorInfo(err: unknown): ErrorInfo {
    return toErrorInfo(err);
  }

  private onMessage(m: unknown): void {
    if (!isEnvelope(m)) return;
    if (m.type === 'ready') {
      this.ready = true;
      for (const q of this.queued.splice(0)) void this.panel.webview.postMessage(q);
      return;
    }
    void this.server.handle(m);
  }

  /** Tell the webview something; held back until it has said it is ready (a hidden or loading webview drops messages). */
  post(msg: Envelope): void {
    if (this.ready) void this.panel.webview.postMessage(msg);
    else this.queued.push(msg);
  }

  /** Reopen the dataset (e.g. after "version N is available") and let the webview ask again. */
  reload(): void {
    this.reopen();
    this.ready = false;
    this.panel.webview.html = this.panel.webview.html.replace(/<\/title>/, '</title>\n<!-- reload ' + Date.now() + ' -->');
  }

  private reopen(): void {
    const old = this.session;
    this.session = this.openSession();
    old.then((s) => s.close(), () => undefined);
  }

  /** A new manifest on disk means a new version: say so, but keep showing the one the user is looking at. */
  private watchVersions(): void {
    const uri = this.state.location.uri;
    if (isObjectStoreUri(uri)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(uri), '_versions/*.manifest'));
    let timer: NodeJS.Timeout | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const versions = await listManifestVersions(uri).catch(() => [] as number[]);
        const latest = versions.at(-1);
        if (latest !== undefined) this.server.event('datasetChanged', { latestVersion: latest });
      }, 500);
    };
    watcher.onDidCreate(changed, undefined, this.disposables);
    watcher.onDidChange(changed, undefined, this.disposables);
    this.disposables.push(watcher, { dispose: () => clearTimeout(timer) });
  }

  private dispose(): void {
    DatasetPanel.open.delete(this);
    if (DatasetPanel.active === this) DatasetPanel.active = undefined;
    this.server.dispose();
    this.session.then((s) => s.close(), () => undefined);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function titleOf(state: PanelState): string {
  const name = state.location.name || path.basename(state.location.uri);
  const pin = state.tag !== undefined ? ` @ ${state.tag}` : state.version !== undefined ? ` @ v${state.version}` : '';
  return `Lance: ${name}${pin}`;
}
