// Write the rows a filter selects (and the chosen columns) as a NEW Lance dataset, streaming: batches
// are read from the open dataset and appended to the new one a few tens of MB at a time, so a subset
// of 50,000 images never sits in memory. The source is only read.
//
// Types survive the trip, with the workarounds lancedb's JS writer needs (see lance-node-facts.md):
//   LargeBinary / LargeUtf8  lancedb's input sanitizer rejects them, so they are read cast to
//                            Binary / Utf8 and the new column is altered back (alterColumns) right
//                            after the first write, when it rewrites one chunk rather than everything
//   LargeList<T>             arrow-js cannot decode it: read as List<T> and written as List<T>
//                            (reported in `typeChanges`; lancedb's public API cannot alter to LargeList)
// Schema metadata (e.g. lance:class_names) and field nullability/metadata are carried over by handing
// lancedb an Arrow Table with the source's schema. Indices are not copied.
//
// The destination must not exist. On cancel or failure the partial dataset is removed. It may be a local
// folder or an object-store URI (s3://bucket/path/name.lance, with its own storage options): there the
// partial dataset is dropped through the engine, and a destination that already holds a dataset is
// refused — so a retry after a failure never appends a second copy of the rows to the first.
import * as fs from 'fs';
import * as path from 'path';
import { Binary, Field, RecordBatch, Schema, Struct, Table as ArrowTable, Type, Utf8, makeData } from 'apache-arrow';
import type { LanceDataset } from './dataset';
import { quoteIdent } from './columns';
import { Connection, lance, Table } from './engine';
import { classify, LanceError } from './errors';
import { isObjectStoreUri, tableNameOf } from './locate';
import { classifyAt } from './objectStoreErrors';
import { readManifest } from './manifest';
import { batchBytes, viewBatches } from './viewBatches';
import type { SortKey, TextQuery } from '../../shared/types';

export interface SubsetOptions {
  filter?: string;
  /** Write the rows in this order (the view's sort); table order when undefined. */
  sort?: SortKey[];
  /** Write a text search's matches (relevance order) instead. */
  search?: TextQuery;
  /** Write a kept row set's rows (in its order, or the sort's; the filter applies within it) instead. */
  rowSet?: string;
  /** Columns to keep, in this order; all when undefined. */
  columns?: string[];
  /** Absolute folder path or object-store URI of the new dataset; must not exist; the name ends in `.lance`. */
  dest: string;
  /** For an object-store `dest`: its storage options (endpoint, credentials). */
  destStorageOptions?: Record<string, string>;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  /** Rows per write (each write is one fragment and one version); default: ~32 MB or 100,000 rows. */
  flushRows?: number;
}

export interface SubsetResult {
  rows: number;
  path: string;
  /** True when stopped by the signal: the partial dataset was removed. */
  cancelled: boolean;
  /** Columns written with another type than the source's (LargeList → List). */
  typeChanges: { column: string; from: string; to: string }[];
}

/** Rows per engine batch: large enough that per-batch engine overhead is small, ~25 MB of ≈100 KB images. */
const BATCH_ROWS = 256;
/**
 * One write (one fragment, one version) per this many bytes or rows, whichever comes first. Measured
 * on 50,000 rows / 760 MB: 64 MB writes peaked at 1.16 GB RSS, 16 MB at 0.88 GB (and 40 fragments).
 */
const FLUSH_BYTES = 32 * 1024 * 1024;
const FLUSH_ROWS = 100_000;

/** How one column is read and restored. */
interface ColumnWrite {
  name: string;
  /** SQL projection. */
  expr: string;
  /** Lance type to alter the written column to after the first write. */
  alterTo?: 'large_binary' | 'large_string';
  nullable?: boolean;
  metadata?: Map<string, string>;
}

