// The "Datasets" tree in the Lance activity-bar container: every dataset in the workspace (any folder
// holding _versions/, whatever its name; a LanceDB folder shows its tables under it), each expandable
// into columns, versions, tags and indices. Details load when a dataset is expanded, not before.
// A "Remote" group lists the object-store datasets and LanceDB folders the user opened (per workspace).
import * as path from 'path';
import * as vscode from 'vscode';
import type { DatasetDescription, SchemaField, VersionsPage } from '../../shared/types';
import { LanceDataset } from '../lance/dataset';
import { toErrorInfo } from '../lance/errors';
import { isObjectStoreUri, locate, tableNameOf } from '../lance/locate';
import { describeStop, searchWorkspaceDatasets } from '../discovery';
import { storageOptionsFor } from '../objectStoreOptions';
import { readSettings } from '../settings';
import type { RemoteDatasets } from './remoteDatasets';

type Node =
  | { kind: 'database'; dir: string; tables: string[] }
  | { kind: 'dataset'; dir: string; inDatabase?: boolean; remembered?: boolean }
  | { kind: 'remote' }
  | { kind: 'remoteDatabase'; uri: string }
  | { kind: 'group'; dir: string; group: 'columns' | 'versions' | 'tags' | 'indices'; count: number }
  | { kind: 'field'; dir: string; field: SchemaField }
  | { kind: 'version'; dir: string; version: number; label: string; detail: string }
  | { kind: 'tag'; dir: string; tag: string; version: number }
  | { kind: 'index'; dir: string; label: string; detail: string }
  | { kind: 'message'; text: string; error?: boolean };

interface Details {
  d: DatasetDescription;
  versions: VersionsPage;
}

const VERSIONS_SHOWN = 50;

