// Exact byte duplicates of a binary column (e.g. the same JPEG stored twice), found by hashing each value
// while streaming that one column. A re-encoded copy has other bytes and is not found here: that is the
// near-duplicate signal's job (curation.ts). SHA-1 is used for speed; two different images with the same
// SHA-1 are not a practical concern for a curation hint.
import * as crypto from 'crypto';
import type { Table } from './engine';
import { quoteIdent } from './columns';
import { LanceError } from './errors';
import { streamBatches, throwIfAborted } from './stream';

export interface ByteDuplicateGroup {
  /** Row ids with identical bytes, ascending. */
  rowIds: bigint[];
  /** Size of the value in bytes, and its SHA-1 (hex). */
  bytes: number;
  sha1: string;
}

export interface ByteDuplicateResult {
  /** Largest groups first (then by size of the value). */
  groups: ByteDuplicateGroup[];
  rowsRead: number;
  /** Null or empty values, not counted as duplicates of each other. */
  skipped: number;
}

/** 256 rows of ~120 KB images are ~30 MB a batch (columnStats uses the same size for binaries). */
const BATCH_ROWS = 256;
/**
 * Rows per query. One scan of the whole column reads ahead as far as the engine's I/O buffer allows: on
 * the 50,000-row replica (120 KB JPEGs) the host's RSS rose to 2.75 GB within 15,000 rows. A query per
 * chunk (offset + limit: the engine seeks to the offset) bounds the read-ahead to the chunk: 256-row
 * chunks peaked at 581 MB over the same rows (1,024-row chunks at 903 MB), and were no slower.
 */
const CHUNK_ROWS = BATCH_ROWS;

export async function byteDuplicates(
  table: Table,
  column: string,
  opts: { signal?: AbortSignal; progress?: (done: number, total: number) => void; timeoutMs?: number } = {},
): Promise<ByteDuplicateResult> {
  const total = await table.countRows();
  throwIfAborted(opts.signal);
  // Keyed by the digest (base64: 28 characters) plus the length.
  const seen = new Map<string, bigint[]>();
  let rowsRead = 0;
  let skipped = 0;
  for (let offset = 0; offset < total; offset += CHUNK_ROWS) {
    const q = table
      .query()
      .select({ [column]: quoteIdent(column) })
      .withRowId()
      .offset(offset)
      .limit(CHUNK_ROWS);
    for await (const batch of streamBatches(q, { maxBatchLength: BATCH_ROWS, signal: opts.signal, timeoutMs: opts.timeoutMs })) {
      const values = batch.getChild(column);
      const ids = batch.getChild('_rowid');
      if (!values || !ids) throw new LanceError('internal', `Column ${column} was not returned by the engine.`);
      for (let r = 0; r < batch.numRows; r++) {
        const v = values.get(r) as Uint8Array | null;
        if (!(v instanceof Uint8Array) || v.length === 0) {
          skipped++;
          continue;
        }
        const key = crypto.createHash('sha1').update(v).digest('base64') + v.length;
        const list = seen.get(key);
        const id = BigInt(ids.get(r) as bigint);
        if (list) list.push(id);
        else seen.set(key, [id]);
      }
      rowsRead += batch.numRows;
      opts.progress?.(rowsRead, total);
    }
  }
  const groups: ByteDuplicateGroup[] = [];
  for (const [key, rowIds] of seen) {
    if (rowIds.length < 2) continue;
    const sha1 = Buffer.from(key.slice(0, 28), 'base64').toString('hex');
    groups.push({ rowIds: rowIds.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), bytes: Number(key.slice(28)), sha1 });
  }
  groups.sort((a, b) => b.rowIds.length - a.rowIds.length || b.bytes - a.bytes || (a.rowIds[0] < b.rowIds[0] ? -1 : 1));
  return { groups, rowsRead, skipped };
}
