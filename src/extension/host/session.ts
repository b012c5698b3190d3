// One dataset view's requests, answered from a LanceDataset. Kept free of `vscode` so the same
// handlers serve the panel, the tests and the benchmark.
import type { Handlers } from '../../shared/rpc';
import { answerKey, type AnswerAhead } from '../../shared/protocol';
import type { DatasetDescription, DatasetLocation, RowsPage, RowsRequest } from '../../shared/types';
import { firstScreenRequests } from '../../shared/firstScreen';
import { prepareThumbnailLanes } from '../lance/thumbnailLanes';
import { LanceDataset, OpenOptions } from '../lance/dataset';
import { fullCell } from '../lance/fullCell';
import { embeddingMap, type MapSettings } from '../lance/embeddingMap';
import { DatasetCuration, type CurationSettings } from '../lance/datasetCuration';
import { labelCandidates } from '../../shared/labelColumn';

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
  'curationRowSet',
] as const;
/**
 * Requests answered from the data that may run for minutes (an embedding map's UMAP, the curation
 * signals' neighbour search): not queued behind pages nor stopped at the query time limit; they report
 * progress and stop on cancel.
 */
export const LONG_DATA_METHODS = ['embeddingMap', 'curationSignals'] as const;
export type DataMethod = (typeof DATA_METHODS)[number] | (typeof LONG_DATA_METHODS)[number];

/** Handlers of the data requests, each answered by the session `get` gives when the request arrives. */
export function delegateToSession(get: () => Promise<DatasetSession>): Pick<Handlers, DataMethod> {
  const out: Partial<Record<DataMethod, unknown>> = {};
  for (const m of [...DATA_METHODS, ...LONG_DATA_METHODS]) {
    out[m] = async (p: never, signal: AbortSignal, progress: never) =>
      ((await get()).handlers[m] as unknown as (p: never, s: AbortSignal, pr: never) => Promise<unknown>)(p, signal, progress);
  }
  return out as Pick<Handlers, DataMethod>;
}

export interface SessionSettings {
  /** Largest image sent to the webview inline; bigger ones show as metadata. */
  maxImageBytes: number;
  /** The embedding map's sample size, cache folder and worker script (none: computed on this thread, not cached). */
  map?: MapSettings;
  /** The curation signals' cache folder (the extension's global storage) and limits; none: kept in memory only. */
  curation?: CurationSettings;
}

const DEFAULT_MAP: MapSettings = { maxPoints: 100_000 };
/** Answers computed ahead are dropped after this long unasked (the webview restored another view). */
const EARLY_ANSWER_MS = 30_000;
const COUNT_KEY = 'count';
/** One answer computed ahead: what was asked, and its result once it is in. */
interface EarlyAnswer {
  method: AnswerAhead['method'];
  params: unknown;
  answer: Promise<unknown>;
  result?: { value: unknown };
}
/** Work done ahead belongs to no request: nothing cancels it. */
const NO_SIGNAL = new AbortController().signal;

export class DatasetSession {
  private constructor(
    readonly dataset: LanceDataset,
    private readonly settings: SessionSettings,
  ) {}

  static async open(location: DatasetLocation, opts: OpenOptions, settings: SessionSettings): Promise<DatasetSession> {
    return new DatasetSession(await LanceDataset.open(location, opts), settings);
  }

  private described?: Promise<DatasetDescription>;
  /** Answers computed ahead of the webview's first questions (warmFirstScreen), each taken once. */
  private readonly early = new Map<string, EarlyAnswer>();
  /** Settles once `early` holds what warmFirstScreen will answer (requests arriving sooner wait for it). */
  private earlyKnown: Promise<unknown> = Promise.resolve();
  /** The first page computed ahead, settled (resolved either way) when it is ready. */
  private earlyFirstPage: Promise<unknown> = Promise.resolve();

  /**
   * Answers a new panel's first questions while VS Code is still creating its webview (0.4–1.3 s in
   * code-server): the count and the first `pages` pages of the default columns, with thumbnails of
   * `thumbnailPx` device pixels (the webview's ratio is not known yet: the last one seen, or 1). The
   * webview's own requests, built by the same code (firstScreen.ts), then take the answers as they are,
   * or join them on the way; those ready before its HTML is written travel in it (takeEarlyAnswers).
   * Pages go one after the other so the first is ready first. A request the guess missed (another
   * ratio, columns saved by a restored panel) is simply answered as usual.
   */
  warmFirstScreen(pageSize: number, thumbnailPx: number, pages = 2): void {
    const expire = setTimeout(() => this.early.clear(), EARLY_ANSWER_MS);
    expire.unref?.();
    prepareThumbnailLanes();
    const ahead = (method: EarlyAnswer['method'], params: unknown, answer: Promise<unknown>): Promise<unknown> => {
      const entry: EarlyAnswer = { method, params, answer };
      answer.then(
        (result) => (entry.result = { value: result }),
        () => undefined,
      );
      this.early.set(method === 'count' ? COUNT_KEY : answerKey(method, params), entry);
      return answer;
    };
    this.earlyKnown = (async () => {
      const d = await this.describe();
      void ahead('count', {}, this.dataset.count(undefined, NO_SIGNAL));
      let previous: Promise<unknown> = Promise.resolve();
      for (const [i, req] of firstScreenRequests(d, pageSize, thumbnailPx, pages).entries()) {
        const after = previous;
        previous = ahead(
          'rows',
          req,
          after.catch(() => undefined).then(() => this.readRows(req, NO_SIGNAL)),
        );
        if (i === 0) this.earlyFirstPage = previous.catch(() => undefined);
      }
      for (const e of this.early.values()) e.answer.catch(() => undefined);
    })().catch(() => undefined);
  }

