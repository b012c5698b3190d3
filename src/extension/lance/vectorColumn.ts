// Reading one vector column whole (or a seeded sample of it), streamed and column-only, with each row's
// row id: the input of the embedding map and of the curation signals. Only the vector column (and, when
// asked, one label column) crosses from Rust, so an image dataset's bytes are never read here.
//
// Rows whose vector is null or holds a non-finite value are skipped and counted: one NaN would turn a
// covariance, and every distance to that row, into NaN.
import { mulberry32 } from '../../shared/random';
import { DataType, Type, Vector } from 'apache-arrow';
import type { Table } from './engine';
import { quoteIdent } from './columns';
import { LanceError } from './errors';
import { streamBatches, throwIfAborted } from './stream';

export interface ReadVectorsOptions {
  /** At most this many rows: a larger table gives a seeded uniform sample of exactly this many. */
  limit?: number;
  /** Seed of the sample (default 1): the same seed and version give the same rows. */
  seed?: number;
  /** A column read along with the vectors (in the same scan), e.g. the label for label-error scores. */
  labelColumn?: string;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  timeoutMs?: number;
}

export interface LabelCodes {
  /** Per kept row, an index into `values`; -1 for null. */
  codes: Int32Array;
  /** Each distinct value as text, in order of first appearance. */
  values: string[];
}

export interface VectorSet {
  column: string;
  dim: number;
  /** Rows kept (= rowIds.length). */
  count: number;
  /** Row-major, count × dim. */
  vectors: Float32Array;
  rowIds: BigUint64Array;
  labels?: LabelCodes;
  /** Rows of the table when read, and whether `count` is a sample of them. */
  totalRows: number;
  sampled: boolean;
  /** Rows read but left out: null vector or a NaN/±Infinity in it. */
  skipped: number;
}

/** 4,096 rows of 512 float32 are 8 MB a batch: few engine round trips, bounded memory. */
const BATCH_ROWS = 4096;

export async function readVectors(table: Table, column: string, opts: ReadVectorsOptions = {}): Promise<VectorSet> {
  const totalRows = await table.countRows();
  throwIfAborted(opts.signal);
  const limit = Math.max(1, Math.floor(opts.limit ?? Infinity));
  const keep = totalRows > limit ? samplePositions(totalRows, limit, opts.seed ?? 1) : undefined;
  const capacity = keep ? limit : totalRows;
  const cols = [column, ...(opts.labelColumn ? [opts.labelColumn] : [])];
  // Bare names when they need no quoting: a projection by expression is planned fastest (see lance-node-facts).
  const q = table
    .query()
    .select(Object.fromEntries(cols.map((c) => [c, quoteIdent(c)])))
    .withRowId();

  let dim = 0;
  let vectors = new Float32Array(0);
  const rowIds = new BigUint64Array(capacity);
  const codes = opts.labelColumn ? new Int32Array(capacity) : undefined;
  const labelIndex = new Map<string, number>();
  const values: string[] = [];
  let count = 0;
  let position = 0;
  let skipped = 0;
  for await (const batch of streamBatches(q, { maxBatchLength: BATCH_ROWS, signal: opts.signal, timeoutMs: opts.timeoutMs })) {
    const vec = batch.getChild(column);
    const ids = batch.getChild('_rowid');
    const lab = opts.labelColumn ? batch.getChild(opts.labelColumn) : undefined;
    if (!vec || !ids) throw new LanceError('internal', `Column ${column} was not returned by the engine.`);
    if (!dim) {
      dim = vectorDim(vec, column);
      vectors = new Float32Array(capacity * dim);
    }
    for (let r = 0; r < batch.numRows; r++, position++) {
      if (keep && !keep.has(position)) continue;
      // Rows appended after the count (a table following the latest version) would not fit: the map
      // is of the rows counted.
      if (count >= capacity) break;
      if (!copyVector(vec, r, dim, vectors, count * dim)) {
        skipped++;
        continue;
      }
      rowIds[count] = BigInt(ids.get(r) as bigint);
      if (codes && lab) codes[count] = labelCode(lab.get(r), labelIndex, values);
      count++;
    }
    opts.progress?.(position, totalRows);
  }
  return {
    column,
    dim,
    count,
    vectors: vectors.subarray(0, count * dim),
    rowIds: rowIds.subarray(0, count),
    ...(codes ? { labels: { codes: codes.subarray(0, count), values } } : {}),
    totalRows,
    sampled: !!keep,
    skipped,
  };
}

