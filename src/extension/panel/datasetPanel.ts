// A dataset panel: one webview tab showing one dataset (latest, or pinned to a version or tag).
// The host owns the Lance connection; the webview asks for what it shows through the protocol.
import * as path from 'path';
import * as vscode from 'vscode';
import { survivesJson, type FirstAnswers, type WebviewEvents } from '../../shared/protocol';
import type { Handlers } from '../../shared/rpc';
import type { DatasetLocation, ViewState } from '../../shared/types';
import { DatasetSession, delegateToSession } from '../host/session';
import { toErrorInfo } from '../lance/errors';
import { isObjectStoreUri } from '../lance/locate';
import { listManifestVersions } from '../lance/manifest';
import { readSettings } from '../settings';
import { storageOptionsFor } from '../objectStoreOptions';
import { confirmCreateTag, confirmDeleteTag } from '../commands/tagCommands';
import { panelHtml } from './html';
import { WebviewEndpoint } from './webviewEndpoint';

export const PANEL_VIEW_TYPE = 'lanceInspector.dataset';
/** How long a new panel's HTML waits for its description to carry it (see writeHtmlWithFirstAnswers)… */
const FIRST_ANSWERS_WAIT_MS = 400;
/** …then for its first page: this long after the description, and no later than FIRST_PAGE_LATEST_MS after the panel was made. */
const FIRST_PAGE_WAIT_MS = 500;
const FIRST_PAGE_LATEST_MS = 700;
const PIXEL_RATIO_KEY = 'lanceInspector.pixelRatio';

/** What a panel needs to come back after a window reload (kept by VS Code through the webview state). */
export interface PanelState {
  location: DatasetLocation;
  version?: number;
  tag?: string;
}

type Listener = (panel: DatasetPanel | undefined) => void;

export class DatasetPanel {
  private static readonly open = new Set<DatasetPanel>();
  private static active: DatasetPanel | undefined;
  private static readonly activeListeners = new Set<Listener>();
  private static readonly selectionListeners = new Set<Listener>();
  /** Where embedding maps are cached: the extension's global storage (set on activation), never the dataset. */
  static mapCacheFolder: string | undefined;
  /** Where curation signals are cached: the extension's global storage (set on activation), never the dataset. */
  static curationCacheFolder: string | undefined;
  /** Where the device pixel ratio webviews last asked for is kept, across windows (set on activation). */
  static globalState: vscode.Memento | undefined;

  /**
   * Thumbnail pixels per CSS pixel that webviews last asked for (the screen's device pixel ratio), else
   * 1: a new panel's first pages are made at it before its webview can say. Kept across windows, so
   * the first panel of a window on a HiDPI screen does not make its first pages at 1 for nothing.
   */
  private static get pixelRatio(): number {
    return DatasetPanel.globalState?.get<number>(PIXEL_RATIO_KEY) ?? 1;
  }
  private static set pixelRatio(ratio: number) {
    if (ratio !== DatasetPanel.pixelRatio) void DatasetPanel.globalState?.update(PIXEL_RATIO_KEY, ratio);
  }