  /** Settles when the first page computed ahead is ready (at once when there is none). */
  async earlyFirstPageReady(): Promise<void> {
    await this.earlyKnown;
    await this.earlyFirstPage;
  }

  /**
   * The answers computed ahead that are ready now and that `fits` accepts, taken: they go to the webview
   * in its HTML. The rest stay for the webview's requests.
   */
  takeEarlyAnswers(fits: (a: AnswerAhead) => boolean = () => true): AnswerAhead[] {
    const out: AnswerAhead[] = [];
    for (const [key, e] of this.early) {
      if (!e.result || !fits({ method: e.method, params: e.params, result: e.result.value })) continue;
      out.push({ method: e.method, params: e.params, result: e.result.value });
      this.early.delete(key);
    }
    return out;
  }

  /**
   * The answer computed ahead for this request if there is one (taken: a second identical request
   * reads again), else `compute()`; also when the early one failed, so a failure is the request's own.
   */
  private async earlyOr<T>(key: string | undefined, compute: () => Promise<T>): Promise<T> {
    await this.earlyKnown;
    const entry = key === undefined ? undefined : this.early.get(key);
    if (key !== undefined) this.early.delete(key);
    if (entry) {
      try {
        return (await entry.answer) as T;
      } catch {
        // computed again below
      }
    }
    return compute();
  }

  private curationMemo?: DatasetCuration;

  /** The curation signals of this dataset (neighbour lists and byte duplicates kept; scores recomputed). */
  get curation(): DatasetCuration {
    this.curationMemo ??= new DatasetCuration(this.dataset, this.settings.curation, async (column) => {
      // A label stored as a class index shows as its class name.
      const d = await this.describe();
      return labelCandidates(d.schema).find((c) => c.field.name === column)?.mode === 'index' ? d.classNames : undefined;
    });
    return this.curationMemo;
  }

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
    count: ({ filter, rowSet }, signal) => this.earlyOr(!filter && rowSet === undefined ? COUNT_KEY : undefined, () => this.dataset.count(filter, signal, rowSet)),
    rows: (req, signal) => this.earlyOr(answerKey('rows', req), () => this.readRows(req, signal)),
    search: (p, signal) => this.dataset.search(p, signal),
    plan: (p, signal) => this.dataset.explain(p, signal),
    similar: (req, signal) => this.dataset.similar({ ...req, maxImageBytes: Math.min(req.maxImageBytes ?? Infinity, this.settings.maxImageBytes) }, signal),
    row: ({ rowId, columns }, signal) => this.dataset.fullRow(rowId, columns, this.settings.maxImageBytes, signal),
    cell: ({ rowId, column }, signal) => fullCell(this.dataset, rowId, column, signal),
    columnStats: (p, signal, progress) => this.dataset.columnStats(p, signal, progress),
    distinct: ({ column, limit }, signal) => this.dataset.distinct(column, limit, signal),
    compareVersions: ({ from, to }) => this.dataset.compareVersions(from, to),
    embeddingMap: async (req, signal, progress) => {
      const { schema } = await this.describe();
      const labels = new Set(labelCandidates(schema).map((c) => c.field.name));
      const kindOf = (column: string) => schema.find((f) => f.name === column)?.kind;
      return embeddingMap(
        {
          table: this.dataset.engineTable(),
          uri: this.dataset.location.uri,
          version: this.dataset.version,
          // A label stored as a class index is a category, not a quantity.
          colourKind: (c) => (!labels.has(c) && (kindOf(c) === 'int' || kindOf(c) === 'float') ? 'numeric' : 'category'),
          signalScores: (kind, rowIds) => this.curation.signalScores(kind, rowIds),
        },
        req,
        this.settings.map ?? DEFAULT_MAP,
        { signal, progress },
      );
    },
    keepRowSet: async (p) => this.dataset.rowSets.keep(p),
    curationSignals: (p, signal, progress) => this.curation.signals(p, signal, progress),
    curationRowSet: async ({ signal }) => this.curation.rowSet(signal),
  };

  private readRows(req: RowsRequest, signal: AbortSignal): Promise<RowsPage> {
    return this.dataset.rows({ ...req, maxImageBytes: Math.min(req.maxImageBytes ?? Infinity, this.settings.maxImageBytes) }, signal);
  }

  close(): void {
    this.early.clear();
    this.dataset.close();
  }
}
