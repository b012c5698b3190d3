// Activation: commands, the panel serializer, the Datasets tree, the preview view and the dataset
// context key. The Lance engine and the thumbnail worker are loaded just after it, in the background
// (see warmUp), so activating itself costs little.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { describeOpenError, pickLocation, resolveToDataset } from './commands/openDataset';
import { registerPaletteCommands } from './commands/paletteCommands';
import { registerExportCommands } from './commands/exportCommands';
import { registerSortSearchCommands } from './commands/sortSearchCommands';
import { refreshDatasetContext } from './discovery';
import { isObjectStoreUri, tableNameOf } from './lance/locate';
import { lance } from './lance/engine';
import { makeThumbnailUrls, thumbnailWorkerOnline, useThumbnailWorker } from './lance/thumbnailLanes';
import { DatasetPanel, PANEL_VIEW_TYPE, type PanelState } from './panel/datasetPanel';
import { PREVIEW_VIEW_ID, PreviewProvider } from './preview/previewProvider';
import { DatasetsTree } from './tree/datasetsTree';
import { RemoteDatasets } from './tree/remoteDatasets';
import { registerCredentialCommands } from './objectStoreOptions';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Lance Inspector', { log: true });
  context.subscriptions.push(log);
  log.info('Lance Inspector activated');
  DatasetPanel.mapCacheFolder = vscode.Uri.joinPath(context.globalStorageUri, 'maps').fsPath;
  DatasetPanel.curationCacheFolder = vscode.Uri.joinPath(context.globalStorageUri, 'curation').fsPath;
  DatasetPanel.globalState = context.globalState;
  // Thumbnails are made on this thread and one worker (started by warmUp, and again by a page that needs it after a minute idle).
  useThumbnailWorker(vscode.Uri.joinPath(context.extensionUri, 'dist', 'thumbnailWorker.js').fsPath);
  context.subscriptions.push({ dispose: () => useThumbnailWorker(undefined) });
  const warm = setTimeout(() => warmUp(log, context.extensionUri), WARM_UP_DELAY_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(warm) });

  const remote = new RemoteDatasets(context.workspaceState);
  /** `remembered`: opened from the tree's Remote group, so already in the list. */
  const open = async (input: string | undefined, pin: { version?: number; tag?: string } = {}, remembered = false) => {
    if (!input) return;
    try {
      const location = await resolveToDataset(input);
      if (!location) return;
      const panel = DatasetPanel.show(context.extensionUri, log, { location, ...pin });
      const typed = input.trim().replace(/\/+$/, '');
      if (isObjectStoreUri(typed) && !remembered) {
        // Remembered once it opened: a mistyped URI does not join the list. A prefix that listed tables is a folder.
        void panel.session().then(
          () => remote.add({ uri: typed, kind: location.uri === typed ? 'dataset' : 'database' }),
          () => undefined,
        );
      }
    } catch (err) {
      const msg = describeOpenError(err);
      log.warn(msg);
      void vscode.window.showErrorMessage(msg);
    }
  };

  const tree = new DatasetsTree(remote);
  const preview = new PreviewProvider(context.extensionUri);
  context.subscriptions.push(
    preview,
    vscode.window.registerWebviewViewProvider(PREVIEW_VIEW_ID, preview),
    vscode.window.createTreeView('lanceInspector.datasets', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand('lanceInspector.openDataset', async (arg?: vscode.Uri | string | { dir?: string; remembered?: boolean }) => {
      const input = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : typeof arg?.dir === 'string' ? arg.dir : await pickLocation();
      await open(input, {}, typeof arg === 'object' && !(arg instanceof vscode.Uri) && arg.remembered === true);
    }),
    vscode.commands.registerCommand('lanceInspector.removeRemote', async (arg?: { dir?: string; uri?: string }) => {
      const uri = arg?.dir ?? arg?.uri;
      if (uri) await remote.remove(uri);
    }),
    vscode.commands.registerCommand('lanceInspector.openFolder', async (uri?: vscode.Uri) => {
      await open(uri?.fsPath ?? (await pickLocation()));
    }),
    vscode.commands.registerCommand('lanceInspector.openVersion', async (arg?: { uri: string; version?: number; tag?: string }) => {
      if (!arg) return vscode.commands.executeCommand('lanceInspector.browseVersion');
      const existing = DatasetPanel.all().find((p) => p.state.location.uri === arg.uri);
      if (existing) {
        existing.panel.reveal();
        await existing.browse(arg.version, arg.tag).catch((err) => void vscode.window.showErrorMessage(describeOpenError(err)));
      } else {
        DatasetPanel.show(context.extensionUri, log, { location: { uri: arg.uri, name: tableNameOf(arg.uri) }, version: arg.version, tag: arg.tag });
      }
    }),
    vscode.commands.registerCommand('lanceInspector.refreshDatasets', async () => {
      await refreshDatasetContext().catch(() => undefined);
      tree.refresh();
    }),
    vscode.commands.registerCommand('lanceInspector.reload', () => {
      const p = DatasetPanel.current;
      if (!p) return void vscode.window.showInformationMessage('Open a Lance dataset first.');
      p.reload();
      tree.refresh();
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const s = state as Partial<PanelState> | undefined;
        if (!s?.location) {
          panel.dispose();
          return;
        }
        DatasetPanel.revive(panel, context.extensionUri, log, { location: s.location, version: s.version, tag: s.tag });
      },
    }),
  );
  registerCredentialCommands(context, () => DatasetPanel.current?.state.location.uri);
  registerPaletteCommands(context, preview);
  registerExportCommands(context);
  registerSortSearchCommands(context);

  // Which explorer folders are datasets (for the context menu), kept fresh as manifests appear.
  void refreshDatasetContext().catch((err) => log.warn(`Dataset discovery failed: ${String(err)}`));
  const watcher = vscode.workspace.createFileSystemWatcher('**/_versions/*.manifest', false, true, true);
  let timer: NodeJS.Timeout | undefined;
  watcher.onDidCreate(() => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      void refreshDatasetContext().catch(() => undefined);
      tree.refresh();
    }, 1000);
  });
  context.subscriptions.push(watcher, { dispose: () => clearTimeout(timer) });
}

