// The one place that loads @lancedb/lancedb. Loading is lazy (the native module is large and an
// extension should activate fast) and sets LANCEDB_LOG first: the module reads it once, at load,
// and otherwise writes WARN lines to stderr.
import type * as LanceDB from '@lancedb/lancedb';

export type Lance = typeof LanceDB;
export type Table = LanceDB.Table;
export type Connection = LanceDB.Connection;

let loaded: Lance | undefined;

export function lance(): Lance {
  if (!loaded) {
    process.env.LANCEDB_LOG ??= 'error';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, after LANCEDB_LOG is set
    loaded = require('@lancedb/lancedb') as Lance;
  }
  return loaded;
}
