// The row order of a sorted view, computed once and kept, so that every page of it (the first, the
// 25,000th, the last) is a take of 50 row ids.
//
// Why not ask the engine for each page (`orderBy(keys).offset(o).limit(n)` with all columns): it sorts
// the whole rows, images included. On the 50,000-row replica (120 KB JPEGs) one page at offset 25,000
// took 41 s and 800 MB that way. Sorting only the key columns with the row ids takes 40 ms there, and
// 0.9 s on the million-row table, where the engine's own page at offset 999,950 (ids only) took 2.9 s
// every time. So: sort keys + ids once (streamed, cancellable, time-limited), keep the ids, take pages.
//
// Ties are broken by row id (the engine cannot order by `_rowid`: "Column _rowid not found", and its
// sort is not promised to be stable), so a view's order is the same every time it is computed: runs of
// equal keys are put in row-id order as they stream by. Nulls sort last in both directions.
//
// Memory: a cached order is 8 bytes a row. The cache holds MAX_CACHED_IDS ids in all (the newest orders
// first); a view with more rows than that is paged by the engine each time, ties then in the engine's order.
import type { RecordBatch } from 'apache-arrow';
import type { SortKey } from '../../shared/sort';
import type { Table } from './engine';
import { streamBatches, throwIfAborted } from './stream';

/** Row ids kept in all cached orders: 10 million (80 MB). */
export const MAX_CACHED_IDS = 10_000_000;
/** Rows per streamed batch of the key scan: the engine's scan batch (see SCAN_BATCH_ROWS in dataset.ts). */
const SORT_BATCH_ROWS = 65_536;
const ROW_ID = '_rowid';

export interface SortOptions {
  timeoutMs?: number;
}

/** The engine's ordering of sort keys (nulls last both ways, as the README promises). */
export function engineOrdering(keys: readonly SortKey[]): { columnName: string; ascending: boolean; nullsFirst: boolean }[] {
  return keys.map((k) => ({ columnName: k.column, ascending: !k.descending, nullsFirst: false }));
}

/** A projection of the key columns by bare name (see columns.ts: bare names are resolved without SQL). */
function keyProjection(keys: readonly SortKey[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const k of keys) out[k.column] = k.column;
  return out;
}

export class SortOrders {
  /** Cached orders by view (filter + keys), least recently used first. */
  private readonly cache = new Map<string, Promise<BigUint64Array | undefined>>();
  /** Sizes of the settled orders in the cache, by view. */
  private readonly sizes = new Map<string, number>();

  constructor(
    private readonly table: () => Table,
    private readonly opts: SortOptions = {},
  ) {}

  /**
   * The row ids of rows offset … offset+limit of the view, in order. From the cached order when the view
   * fits (computing it on the first call), otherwise from the engine's own sorted page.
   */
  async pageIds(filter: string | undefined, keys: readonly SortKey[], offset: number, limit: number, signal?: AbortSignal): Promise<bigint[]> {
    const order = await this.order(filter, keys, signal);
    if (order) return Array.from(order.subarray(offset, offset + limit));
    const q = this.table().query().select([]).withRowId().orderBy(engineOrdering(keys)).offset(offset).limit(limit);
    if (filter) q.where(filter);
    const ids: bigint[] = [];
    for await (const batch of streamBatches(q, { maxBatchLength: Math.max(limit, 1), timeoutMs: this.opts.timeoutMs, signal })) pushIds(batch, ids);
    return ids;
  }