  /** The device pixels of a grid thumbnail as webviews last asked for them (see pixelRatio). */
  static thumbnailPx(): number {
    return Math.round(readSettings().ui.thumbnailSize * DatasetPanel.pixelRatio);
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly endpoint: WebviewEndpoint;
  private sessionPromise: Promise<DatasetSession>;
  /** What the webview last said it shows (filter, columns, selection). */
  view: ViewState = {};
  selectedIndex: number | undefined;
  private readonly mapWorkerPath: string;

  /** The dataset panel the user used last (palette commands act on it). */
  static get current(): DatasetPanel | undefined {
    return DatasetPanel.active;
  }

  static all(): DatasetPanel[] {
    return [...DatasetPanel.open];
  }

  static onDidChangeActive(fn: Listener): vscode.Disposable {
    DatasetPanel.activeListeners.add(fn);
    return { dispose: () => DatasetPanel.activeListeners.delete(fn) };
  }

  static onDidChangeSelection(fn: Listener): vscode.Disposable {
    DatasetPanel.selectionListeners.add(fn);
    return { dispose: () => DatasetPanel.selectionListeners.delete(fn) };
  }

  private static setActive(p: DatasetPanel | undefined): void {
    if (DatasetPanel.active === p) return;
    DatasetPanel.active = p;
    for (const fn of DatasetPanel.activeListeners) fn(p);
    void vscode.commands.executeCommand('setContext', 'lanceInspector.panelOpen', !!p);
  }

  /** Reveal the panel already showing this dataset (same version), or open a new one. */
  static show(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, state: PanelState): DatasetPanel {
    for (const p of DatasetPanel.open) {
      if (p.state.location.uri === state.location.uri && p.state.version === state.version && p.state.tag === state.tag) {
        p.panel.reveal();
        return p;
      }
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, titleOf(state), vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new DatasetPanel(panel, extensionUri, log, state, true);
  }

  /** Restores a panel after a reload (registered as the webview panel serializer). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: vscode.LogOutputChannel, state: PanelState): DatasetPanel {
    panel.webview.options = webviewOptions(extensionUri);
    return new DatasetPanel(panel, extensionUri, log, state, false);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    public state: PanelState,
    /** A new panel (not one restored after a reload, whose webview may show a filter or other columns). */
    fresh: boolean,
  ) {
    this.mapWorkerPath = vscode.Uri.joinPath(extensionUri, 'dist', 'mapWorker.js').fsPath;
    DatasetPanel.open.add(this);
    DatasetPanel.setActive(this);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'lance.svg');
    const remote = isObjectStoreUri(state.location.uri) ? state.location.uri : undefined;
    const html = (first?: FirstAnswers) => panelHtml(panel.webview, extensionUri, titleOf(state), 'panel', remote, first);
    // A new local panel's first questions are answered ahead (not a restored panel's, whose webview may
    // show a filter or other columns, nor an object store's, where a read that missed costs round trips).
    const ahead = fresh && !remote;
    this.sessionPromise = this.openSession(ahead);
    if (ahead) void this.writeHtmlWithFirstAnswers(html);
    else panel.webview.html = html();
    this.endpoint = new WebviewEndpoint(panel.webview, this.handlers());
    this.disposables.push(this.endpoint);
    panel.onDidChangeViewState(
      () => {
        if (panel.active) DatasetPanel.setActive(this);
        // A hidden webview is destroyed (unless kept loaded): its work stops, and the next load asks again
        // for what it shows. A kept one goes on as it is; ending its connection would refuse its requests.
        if (!panel.visible && !panel.options.retainContextWhenHidden) this.endpoint.gone();
      },
      undefined,
      this.disposables,
    );
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    this.watchVersions();
  }

  session(): Promise<DatasetSession> {
    return this.sessionPromise;
  }

  /**
   * A new panel's HTML, with the description, count and first page written in when they are known in
   * time (on reopens they are): the webview shows its header and first rows as soon as its script runs,
   * without a round trip. Through code-server that trip took 45–140 ms each way, and 0.4 s there and
   * back during a first open (VS Code busy making the webview), whose first page was ready 0.38–0.46 s
   * after the description. The wait costs little there: VS Code showed the webview's document 0.7–0.9 s
   * after the command on a first open, 0.3–0.5 s on reopens, however early the HTML was written.
   */
  private async writeHtmlWithFirstAnswers(html: (first?: FirstAnswers) => string): Promise<void> {
    const made = Date.now();
    const deadline = (ms: number) => new Promise<'late'>((done) => setTimeout(() => done('late'), Math.max(0, ms)));
    const within = <T>(p: Promise<T>, timeUp: Promise<'late'>): Promise<T | 'late'> => Promise.race([p, timeUp]).catch(() => 'late' as const);
    const describedInTime = deadline(FIRST_ANSWERS_WAIT_MS);
    let first: FirstAnswers | undefined;
    const session = await within(this.sessionPromise, describedInTime);
    const describe = session === 'late' ? 'late' : await within(session.describe(), describedInTime);
    if (session !== 'late' && describe !== 'late') {
      await within(session.earlyFirstPageReady(), deadline(Math.min(FIRST_PAGE_WAIT_MS, made + FIRST_PAGE_LATEST_MS - Date.now())));
      // A page whose images went as their bytes (no thumbnail made) is asked for as usual: JSON would flatten them.
      first = { describe, settings: readSettings().ui, answers: session.takeEarlyAnswers((a) => survivesJson(a.result)) };
    }
    if (!this.disposed) this.panel.webview.html = html(first);
  }

  get title(): string {
    return titleOf(this.state);
  }

  private handlers(): Omit<Handlers, 'settings' | 'command'> {
    const data = delegateToSession(() => this.sessionPromise);
    return {
      // Whatever session is current when a request arrives (browse and reload replace it).
      ...data,
      rows: (req, signal, progress) => {
        if (req.thumbnailPx) DatasetPanel.pixelRatio = req.thumbnailPx / readSettings().ui.thumbnailSize;
        return data.rows(req, signal, progress);
      },
      reload: async () => {
        this.reopen();
        await this.sessionPromise;
        return null;
      },
      browse: async ({ version, tag }) => {
        await this.browse(version, tag);
        return null;
      },
      createTag: async ({ version, name }) => ({ created: await confirmCreateTag(this.state.location, version, name) }),
      deleteTag: async ({ name }) => ({ deleted: await confirmDeleteTag(this.state.location, name) }),
      viewState: async (v) => {
        this.setView(v);
        return null;
      },
    };
  }

