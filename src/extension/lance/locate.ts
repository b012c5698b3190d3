// What a path or URI points at: one Lance dataset, a LanceDB folder of tables, or neither.
// A folder is a dataset when it holds `_versions/`, whatever its name; LanceDB itself only finds
// `<name>.lance` folders, so dataset.ts bridges the other names with a symlink.
import * as fs from 'fs';
import * as path from 'path';
import type { DatasetLocation, TableEntry } from '../../shared/types';
import { LanceError } from './errors';

export type Located = { kind: 'dataset'; location: DatasetLocation } | { kind: 'database'; uri: string; tables: TableEntry[] };

const OBJECT_STORE = /^(s3|s3\+ddb|gs|az|abfss?|memory):\/\//i;

export function isObjectStoreUri(uri: string): boolean {
  return OBJECT_STORE.test(uri);
}

export function tableNameOf(uri: string): string {
  const base =
    uri
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? uri;
  return base.replace(/\.lance$/i, '');
}

export async function isDatasetDir(dir: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(path.join(dir, '_versions'))).isDirectory();
  } catch {
    return false;
  }
}

export async function locate(input: string): Promise<Located> {
  const trimmed = input.trim().replace(/^file:\/\//, '');
  if (isObjectStoreUri(trimmed)) {
    // Remote listings are not attempted here: a URI is taken to name one dataset.
    return { kind: 'dataset', location: { uri: trimmed.replace(/\/+$/, ''), name: tableNameOf(trimmed) } };
  }
  const abs = path.resolve(trimmed);
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(abs);
  } catch {
    throw new LanceError('not-a-dataset', `${abs} does not exist.`);
  }
  if (!st.isDirectory()) throw notADataset(abs, 'it is a file, not a folder');
  if (await isDatasetDir(abs)) return { kind: 'dataset', location: { uri: abs, name: tableNameOf(abs) } };
  const tables = await listTables(abs);
  if (tables.length) return { kind: 'database', uri: abs, tables };
  throw notADataset(abs, 'it holds no _versions/ folder and no tables');
}

/** Datasets directly inside a folder (a LanceDB database), sorted by name. */
export async function listTables(dir: string): Promise<TableEntry[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: TableEntry[] = [];
  for (const e of entries) {
    if (!e.isDirectory() && !e.isSymbolicLink()) continue;
    const p = path.join(dir, e.name);
    if (await isDatasetDir(p)) out.push({ name: tableNameOf(p), uri: p });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function notADataset(p: string, why: string): LanceError {
  return new LanceError(
    'not-a-dataset',
    `${p} is not a Lance dataset (${why}). A Lance dataset is a folder (usually named <name>.lance) that holds a _versions/ folder of *.manifest files; a LanceDB database is a folder of such datasets.`,
  );
}