  /**
   * The whole view's row ids in order, or undefined when it has more than MAX_CACHED_IDS rows. Requests
   * for the same view share one computation; one whose caller cancelled is forgotten, and a caller still
   * waiting for it computes again under its own signal.
   */
  async order(filter: string | undefined, keys: readonly SortKey[], signal?: AbortSignal): Promise<BigUint64Array | undefined> {
    const key = JSON.stringify([filter ?? '', keys.map((k) => [k.column, !!k.descending])]);
    for (;;) {
      throwIfAborted(signal);
      let p = this.cache.get(key);
      const shared = !!p;
      if (p) {
        this.cache.delete(key); // most recently used last
        this.cache.set(key, p);
      } else {
        p = this.compute(filter, keys, signal);
        this.cache.set(key, p);
        p.then(
          (ids) => {
            this.sizes.set(key, ids?.length ?? 0);
            this.evict(key);
          },
          () => {
            if (this.cache.get(key) === p) this.cache.delete(key);
          },
        );
      }
      try {
        return await p;
      } catch (err) {
        // Someone else's cancel (or time limit): try again under ours, unless we were cancelled too.
        if (!shared || signal?.aborted || !isCancel(err)) throw err;
      }
    }
  }

  /** Drops the least recently used settled orders until all fit in MAX_CACHED_IDS (`keep` stays). */
  private evict(keep: string): void {
    let total = 0;
    for (const n of this.sizes.values()) total += n;
    for (const k of [...this.cache.keys()]) {
      if (total <= MAX_CACHED_IDS) break;
      if (k === keep || !this.sizes.has(k)) continue;
      total -= this.sizes.get(k)!;
      this.sizes.delete(k);
      this.cache.delete(k);
    }
  }

  private async compute(filter: string | undefined, keys: readonly SortKey[], signal?: AbortSignal): Promise<BigUint64Array | undefined> {
    const q = this.table().query().select(keyProjection(keys)).withRowId().orderBy(engineOrdering(keys));
    if (filter) q.where(filter);
    let ids = new BigUint64Array(1 << 16);
    let n = 0;
    // The current run of rows with equal keys starts at runStart; `prev` holds the keys of row n-1.
    let runStart = 0;
    let prev: unknown[] | undefined;
    const closeRun = () => {
      if (n - runStart > 1) ids.subarray(runStart, n).sort();
    };
    for await (const batch of streamBatches(q, { maxBatchLength: SORT_BATCH_ROWS, timeoutMs: this.opts.timeoutMs, signal })) {
      if (n + batch.numRows > MAX_CACHED_IDS) return undefined;
      if (n + batch.numRows > ids.length) {
        const grown = new BigUint64Array(Math.min(MAX_CACHED_IDS, Math.max(ids.length * 2, n + batch.numRows)));
        grown.set(ids.subarray(0, n));
        ids = grown;
      }
      const idCol = batch.getChild(ROW_ID)!;
      const cols = keys.map((k) => batch.getChild(k.column)!);
      for (let i = 0; i < batch.numRows; i++) {
        const cur = cols.map((c): unknown => c.get(i));
        if (!prev || !sameKeys(prev, cur)) {
          closeRun();
          runStart = n;
        }
        prev = cur;
        ids[n++] = idCol.get(i) as bigint;
      }
    }
    closeRun();
    return ids.slice(0, n);
  }
}

function pushIds(batch: RecordBatch, out: bigint[]): void {
  const col = batch.getChild(ROW_ID)!;
  for (let i = 0; i < batch.numRows; i++) out.push(col.get(i) as bigint);
}

/** Equal sort keys as the engine sees them (NaN equals NaN; decimals and other objects by their bytes or text). */
function sameKeys(a: unknown[], b: unknown[]): boolean {
  for (let j = 0; j < a.length; j++) {
    const x = a[j];
    const y = b[j];
    if (Object.is(x, y) || x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) {
      const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
      const v = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
      if (u.length !== v.length || u.some((e, i) => e !== v[i])) return false;
      continue;
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Arrow values (decimals) carry their own toString(); the types say object
    if (String(x) !== String(y)) return false;
  }
  return true;
}

function isCancel(err: unknown): boolean {
  return (err as { kind?: string })?.kind === 'cancelled' || /cancel|timeout/i.test(String((err as Error)?.message ?? err));
}
