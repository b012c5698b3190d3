// Datasets in the workspace: any folder holding `_versions/*.manifest`. The list also feeds a context
// key so the explorer's "Open in Lance Inspector" shows on dataset folders whatever their names.
import * as path from 'path';
import * as vscode from 'vscode';

export const DATASET_PATHS_KEY = 'lanceInspector.datasetPaths';

export async function findWorkspaceDatasets(limit = 500): Promise<string[]> {
  const manifests = await vscode.workspace.findFiles('**/_versions/*.manifest', '**/node_modules/**', limit * 20);
  const dirs = new Set(manifests.map((u) => path.dirname(path.dirname(u.fsPath))));
  return [...dirs].sort().slice(0, limit);
}

export async function refreshDatasetContext(): Promise<string[]> {
  const dirs = await findWorkspaceDatasets();
  await vscode.commands.executeCommand('setContext', DATASET_PATHS_KEY, dirs);
  return dirs;
}
