// Activation: commands, the panel serializer, and the dataset context key. The Lance engine itself
// loads lazily on the first open, so activating costs little.
import * as vscode from 'vscode';
import { describeOpenError, pickLocation, resolveToDataset } from './commands/openDataset';
import { refreshDatasetContext } from './discovery';
import { DatasetPanel, PANEL_VIEW_TYPE, type PanelState } from './panel/datasetPanel';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Lance Inspector', { log: true });
  context.subscriptions.push(log);
  log.info('Lance Inspector activated');

  const open = async (input: string | undefined) => {
    if (!input) return;
    try {
      const location = await resolveToDataset(input);
      if (location) DatasetPanel.show(context.extensionUri, log, { location });
    } catch (err) {
      const msg = describeOpenError(err);
      log.warn(msg);
      void vscode.window.showErrorMessage(msg);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('lanceInspector.openDataset', async (arg?: vscode.Uri | string) => {
      await open(arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : await pickLocation());
    }),
    vscode.commands.registerCommand('lanceInspector.openFolder', async (uri?: vscode.Uri) => {
      await open(uri?.fsPath ?? (await pickLocation()));
    }),
    vscode.commands.registerCommand('lanceInspector.reload', () => {
      const p = DatasetPanel.current;
      if (!p) return void vscode.window.showInformationMessage('Open a Lance dataset first.');
      p.reload();
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

  // Which explorer folders are datasets (for the context menu), kept fresh as manifests appear.
  void refreshDatasetContext().catch((err) => log.warn(`Dataset discovery failed: ${String(err)}`));
  const watcher = vscode.workspace.createFileSystemWatcher('**/_versions/*.manifest', false, true, true);
  let timer: NodeJS.Timeout | undefined;
  watcher.onDidCreate(() => {
    clearTimeout(timer);
    timer = setTimeout(() => void refreshDatasetContext().catch(() => undefined), 1000);
  });
  context.subscriptions.push(watcher, { dispose: () => clearTimeout(timer) });
}

export function deactivate(): void {
  /* panels dispose themselves with their subscriptions */
}