export class DatasetsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly details = new Map<string, Promise<Details>>();

  constructor(private readonly remote?: RemoteDatasets) {
    remote?.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.details.clear();
    this.changed.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'database':
        return node.tables.map((dir) => ({ kind: 'dataset', dir, inDatabase: true }));
      case 'remote':
        return (this.remote?.list() ?? []).map((e): Node => (e.kind === 'database' ? { kind: 'remoteDatabase', uri: e.uri } : { kind: 'dataset', dir: e.uri, remembered: true }));
      case 'remoteDatabase':
        return this.remoteTables(node.uri);
      case 'dataset': {
        const det = await this.load(node.dir).catch((err) => err as Error);
        if (det instanceof Error) return [{ kind: 'message', text: toErrorInfo(det).message, error: true }];
        if (det.d.rowsError) return [{ kind: 'message', text: det.d.rowsError.message, error: true }, ...groups(node.dir, det)];
        return groups(node.dir, det);
      }
      case 'group':
        return this.groupChildren(node);
      case 'field':
        return node.field.children.map((field) => ({ kind: 'field', dir: node.dir, field }));
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'database': {
        const item = new vscode.TreeItem(path.basename(node.dir), C.Expanded);
        item.description = `${node.tables.length} tables`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.tooltip = node.dir;
        item.contextValue = 'lanceDatabase';
        return item;
      }
      case 'remote': {
        const item = new vscode.TreeItem('Remote', C.Expanded);
        item.iconPath = new vscode.ThemeIcon('cloud');
        item.description = `${this.remote?.list().length ?? 0} opened`;
        item.tooltip = 'Object-store datasets and LanceDB folders opened in this workspace (remembered per workspace; Remove forgets one)';
        return item;
      }
      case 'remoteDatabase': {
        const item = new vscode.TreeItem(tableNameOf(node.uri) || node.uri, C.Collapsed);
        item.description = node.uri;
        item.iconPath = new vscode.ThemeIcon('database');
        item.tooltip = `LanceDB folder ${node.uri}: expand to list its tables`;
        item.contextValue = 'lanceRemoteDatabase';
        return item;
      }
      case 'dataset': {
        const item = new vscode.TreeItem(tableNameOf(node.dir), C.Collapsed);
        if (isObjectStoreUri(node.dir)) {
          item.description = node.inDatabase ? '' : node.dir.slice(0, node.dir.lastIndexOf('/'));
          item.iconPath = new vscode.ThemeIcon('table');
          item.tooltip = node.dir;
          item.contextValue = node.remembered ? 'lanceRemoteDataset' : 'lanceDataset';
          // Opened from here: already remembered (or under a remembered folder).
          item.command = { command: 'lanceInspector.openDataset', title: 'Open', arguments: [{ dir: node.dir, remembered: true }] };
          return item;
        }
        // Where it is, relative to the workspace (asRelativePath gives a workspace folder itself as an
        // absolute path: nothing for a dataset at the root, or the folder's name in a multi-root workspace).
        const parent = path.dirname(node.dir);
        const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.fsPath === parent);
        // Under its database node the folder is already said; elsewhere, where it is.
        if (node.inDatabase) item.description = '';
        else item.description = root ? ((vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? root.name : '') : vscode.workspace.asRelativePath(parent);
        item.iconPath = new vscode.ThemeIcon('table');
        item.tooltip = node.dir;
        item.contextValue = 'lanceDataset';
        item.resourceUri = vscode.Uri.file(node.dir);
        item.command = { command: 'lanceInspector.openDataset', title: 'Open', arguments: [node.dir] };
        return item;
      }
      case 'group': {
        const label = { columns: 'Columns', versions: 'Versions', tags: 'Tags', indices: 'Indices' }[node.group];
        const item = new vscode.TreeItem(label, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon({ columns: 'symbol-field', versions: 'history', tags: 'tag', indices: 'list-tree' }[node.group]);
        item.description = String(node.count);
        return item;
      }
      case 'field': {
        const f = node.field;
        const item = new vscode.TreeItem(f.name, f.children.length ? C.Collapsed : C.None);
        item.description = `${f.type}${f.nullable ? '' : ' · not null'}${f.indices?.length ? ' · ' + f.indices.map((i) => i.type).join(', ') : ''}`;
        item.iconPath = new vscode.ThemeIcon(f.kind === 'vector' ? 'symbol-array' : f.kind === 'binary' ? 'file-media' : f.kind === 'struct' ? 'symbol-structure' : 'symbol-field');
        return item;
      }
      case 'version': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon('git-commit');
        item.command = { command: 'lanceInspector.openVersion', title: 'Browse', arguments: [{ uri: node.dir, version: node.version }] };
        item.tooltip = `Browse version ${node.version} (read-only)`;
        return item;
      }
      case 'tag': {
        const item = new vscode.TreeItem(node.tag, C.None);
        item.description = `version ${node.version}`;
        item.iconPath = new vscode.ThemeIcon('tag');
        item.command = { command: 'lanceInspector.openVersion', title: 'Browse', arguments: [{ uri: node.dir, tag: node.tag }] };
        return item;
      }
      case 'index': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon('symbol-key');
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, C.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'warning' : 'info');
        item.tooltip = node.text;
        return item;
      }
    }
  }

  private async roots(): Promise<Node[]> {
    const remote: Node[] = this.remote?.list().length ? [{ kind: 'remote' }] : [];
    const search = await searchWorkspaceDatasets();
    const dirs = search.datasets;
    // The search is bounded (depth, time, folders): when it stopped early, the tree says so last.
    const stopped = describeStop(search);
    const note: Node[] = stopped && search.stoppedBy !== 'aborted' ? [{ kind: 'message', text: `${stopped} Lance: Open Dataset… opens any folder.` }] : [];
    if (!dirs.length) return [{ kind: 'message', text: 'No Lance datasets in this workspace (a dataset is a folder holding _versions/).' }, ...note, ...remote];
    // Folders holding two or more datasets are LanceDB databases: their tables go under them.
    const byParent = new Map<string, string[]>();
    for (const d of dirs) byParent.set(path.dirname(d), [...(byParent.get(path.dirname(d)) ?? []), d]);
    const out: Node[] = [];
    for (const [parent, tables] of [...byParent.entries()].sort()) {
      if (tables.length > 1) out.push({ kind: 'database', dir: parent, tables });
      else out.push({ kind: 'dataset', dir: tables[0] });
    }
    return [...out, ...note, ...remote];
  }

  /** A remembered LanceDB folder's tables, listed when it is expanded (one listing request on S3). */
  private async remoteTables(uri: string): Promise<Node[]> {
    try {
      const found = await locate(uri, await storageOptionsFor(uri), readSettings().queryTimeoutSeconds * 1000);
      if (found.kind === 'dataset') return [{ kind: 'dataset', dir: found.location.uri, inDatabase: true }];
      return found.tables.map((t) => ({ kind: 'dataset', dir: t.uri, inDatabase: true }));
    } catch (err) {
      return [{ kind: 'message', text: toErrorInfo(err).message, error: true }];
    }
  }

  private load(dir: string): Promise<Details> {
    let p = this.details.get(dir);
    if (!p) {
      p = (async () => {
        const s = readSettings();
        const ds = await LanceDataset.open({ uri: dir, name: tableNameOf(dir) }, { storageOptions: await storageOptionsFor(dir), timeoutMs: s.queryTimeoutSeconds * 1000 });
        try {
          return { d: await ds.describe(), versions: await ds.versions(0, VERSIONS_SHOWN) };
        } finally {
          ds.close();
        }
      })();
      p.catch(() => this.details.delete(dir));
      this.details.set(dir, p);
    }
    return p;
  }

  private async groupChildren(node: Extract<Node, { kind: 'group' }>): Promise<Node[]> {
    const { d, versions } = await this.load(node.dir);
    switch (node.group) {
      case 'columns':
        return d.schema.map((field) => ({ kind: 'field', dir: node.dir, field }));
      case 'versions': {
        const list: Node[] = versions.versions.map((v) => ({
          kind: 'version',
          dir: node.dir,
          version: v.version,
          label: `v${v.version}${v.version === versions.latest ? ' (latest)' : ''}`,
          detail: [v.timestamp ? new Date(v.timestamp).toLocaleString() : '', v.rows !== undefined ? `${v.rows.toLocaleString('en-US')} rows` : '', ...v.tags]
            .filter(Boolean)
            .join(' · '),
        }));
        if (versions.total > versions.versions.length)
          list.push({ kind: 'message', text: `${versions.total - versions.versions.length} older versions: see the panel's Versions tab` });
        return list;
      }
      case 'tags': {
        const tags = versions.versions.flatMap((v) => v.tags.map((tag): Node => ({ kind: 'tag', dir: node.dir, tag, version: v.version })));
        return tags.length ? tags : [{ kind: 'message', text: 'No tags' }];
      }
      case 'indices':
        if (!d.indices.length) return [{ kind: 'message', text: d.indexMetadataMissing ? 'No index metadata (_indices/ holds files)' : 'No indices' }];
        return d.indices.map((i) => ({ kind: 'index', dir: node.dir, label: i.name, detail: `${i.type}${i.metric ? ' · ' + i.metric : ''} on ${i.columns.join(', ')}` }));
    }
  }
}

function groups(dir: string, det: Details): Node[] {
  return (['columns', 'versions', 'tags', 'indices'] as const).map((group) => ({ kind: 'group', dir, group, count: groupCount(det, group) }));
}

function groupCount(det: Details, group: 'columns' | 'versions' | 'tags' | 'indices'): number {
  switch (group) {
    case 'columns':
      return det.d.schema.length;
    case 'versions':
      return det.versions.total;
    case 'tags':
      return det.versions.versions.reduce((n, v) => n + v.tags.length, 0);
    case 'indices':
      return det.d.indices.length;
  }
}
