// The curation signals of one open dataset, as the Curation tab asks for them: the nearest-neighbour lists
// of a vector column (computed through its vector index, or loaded from the cache in the extension's
// storage), the exact byte duplicates of an image column, and the scores computed from them (curation.ts),
// sent as lists (the top rows of each signal) with the nearest-distance histogram.
//
// What is expensive is kept, what is cheap is recomputed: the neighbour search (tens of seconds on 50,000
// rows) and the image hashing are cached on disk and in memory; a new near-duplicate threshold or label
// column recomputes the scores from the kept lists in milliseconds (a label column is a scan of that one
// column), without a new search. "Recompute" searches again and replaces the cache.
//
// No `vscode` here: the panel, the tests and the benchmark use it alike.
import type { CurationRequest, CurationResult, CurationSignal, RowSetInfo } from '../../shared/types';
import { byteDuplicates, type ByteDuplicateGroup } from './byteDuplicates';
import {
  DEFAULT_THRESHOLD,
  labelDisagreement,
  nearDuplicateGroups,
  nearestDistanceHistogram,
  outlierScores,
  rankByScore,
  type DuplicateGroup,
  type LabelDisagreement,
} from './curation';
import type { LanceDataset } from './dataset';
import { LanceError } from './errors';
import { loadNeighbours, saveNeighbours } from './mapCache';
import { nearestNeighbours, vectorIndexOf, type Metric, type Neighbours } from './neighbours';
import { readCached, writeCached, type CacheKeyParts } from './resultCache';
import { throwIfAborted } from './stream';
import { readLabelCodes, readVectors, type LabelCodes } from './vectorColumn';

export interface CurationSettings {
  /** Where results are cached (the extension's global storage); none: kept in memory only. */
  cacheFolder?: string;
  /** Rows searched at most: a larger table gives a seeded sample of this many (default 100,000). */
  maxRows?: number;
  /** Without a vector index, an exact scan runs up to this many rows (default 20,000); beyond, an error says to build one. */
  exactMaxRows?: number;
  /** Index partitions probed per query (default 10; see neighbours.ts). */
  nprobes?: number;
}

/** How a stage of the work reports: rows done of rows to do, and what it is doing. */
export type StageProgress = (done: number, total: number, stage: string) => void;

export const DEFAULT_K = 10;
const DEFAULT_TOP = 50;
const MAX_TOP = 1000;
const MAX_ROWS = 100_000;
const EXACT_MAX_ROWS = 20_000;
const NPROBES = 10;
const SAMPLE_SEED = 1;

/** The kept neighbour lists of one vector column (positions refer to `rowIds`). */
interface Lists {
  key: string;
  column: string;
  nb: Neighbours;
  rowIds: BigUint64Array;
  position: Map<bigint, number>;
  answeredBy: CurationResult['answeredBy'];
  totalRows: number;
  sampled: boolean;
  skipped: number;
  readMs: number;
  neighboursMs: number;
}

interface Bytes {
  column: string;
  groups: ByteDuplicateGroup[];
  rowsRead: number;
  ms: number;
}

/** The scores of the last answer, for row sets and the map's colours. */
interface Scores {
  lists: Lists;
  threshold: number;
  groups: DuplicateGroup[];
  /** Per group member (same order as groups' members), its distance to the nearest other member. */
  memberDistances: number[][];
  labels?: { column: string; codes: LabelCodes; d: LabelDisagreement };
  outliers: Float32Array;
  bytes?: Bytes;
}

type Source = Pick<LanceDataset, 'engineTable' | 'location' | 'version' | 'rowSets'>;

export class DatasetCuration {
  private lists?: Lists;
  private readonly labelCodes = new Map<string, LabelCodes>();
  private readonly bytes = new Map<string, Bytes>();
  private last?: Scores;
  /** Neighbour searches run by this object (a threshold or label change runs none: the tests check). */
  searches = 0;

  constructor(
    private readonly ds: Source,
    private readonly settings: CurationSettings = {},
    /** The class names of a label column that holds class indices (`lance:class_names`), to show names. */
    private readonly classNamesOf: (column: string) => Promise<string[] | undefined> = async () => undefined,
  ) {}