function vectorDim(vec: Vector, column: string): number {
  if ((vec.type as DataType).typeId !== Type.FixedSizeList) throw new LanceError('unsupported-type', `Column ${column} is not a vector (fixed-size list) column.`);
  return (vec.type as { listSize: number }).listSize;
}

/** Copies row r's vector into out[at..]; false when it is null or not finite. */
function copyVector(vec: Vector, r: number, dim: number, out: Float32Array, at: number): boolean {
  if (!vec.isValid(r)) return false;
  const item = vec.get(r) as Vector | null;
  if (!item) return false;
  // A Float32 child is a view of the batch's buffer: copy it in one go; Float16/Float64 go value by value.
  const arr = item.toArray() as ArrayLike<number>;
  if (arr instanceof Float32Array && arr.length === dim) out.set(arr, at);
  else for (let i = 0; i < dim; i++) out[at + i] = Number(arr[i]);
  for (let i = at; i < at + dim; i++) if (!Number.isFinite(out[i])) return false;
  return true;
}

function labelCode(v: unknown, index: Map<string, number>, values: string[]): number {
  if (v === null || v === undefined) return -1;
  const key = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  let code = index.get(key);
  if (code === undefined) {
    code = values.length;
    values.push(key);
    index.set(key, code);
  }
  return code;
}

/** `m` distinct positions of 0..n-1, uniform, from a seed (Floyd's algorithm: O(m), no n-sized array). */
export function samplePositions(n: number, m: number, seed: number): Set<number> {
  const rng = mulberry32(seed);
  const out = new Set<number>();
  for (let j = n - m; j < n; j++) {
    const t = Math.floor(rng() * (j + 1));
    out.add(out.has(t) ? j : t);
  }
  return out;
}

/**
 * The values of one column for the rows `rowIds` (a VectorSet's, in its order), as label codes: a scan of
 * that column and the row ids only. How the curation signals change label column without a new neighbour
 * search (the neighbour lists refer to positions in `rowIds`).
 */
export async function readLabelCodes(
  table: Table,
  column: string,
  rowIds: BigUint64Array,
  opts: Pick<ReadVectorsOptions, 'signal' | 'progress' | 'timeoutMs'> = {},
): Promise<LabelCodes> {
  const position = new Map<bigint, number>();
  rowIds.forEach((id, i) => position.set(id, i));
  const codes = new Int32Array(rowIds.length).fill(-1);
  const index = new Map<string, number>();
  const values: string[] = [];
  const total = await table.countRows();
  const q = table
    .query()
    .select({ [column]: quoteIdent(column) })
    .withRowId();
  let done = 0;
  for await (const batch of streamBatches(q, { maxBatchLength: 65_536, signal: opts.signal, timeoutMs: opts.timeoutMs })) {
    const lab = batch.getChild(column);
    const ids = batch.getChild('_rowid');
    if (!lab || !ids) throw new LanceError('internal', `Column ${column} was not returned by the engine.`);
    for (let r = 0; r < batch.numRows; r++) {
      const p = position.get(BigInt(ids.get(r) as bigint));
      if (p !== undefined) codes[p] = labelCode(lab.get(r), index, values);
    }
    done += batch.numRows;
    opts.progress?.(done, total);
  }
  return { codes, values };
}
