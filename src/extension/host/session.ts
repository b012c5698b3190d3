// One dataset view's requests, answered from a LanceDataset. Kept free of `vscode` so the same
// handlers serve the panel, the tests and the benchmark.
import type { Handlers } from '../../shared/rpc';

/** Requests answered from the data alone (the rest need the editor: dialogs, other panels). */
export type DataMethod = 'describe' | 'versions' | 'count' | 'rows' | 'similar' | 'row' | 'cell' | 'columnStats' | 'distinct' | 'compareVersions';
import type { DatasetDescription, DatasetLocation } from '../../shared/types';
import { LanceDataset, OpenOptions } from '../lance/dataset';
import { fullCell } from '../lance/fullCell';

export interface SessionSettings {
  /** Largest image sent to the webview inline; bigger ones show as metadata. */
  maxImageBytes: number;
}

export class DatasetSession {
  private constructor(readonly dataset: LanceDataset, private readonly settings: SessionSettings) {}

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
    count: ({ filter }, signal) => this.dataset.count(filter, signal),
    rows: (req, signal) => this.dataset.rows({ ...req, maxImageBytes: Math.min(req.maxImageBytes ?? Infinity, this.settings.maxImageBytes) }, signal),
    similar: (req, signal) => this.dataset.similar({ ...req, maxImageBytes: Math.min(req.maxImageBytes ?? Infinity, this.settings.maxImageBytes) }, signal),
    row: ({ rowId, columns }, signal) => this.dataset.fullRow(rowId, columns, this.settings.maxImageBytes, signal),
    cell: ({ rowId, column }, signal) => fullCell(this.dataset, rowId, column, signal),
    columnStats: (p, signal, progress) => this.dataset.columnStats(p, signal, progress),
    distinct: ({ column, limit }, signal) => this.dataset.distinct(column, limit, signal),
    compareVersions: ({ from, to }) => this.dataset.compareVersions(from, to),
  };

  close(): void {
    this.dataset.close();
  }
}