  /** Computes (or loads) the signals of `req.column` and answers with their lists. */
  async signals(req: CurationRequest, signal?: AbortSignal, progress?: StageProgress): Promise<CurationResult> {
    const k = Math.max(1, Math.min(100, Math.floor(req.k ?? DEFAULT_K)));
    const top = Math.max(1, Math.min(MAX_TOP, Math.floor(req.top ?? DEFAULT_TOP)));
    const searchesBefore = this.searches;
    const { lists, cached } = await this.neighbourLists(req.column, k, !!req.recompute, signal, progress, !!req.cachedOnly);
    const t0 = performance.now();
    const labels = req.labelColumn ? await this.labels(lists, req.labelColumn, !!req.recompute, signal, progress) : undefined;
    const labelsMs = performance.now() - t0;
    const bytes = req.imageColumn ? await this.byteGroups(req.imageColumn, !!req.recompute, signal, progress, !!req.cachedOnly) : undefined;
    throwIfAborted(signal);

    const t1 = performance.now();
    const nb = lists.nb;
    const defaultThreshold = DEFAULT_THRESHOLD[nb.metric];
    const threshold = req.threshold !== undefined && Number.isFinite(req.threshold) && req.threshold >= 0 ? req.threshold : defaultThreshold;
    const groups = nearDuplicateGroups(nb, threshold);
    const memberDistances = groups.map((g) => nearestWithin(nb, g.members));
    const d = labels ? labelDisagreement(nb, labels.codes.codes) : undefined;
    const outliers = outlierScores(nb);
    const histogram = nearestDistanceHistogram(nb);
    this.last = {
      lists,
      threshold,
      groups,
      memberDistances,
      labels: labels && d ? { column: req.labelColumn!, codes: labels.codes, d } : undefined,
      outliers,
      bytes: bytes?.value,
    };
    const id = (p: number) => lists.rowIds[p].toString();

    let labelErrors: CurationResult['labelErrors'];
    if (labels && d) {
      const names = await this.classNamesOf(req.labelColumn!);
      const nameOf = (code: number) => {
        if (code < 0) return '';
        const v = labels.codes.values[code];
        return names && /^\d+$/.test(v) && names[Number(v)] !== undefined ? names[Number(v)] : v;
      };
      const order = rankByScore(d.score, d.majorityShare);
      const rows: NonNullable<CurationResult['labelErrors']>['rows'] = [];
      let flagged = 0;
      for (let i = 0; i < order.length; i++) {
        const q = order[i];
        if (!(d.score[q] > 0)) break;
        if (d.score[q] > 0.5) flagged++;
        // A row whose neighbours mostly share its label is not listed, however many others disagree.
        if (!differsFromMajority(d, labels.codes.codes, nb, q)) continue;
        if (rows.length < top) rows.push({ rowId: id(nb.queries[q]), label: nameOf(labels.codes.codes[nb.queries[q]]), majority: nameOf(d.majority[q]), share: d.score[q] });
      }
      labelErrors = { column: req.labelColumn!, rows, flagged };
    }
    const outlierOrder = rankByScore(outliers);
    const result: CurationResult = {
      column: req.column,
      metric: nb.metric,
      k,
      answeredBy: lists.answeredBy,
      rows: lists.rowIds.length,
      totalRows: lists.totalRows,
      sampled: lists.sampled,
      skipped: lists.skipped,
      threshold,
      defaultThreshold,
      histogram: { edges: Array.from(histogram.edges), counts: Array.from(histogram.counts) },
      duplicates: {
        groups: groups.slice(0, top).map((g, i) => ({ rowIds: g.members.map(id), distances: memberDistances[i], minDistance: g.minDistance, maxDistance: g.maxDistance })),
        groupCount: groups.length,
        rowCount: groups.reduce((n, g) => n + g.members.length, 0),
      },
      ...(labelErrors ? { labelErrors } : {}),
      outliers: {
        rows: Array.from(outlierOrder.subarray(0, top))
          .filter((q) => Number.isFinite(outliers[q]))
          .map((q) => ({ rowId: id(nb.queries[q]), distance: outliers[q] })),
      },
      ...(bytes
        ? {
            byteDuplicates: {
              column: bytes.value.column,
              groups: bytes.value.groups.slice(0, top).map((g) => ({ rowIds: g.rowIds.map(String), bytes: g.bytes, sha1: g.sha1 })),
              groupCount: bytes.value.groups.length,
              rowCount: bytes.value.groups.reduce((n, g) => n + g.rowIds.length, 0),
              rowsRead: bytes.value.rowsRead,
              ms: bytes.value.ms,
              cached: bytes.cached,
            },
          }
        : {}),
      timings: { readMs: lists.readMs, neighboursMs: lists.neighboursMs, scoreMs: performance.now() - t1, labelsMs },
      cached,
      searched: this.searches > searchesBefore,
    };
    return result;
  }

