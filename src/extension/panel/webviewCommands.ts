// Runs a webview's `command` request (dataset panel and preview) after webviewCommandPolicy.ts has
// allowed it: only the commands the webviews send, with checked arguments. Anything else is refused
// with a LanceError('internal') naming the command, which the RPC layer sends back as the reply.
import * as vscode from 'vscode';
import { checkWebviewCommand } from './webviewCommandPolicy';

export { checkWebviewCommand, WEBVIEW_COMMANDS } from './webviewCommandPolicy';

export async function runWebviewCommand(id: string, args: unknown): Promise<void> {
  const allowed = checkWebviewCommand(id, args);
  if (allowed.args === undefined) await vscode.commands.executeCommand(allowed.command);
  else await vscode.commands.executeCommand(allowed.command, allowed.args);
}
