// What a path or URI points at: one Lance dataset, a LanceDB folder of tables, or neither.
// A folder is a dataset when it holds `_versions/`, whatever its name; LanceDB itself only finds
// `<name>.lance` folders, so dataset.ts bridges the other names with a symlink.
import * as fs from 'fs';
import * as path from 'path';
import type { DatasetLocation, TableEntry } from '../../shared/types';
import { isObjectStoreUri } from '../../shared/objectStoreUri';
import { LanceError } from './errors';
import { listS3Folders } from './s3List';

export type Located = { kind: 'dataset'; location: DatasetLocation } | { kind: 'database'; uri: string; tables: TableEntry[] };

export { isObjectStoreUri };

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

export async function locate(input: string, storageOptions?: Record<string, string>, timeoutMs?: number): Promise<Located> {
  const trimmed = input.trim().replace(/^file:\/\//, '');
  if (isObjectStoreUri(trimmed)) return locateRemote(trimmed.replace(/\/+$/, ''), storageOptions, timeoutMs);
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

/**
 * An s3:// URI ending in .lance names a dataset (no request). Another s3:// prefix is listed one level
 * deep (one request; see s3List.ts for why not the engine): its `*.lance` folders are its tables, and a
 * prefix holding `_versions/` is itself a dataset. Other stores (gs://, az://) are taken to name one
 * dataset, as before: listing them needs their own signing, not written yet.
 */
async function locateRemote(uri: string, storageOptions?: Record<string, string>, timeoutMs?: number): Promise<Located> {
  const dataset: Located = { kind: 'dataset', location: { uri, name: tableNameOf(uri) } };
  if (/\.lance$/i.test(uri) || !/^s3:\/\//i.test(uri)) return dataset;
  const folders = await listS3Folders(uri, storageOptions, timeoutMs);
  if (folders.includes('_versions')) return dataset;
  const tables = folders.filter((f) => /\.lance$/i.test(f)).map((f) => ({ name: tableNameOf(f), uri: `${uri}/${f}` }));
  if (tables.length) return { kind: 'database', uri, tables: tables.sort((a, b) => a.name.localeCompare(b.name)) };
  throw notADataset(uri, 'it holds no _versions/ folder and no <name>.lance tables');
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