  /**
   * A row set of one signal's rows ordered by its score (the last answer's threshold and label column),
   * kept by the dataset for the Rows tab: every row of the signal, not only the top of the list.
   */
  rowSet(kind: CurationSignal): RowSetInfo {
    const s = this.requireLast();
    const ids = (positions: Iterable<number>) => Array.from(positions, (p) => s.lists.rowIds[p].toString());
    const col = s.lists.column;
    switch (kind) {
      case 'duplicates':
        return this.ds.rowSets.keep({
          rowIds: ids(s.groups.flatMap((g) => g.members)),
          scores: s.memberDistances.flat(),
          label: `Near-duplicates of ${col} (distance ≤ ${s.threshold})`,
          scoreLabel: 'distance to nearest duplicate',
        });
      case 'byteDuplicates': {
        if (!s.bytes) throw new LanceError('not-found', 'Exact byte duplicates were not looked for: choose an image column and compute again.');
        const groups = s.bytes.groups;
        return this.ds.rowSets.keep({
          rowIds: groups.flatMap((g) => g.rowIds.map(String)),
          scores: groups.flatMap((g) => g.rowIds.map(() => g.rowIds.length)),
          label: `Exact byte duplicates of ${s.bytes.column}`,
          scoreLabel: 'copies',
        });
      }
      case 'labelErrors': {
        if (!s.labels) throw new LanceError('not-found', 'Label errors need a label column: choose one and compute again.');
        const { d } = s.labels;
        const codes = s.labels.codes.codes;
        const order = Array.from(rankByScore(d.score, d.majorityShare)).filter((q) => d.score[q] > 0 && differsFromMajority(d, codes, s.lists.nb, q));
        return this.ds.rowSets.keep({
          rowIds: ids(order.map((q) => s.lists.nb.queries[q])),
          scores: order.map((q) => d.score[q]),
          label: `Possible label errors (${s.labels.column})`,
          scoreLabel: 'share of neighbours that disagree',
        });
      }
      case 'outliers': {
        const order = Array.from(rankByScore(s.outliers)).filter((q) => Number.isFinite(s.outliers[q]));
        return this.ds.rowSets.keep({
          rowIds: ids(order.map((q) => s.lists.nb.queries[q])),
          scores: order.map((q) => s.outliers[q]),
          label: `Outliers of ${col}`,
          scoreLabel: `distance to neighbour ${s.lists.nb.k}`,
        });
      }
    }
  }

