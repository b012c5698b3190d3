// "Export Rows…" and "Materialize Subset…": the current filter and columns of the active panel, written
// out with progress and cancel. Export writes only the files the user chose; a subset writes a new
// dataset (never the open one), so it says where and asks first.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { toErrorInfo } from '../lance/errors';
import { exportRows } from '../lance/exportRows';
import { materializeSubset } from '../lance/subset';
import { DatasetPanel } from '../panel/datasetPanel';
import { describeSort } from '../../shared/sort';
import { SCORE_COLUMN, type ViewState } from '../../shared/types';
import { requireWorkspaceTrust } from './workspaceTrust';
import { isObjectStoreUri, tableNameOf } from '../lance/locate';
import { storageOptionsFor } from '../objectStoreOptions';

/** A local folder to offer in dialogs: the dataset's own parent, or (for an object-store dataset) the workspace or home. */
function localFolderNear(uri: string): vscode.Uri {
  if (!isObjectStoreUri(uri)) return vscode.Uri.file(path.dirname(uri));
  return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
}

/**
 * Where the new dataset goes: a local folder chosen in a dialog plus a name, or a typed path or
 * object-store URI (s3://bucket/path/name.lance). Undefined when the user cancels.
 */
async function pickSubsetDest(p: DatasetPanel): Promise<string | undefined> {
  const source = p.state.location.uri;
  const suggestedName = `${p.state.location.name}_subset`;
  const how = await vscode.window.showQuickPick(
    [
      { label: '$(folder) Local folder…', description: 'choose a folder, then a name', value: 'folder' as const },
      { label: '$(cloud) Path or object-store URI…', description: 'type an absolute path or s3://bucket/path/name.lance', value: 'uri' as const },
    ],
    { ignoreFocusOut: true, title: 'Where to write the new dataset' },
  );
  if (!how) return undefined;
  if (how.value === 'uri') {
    const near = isObjectStoreUri(source) ? `${source.slice(0, source.lastIndexOf('/'))}/${suggestedName}.lance` : path.join(path.dirname(source), `${suggestedName}.lance`);
    const typed = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'The new dataset: an absolute path or an s3:// gs:// az:// URI, ending in .lance',
      value: near,
      valueSelection: [near.length - `${suggestedName}.lance`.length, near.length - '.lance'.length],
      validateInput: (v) => {
        const t = v.trim().replace(/\/+$/, '');
        if (!/\.lance$/i.test(t) || !tableNameOf(t)) return 'The folder name must end in .lance.';
        if (isObjectStoreUri(t)) return /^[a-z0-9+]+:\/\/[^/]+\/./i.test(t) ? undefined : 'A URI inside a bucket, e.g. s3://bucket/subsets/name.lance';
        if (!path.isAbsolute(t)) return 'An absolute path or an s3:// gs:// az:// URI.';
        return fs.existsSync(t) ? `${t} already exists.` : undefined;
      },
    });
    return typed?.trim().replace(/\/+$/, '');
  }
  const parent = await vscode.window.showOpenDialog({
    title: 'Folder to create the new dataset in',
    canSelectFolders: true,
    canSelectFiles: false,
    defaultUri: localFolderNear(source),
    openLabel: 'Choose Folder',
  });
  if (!parent?.[0]) return undefined;
  const name = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title: 'Name of the new dataset',
    value: suggestedName,
    validateInput: (v) => {
      const n = v.trim().replace(/\.lance$/, '');
      if (!/^[A-Za-z0-9_.-]+$/.test(n)) return 'Letters, digits, ".", "_" and "-" only.';
      if (fs.existsSync(path.join(parent[0].fsPath, `${n}.lance`))) return `${n}.lance already exists there.`;
      return undefined;
    },
  });
  if (!name) return undefined;
  return path.join(parent[0].fsPath, `${name.trim().replace(/\.lance$/, '')}.lance`);
}

/** What will be written, in words: the rows (a row set, filter), their order (the view's sort) and the columns. */
export function describeSelection(view: ViewState): string {
  const f = view.filter?.trim();
  const cols = view.columns?.filter((c) => c !== SCORE_COLUMN);
  const set = view.rowSet;
  const search = !set && view.search ? ` matching "${view.search.text}" in ${view.search.column} (best first)` : '';
  const sort = !search && view.sort?.length ? `, in the view's order (${describeSort(view.sort)})` : set ? ', in its order' : '';
  const rows = set ? `${f ? 'the rows' : `the ${set.count.toLocaleString('en-US')} rows`} of ${set.label}${f ? ` where ${f}` : ''}` : f ? `rows where ${f}` : 'all rows';
  return `${rows}${search}${sort}, ${cols ? `${cols.length} columns` : 'all columns'}`;
}

/** The view's rows as the writers take them (a row set's view, or a search's, or the filtered table). */
function viewRows(view: ViewState) {
  return {
    filter: view.filter,
    sort: view.sort,
    search: !view.rowSet && view.search ? { column: view.search.column, text: view.search.text } : undefined,
    rowSet: view.rowSet?.id,
    columns: view.columns?.filter((c) => c !== SCORE_COLUMN),
  };
}

