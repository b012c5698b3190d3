// One query of the Rows tab (a filter and the columns it reads) and the pages of it the webview holds.
// Pages are fetched on demand with rpc 'rows' and kept in a bounded LRU. A page that left the visible
// window before its reply came is cancelled (the host stops; a reply that still arrives is dropped by
// the RpcClient), and a disposed query (an older filter) ignores whatever still comes back.
// Image bytes stay in the cache; blob: URLs belong to rendered rows (see VirtualGrid), so an evicted or
// scrolled-away page holds no URL.
import type { RpcClient } from '../../shared/rpc';
import { mark } from '../marks';
import { thumbDevicePx } from './columns';
import { uiSettings } from '../settings';
import { RpcError } from '../../shared/rpc';
import type { Cell, ErrorInfo, RowsPage } from '../../shared/types';
import { pageRequest, type QuerySpec } from '../../shared/firstScreen';

/** Rows per page at most: the lanceInspector.pageSize setting. */
export const pageSize = (): number => uiSettings.pageSize;
/** Pages kept per query: a few screens either side of the current one. */
export const CACHE_PAGES = 16;

export interface PageData {
  offset: number;
  rowIds: string[];
  /** Cells in the query's column order (whatever order the host answered in). */
  rows: Cell[][];
}

export class PageLru<T> {
  private readonly map = new Map<number, T>();
  evictions = 0;
  constructor(readonly capacity: number) {}
  get(key: number): T | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  peek(key: number): T | undefined {
    return this.map.get(key);
  }
  has(key: number): boolean {
    return this.map.has(key);
  }
  set(key: number, v: T): void {
    this.map.delete(key);
    this.map.set(key, v);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as number;
      this.map.delete(oldest);
      this.evictions++;
    }
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}

export function errorInfo(err: unknown): ErrorInfo {
  return err instanceof RpcError ? err.info : { kind: 'internal', message: err instanceof Error ? err.message : String(err) };
}

export class RowsQuery {
  readonly cache = new PageLru<PageData>(CACHE_PAGES);
  private readonly inflight = new Map<number, () => void>();
  private readonly errors = new Map<number, ErrorInfo>();
  total = 0;
  private disposed = false;

  constructor(
    private readonly rpc: RpcClient,
    readonly spec: QuerySpec,
    /** Rows per page of this query (fixed for its life: page numbers depend on it). */
    readonly pageRows: number,
    private readonly onPage: (q: RowsQuery, page: number) => void,
    private readonly onError: (q: RowsQuery, page: number, info: ErrorInfo) => void,
  ) {}

  /** Asks for a page unless it is cached, on its way, or failed. */
  request(page: number): void {
    if (this.disposed || page < 0 || this.cache.has(page) || this.inflight.has(page) || this.errors.has(page)) return;
    const call = this.rpc.start('rows', pageRequest(this.spec, page, this.pageRows, thumbDevicePx()));
    this.inflight.set(page, call.cancel);
    mark(`page-sent:${page}`);
    call.result.then(
      (res) => {
        mark(`page-received:${page}`);
        if (this.inflight.get(page) !== call.cancel) return;
        this.inflight.delete(page);
        if (this.disposed) return;
        this.cache.set(page, this.toPage(res));
        this.onPage(this, page);
      },
      (err) => {
        if (this.inflight.get(page) === call.cancel) this.inflight.delete(page);
        const info = errorInfo(err);
        if (this.disposed || info.kind === 'cancelled' || info.kind === 'superseded') return;
        this.errors.set(page, info);
        this.onError(this, page, info);
      },
    );
  }

  /** Cancels the pages on their way that are no longer wanted. */
  keepOnly(pages: Set<number>): void {
    for (const [p, cancel] of [...this.inflight]) {
      if (!pages.has(p)) {
        this.inflight.delete(p);
        cancel();
      }
    }
  }

  /** Marks recently used pages (so the LRU keeps what is on screen). */
  touch(page: number): PageData | undefined {
    return this.cache.get(page);
  }

  page(page: number): PageData | undefined {
    return this.cache.peek(page);
  }

  error(page: number): ErrorInfo | undefined {
    return this.errors.get(page);
  }

  /** Forget failed pages so they are asked again (the view was shown again, or the user retried). */
  clearErrors(): void {
    this.errors.clear();
  }

  get inflightPages(): number[] {
    return [...this.inflight.keys()];
  }

  dispose(): void {
    this.disposed = true;
    for (const cancel of this.inflight.values()) cancel();
    this.inflight.clear();
    this.cache.clear();
    this.errors.clear();
  }

  private toPage(res: RowsPage): PageData {
    const at = new Map(res.columns.map((c, i) => [c, i]));
    const order = this.spec.columns.map((c) => at.get(c));
    const missing: Cell = { t: 'unsupported', type: 'missing', reason: 'The host did not return this column.' };
    return {
      offset: res.offset,
      rowIds: res.rowIds,
      rows: res.rows.map((r) => order.map((j) => (j === undefined ? missing : (r[j] ?? null)))),
    };
  }
}