  /**
   * One signal's score for each of `rowIds` (e.g. the embedding map's points, in its order; NaN where the
   * signal has none): near-duplicates the distance to the nearest neighbour, byte duplicates the number
   * of copies (0 for none), label errors the share of neighbours that disagree, outliers the distance to
   * the k-th neighbour. From the last answer; undefined before any.
   */
  signalScores(kind: CurationSignal, rowIds: BigUint64Array): Float32Array | undefined {
    const s = this.last;
    if (!s) return undefined;
    const out = new Float32Array(rowIds.length).fill(NaN);
    const nb = s.lists.nb;
    if (kind === 'byteDuplicates') {
      if (!s.bytes) return undefined;
      const copies = new Map<bigint, number>();
      for (const g of s.bytes.groups) for (const id of g.rowIds) copies.set(id, g.rowIds.length);
      rowIds.forEach((id, i) => (out[i] = copies.get(id) ?? 0));
      return out;
    }
    if (kind === 'labelErrors' && !s.labels) return undefined;
    // Queries are every position of the lists, in order (neighbours.ts without `queries`).
    rowIds.forEach((id, i) => {
      const q = s.lists.position.get(id);
      if (q === undefined) return;
      out[i] = kind === 'duplicates' ? nb.distance[q * nb.k] : kind === 'outliers' ? s.outliers[q] : s.labels!.d.score[q];
    });
    return out;
  }

  private requireLast(): Scores {
    if (!this.last) throw new LanceError('not-found', 'Compute the curation signals first.');
    return this.last;
  }

  private cacheParts(column: string, method: string, params: CacheKeyParts['params'] = {}): CacheKeyParts {
    return { uri: this.ds.location.uri, version: this.ds.version, column, method, params };
  }

  /** The neighbour lists of a column: kept in memory, else from the cache, else searched (and cached). */
  private async neighbourLists(
    column: string,
    k: number,
    recompute: boolean,
    signal?: AbortSignal,
    progress?: StageProgress,
    cachedOnly = false,
  ): Promise<{ lists: Lists; cached: boolean }> {
    const table = this.ds.engineTable();
    const index = await vectorIndexOf(table, column);
    const maxRows = this.settings.maxRows ?? MAX_ROWS;
    const nprobes = this.settings.nprobes ?? NPROBES;
    const params = { k, nprobes: index ? nprobes : null, exact: !index, limit: maxRows, seed: SAMPLE_SEED };
    const key = JSON.stringify([column, params]);
    if (!recompute && this.lists?.key === key) return { lists: this.lists, cached: true };
    const parts = this.cacheParts(column, 'neighbours', params);
    const folder = this.settings.cacheFolder;
    const answeredBy: CurationResult['answeredBy'] = index ? { kind: 'index', name: index.name, type: index.type, nprobes } : { kind: 'scan' };
    if (!recompute && folder) {
      const c = await loadNeighbours(folder, parts);
      if (c) {
        this.lists = { key, column, nb: c.neighbours, rowIds: c.rowIds, position: positions(c.rowIds), answeredBy, ...c.meta, readMs: 0, neighboursMs: c.meta.ms };
        this.labelCodes.clear();
        return { lists: this.lists, cached: true };
      }
    }
    if (cachedOnly) throw new LanceError('not-found', `The curation signals of ${column} have not been computed for version ${this.ds.version} yet.`);
    const metric: Metric = index?.metric ?? 'l2';
    if (!index) {
      const rows = await table.countRows();
      const exactMax = this.settings.exactMaxRows ?? EXACT_MAX_ROWS;
      if (Math.min(rows, maxRows) > exactMax)
        throw new LanceError(
          'unsupported-type',
          `${column} has no vector index, and an exact scan of ${rows.toLocaleString('en-US')} rows against each other would take very long. Create a vector index on ${column} (IVF_PQ, cosine), then compute again.`,
        );
    }
    const t0 = performance.now();
    const set = await readVectors(table, column, { limit: maxRows, seed: SAMPLE_SEED, signal, progress: (d, t) => progress?.(d, t, 'Reading vectors') });
    if (set.count < 2) throw new LanceError('not-found', `${column} has fewer than two rows with a usable vector: there are no neighbours to compare.`);
    const t1 = performance.now();
    this.searches++;
    const nb = await nearestNeighbours(table, set, { k, metric, nprobes, exact: !index, signal, progress: (d, t) => progress?.(d, t, 'Finding nearest neighbours') });
    const t2 = performance.now();
    this.lists = {
      key,
      column,
      nb,
      rowIds: set.rowIds,
      position: positions(set.rowIds),
      answeredBy,
      totalRows: set.totalRows,
      sampled: set.sampled,
      skipped: set.skipped,
      readMs: t1 - t0,
      neighboursMs: t2 - t1,
    };
    this.labelCodes.clear();
    if (folder) await saveNeighbours(folder, parts, { ...set, labels: undefined }, nb, t2 - t1).catch(() => undefined); // a cache that cannot be written only costs time later
    return { lists: this.lists, cached: false };
  }

