// "Lance: Open Dataset…": a quick pick of the workspace's datasets, a folder picker, and any typed
// absolute path or object-store URI. Whatever is chosen is located first, so a folder that is not a
// dataset gets a message saying what a dataset looks like instead of an empty panel.
import * as path from 'path';
import * as vscode from 'vscode';
import type { DatasetLocation } from '../../shared/types';
import { LanceError } from '../lance/errors';
import { locate } from '../lance/locate';
import { describeStop, searchWorkspaceDatasets } from '../discovery';
import { readSettings } from '../settings';
import { storageOptionsFor } from '../objectStoreOptions';

interface Pick extends vscode.QuickPickItem {
  action: 'browse' | 'path';
  value?: string;
}

/** Ask for a location; undefined when the user cancels. */
export async function pickLocation(): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<Pick>();
  qp.title = 'Open Lance Dataset';
  qp.placeholder = 'Pick a dataset, browse for a folder, or type an absolute path or s3:// gs:// az:// URI';
  qp.matchOnDescription = true;
  // Commands run from the palette while a dataset webview had focus: the webview takes focus back a
  // moment later (asynchronously), which would close a picker that hides on focus loss.
  qp.ignoreFocusOut = true;
  const browse: Pick = { label: '$(folder-opened) Browse…', description: 'Choose a dataset folder', action: 'browse', alwaysShow: true };
  let base: Pick[] = [browse];
  let typedItem: Pick[] = [];
  /** New items; `keepActive`: the highlighted one stays (the list grew under the user), else the first is. */
  const render = (keepActive: boolean) => {
    const active = qp.activeItems[0];
    qp.items = [...typedItem, ...base];
    // A typed path always stays highlighted: `activeItems` reaches the host asynchronously, so when the
    // search ends just after typing it may still name the item highlighted before (seen in E2E: Enter
    // then opened "Browse…").
    if (typedItem.length) qp.activeItems = [qp.items[0]];
    else if (keepActive && active) qp.activeItems = qp.items.filter((i) => i.action === active.action && i.value === active.value && i.label === active.label);
  };
  qp.items = base;
  qp.onDidChangeValue((v) => {
    const typed = v.trim();
    const looksLikePath = typed.startsWith('/') || /^[a-z][a-z0-9+]*:\/\//i.test(typed) || /^[A-Za-z]:[\\/]/.test(typed);
    typedItem = looksLikePath ? [{ label: typed, description: 'Open this path', action: 'path', value: typed, alwaysShow: true }] : [];
    render(false);
  });
  // The picker shows at once; the workspace's datasets join it when the (bounded) search ends, and
  // closing the picker cancels the search.
  const cancel = new vscode.CancellationTokenSource();
  qp.busy = true;
  void searchWorkspaceDatasets(500, cancel.token)
    .then((search) => {
      base = [
        browse,
        ...search.datasets.map((d): Pick => ({ label: `$(database) ${path.basename(d)}`, description: vscode.workspace.asRelativePath(d), action: 'path', value: d })),
      ];
      const stopped = search.stoppedBy !== 'aborted' ? describeStop(search) : undefined;
      if (stopped) base.push({ label: `$(info) ${stopped}`, description: 'Browse… or type a path for others', action: 'browse', alwaysShow: true });
      render(true);
    })
    .catch(() => undefined)
    .finally(() => (qp.busy = false));
  const choice = await new Promise<Pick | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  cancel.cancel();
  cancel.dispose();
  qp.dispose();
  if (!choice) return undefined;
  if (choice.action === 'path') return choice.value;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Open Dataset' });
  return picked?.[0]?.fsPath;
}

/**
 * Turn a path into a dataset location: a dataset opens directly; a LanceDB folder asks which table.
 * Throws a LanceError('not-a-dataset') for anything else.
 */
export async function resolveToDataset(input: string): Promise<DatasetLocation | undefined> {
  // The storage options reach the listing of an s3:// prefix (its tables), as they reach the engine.
  const found = await locate(input, await storageOptionsFor(input.trim()), readSettings().queryTimeoutSeconds * 1000);
  if (found.kind === 'dataset') return found.location;
  const pick = await vscode.window.showQuickPick(
    found.tables.map((t) => ({ label: t.name, description: t.uri, t })),
    { ignoreFocusOut: true, title: `Tables in ${path.basename(found.uri)}`, placeHolder: 'Choose a table to open' },
  );
  return pick ? { uri: pick.t.uri, name: pick.t.name } : undefined;
}

export function describeOpenError(err: unknown): string {
  if (err instanceof LanceError) return err.message;
  return `Could not open the dataset: ${err instanceof Error ? err.message : String(err)}`;
}