  private setView(v: ViewState): void {
    const selectionChanged = v.selectedRowId !== this.view.selectedRowId;
    this.view = {
      filter: v.filter,
      sort: v.sort,
      search: v.search,
      rowSet: v.rowSet,
      columns: v.columns,
      selectedRowId: v.selectedRowId,
      selectedByClick: v.selectedByClick,
    };
    this.selectedIndex = v.selectedIndex;
    if (selectionChanged) for (const fn of DatasetPanel.selectionListeners) fn(this);
  }

  /** `answerAhead`: compute the count and first pages too, before the webview asks (see warmFirstScreen). */
  private async openSession(answerAhead = false): Promise<DatasetSession> {
    const s = readSettings();
    const started = Date.now();
    try {
      const storageOptions = await storageOptionsFor(this.state.location.uri);
      const session = await DatasetSession.open(
        this.state.location,
        { version: this.state.version, tag: this.state.tag, storageOptions, timeoutMs: s.queryTimeoutSeconds * 1000 },
        {
          maxImageBytes: s.maxInlineImageBytes,
          map: { maxPoints: s.mapMaxPoints, cacheFolder: DatasetPanel.mapCacheFolder, workerPath: this.mapWorkerPath },
          curation: { cacheFolder: DatasetPanel.curationCacheFolder },
        },
      );
      this.log.info(`Opened ${this.state.location.uri} at version ${session.dataset.version} in ${Date.now() - started} ms`);
      // The webview's first questions, answered while VS Code is still creating it: the description
      // (kept per session) and, when asked to, the count and first two pages.
      session.describe().catch(() => undefined);
      if (answerAhead) session.warmFirstScreen(s.ui.pageSize, DatasetPanel.thumbnailPx());
      return session;
    } catch (err) {
      const info = toErrorInfo(err);
      this.log.error(`Could not open ${this.state.location.uri}: ${info.message} ${info.detail ?? ''}`);
      throw err;
    }
  }

  /** Tell the webview something (held until it has said it is ready). */
  event<E extends keyof WebviewEvents>(name: E, payload: WebviewEvents[E]): void {
    this.endpoint.event(name, payload);
  }

  /** Ask the webview to do something (palette commands), revealing the panel first. */
  uiAction(action: WebviewEvents['uiAction']): void {
    this.panel.reveal(undefined, false);
    this.event('uiAction', action);
  }

  /** Reopen the dataset (e.g. after "version N is available") and let the webview ask again. */
  reload(): void {
    this.reopen();
    this.event('reset', {});
  }

  /** Show another version or tag (both undefined: the latest) in this same panel, read-only. */
  async browse(version: number | undefined, tag: string | undefined): Promise<void> {
    const previous = this.state;
    this.state = { location: this.state.location, version: tag === undefined ? version : undefined, tag };
    this.reopen();
    try {
      await this.sessionPromise;
    } catch (err) {
      // Stay on what was shown before; the caller's promise rejects with the reason.
      this.state = previous;
      this.reopen();
      throw err;
    }
    this.panel.title = titleOf(this.state);
    this.event('reset', {});
  }

  private reopen(): void {
    const old = this.sessionPromise;
    this.sessionPromise = this.openSession();
    this.sessionPromise.catch(() => undefined);
    old.then(
      (s) => s.close(),
      () => undefined,
    );
  }

  /** A new manifest on disk means a new version: say so, but keep showing the one the user is looking at. */
  private watchVersions(): void {
    const uri = this.state.location.uri;
    if (isObjectStoreUri(uri)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(uri), '_versions/*.manifest'));
    let timer: NodeJS.Timeout | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void (async () => {
          const versions = await listManifestVersions(uri).catch(() => [] as number[]);
          const latest = versions.at(-1);
          if (latest !== undefined) this.event('datasetChanged', { latestVersion: latest });
        })();
      }, 500);
    };
    watcher.onDidCreate(changed, undefined, this.disposables);
    watcher.onDidChange(changed, undefined, this.disposables);
    this.disposables.push(watcher, { dispose: () => clearTimeout(timer) });
  }

  private disposed = false;

  private dispose(): void {
    this.disposed = true;
    DatasetPanel.open.delete(this);
    if (DatasetPanel.active === this) DatasetPanel.setActive([...DatasetPanel.open].at(-1));
    this.sessionPromise.then(
      (s) => s.close(),
      () => undefined,
    );
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const fn of DatasetPanel.selectionListeners) fn(DatasetPanel.active);
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Measured in code-server: switching back to a hidden (destroyed) panel took about 1.5 s, most of it
    // VS Code recreating the webview before our page is even fetched; kept loaded it is immediate.
    retainContextWhenHidden: readSettings().keepPanelsLoaded,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function titleOf(state: PanelState): string {
  const name = state.location.name || path.basename(state.location.uri);
  const pin = state.tag !== undefined ? ` @ ${state.tag}` : state.version !== undefined ? ` @ v${state.version}` : '';
  return `Lance: ${name}${pin}`;
}
