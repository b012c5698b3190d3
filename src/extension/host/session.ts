// One dataset view's requests, answered from a LanceDataset. Kept free of `vscode` so the same
// handlers serve the panel, the tests and the benchmark.
import type { Handlers } from '../../shared/rpc';
import type { DatasetLocation } from '../../shared/types';
import { LanceDataset, OpenOptions } from '../lance/dataset';

export interface SessionSettings {
  /** Largest image sent to the webview inline; bigger ones show as metadata. */
  maxImageBytes: number;
}

export class DatasetSession {
  private constructor(readonly dataset: LanceDataset, private settings: SessionSettings) {}

  static async open(location: DatasetLocation, opts: OpenOptions, settings: SessionSettings): Promise<DatasetSession> {
    return new DatasetSession(await LanceDataset.open(location, opts), settings);
  }

  updateSettings(settings: SessionSettings): void {
    this.settings = settings;
  }

  readonly handlers: Omit<Handlers, 'reload'> = {
    describe: () => this.dataset.describe(),
    versions: ({ offset, limit }) => this.dataset.versions(offset, limit),
    count: ({ filter }) => this.dataset.count(filter),
    rows: (req, signal) => this.dataset.rows({ ...req, maxImageBytes: Math.min(req.maxImageBytes ?? Infinity, this.settings.maxImageBytes) }, signal),
    similar: (req, signal) => this.dataset.similar({ ...req, maxImageBytes: Math.min(req.maxImageBytes ?? Infinity, this.settings.maxImageBytes) }, signal),
  };

  close(): void {
    this.dataset.close();
  }
}