export async function materializeSubset(ds: LanceDataset, opts: SubsetOptions): Promise<SubsetResult> {
  const dest = checkDest(ds, opts.dest);
  const filter = opts.filter?.trim() || undefined;
  const { columns, schemaMetadata, typeChanges } = await planColumns(ds, opts.columns);
  const storageOptions = await storageFormat(ds);
  const total = await ds.count(filter, undefined, opts.rowSet);
  const res: SubsetResult = { rows: 0, path: dest, cancelled: false, typeChanges };

  // A Map, not a record: a column named `__proto__` would set a record's prototype instead of a key (the
  // column was lost and the write failed), and a Map keeps integer-like names in order (writeSchema and
  // rebatch take the read columns by position).
  const select = new Map(columns.map((c) => [c.name, c.expr] as const));

  const name = tableNameOf(dest);
  const target = isObjectStoreUri(dest) ? remoteDest(dest, name, opts.destStorageOptions) : localDest(dest);
  const db = await target.claim();
  const removePartial = () => target.remove(db);
  let out: Table | undefined;
  let schema: Schema | undefined;
  let pending: RecordBatch[] = [];
  let pendingBytes = 0;
  let pendingRows = 0;

  const flush = async () => {
    if (!pending.length) return;
    const table = new ArrowTable(schema!, pending);
    pending = [];
    pendingBytes = pendingRows = 0;
    if (!out) {
      out = await db.createTable(name, table, { storageOptions: { ...opts.destStorageOptions, ...storageOptions } });
      await restoreLargeTypes(out, columns);
    } else await out.add(table);
  };

  try {
    for await (const batch of viewBatches(ds, { select, filter, sort: opts.sort, search: opts.search, rowSet: opts.rowSet, withRowId: false, batchRows: BATCH_ROWS })) {
      schema ??= writeSchema(batch, columns, schemaMetadata);
      pending.push(rebatch(batch, schema));
      pendingBytes += batchBytes(batch);
      pendingRows += batch.numRows;
      res.rows += batch.numRows;
      if (pendingBytes >= FLUSH_BYTES || pendingRows >= (opts.flushRows ?? FLUSH_ROWS)) await flush();
      opts.progress?.(res.rows, Math.max(total, res.rows));
      if (opts.signal?.aborted) {
        res.cancelled = true;
        break;
      }
    }
    if (!res.cancelled) {
      await flush();
      if (!out) {
        // No row matched: an empty dataset with the source's schema.
        out = await db.createEmptyTable(name, emptySchema(await sourceSchema(ds), columns, schemaMetadata), {
          storageOptions: { ...opts.destStorageOptions, ...storageOptions },
        });
        await restoreLargeTypes(out, columns);
      }
    }
  } catch (err) {
    out?.close();
    await removePartial();
    db.close();
    // The filter was already checked by the count above: an engine error here is not the filter's fault.
    throw classifyAt(err, dest, opts.destStorageOptions);
  }
  out?.close();
  if (res.cancelled) await removePartial();
  db.close();
  return res;
}

interface Destination {
  /** Makes sure nothing is there yet and returns a connection to the parent to write into. */
  claim(): Promise<Connection>;
  /** Removes what a failed or cancelled write left. */
  remove(db: Connection): Promise<void>;
}

function localDest(dest: string): Destination {
  return {
    async claim() {
      await fs.promises.mkdir(path.dirname(dest), { recursive: true });
      // Claim the folder atomically (fails if it appeared since the check): the cleanup then only ever
      // removes a folder this call created, never a dataset someone else wrote meanwhile.
      try {
        await fs.promises.mkdir(dest);
      } catch (err) {
        throw new LanceError('io', `Could not create ${dest}: ${(err as Error).message}`);
      }
      try {
        return await lance().connect(path.dirname(dest));
      } catch (err) {
        await fs.promises.rm(dest, { recursive: true, force: true });
        throw classify(err);
      }
    },
    remove: () => fs.promises.rm(dest, { recursive: true, force: true }),
  };
}

function remoteDest(dest: string, name: string, storageOptions: Record<string, string> | undefined): Destination {
  const parent = dest.slice(0, dest.lastIndexOf('/'));
  const fail = (err: unknown) => classifyAt(err, dest, storageOptions);
  return {
    async claim() {
      const db = await lance()
        .connect(parent, { storageOptions })
        .catch((err: unknown) => {
          throw fail(err);
        });
      // An object store has no atomic "create folder": a dataset already there (e.g. a failed attempt's
      // that could not be dropped) is refused rather than appended to.
      const existing = await db.openTable(name, undefined, { storageOptions }).catch(() => undefined);
      if (existing) {
        existing.close();
        db.close();
        throw new LanceError('io', `${dest} already holds a dataset; choose a new name (or remove it first).`);
      }
      return db;
    },
    async remove(db) {
      await db.dropTable(name).catch(() => undefined);
    },
  };
}

function checkDest(ds: LanceDataset, dest: string): string {
  if (isObjectStoreUri(dest)) {
    const uri = dest.replace(/\/+$/, '');
    if (!/\.lance$/i.test(uri) || tableNameOf(uri).length === 0 || !/^[a-z0-9+]+:\/\/[^/]+\/./i.test(uri))
      throw new LanceError('io', `The new dataset's URI must name a folder ending in .lance inside a bucket (got ${dest}).`);
    if (uri === ds.location.uri.replace(/\/+$/, '') || uri.startsWith(`${ds.location.uri.replace(/\/+$/, '')}/`))
      throw new LanceError('io', 'The new dataset cannot be written inside the dataset it is taken from.');
    return uri;
  }
  if (!path.isAbsolute(dest)) throw new LanceError('io', `The new dataset needs an absolute path (got ${dest}).`);
  const abs = path.resolve(dest);
  if (!/\.lance$/i.test(abs) || path.basename(abs).length <= '.lance'.length)
    throw new LanceError('io', `The new dataset's folder name must end in .lance (got ${path.basename(abs)}).`);
  if (fs.existsSync(abs)) throw new LanceError('io', `${abs} already exists; choose a new name.`);
  if (!isObjectStoreUri(ds.location.uri)) {
    const src = path.resolve(ds.location.uri);
    const rel = path.relative(src, abs);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) throw new LanceError('io', 'The new dataset cannot be written inside the dataset it is taken from.');
  }
  return abs;
}

