// "Export Rows…" and "Materialize Subset…": the current filter and columns of the active panel, written
// out with progress and cancel. Export writes only the files the user chose; a subset writes a new
// dataset (never the open one), so it says where and asks first.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { toErrorInfo } from '../lance/errors';
import { exportRows } from '../lance/exportRows';
import { materializeSubset } from '../lance/subset';
import { DatasetPanel } from '../panel/datasetPanel';
import { describeSort } from '../../shared/sort';
import { SCORE_COLUMN, type ViewState } from '../../shared/types';
import { requireWorkspaceTrust } from './workspaceTrust';

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
      const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(path.dirname(p.state.location.uri));
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
                `Exported ${res.rows.toLocaleString('en-US')} rows to ${path.basename(target.fsPath)}${res.imagesWritten ? ` and ${res.imagesWritten} images` : ''}.`,
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
      const parent = await vscode.window.showOpenDialog({
        title: 'Folder to create the new dataset in',
        canSelectFolders: true,
        canSelectFiles: false,
        defaultUri: vscode.Uri.file(path.dirname(p.state.location.uri)),
        openLabel: 'Choose Folder',
      });
      if (!parent?.[0]) return;
      const name = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: 'Name of the new dataset',
        value: `${p.state.location.name}_subset`,
        validateInput: (v) => {
          const n = v.trim().replace(/\.lance$/, '');
          if (!/^[A-Za-z0-9_.-]+$/.test(n)) return 'Letters, digits, ".", "_" and "-" only.';
          if (fs.existsSync(path.join(parent[0].fsPath, `${n}.lance`))) return `${n}.lance already exists there.`;
          return undefined;
        },
      });
      if (!name) return;
      const dest = path.join(parent[0].fsPath, `${name.trim().replace(/\.lance$/, '')}.lance`);
      const ok = await vscode.window.showWarningMessage(
        `Create a new dataset with ${describeSelection(p.view)}?`,
        { modal: true, detail: `This writes a new Lance dataset at ${dest}. The dataset you are inspecting is not changed.` },
        'Create Dataset',
      );
      if (ok !== 'Create Dataset') return;
      const session = await p.session();
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Writing ${path.basename(dest)}`, cancellable: true }, async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        let last = 0;
        try {
          const res = await materializeSubset(session.dataset, {
            ...viewRows(p.view),
            dest,
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
