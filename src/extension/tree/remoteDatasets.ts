// The object-store datasets and LanceDB folders the user opened, remembered per workspace
// (workspaceState: nothing is written to the workspace's files) for the Datasets tree's "Remote" group.
import type * as vscode from 'vscode';

export interface RemoteEntry {
  uri: string;
  /** A LanceDB folder prefix expands to its tables; a dataset opens. */
  kind: 'dataset' | 'database';
}

const KEY = 'lanceInspector.remoteDatasets';
/** The most remembered; the oldest go first (the list is for coming back, not a catalogue). */
const MAX = 50;

export class RemoteDatasets {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly memento: vscode.Memento) {}

  onDidChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  list(): RemoteEntry[] {
    return this.memento.get<RemoteEntry[]>(KEY, []);
  }

  /** Remembers `uri`, most recent first; a dataset already listed under a remembered folder is not added again. */
  async add(entry: RemoteEntry): Promise<void> {
    const uri = entry.uri.replace(/\/+$/, '');
    const others = this.list().filter((e) => e.uri !== uri);
    if (entry.kind === 'dataset' && others.some((e) => e.kind === 'database' && uri.startsWith(`${e.uri}/`))) return;
    await this.memento.update(KEY, [{ uri, kind: entry.kind }, ...others].slice(0, MAX));
    this.changed();
  }

  async remove(uri: string): Promise<void> {
    await this.memento.update(
      KEY,
      this.list().filter((e) => e.uri !== uri),
    );
    this.changed();
  }
}
