// Creating and deleting tags: the only writes of inspection, so each says what it writes and asks first.
import * as vscode from 'vscode';
import { createTag, deleteTag, validateTagName } from '../lance/tags';
import { toErrorInfo } from '../lance/errors';
import { readSettings } from '../settings';
import type { DatasetPanel } from '../panel/datasetPanel';

export async function confirmCreateTag(panel: DatasetPanel, version: number, name?: string): Promise<boolean> {
  const tagName =
    name ??
    (await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `Create a tag on version ${version}`,
      prompt: `A tag pins version ${version} of ${panel.state.location.name} under a name.`,
      placeHolder: 'e.g. baseline-2026-11',
      validateInput: (v) => validateTagName(v.trim()),
    }));
  if (!tagName) return false;
  const ok = await vscode.window.showWarningMessage(
    `Create tag "${tagName.trim()}" on version ${version}?`,
    { modal: true, detail: `This writes to the dataset at ${panel.state.location.uri} (a file under _refs/tags/). Nothing else changes.` },
    'Create Tag',
  );
  if (ok !== 'Create Tag') return false;
  try {
    await createTag(panel.state.location, tagName.trim(), version, readSettings().storageOptions);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not create the tag: ${toErrorInfo(err).message} ${toErrorInfo(err).detail ?? ''}`);
    return false;
  }
  void vscode.window.showInformationMessage(`Tag "${tagName.trim()}" now points at version ${version}.`);
  return true;
}

export async function confirmDeleteTag(panel: DatasetPanel, name: string): Promise<boolean> {
  const ok = await vscode.window.showWarningMessage(
    `Delete tag "${name}"?`,
    { modal: true, detail: `This writes to the dataset at ${panel.state.location.uri}. The version it points at stays; only the name goes.` },
    'Delete Tag',
  );
  if (ok !== 'Delete Tag') return false;
  try {
    await deleteTag(panel.state.location, name, readSettings().storageOptions);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not delete the tag: ${toErrorInfo(err).message}`);
    return false;
  }
  return true;
}
