// Commands of the palette (category "Lance") that act on the active dataset panel. Each asks for what
// it needs with quick picks and input boxes, so everything the panel does can be done from the keyboard.
// They use ignoreFocusOut: after the palette closes, VS Code hands focus back to the dataset webview
// asynchronously, and that late focus would otherwise close a picker that opened meanwhile.
import * as vscode from 'vscode';
import { labelColumnOf } from '../../shared/labelColumn';
import { KEY_COLUMN } from '../../shared/rowKey';
import { conditionFor, quoteIdent } from '../../shared/sql';
import type { Cell } from '../../shared/types';
import { toErrorInfo } from '../lance/errors';
import { DatasetPanel } from '../panel/datasetPanel';
import type { PreviewProvider } from '../preview/previewProvider';
import { confirmCreateTag } from './tagCommands';
import { wholeRowJson } from './rowJsonText';

/** The panel a command acts on; offers to open a dataset when there is none. */
export async function activePanel(): Promise<DatasetPanel | undefined> {
  const p = DatasetPanel.current;
  if (p) return p;
  const open = await vscode.window.showInformationMessage('Open a Lance dataset first.', 'Open Dataset…');
  if (open) await vscode.commands.executeCommand('lanceInspector.openDataset');
  return undefined;
}

function reportError(what: string, err: unknown): void {
  const info = toErrorInfo(err);
  void vscode.window.showErrorMessage(`${what}: ${info.message}${info.detail ? ` (${info.detail})` : ''}`);
}