/**
 * The file format to write: the source's when it is newer than the default 2.1 (a 2.2 dataset may hold
 * types, such as Map, that 2.1 refuses); else the default (legacy and 2.0 sources are upgraded).
 */
async function storageFormat(ds: LanceDataset): Promise<Record<string, string> | undefined> {
  if (isObjectStoreUri(ds.location.uri)) return undefined;
  const v = (await readManifest(ds.location.uri, ds.version).catch(() => undefined))?.dataFormat?.version;
  const [major, minor] = (v ?? '').split('.').map(Number);
  return major > 2 || (major === 2 && minor > 1) ? { new_table_data_storage_version: v! } : undefined;
}

/** The source's Arrow schema, or undefined when arrow-js cannot decode it (LargeList). */
async function sourceSchema(ds: LanceDataset): Promise<Schema | undefined> {
  try {
    return await ds.engineTable().schema();
  } catch (err) {
    if (classify(err).kind === 'unsupported-type') return undefined;
    throw classify(err);
  }
}

/** How each chosen column is read, whether it needs restoring, and what metadata to carry. */
async function planColumns(ds: LanceDataset, chosen: string[] | undefined) {
  const plan = await ds.columnPlan();
  const names = chosen ?? plan.names;
  const missing = names.filter((c) => !plan.names.includes(c));
  if (missing.length) throw new LanceError('not-found', `No column named ${missing.map((c) => `"${c}"`).join(', ')} in this dataset.`);
  const unreadable = names.filter((c) => plan.exprs.get(c) === null);
  if (unreadable.length) throw new LanceError('unsupported-type', `Column ${unreadable.join(', ')} cannot be read, so it cannot be copied; leave it out of the subset.`);

  const schema = await sourceSchema(ds);
  const manifest = schema || isObjectStoreUri(ds.location.uri) ? undefined : await readManifest(ds.location.uri, ds.version).catch(() => undefined);
  const typeChanges: SubsetResult['typeChanges'] = [];
  const columns = names.map((name): ColumnWrite => {
    const col = quoteIdent(name);
    const field = schema?.fields.find((f) => f.name === name);
    const lt = manifest?.fields.find((f) => f.parentId === -1 && f.name === name)?.logicalType;
    // The bare name, as selectFor() projects it (a quoted expression makes a wide projection slow to plan).
    const base = { name, expr: name, nullable: field?.nullable, metadata: field?.metadata };
    if (field?.typeId === Type.LargeBinary || lt === 'large_binary') return { ...base, expr: `arrow_cast(${col}, 'Binary')`, alterTo: 'large_binary' };
    if (field?.typeId === Type.LargeUtf8 || lt === 'large_string') return { ...base, expr: `arrow_cast(${col}, 'Utf8')`, alterTo: 'large_string' };
    if (lt?.startsWith('large_list')) {
      // The plan reads LargeList<T> as List<T> (a Decimal's plan cast to text is NOT used: decimals copy as they are).
      const expr = plan.exprs.get(name)!;
      typeChanges.push({ column: name, from: 'LargeList', to: 'List' });
      return { ...base, expr };
    }
    return base;
  });
  const schemaMetadata = schema ? new Map(schema.metadata) : new Map(Object.entries(manifest?.schemaMetadata ?? {}));
  return { columns, schemaMetadata, typeChanges };
}

/** The written schema: the types as read (after the casts), the source's nullability and metadata. */
function writeSchema(batch: RecordBatch, columns: ColumnWrite[], metadata: Map<string, string>): Schema {
  const fields = columns.map((c, j) => {
    const read = batch.schema.fields[j];
    return new Field(c.name, read.type, c.nullable ?? read.nullable, c.metadata ?? read.metadata);
  });
  return new Schema(fields, metadata);
}

/** The empty dataset's schema, when no row matched (no batch to take the read types from). */
function emptySchema(schema: Schema | undefined, columns: ColumnWrite[], metadata: Map<string, string>): Schema {
  if (!schema) throw new LanceError('unsupported-type', "No row matched, and this dataset's schema cannot be decoded to create an empty copy.");
  const fields = columns.map((c) => {
    const f = schema.fields.find((x) => x.name === c.name)!;
    return c.alterTo ? new Field(f.name, c.alterTo === 'large_binary' ? new Binary() : new Utf8(), f.nullable, f.metadata) : f;
  });
  return new Schema(fields, metadata);
}

/** The batch's columns under the write schema (same data, no copy). */
function rebatch(batch: RecordBatch, schema: Schema): RecordBatch {
  const children = schema.fields.map((_, j) => batch.data.children[j]);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, children, nullCount: 0 }));
}

async function restoreLargeTypes(table: Table, columns: ColumnWrite[]): Promise<void> {
  const alters = columns.filter((c) => c.alterTo).map((c) => ({ path: c.name, dataType: c.alterTo! }));
  if (alters.length) await table.alterColumns(alters);
}
