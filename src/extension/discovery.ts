// Datasets in the workspace: any folder holding `_versions/*.manifest`, found by the bounded walker of
// discoveryWalk.ts (depth, time and folder budgets, cancellation, no links out of the workspace). The
// list also feeds a context key so the explorer's "Open in Lance Inspector" shows on dataset folders
// whatever their names.
import * as vscode from 'vscode';
import { describeStop, findDatasets, type WalkResult } from './discoveryWalk';

export const DATASET_PATHS_KEY = 'lanceInspector.datasetPaths';

/** A search without a caller's token is shared with any other one running (activation starts two). */
let shared: { limit: number; result: Promise<WalkResult> } | undefined;

/** The walk over the workspace folders, with its stop reason; cancelled with `token`. */
export async function searchWorkspaceDatasets(limit = 500, token?: vscode.CancellationToken): Promise<WalkResult> {
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  if (!token) {
    if (shared?.limit === limit) return shared.result;
    const result = findDatasets({ roots, maxResults: limit });
    shared = { limit, result };
    void result.finally(() => {
      if (shared?.result === result) shared = undefined;
    });
    return result;
  }
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  if (token.isCancellationRequested) abort.abort();
  try {
    return await findDatasets({ roots, maxResults: limit, signal: abort.signal });
  } finally {
    sub.dispose();
  }
}

export async function findWorkspaceDatasets(limit = 500, token?: vscode.CancellationToken): Promise<string[]> {
  return (await searchWorkspaceDatasets(limit, token)).datasets;
}

export { describeStop };

export async function refreshDatasetContext(): Promise<string[]> {
  const dirs = await findWorkspaceDatasets();
  await vscode.commands.executeCommand('setContext', DATASET_PATHS_KEY, dirs);
  return dirs;
}
