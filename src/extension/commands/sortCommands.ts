// "Lance: Sort Rows…" and "Lance: Clear Sort": the header clicks of the Rows tab from the keyboard. The
// panel does the sorting (it keeps the keys in its state); these only pick the keys and ask it.
import * as vscode from 'vscode';
import { describeSort, MAX_SORT_KEYS, unsortableReason } from '../../shared/sort';
import type { SortKey } from '../../shared/types';
import { activePanel } from './paletteCommands';

export function registerSortCommands(context: vscode.ExtensionContext): void {
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
        { ignoreFocusOut: true, title: `Sort ${p.state.location.name} by…`, placeHolder: current.length ? `Now sorted by ${describeSort(current)}` : 'A column to sort the whole table by' },
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
  );
}
