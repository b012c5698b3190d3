// Typed access to the extension's settings (contributes.configuration in package.json).
import * as vscode from 'vscode';

export interface Settings {
  maxInlineImageBytes: number;
  storageOptions: Record<string, string>;
  queryTimeoutSeconds: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('lanceInspector');
  return {
    maxInlineImageBytes: Math.max(0, c.get<number>('maxInlineImageKB', 4096)) * 1024,
    storageOptions: c.get<Record<string, string>>('storageOptions', {}),
    queryTimeoutSeconds: Math.max(1, c.get<number>('queryTimeoutSeconds', 60)),
  };
}