/** Long enough for the rest of the window's start to go first, short against a user's first click. */
const WARM_UP_DELAY_MS = 300;

/**
 * Readies what a first open needs before it is asked for: the engine's native module (130–150 ms on
 * this thread, during which nothing else runs here), the thumbnail worker (which stops again after a
 * minute without work), and the thumbnail decoder on both lanes. The extension activates when the
 * workspace holds a dataset, or when one is opened: either way one is about to be read. In code-server
 * on the true-shape replica a first open computed its first page in ~0.85 s against 0.15 s in plain
 * Node, loading all of it while VS Code was busy making the webview. A failure here is left to the
 * open, which reports it.
 */
function warmUp(log: vscode.LogOutputChannel, extensionUri: vscode.Uri): void {
  const started = Date.now();
  try {
    lance();
    log.info(`Lance engine loaded in ${Date.now() - started} ms (ahead of the first open)`);
  } catch {
    return;
  }
  // The decoder is compiled as it runs: in plain Node a first page's 12 thumbnails took 160–180 ms cold,
  // 85–130 ms after one 500 × 375 JPEG (made by jpegEncode.ts) went through it, 45–55 ms warm. One
  // image on each lane (the worker takes the queue's last once it is online).
  void thumbnailWorkerOnline().then(() => {
    try {
      const jpeg = fs.readFileSync(vscode.Uri.joinPath(extensionUri, 'media', 'warm-up.jpg').fsPath);
      void makeThumbnailUrls([jpeg, jpeg], DatasetPanel.thumbnailPx());
    } catch {
      /* only a warm-up */
    }
  });
}

export function deactivate(): void {
  /* panels dispose themselves with their subscriptions */
}
