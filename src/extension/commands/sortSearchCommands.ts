// "Lance: Sort Rows…", "Lance: Clear Sort" and "Lance: Search Text…": the header clicks and the search
// box of the Rows tab from the keyboard. The panel does the work (it keeps the keys and the search in its
// state); these only pick what to do and ask it.
import * as vscode from 'vscode';
import { describeSort, MAX_SORT_KEYS, unsortableReason } from '../../shared/sort';
import { searchableColumns } from '../../shared/textSearch';
import type { SortKey } from '../../shared/types';
import { activePanel } from './paletteCommands';

export function registerSortSearchCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('lanceInspector.sortRows', async () => {
      const p = await activePanel();
      if (!p) return;
      const d = await (await p.session()).describe();
      const current = p.view.sort ?? [];
      const columns = d.schema.map((f) => ({ f, why: unsortableReason(f) }));
      const picked = await vscode.window.showQuickPick(
        columns.map(({ f, why }) => ({
          label: f.name,
          description: f.type,
          detail: why ? `$(circle-slash) ${why}` : current.some((k) => k.column === f.name) ? `Sorted now: ${describeSort(current.filter((k) => k.column === f.name))}` : undefined,
          why,
          name: f.name,
        })),
        {
          ignoreFocusOut: true,
          title: `Sort ${p.state.location.name} by…`,
          placeHolder: current.length ? `Now sorted by ${describeSort(current)}` : 'A column to sort the whole table by',
        },
      );
      if (!picked) return;
      if (picked.why) return void vscode.window.showInformationMessage(`${picked.name} cannot be sorted: ${picked.why}`);
      const others = current.filter((k) => k.column !== picked.name);
      type Choice = vscode.QuickPickItem & { keys: SortKey[] };
      const choices: Choice[] = [
        { label: '$(arrow-up) Ascending', description: 'smallest first, nulls last', keys: [{ column: picked.name }] },
        { label: '$(arrow-down) Descending', description: 'largest first, nulls last', keys: [{ column: picked.name, descending: true }] },
      ];
      if (others.length && others.length < MAX_SORT_KEYS) {
        choices.push(
          { label: `$(add) Then by ${picked.name}, ascending`, description: `after ${describeSort(others)}`, keys: [...others, { column: picked.name }] },
          { label: `$(add) Then by ${picked.name}, descending`, description: `after ${describeSort(others)}`, keys: [...others, { column: picked.name, descending: true }] },
        );
      }
      const how = await vscode.window.showQuickPick(choices, { ignoreFocusOut: true, title: `Sort by ${picked.name}` });
      if (!how) return;
      p.uiAction({ action: 'setSort', sort: how.keys });
    }),
    vscode.commands.registerCommand('lanceInspector.clearSort', async () => {
      const p = await activePanel();
      if (!p) return;
      p.uiAction({ action: 'setSort', sort: [] });
    }),
    vscode.commands.registerCommand('lanceInspector.searchText', async () => {
      const p = await activePanel();
      if (!p) return;
      const d = await (await p.session()).describe();
      const columns = searchableColumns(d.schema, d.indices);
      if (!columns.length) return void vscode.window.showInformationMessage(`${p.state.location.name} has no text column to search.`);
      let column = columns[0];
      if (columns.length > 1) {
        const picked = await vscode.window.showQuickPick(
          columns.map((c) => ({
            label: c.name,
            description: c.index ? `full-text index ${c.index}` : 'no full-text index: a substring scan of every row',
            c,
          })),
          { ignoreFocusOut: true, title: `Search text in ${p.state.location.name}: which column?` },
        );
        if (!picked) return;
        column = picked.c;
      }
      const text = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: `Search ${column.name}`,
        prompt: column.index
          ? `Words to find through the full-text index ${column.index} (best matches first; "quoted words" for a phrase). Empty: clear the search.`
          : `Text to find anywhere in ${column.name}, ignoring case (scans every row: no full-text index). Empty: clear the search.`,
        value: p.view.search?.column === column.name ? p.view.search.text : '',
      });
      if (text === undefined) return;
      p.uiAction({ action: 'setSearch', search: text.trim() ? { column: column.name, text: text.trim() } : undefined });
    }),
  );
}