  /** The label codes of the lists' rows for one column (a scan of that column; kept while the lists are). */
  private async labels(lists: Lists, column: string, recompute: boolean, signal?: AbortSignal, progress?: StageProgress): Promise<{ codes: LabelCodes }> {
    let codes = recompute ? undefined : this.labelCodes.get(column);
    if (!codes) {
      codes = await readLabelCodes(this.ds.engineTable(), column, lists.rowIds, { signal, progress: (d, t) => progress?.(d, t, `Reading ${column}`) });
      this.labelCodes.set(column, codes);
    }
    return { codes };
  }

  /** Exact byte duplicates of a binary column: kept in memory, else from the cache, else hashed (and cached). */
  private async byteGroups(
    column: string,
    recompute: boolean,
    signal?: AbortSignal,
    progress?: StageProgress,
    cachedOnly = false,
  ): Promise<{ value: Bytes; cached: boolean } | undefined> {
    const kept = recompute ? undefined : this.bytes.get(column);
    if (kept) return { value: kept, cached: true };
    const parts = this.cacheParts(column, 'byte-duplicates');
    const folder = this.settings.cacheFolder;
    if (!recompute && folder) {
      const c = await readCached<{ sha1: string[]; bytes: number[]; rowsRead: number; ms: number }>(folder, parts);
      const ids = c?.arrays.rowIds;
      const sizes = c?.arrays.sizes;
      if (c && ids instanceof BigUint64Array && sizes instanceof Uint32Array) {
        const groups: ByteDuplicateGroup[] = [];
        let at = 0;
        sizes.forEach((n, i) => {
          groups.push({ rowIds: Array.from(ids.subarray(at, at + n)), bytes: c.meta.bytes[i], sha1: c.meta.sha1[i] });
          at += n;
        });
        const value = { column, groups, rowsRead: c.meta.rowsRead, ms: c.meta.ms };
        this.bytes.set(column, value);
        return { value, cached: true };
      }
    }
    if (cachedOnly) return undefined;
    const t0 = performance.now();
    const r = await byteDuplicates(this.ds.engineTable(), column, { signal, progress: (d, t) => progress?.(d, t, `Hashing ${column}`) });
    const value = { column, groups: r.groups, rowsRead: r.rowsRead, ms: performance.now() - t0 };
    this.bytes.set(column, value);
    if (folder)
      await writeCached(folder, parts, {
        meta: { sha1: r.groups.map((g) => g.sha1), bytes: r.groups.map((g) => g.bytes), rowsRead: r.rowsRead, ms: value.ms },
        arrays: { rowIds: BigUint64Array.from(r.groups.flatMap((g) => g.rowIds)), sizes: Uint32Array.from(r.groups.map((g) => g.rowIds.length)) },
      }).catch(() => undefined);
    return { value, cached: false };
  }
}

/** Whether most of query q's neighbours carry another label than its own (its majority label is not its label). */
function differsFromMajority(d: LabelDisagreement, codes: Int32Array, nb: Neighbours, q: number): boolean {
  return d.majority[q] >= 0 && d.majority[q] !== codes[nb.queries[q]];
}

function positions(rowIds: BigUint64Array): Map<bigint, number> {
  const m = new Map<bigint, number>();
  rowIds.forEach((id, i) => m.set(id, i));
  return m;
}

/** For each member of a group, its distance to the nearest other member among its neighbours (NaN: none listed). */
function nearestWithin(nb: Neighbours, members: number[]): number[] {
  const inGroup = new Set(members);
  return members.map((m) => {
    for (let j = 0; j < nb.k; j++) {
      const p = nb.index[m * nb.k + j];
      if (p >= 0 && inGroup.has(p)) return nb.distance[m * nb.k + j];
    }
    return NaN;
  });
}
