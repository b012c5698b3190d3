// Restricted Mode (an untrusted workspace): reading datasets is allowed, writing is not. package.json hides
// the writing commands from the palette there (`isWorkspaceTrusted`), but they can still be reached (a
// keybinding, another extension, the panel's tag buttons): each handler calls this first, and it says why
// nothing happens and how to trust the workspace.
import * as vscode from 'vscode';

/** True when the workspace is trusted; otherwise explains (non-modal) and returns false. `what` completes "… writes …". */
export function requireWorkspaceTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(`${what}, which Lance Inspector does not do in Restricted Mode. Reading works as usual; trust this workspace to write.`, manage)
    .then((choice) => {
      if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
