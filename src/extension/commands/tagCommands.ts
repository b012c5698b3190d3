// Creating and deleting tags: the only writes of inspection, so each says what it writes and asks first.
// They take the dataset's location, not a panel: the panel and the palette both call them, and the
// panel's module importing this one is then the only direction of import.
import * as vscode from 'vscode';
import type { DatasetLocation } from '../../shared/types';
import { createTag, deleteTag, validateTagName } from '../lance/tags';
import { toErrorInfo } from '../lance/errors';
import { storageOptionsFor } from '../objectStoreOptions';
import { requireWorkspaceTrust } from './workspaceTrust';

export async function confirmCreateTag(location: DatasetLocation, version: number, name?: string): Promise<boolean> {
  if (!requireWorkspaceTrust('Creating a tag writes to the dataset')) return false;
  const tagName =
    name ??
    (await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `Create a tag on version ${version}`,
      prompt: `A tag pins version ${version} of ${location.name} under a name.`,
      placeHolder: 'e.g. baseline-2026-11',
      validateInput: (v) => validateTagName(v.trim()),
    }));
  if (!tagName) return false;
  const ok = await vscode.window.showWarningMessage(
    `Create tag "${tagName.trim()}" on version ${version}?`,
    { modal: true, detail: `This writes to the dataset at ${location.uri} (a file under _refs/tags/). Nothing else changes.` },
    'Create Tag',
  );
  if (ok !== 'Create Tag') return false;
  let outcome: 'created' | 'existed';
  try {
    outcome = await createTag(location, tagName.trim(), version, await storageOptionsFor(location.uri));
  } catch (err) {
    const e = toErrorInfo(err);
    void vscode.window.showErrorMessage(`Could not create the tag: ${e.message} ${e.detail ?? ''}`);
    return false;
  }
  void vscode.window.showInformationMessage(
    outcome === 'existed'
      ? `Tag "${tagName.trim()}" already pointed at version ${version}; nothing was written.`
      : `Tag "${tagName.trim()}" now points at version ${version} (written to ${location.uri}).`,
  );
  return true;
}

export async function confirmDeleteTag(location: DatasetLocation, name: string): Promise<boolean> {
  if (!requireWorkspaceTrust('Deleting a tag writes to the dataset')) return false;
  const ok = await vscode.window.showWarningMessage(
    `Delete tag "${name}"?`,
    { modal: true, detail: `This writes to the dataset at ${location.uri}. The version it points at stays; only the name goes.` },
    'Delete Tag',
  );
  if (ok !== 'Delete Tag') return false;
  try {
    await deleteTag(location, name, await storageOptionsFor(location.uri));
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not delete the tag: ${toErrorInfo(err).message}`);
    return false;
  }
  return true;
}
