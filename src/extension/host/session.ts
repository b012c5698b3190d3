// One dataset view's requests, answered from a LanceDataset. Kept free of `vscode` so the same
// handlers serve the panel, the tests and the benchmark.
import type { Handlers } from '../../shared/rpc';
import type { DatasetDescription, DatasetLocation } from '../../shared/types';
import { LanceDataset, OpenOptions } from '../lance/dataset';
import { fullCell } from '../lance/fullCell';

/**
 * Requests answered from the data alone (the rest need the editor: dialogs, other panels). The one list:
 * the webviews' hosts delegate these to a session, and their endpoint queues and time-limits them.
 */
export const DATA_METHODS = [
  'describe',
  'versions',
  'count',
  'rows',
  'search',
  'plan',
  'similar',
  'row',
  'cell',
  'columnStats',
  'distinct',
  'compareVersions',
  'keepRowSet',
] as const;
export type DataMethod = (typeof DATA_METHODS)[number];

/** Handlers of the data requests, each answered by the session `get` gives when the request arrives. */
export function delegateToSession(get: () => Promise<DatasetSession>): Pick<Handlers, DataMethod> {
  const out: Partial<Record<DataMethod, unknown>> = {};
  for (const m of DATA_METHODS) {
    out[m] = async (p: never, signal: AbortSignal, progress: never) =>
      ((await get()).handlers[m] as unknown as (p: never, s: AbortSignal, pr: never) => Promise<unknown>)(p, signal, progress);
  }
  return out as Pick<Handlers, DataMethod>;
}

export interface SessionSettings {
  /** Largest image sent to the webview inline; bigger ones show as metadata. */
  maxImageBytes: number;
}

export class DatasetSession {
  private constructor(
    readonly dataset: LanceDataset,
    private readonly settings: SessionSettings,
  ) {}

  static async open(location: DatasetLocation, opts: OpenOptions, settings: SessionSettings): Promise<DatasetSession> {
    return new DatasetSession(await LanceDataset.open(location, opts), settings);
  }

  private described?: Promise<DatasetDescription>;

  /**
   * The dataset's description, computed once per session: a session's table stays on the version it
   * opened, so the panel (on every show), the preview and palette commands can all ask for it freely.
   */
  describe(): Promise<DatasetDescription> {
    if (!this.described) {
      this.described = this.dataset.describe();
      this.described.catch(() => (this.described = undefined));
    }
    return this.described;
  }

  readonly handlers: Pick<Handlers, DataMethod> = {
    describe: () => this.describe(),
    versions: ({ offset, limit }) => this.dataset.versions(offset, limit),
    count: ({ filter, rowSet }, signal) => this.dataset.count(filter, signal, rowSet),
    rows: (req, signal) => this.dataset.rows({ ...req, maxImageBytes: Math.min(req.maxImageBytes ?? Infinity, this.settings.maxImageBytes) }, signal),
    search: (p, signal) => this.dataset.search(p, signal),
    plan: (p, signal) => this.dataset.explain(p, signal),
    similar: (req, signal) => this.dataset.similar({ ...req, maxImageBytes: Math.min(req.maxImageBytes ?? Infinity, this.settings.maxImageBytes) }, signal),
    row: ({ rowId, columns }, signal) => this.dataset.fullRow(rowId, columns, this.settings.maxImageBytes, signal),
    cell: ({ rowId, column }, signal) => fullCell(this.dataset, rowId, column, signal),
    columnStats: (p, signal, progress) => this.dataset.columnStats(p, signal, progress),
    distinct: ({ column, limit }, signal) => this.dataset.distinct(column, limit, signal),
    compareVersions: ({ from, to }) => this.dataset.compareVersions(from, to),
    keepRowSet: async (p) => this.dataset.rowSets.keep(p),
  };

  close(): void {
    this.dataset.close();
  }
}