export function registerPaletteCommands(context: vscode.ExtensionContext, preview: PreviewProvider): void {
  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(`lanceInspector.${id}`, fn));

  reg('filterRows', async () => {
    const p = await activePanel();
    if (!p) return;
    const filter = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `Filter ${p.state.location.name}`,
      prompt: 'A SQL WHERE expression over the whole table (empty: no filter)',
      value: p.view.filter ?? '',
      placeHolder: "label_name = 'golden_retriever' AND label < 100",
    });
    if (filter === undefined) return;
    // Checked here first, so a typo gets its message next to what was typed.
    try {
      await (await p.session()).dataset.count(filter);
    } catch (err) {
      return reportError('The filter was not applied', err);
    }
    p.uiAction({ action: 'setFilter', filter: filter.trim() });
  });

  reg('filterByClass', async () => {
    const p = await activePanel();
    if (!p) return;
    try {
      const session = await p.session();
      const d = await session.describe();
      // The same label column as the Schema tab's class list and the Similar tab's "same label".
      const label = labelColumnOf(d.schema);
      if (!label)
        return void vscode.window.showInformationMessage('This dataset has no label column to filter by (a text column such as label_name or class, or an int column label).');
      const col = label.field;
      const condition = (v: Cell) => conditionFor(col.name, v, col.type) ?? `${quoteIdent(col.name)} IS NULL`;
      let items: (vscode.QuickPickItem & { filter: string })[];
      if (label.mode === 'index' && d.classNames?.length) {
        // Rows name their class by position in lance:class_names.
        items = d.classNames.map((n, i) => ({ label: n, description: `${col.name} = ${i}`, filter: condition(i) }));
      } else {
        const values = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Counting ${col.name} values` }, () =>
          session.dataset.distinct(col.name, 5000),
        );
        items = values.map((v) => ({ label: String(v.value), description: `${v.count.toLocaleString('en-US')} rows`, filter: condition(v.exact ?? v.value) }));
      }
      const pick = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: 'Filter by class', placeHolder: `${items.length} classes`, matchOnDescription: true });
      if (pick) p.uiAction({ action: 'setFilter', filter: pick.filter });
    } catch (err) {
      reportError('Could not list the classes', err);
    }
  });

  reg('goToRow', async () => {
    const p = await activePanel();
    if (!p) return;
    const n = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'Go to row',
      prompt: 'Row number (0-based) in the current filter',
      validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'A whole number, 0 or more.'),
    });
    if (n !== undefined) p.uiAction({ action: 'goToRow', index: Number(n.trim()) });
  });

  reg('findSimilarToRow', async () => {
    const p = await activePanel();
    if (!p) return;
    try {
      const session = await p.session();
      const d = await session.describe();
      if (!d.schema.some((f) => f.kind === 'vector')) return void vscode.window.showInformationMessage('This dataset has no vector column to search.');
      const key = d.schema.find((f) => KEY_COLUMN.test(f.name) && (f.kind === 'int' || f.kind === 'string'));
      const input = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: 'Find similar to row',
        prompt: key ? `The row's ${key.name}, or #N for the row at position N` : 'The row at position N (0-based)',
        value: p.view.selectedRowId && p.selectedIndex !== undefined ? `#${p.selectedIndex}` : '',
      });
      if (!input?.trim()) return;
      const text = input.trim();
      let rowId: string | undefined;
      if (text.startsWith('#') || !key) rowId = await session.dataset.rowIdAt(Number(text.replace(/^#/, '')), p.view.filter, p.view.sort, p.view.rowSet?.id);
      else rowId = await session.dataset.rowIdForKey(key.name, key.kind === 'int' && /^-?\d+$/.test(text.trim()) ? { t: 'i64', v: text.trim() } : text);
      if (!rowId) return void vscode.window.showErrorMessage(`No row ${text}.`);
      p.uiAction({ action: 'findSimilar', rowId });
    } catch (err) {
      reportError('Find similar failed', err);
    }
  });

  // Called by the webviews (row context menu, preview button) with the row id.
  reg('findSimilar', async (arg?: { rowId?: string }) => {
    const p = DatasetPanel.current;
    if (p && arg?.rowId) p.uiAction({ action: 'findSimilar', rowId: arg.rowId });
    else await vscode.commands.executeCommand('lanceInspector.findSimilarToRow');
  });

  reg('selectRelative', async (arg?: { delta?: number }) => {
    DatasetPanel.current?.uiAction({ action: 'selectRelative', delta: arg?.delta ?? 1 });
  });

  reg('showPreview', async () => {
    await preview.reveal();
  });

  for (const [id, tab] of [
    ['showSchema', 'schema'],
    ['showVersions', 'versions'],
    ['showIndices', 'indices'],
    ['showEmbeddingMap', 'map'],
    ['showCuration', 'curation'],
  ] as const) {
    reg(id, async () => (await activePanel())?.uiAction({ action: 'showTab', tab }));
  }

  reg('browseVersion', async () => {
    const p = await activePanel();
    if (!p) return;
    try {
      const pick = await pickVersion(p, 'Browse a version or tag (read-only)', true);
      if (!pick) return;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Opening ${pick.label}` }, () => p.browse(pick.version, pick.tag));
    } catch (err) {
      reportError('Could not open that version', err);
    }
  });

  reg('compareVersions', async () => {
    const p = await activePanel();
    if (!p) return;
    try {
      const from = await pickVersion(p, 'Compare: the older version', false);
      if (!from?.version) return;
      const to = await pickVersion(p, `Compare version ${from.version} with…`, false);
      if (!to?.version) return;
      p.uiAction({ action: 'compare', from: Math.min(from.version, to.version), to: Math.max(from.version, to.version) });
    } catch (err) {
      reportError('Could not compare', err);
    }
  });

  reg('createTag', async () => {
    const p = await activePanel();
    if (!p) return;
    try {
      const v = await pickVersion(p, 'Create a tag on which version?', false);
      if (v?.version !== undefined && (await confirmCreateTag(p.state.location, v.version))) p.event('reset', {});
    } catch (err) {
      reportError('Could not create the tag', err);
    }
  });

  reg('copyRowAsJson', async () => {
    const p = await activePanel();
    if (!p) return;
    const rowId = p.view.selectedRowId;
    if (!rowId) return void vscode.window.showInformationMessage('Select a row in the Rows tab first.');
    try {
      const session = await p.session();
      await vscode.env.clipboard.writeText(await wholeRowJson(session.dataset, rowId));
      vscode.window.setStatusBarMessage('Row copied as JSON', 3000);
    } catch (err) {
      reportError('Could not copy the row', err);
    }
  });
}

interface VersionPick extends vscode.QuickPickItem {
  version?: number;
  tag?: string;
}

/** A quick pick of versions (newest first) and, optionally, tags. */
async function pickVersion(p: DatasetPanel, title: string, withTags: boolean): Promise<VersionPick | undefined> {
  const session = await p.session();
  const page = await session.dataset.versions(0, 1000);
  const items: VersionPick[] = [];
  if (withTags) {
    items.push({ label: 'Latest', description: `version ${page.latest}`, version: undefined, tag: undefined });
    const tags = page.versions.flatMap((v) => v.tags.map((t) => ({ t, v: v.version })));
    if (tags.length) {
      items.push({ label: 'Tags', kind: vscode.QuickPickItemKind.Separator });
      for (const { t, v } of tags) items.push({ label: `$(tag) ${t}`, description: `version ${v}`, tag: t });
    }
    items.push({ label: 'Versions', kind: vscode.QuickPickItemKind.Separator });
  }
  for (const v of page.versions) {
    items.push({
      label: `Version ${v.version}`,
      description: [
        v.timestamp ? new Date(v.timestamp).toLocaleString() : undefined,
        v.rows !== undefined ? `${v.rows.toLocaleString('en-US')} rows` : undefined,
        ...v.tags.map((t) => `tag ${t}`),
      ]
        .filter(Boolean)
        .join(' · '),
      version: v.version,
    });
  }
  if (page.total > page.versions.length) items.push({ label: `… ${page.total - page.versions.length} older versions not listed`, kind: vscode.QuickPickItemKind.Separator });
  return vscode.window.showQuickPick(items, { ignoreFocusOut: true, title, matchOnDescription: true });
}