export function registerExportCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('lanceInspector.exportRows', async () => {
      if (!requireWorkspaceTrust('Export Rows… writes files (the rows, and optionally their images)')) return;
      const p = DatasetPanel.current;
      if (!p) return void vscode.window.showInformationMessage('Open a Lance dataset first.');
      const format = await vscode.window.showQuickPick(
        [
          { label: 'JSON Lines', description: '.jsonl: one JSON object per row', value: 'jsonl' as const },
          { label: 'CSV', description: '.csv: nested values as JSON text', value: 'csv' as const },
        ],
        { ignoreFocusOut: true, title: `Export ${describeSelection(p.view)}` },
      );
      if (!format) return;
      const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? localFolderNear(p.state.location.uri);
      const target = await vscode.window.showSaveDialog({
        title: 'Export rows to',
        defaultUri: vscode.Uri.joinPath(base, `${p.state.location.name}.${format.value}`),
        filters: format.value === 'csv' ? { CSV: ['csv'] } : { 'JSON Lines': ['jsonl', 'json'] },
      });
      if (!target) return;
      const session = await p.session();
      const d = await session.describe();
      const hasImages = d.schema.some((f) => f.kind === 'binary');
      let imagesDir: string | undefined;
      if (hasImages) {
        const choice = await vscode.window.showQuickPick(
          [
            { label: 'Write images as files', description: 'into a folder beside the export; the rows hold their paths', value: true },
            { label: 'Leave images out', description: 'binary cells become their size and type', value: false },
          ],
          { ignoreFocusOut: true, title: 'Image and binary columns' },
        );
        if (!choice) return;
        if (choice.value) imagesDir = target.fsPath.replace(/\.[^.]+$/, '') + '_images';
      }
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Exporting ${p.state.location.name}`, cancellable: true },
        async (progress, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          let last = 0;
          try {
            const res = await exportRows(session.dataset, {
              ...viewRows(p.view),
              format: format.value,
              outFile: target.fsPath,
              imagesDir,
              signal: ac.signal,
              progress: (done, total) => {
                const pct = total ? (done / total) * 100 : 0;
                progress.report({ increment: pct - last, message: `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows` });
                last = pct;
              },
            });
            if (ac.signal.aborted)
              return void vscode.window.showWarningMessage(`Export cancelled after ${res.rows.toLocaleString('en-US')} rows; ${target.fsPath} holds those rows only.`);
            // Not awaited: the progress notification (and its Cancel button) ends with the export.
            void vscode.window
              .showInformationMessage(
                `Exported ${res.rows.toLocaleString('en-US')} rows to ${target.fsPath}${res.imagesWritten ? ` and ${res.imagesWritten} images to ${imagesDir}` : ''}.`,
                'Open File',
              )
              .then((open) => (open ? vscode.window.showTextDocument(target) : undefined));
          } catch (err) {
            const info = toErrorInfo(err);
            void vscode.window.showErrorMessage(`Export failed: ${info.message}${info.detail ? ` (${info.detail})` : ''}`);
          }
        },
      );
    }),

    vscode.commands.registerCommand('lanceInspector.materializeSubset', async () => {
      if (!requireWorkspaceTrust('Materialize Subset… writes a new dataset')) return;
      const p = DatasetPanel.current;
      if (!p) return void vscode.window.showInformationMessage('Open a Lance dataset first.');
      const dest = await pickSubsetDest(p);
      if (!dest) return;
      const remote = isObjectStoreUri(dest);
      const ok = await vscode.window.showWarningMessage(
        `Create a new dataset with ${describeSelection(p.view)}?`,
        {
          modal: true,
          detail: `This writes a new Lance dataset at ${dest}${remote ? ' (on the object store, with the storage options and credentials for that URI)' : ''}. The dataset you are inspecting is not changed.`,
        },
        'Create Dataset',
      );
      if (ok !== 'Create Dataset') return;
      const session = await p.session();
      const destStorageOptions = remote ? await storageOptionsFor(dest) : undefined;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Writing ${dest}`, cancellable: true }, async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        let last = 0;
        try {
          const res = await materializeSubset(session.dataset, {
            ...viewRows(p.view),
            dest,
            destStorageOptions,
            signal: ac.signal,
            progress: (done, total) => {
              const pct = total ? (done / total) * 100 : 0;
              progress.report({ increment: pct - last, message: `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows` });
              last = pct;
            },
          });
          if (ac.signal.aborted) return void vscode.window.showWarningMessage('Cancelled; the partial dataset was removed.');
          void vscode.window
            .showInformationMessage(`Wrote ${res.rows.toLocaleString('en-US')} rows to ${dest}.`, 'Open It')
            .then((open) => (open ? vscode.commands.executeCommand('lanceInspector.openDataset', dest) : undefined));
        } catch (err) {
          const info = toErrorInfo(err);
          void vscode.window.showErrorMessage(`Could not write the subset: ${info.message}${info.detail ? ` (${info.detail})` : ''}`);
        }
      });
    }),
  );
}
