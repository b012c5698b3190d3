// One open Lance dataset (at its latest version, or pinned read-only to a version or tag) and every
// read the inspector makes of it. Nothing here writes to the dataset. No `vscode` import: this runs,
// is tested and is benchmarked in plain Node.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataType, Type, type RecordBatch, type Schema } from 'apache-arrow';
import type { HostRequests } from '../../shared/protocol';
import {
  SCORE_COLUMN,
  type Cell,
  DatasetDescription,
  DatasetLocation,
  ColumnStats,
  ErrorInfo,
  FullRow,
  IndexInfo,
  PlanTarget,
  QueryPlanInfo,
  RowsPage,
  RowsRequest,
  SearchSummary,
  TextQuery,
  SchemaField,
  SimilarRequest,
  SimilarResult,
  VersionDiff,
  VersionInfo,
  VersionsPage,
} from '../../shared/types';
import { withThumbnails } from './thumbnailCache';
import { EncodeOptions, hasNonFinite, vectorValues } from './cells';
import { columnEncoder, type ColumnEncoder } from './columnCells';
import { ColumnPlan, planFromArrow, planFromManifest, selectFor } from './columns';
import { conditionFor } from '../../shared/sql';
import { lance, Table } from './engine';
import { classify, LanceError, toErrorInfo } from './errors';
import { isObjectStoreUri, tableNameOf } from './locate';
import { classifyObjectStore } from './objectStoreErrors';
import { describeDataFormat, listManifestVersions, ManifestField, ManifestInfo } from './manifest';
import { manifestSource, type ManifestSource } from './manifestSource';
import { hasS3Keys } from './s3List';
import { logicalTypeToDisplay } from './logicalTypes';
import { decodeClassNames, schemaToFields } from './schema';
import { computeColumnStats, distinctValues } from './columnStats';
import { compareVersions } from './versionDiff';
import { streamBatches, throwIfAborted } from './stream';
import { engineOrdering, MAX_CACHED_IDS, SortOrders } from './sortOrder';
import type { SortKey } from '../../shared/sort';
import { searchText, substringCondition, TEXT_SEARCH_MAX_IDS, type TextSearchResult } from './textSearch';
import { queryPlan } from './queryPlan';
import { damageMessage, findDamage, findDamageIn, manifestProblem, tagVersionOnDisk, versionView, type Damage } from './damage';
import { RowSets, rowSetView, type RowSetView } from './rowSets';

export interface OpenOptions {
  version?: number;
  tag?: string;
  storageOptions?: Record<string, string>;
  /** Per-query time limit handed to the engine. */
  timeoutMs?: number;
}

/**
 * Bytes one streamed batch of rows aims at (see batchRows). Each batch costs the engine a step and a copy
 * across from Rust: on the million-row table a page of 50 took 2.1–2.7 ms in 16-row batches and 1.2 ms in
 * one batch, while a batch of 50 ~120 KB JPEGs (6 MB) is no slower than 16-row ones.
 */
const BATCH_BYTES = 8 << 20;
/** Rows per batch when a variable-width column is read and the dataset's size is unknown. */
const UNKNOWN_SIZE_BATCH_ROWS = 16;
/**
 * Rows per batch of a query whose filter scans the table (counts, a filtered page's row ids, a filtered
 * first page): the engine scans in batches of the size asked for. On the million rows (4 fragments of
 * 250,000) a filter matching nothing took 330–430 ms in 50-row batches, 65–90 ms in 8,192 to 65,536, and
 * 165–180 ms in 262,144 or more (one batch per fragment: less parallel); a page of `id % 20000 = 7`
 * 170–210 ms in 50-row batches against 13–15 ms. 500,000 matches counted in 9–17 ms in 65,536-row batches.
 */
const SCAN_BATCH_ROWS = 65_536;
const ROW_ID = '_rowid';
/**
 * Kept orders of views per open dataset: text searches (each at most TEXT_SEARCH_MAX_IDS row ids and
 * scores) and filtered or sorted views of row sets (at most a set's ids and scores each).
 */
const KEPT_ORDERS = 4;
/** Manifest and transaction reads in flight at once for a page of an object-store dataset's versions. */
const REMOTE_PARALLEL = 16;

export class LanceDataset {
  private constructor(
    readonly location: DatasetLocation,
    /** undefined when the engine could not open the dataset at all (e.g. an early format with missing files). */
    private readonly table: Table | undefined,
    private readonly openError: LanceError | undefined,
    private readonly opts: OpenOptions,
    private readonly linkDir: string | undefined,
    readonly version: number,
    /** Set when this dataset was opened past damaged newer manifests (see damage.ts). */
    private readonly damage?: Damage,
  ) {}

  static async open(location: DatasetLocation, opts: OpenOptions = {}): Promise<LanceDataset> {
    const { parent, name, linkDir } = await connectionTarget(location);
    const mapPaths = pathMapper(location, linkDir);
    let version = opts.version;
    let table: Table | undefined;
    let openError: LanceError | undefined;
    try {
      const db = await lance().connect(parent, { storageOptions: opts.storageOptions });
      if (opts.tag !== undefined) {
        const latest = await db.openTable(name, undefined, { storageOptions: opts.storageOptions });
        try {
          version = await (await latest.tags()).getVersion(opts.tag);
        } catch (err) {
          throw new LanceError('not-found', `There is no tag "${opts.tag}" on this dataset.`, String((err as Error).message ?? err));
        } finally {
          latest.close();
        }
      }
      // Options go third: passing them second throws "Failed to get Array length" (see shared notes).
      table = await db.openTable(name, undefined, { storageOptions: opts.storageOptions, ...(version !== undefined ? { version } : {}) });
      version = await table.version();
    } catch (err) {
      const e = objectStoreError(err, location, opts) ?? classify(err, mapPaths);
      if (!isObjectStoreUri(location.uri)) {
        const past = await LanceDataset.openPastDamage(location, opts);
        if (past) {
          if (linkDir) fs.rm(linkDir, { recursive: true, force: true }, () => undefined);
          return past;
        }
        const problem = version !== undefined ? await manifestProblem(location.uri, version) : undefined;
        if (problem) throw new LanceError('unreadable-data', `Version ${version}'s manifest is damaged, so that version cannot be opened.`, problem);
      }
      if (isObjectStoreUri(location.uri) && !['access-denied', 'unreachable', 'io', 'timeout'].includes(e.kind)) await LanceDataset.throwIfRemoteDamage(location, opts, e);
      if (e.kind === 'not-found' && opts.tag !== undefined) throw e;
      // Old or damaged local datasets: keep going with what the manifests say, so schema and versions still show.
      const hasVersions = !isObjectStoreUri(location.uri) && (await listManifestVersions(location.uri).catch(() => [])).length > 0;
      if (!hasVersions || (opts.version !== undefined && e.kind !== 'unreadable-data')) throw e;
      openError = e;
      version = version ?? (await listManifestVersions(location.uri)).at(-1);
    }
    return new LanceDataset(location, table, openError, opts, linkDir, version ?? 0);
  }

  /**
   * When the newest manifests are damaged, the dataset as of the version asked for (or the newest
   * readable one) through a view that hides the damaged ones; undefined when the latest manifest reads.
   */
  private static async openPastDamage(location: DatasetLocation, opts: OpenOptions): Promise<LanceDataset | undefined> {
    const damage = await findDamage(location.uri);
    if (!damage) return undefined;
    const target = opts.tag !== undefined ? await tagVersionOnDisk(location.uri, opts.tag) : (opts.version ?? damage.newestReadable);
    if (target === undefined) throw new LanceError('unreadable-data', `${damageMessage(damage)} No older version is readable either.`, damage.reason);
    if (damage.damagedVersions.includes(target)) {
      const newest = damage.newestReadable !== undefined ? ` Version ${damage.newestReadable} is the newest readable one.` : '';
      throw new LanceError('unreadable-data', `Version ${target}'s manifest is damaged, so that version cannot be opened.${newest}`, damage.reason);
    }
    const name = tableNameOf(location.uri) || 'dataset';
    const viewDir = await versionView(location.uri, name, target);
    try {
      const db = await lance().connect(viewDir, { storageOptions: opts.storageOptions });
      const table = await db.openTable(name, undefined, { storageOptions: opts.storageOptions, version: target });
      return new LanceDataset(location, table, undefined, { ...opts, version: target }, viewDir, target, damage);
    } catch (err) {
      fs.rm(viewDir, { recursive: true, force: true }, () => undefined);
      throw classify(err, pathMapper(location, viewDir));
    }
  }

  /**
   * An object-store dataset whose newest manifests do not decode: say so. The temporary view that opens
   * a local one past them (symlinks) has no object-store equivalent yet, so no older version opens.
   */
  private static async throwIfRemoteDamage(location: DatasetLocation, opts: OpenOptions, e: LanceError): Promise<void> {
    const source = manifestSource(location.uri, opts.storageOptions, opts.timeoutMs);
    const damage = source ? await findDamageIn(source).catch(() => undefined) : undefined;
    if (!damage) return;
    throw new LanceError(
      'unreadable-data',
      `${damageMessage(damage)} On an object store no older version can be opened past it yet.`,
      `${damage.reason}\n${e.detail ?? e.message}`,
    );
  }

  get pinned(): boolean {
    return this.opts.version !== undefined || this.opts.tag !== undefined;
  }

  close(): void {
    try {
      this.table?.close();
    } catch {
      /* already closed */
    }
    if (this.linkDir) fs.rm(this.linkDir, { recursive: true, force: true }, () => undefined);
  }

  /** The user's own path in engine messages, never our temporary symlink folder. */
  toErrorInfo(err: unknown): ErrorInfo {
    return objectStoreError(err, this.location, this.opts)?.toInfo() ?? toErrorInfo(err, pathMapper(this.location, this.linkDir));
  }

  /** The engine's table, for the data-layer modules beside this one (stats, diff, export, subset). */
  engineTable(): Table {
    return this.requireTable();
  }

  /** How columns are read (casts, placeholders): shared with export and subset. */
  columnPlan(): Promise<ColumnPlan> {
    return this.plan();
  }

  /** The same dataset at another version, read-only (caller closes it). */
  openVersion(version: number): Promise<LanceDataset> {
    return LanceDataset.open(this.location, { ...this.opts, tag: undefined, version });
  }

  /** Statistics of one column, streaming only that column. */
  async columnStats(p: { column: string; filter?: string; topK?: number }, signal?: AbortSignal, progress?: (done: number, total: number) => void): Promise<ColumnStats> {
    // The count is only for progress; a cancel during it still answers with the (empty) partial figures.
    let total = 0;
    try {
      total = await this.count(p.filter, signal);
    } catch (err) {
      if (!(err instanceof LanceError && err.kind === 'cancelled')) throw err;
    }
    return computeColumnStats(this.requireTable(), p.column, {
      filter: p.filter?.trim() || undefined,
      topK: p.topK ?? 20,
      total,
      signal,
      progress,
      timeoutMs: this.opts.timeoutMs,
    });
  }

  /** A column's values with their counts, most frequent first (the class picker). */
  distinct(column: string, limit: number, signal?: AbortSignal): Promise<HostRequests['distinct']['result']> {
    return distinctValues(this.requireTable(), column, limit, signal);
  }

  /** What changed from one version to another. */
  compareVersions(from: number, to: number): Promise<VersionDiff> {
    return compareVersions(this, from, to);
  }

  private requireTable(): Table {
    if (!this.table) throw this.openError ?? new LanceError('unreadable-data', 'The dataset could not be opened.');
    return this.table;
  }

  private isLocal(): boolean {
    return !isObjectStoreUri(this.location.uri);
  }

  private sourceMemo?: { source: ManifestSource | undefined };

  /** The dataset's manifests, read directly (local files, or s3:// range reads); undefined for other stores. */
  manifests(): ManifestSource | undefined {
    this.sourceMemo ??= { source: manifestSource(this.location.uri, this.opts.storageOptions, this.opts.timeoutMs) };
    return this.sourceMemo.source;
  }

  private async manifest(version = this.version): Promise<ManifestInfo | undefined> {
    try {
      return await this.manifests()?.readManifest(version);
    } catch {
      return undefined;
    }
  }

  async describe(): Promise<DatasetDescription> {
    const [manifest, versions] = await Promise.all([
      this.manifest(),
      this.manifests()
        ?.listVersions()
        .catch(() => [] as number[]) ?? [],
    ]);
    let latestVersion = versions.at(-1) ?? this.version;
    const indices = await this.indices();
    let schema: SchemaField[];
    let schemaMetadata: Record<string, string>;
    let rows: number | undefined;
    let rowsError: ErrorInfo | undefined = this.openError ? this.openError.toInfo() : undefined;
    let fragments = manifest?.fragmentCount ?? 0;
    let bytes: number | undefined = manifest?.fileSizeBytes;
    if (this.table) {
      const arrowSchema = await this.arrowSchema();
      if (arrowSchema) {
        schema = schemaToFields(arrowSchema, indices);
        schemaMetadata = Object.fromEntries(arrowSchema.metadata ?? new Map());
      } else {
        ({ schema, schemaMetadata } = manifestSchema(manifest, indices));
      }
      try {
        rows = await this.table.countRows();
      } catch (err) {
        // Counting reads fragment metadata; when a data file is gone the manifest's count still stands.
        rowsError = this.toErrorInfo(err);
        rows = manifest?.rowCount;
      }
      try {
        const s = await this.table.stats();
        fragments = s.fragmentStats.numFragments;
        // Older manifests lack file sizes and the engine then reports 0: that means "unknown", not empty.
        bytes = s.totalBytes > 0 || rows === 0 ? s.totalBytes : bytes;
      } catch {
        /* stats are a nicety; the manifest numbers stand */
      }
      if (!this.isLocal() && !this.pinned) latestVersion = this.version;
      if (!rowsError) rowsError = await this.probeRows();
    } else {
      ({ schema, schemaMetadata } = manifestSchema(manifest, indices));
    }
    const deletedRows = !manifest
      ? undefined
      : manifest.deletedRowsKnown
        ? manifest.deletedRows
        : rows !== undefined && manifest.physicalRows >= rows
          ? manifest.physicalRows - rows
          : undefined;
    return {
      location: this.location,
      version: this.version,
      latestVersion,
      pinned: this.pinned,
      tag: this.opts.tag,
      schema,
      schemaMetadata,
      classNames: decodeClassNames(schemaMetadata),
      indices,
      indexMetadataMissing: indices.length === 0 && (await this.hasIndexFiles()),
      stats: {
        rows: rows ?? 0,
        deletedRows,
        fragments,
        bytes: bytes === 0 && (rows ?? 0) > 0 ? undefined : bytes,
        dataFormat: manifest ? describeDataFormat(manifest) : undefined,
      },
      rowsError,
      ...(this.damage ? { damage: { damagedVersions: this.damage.damagedVersions, message: damageMessage(this.damage, this.version) } } : {}),
    };
  }

  /** Whether `_indices/` holds anything (asked only when the engine lists no index: old datasets). */
  private async hasIndexFiles(): Promise<boolean> {
    if (this.isLocal()) return hasIndexFiles(this.location.uri);
    if (!/^s3:\/\//i.test(this.location.uri)) return false;
    return hasS3Keys(`${this.location.uri}/_indices`, this.opts.storageOptions, this.opts.timeoutMs).catch(() => false);
  }

  /** The Arrow schema, or undefined when arrow-js cannot decode one of its types (LargeList). */
  private async arrowSchema(): Promise<Schema | undefined> {
    try {
      return await this.requireTable().schema();
    } catch (err) {
      if (classify(err).kind === 'unsupported-type') return undefined;
      throw err;
    }
  }

  private planPromise?: Promise<ColumnPlan>;
  private widthsPromise?: Promise<RowWidths>;

  /**
   * What batchRows needs, once per open dataset: each column's bytes per row when its type is fixed-width
   * (absent: variable-width or unknown), and the dataset's mean bytes per row (stats; 0 when unknown).
   */
  private widths(): Promise<RowWidths> {
    this.widthsPromise ??= (async () => {
      const fixed = new Map<string, number>();
      const schema = await this.arrowSchema().catch(() => undefined);
      for (const f of schema?.fields ?? []) {
        const w = fixedWidth(f.type as DataType);
        if (w !== undefined) fixed.set(f.name, w);
      }
      let meanRowBytes = 0;
      try {
        const s = await this.requireTable().stats();
        if (s.totalBytes > 0 && s.numRows > 0) meanRowBytes = s.totalBytes / s.numRows;
      } catch {
        /* unknown: variable-width projections keep small batches */
      }
      return { fixed, meanRowBytes };
    })();
    return this.widthsPromise;
  }

  /**
   * Rows per streamed batch for a read of `columns`, up to `limit` rows: as many as fit in BATCH_BYTES.
   * Fixed-width columns count their width; any variable-width one (binary, string, list) counts the
   * dataset's mean row size, which bounds a projection's mean from above (the replica: ~120 KB a row, so
   * 68 rows; the million rows: ~575 bytes, so a page is one batch). Unknown sizes: UNKNOWN_SIZE_BATCH_ROWS.
   */
  private async batchRows(columns: string[], limit: number): Promise<number> {
    const { fixed, meanRowBytes } = await this.widths();
    let bytes = 8; // _rowid
    let variable = false;
    for (const c of columns) {
      const w = fixed.get(c);
      if (w === undefined) variable = true;
      else bytes += w;
    }
    if (variable) {
      if (!meanRowBytes) return Math.max(1, Math.min(limit, UNKNOWN_SIZE_BATCH_ROWS));
      bytes += meanRowBytes;
    }
    return Math.max(1, Math.min(limit, Math.floor(BATCH_BYTES / bytes)));
  }

  /** The column plan, with the row widths asked for alongside it (both cached; the first read needs both). */
  private async planAndWidths(): Promise<ColumnPlan> {
    const [plan] = await Promise.all([this.plan(), this.widths()]);
    return plan;
  }

  /** How each column is read (cached: the schema of an open dataset does not change). */
  private plan(): Promise<ColumnPlan> {
    this.planPromise ??= (async () => {
      const schema = await this.arrowSchema();
      if (schema) return planFromArrow(schema);
      const m = await this.manifest();
      return m ? planFromManifest(m) : { names: [], exprs: new Map(), unreadable: new Map() };
    })();
    return this.planPromise;
  }

  /** Reading one row of one cheap column tells whether data files are there at all. */
  private async probeRows(): Promise<ErrorInfo | undefined> {
    try {
      const t = this.requireTable();
      // One readable column through the column plan: with no Arrow schema (LargeList) selecting
      // everything would fail on a column the pages read fine through their casts.
      const plan = await this.plan();
      const first = plan.names.find((n) => plan.exprs.get(n) !== null);
      const q = t.query().limit(1);
      if (first) q.select(selectFor(plan, [first]));
      await q.toArray();
      return undefined;
    } catch (err) {
      return this.toErrorInfo(err);
    }
  }

  async indices(): Promise<IndexInfo[]> {
    if (!this.table) return [];
    try {
      const list = await this.table.listIndices();
      return list.map((i) => {
        const details = (i as unknown as { indexDetails?: Record<string, unknown> }).indexDetails;
        const raw = i as unknown as { numIndexedRows?: number; numUnindexedRows?: number; sizeBytes?: number; createdAt?: Date };
        const metric = typeof details?.metric_type === 'string' ? details.metric_type : undefined;
        return {
          name: i.name,
          type: i.indexType,
          columns: i.columns,
          metric,
          indexedRows: raw.numIndexedRows,
          unindexedRows: raw.numUnindexedRows,
          sizeBytes: typeof raw.sizeBytes === 'number' && raw.sizeBytes > 0 ? raw.sizeBytes : undefined,
          createdAt: raw.createdAt instanceof Date && !Number.isNaN(raw.createdAt.getTime()) ? raw.createdAt.toISOString() : undefined,
          details,
        };
      });
    } catch {
      return [];
    }
  }

  /**
   * Versions newest first, read from manifests one page at a time so thousands stay quick. The page's
   * manifests and transaction files are read concurrently, and the tags meanwhile: one after the other,
   * the ~7 file system calls per version made the newest 6 of the million-row table take 1.6–3.9 ms.
   */
  async versions(offset: number, limit: number): Promise<VersionsPage> {
    const tagsP = this.tagsByVersion(); // never rejects
    const source = this.manifests();
    if (source) {
      const [all, tags] = await Promise.all([source.listVersions(), tagsP]);
      const newestFirst = all.slice().reverse();
      const page = newestFirst.slice(offset, offset + limit);
      // Local reads all at once (cheap); object-store reads a bounded number of requests at a time.
      const versions: VersionInfo[] = await inParallel(page, this.isLocal() ? page.length : REMOTE_PARALLEL, async (v): Promise<VersionInfo> => {
        let damaged: string | undefined;
        const m = await source.readManifest(v).catch((err: Error) => {
          damaged = `This version's manifest cannot be read: ${err.message}`;
          return undefined;
        });
        const commit = m?.transactionFile ? await source.readCommit(m.transactionFile) : undefined;
        return {
          version: v,
          timestamp: m?.timestamp,
          rows: m?.rowCount,
          metadata: m
            ? {
                ...(commit ? { operation: commit.operation, ...(commit.detail ? { detail: commit.detail } : {}) } : {}),
                fragments: String(m.fragmentCount),
                ...(m.fileSizeBytes !== undefined ? { total_files_size: String(m.fileSizeBytes) } : {}),
                ...(m.writerVersion ? { writer: m.writerVersion } : {}),
                ...(m.tag ? { tag: m.tag } : {}),
              }
            : {},
          tags: tags.get(v) ?? [],
          ...(damaged ? { damaged } : {}),
        };
      });
      return { total: all.length, latest: all.at(-1) ?? this.version, versions };
    }
    const tags = await tagsP;
    const all = (await this.requireTable().listVersions()).slice().reverse();
    return {
      total: all.length,
      latest: all[0]?.version ?? this.version,
      versions: all.slice(offset, offset + limit).map((v) => ({
        version: v.version,
        timestamp: v.timestamp.toISOString(),
        rows: v.metadata?.total_rows !== undefined ? Number(v.metadata.total_rows) : undefined,
        metadata: v.metadata ?? {},
        tags: tags.get(v.version) ?? [],
      })),
    };
  }

  private async tagsByVersion(): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (!this.table) return out;
    try {
      const list = await (await this.table.tags()).list();
      for (const [name, info] of Object.entries(list)) {
        const v = Number((info as { version: number | bigint }).version);
        out.set(v, [...(out.get(v) ?? []), name]);
      }
    } catch {
      /* datasets without tag support: no tags */
    }
    return out;
  }

  /**
   * Rows matching the filter (all rows without one). The engine's countRows() takes neither a time limit
   * nor a cancel, so a filtered count streams the matching row ids instead (the same index use, no column
   * data read) and stops at either; an unfiltered count is the manifest's arithmetic and stays countRows().
   */
  async count(filter?: string, signal?: AbortSignal, rowSet?: string): Promise<number> {
    const t = this.requireTable();
    const f = filter?.trim() || undefined;
    throwIfAborted(signal);
    if (rowSet !== undefined) return (await this.rowSetOrder(rowSet, f, undefined, signal)).ids.length;
    try {
      if (!f) return await t.countRows();
      // select([]) without withRowId() streams empty batches (numRows 0); a constant column is refused
      // ("Scans must request at least one column"): row ids are the cheapest thing that counts.
      let n = 0;
      const q = t.query().select([]).withRowId().where(f);
      for await (const batch of streamBatches(q, { maxBatchLength: SCAN_BATCH_ROWS, timeoutMs: this.opts.timeoutMs, signal })) n += batch.numRows;
      return n;
    } catch (err) {
      throw classify(err, pathMapper(this.location, this.linkDir), f && !(err instanceof LanceError) ? 'filter' : undefined);
    }
  }

  /**
   * One page of rows, reading only the requested columns. Unfiltered, the engine seeks straight to the
   * offset, so one streamed pass is cheapest, in batches of about BATCH_BYTES. Filtered at offset 0, when
   * the page fits in BATCH_BYTES, one streamed pass too, in scan-sized batches: the engine applies the
   * limit before it reads the other columns (late materialisation), so no more rows than the page are
   * read, and one query is cheaper than two (`LIKE 'tabby%'` on the replica 8–9 ms against 11–12 ms).
   * Otherwise the filter and offset run over row ids alone and then the page's rows are taken by id: the
   * rows skipped are then never decoded (IN (6 names) @200 on the replica: 6.7 ms against 20 ms for one
   * pass). Legacy (v1) data files cannot be taken by id; there the filtered page is one streamed pass too.
   */
  async rows(req: RowsRequest, signal?: AbortSignal): Promise<RowsPage> {
    const page = await this.page(req, signal);
    const px = thumbnailPxOf(req);
    if (px) await withThumbnails(page.rows, px);
    return page;
  }

  private async page(req: RowsRequest, signal?: AbortSignal): Promise<RowsPage> {
    const t = this.requireTable();
    const filter = req.filter?.trim() || undefined;
    const plan = await this.planAndWidths();
    const columns = req.columns ?? plan.names;
    const enc = encodeOptions(req);
    if (req.rowSet !== undefined) {
      const v = await this.rowSetOrder(req.rowSet, filter, req.sort, signal);
      return this.keptPage(req, v.ids.subarray(req.offset, req.offset + req.limit), v.scores?.subarray(req.offset, req.offset + req.limit), columns, plan, enc, signal);
    }
    if (req.search) {
      const r = await this.searchResult(req.search, filter, signal);
      const ids = r.rowIds.slice(req.offset, req.offset + req.limit).map((id) => BigInt(id));
      return this.keptPage(req, ids, r.scores?.slice(req.offset, req.offset + req.limit), columns, plan, enc, signal);
    }
    if (req.sort?.length) return this.sortedPage(req, filter, req.sort, columns, plan, enc, signal);
    if (!filter) return this.streamPage(req, undefined, columns, plan, enc, signal);
    const pageFits = (await this.batchRows(columns, req.limit)) >= req.limit;
    if (req.offset === 0 && pageFits) return this.streamPage(req, filter, columns, plan, enc, signal, Math.max(req.limit, SCAN_BATCH_ROWS));
    const ids: bigint[] = [];
    try {
      const q = t.query().select([]).withRowId().offset(req.offset).limit(req.limit).where(filter);
      for await (const batch of streamBatches(q, { maxBatchLength: SCAN_BATCH_ROWS, timeoutMs: this.opts.timeoutMs, signal })) {
        const col = batch.getChild(ROW_ID);
        for (let i = 0; i < batch.numRows; i++) ids.push(col!.get(i) as bigint);
      }
    } catch (err) {
      throw classify(err, pathMapper(this.location, this.linkDir), err instanceof LanceError ? undefined : 'filter');
    }
    try {
      const rows = await this.takeRows(ids, columns, plan, enc, signal);
      return { offset: req.offset, columns, rowIds: ids.map(String), rows };
    } catch (err) {
      if (!/v1 files|FilteredRead/i.test(String((err as LanceError).detail ?? err))) throw err;
    }
    return this.streamPage(req, filter, columns, plan, enc, signal, pageFits ? Math.max(req.limit, SCAN_BATCH_ROWS) : undefined);
  }

  /** Sorted orders of this version's views (see sortOrder.ts), kept while the dataset is open. */
  private sortOrdersCache?: SortOrders;

  /** The sort orders of this dataset's views, made on first use. */
  private get sortOrders(): SortOrders {
    this.sortOrdersCache ??= new SortOrders(() => this.requireTable(), { timeoutMs: this.opts.timeoutMs });
    return this.sortOrdersCache;
  }

  /** Kept orders of this version's views (text searches, row-set views), newest last. */
  private readonly keptOrders = new Map<string, Promise<unknown>>();

  /**
   * The order of a view that pages are then taken from by id, computed once and kept for the pages that
   * follow (bounded: the last KEPT_ORDERS). Requests for the same view share one run; a failed one is forgotten.
   */
  private keptOrder<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.keptOrders.get(key) as Promise<T> | undefined;
    if (p) {
      this.keptOrders.delete(key);
      this.keptOrders.set(key, p);
      return p;
    }
    p = make();
    this.keptOrders.set(key, p);
    p.catch(() => this.keptOrders.get(key) === p && this.keptOrders.delete(key));
    while (this.keptOrders.size > KEPT_ORDERS) this.keptOrders.delete(this.keptOrders.keys().next().value as string);
    return p;
  }

  /** A text search of one string column (its full-text index, or a substring scan), kept for the pages that follow. */
  private searchResult(search: TextQuery, filter: string | undefined, signal?: AbortSignal): Promise<TextSearchResult> {
    return this.keptOrder(JSON.stringify(['search', filter ?? '', search.column, search.text]), async () =>
      searchText(
        this.requireTable(),
        { column: search.column, text: search.text, filter },
        { signal, timeoutMs: this.opts.timeoutMs, indices: await this.indices(), mapPaths: pathMapper(this.location, this.linkDir) },
      ),
    );
  }

  /** Row sets kept for this dataset's views (keepRowSet; shown with RowsRequest.rowSet). */
  readonly rowSets = new RowSets();

  /**
   * A row set's rows that pass the filter, in the set's order or sorted by `sort` (the sorted view's kept
   * order, restricted to the set), with their scores. Kept for the pages that follow.
   */
  private rowSetOrder(id: string, filter: string | undefined, sort: SortKey[] | undefined, signal?: AbortSignal): Promise<RowSetView> {
    const set = this.rowSets.get(id);
    if (!filter && !sort?.length) return Promise.resolve(rowSetView(set));
    const key = JSON.stringify(['rowSet', id, filter ?? '', (sort ?? []).map((k) => [k.column, !!k.descending])]);
    return this.keptOrder(key, async () => {
      if (sort?.length) {
        const order = await this.sortedIds(filter, sort, signal);
        if (!order)
          throw new LanceError('too-large', `This table has more than ${MAX_CACHED_IDS.toLocaleString('en-US')} rows, too many to sort a row set by a column. Clear the sort.`);
        return rowSetView(set, undefined, order);
      }
      return rowSetView(set, await this.matchingIds(filter!, signal));
    });
  }

  /** Every row id that passes a filter (a scan of the filter's columns and the ids, nothing else). */
  private async matchingIds(filter: string, signal?: AbortSignal): Promise<Set<bigint>> {
    const out = new Set<bigint>();
    try {
      const q = this.requireTable().query().select([]).withRowId().where(filter);
      for await (const batch of streamBatches(q, { maxBatchLength: SCAN_BATCH_ROWS, timeoutMs: this.opts.timeoutMs, signal })) {
        const col = batch.getChild(ROW_ID)!;
        for (let i = 0; i < batch.numRows; i++) out.add(col.get(i) as bigint);
      }
    } catch (err) {
      throw classify(err, pathMapper(this.location, this.linkDir), err instanceof LanceError ? undefined : 'filter');
    }
    return out;
  }

  /** A row set's ids in its view's order (exports and subsets of a row set's view write these). */
  async rowSetIds(id: string, filter: string | undefined, sort: SortKey[] | undefined, signal?: AbortSignal): Promise<BigUint64Array> {
    return (await this.rowSetOrder(id, filter?.trim() || undefined, sort, signal)).ids;
  }

  /** A text search's matches in relevance order (exports and subsets of a searched view write these). */
  async searchIds(filter: string | undefined, search: TextQuery, signal?: AbortSignal): Promise<BigUint64Array> {
    const r = await this.searchResult(search, filter?.trim() || undefined, signal);
    return BigUint64Array.from(r.rowIds, (id) => BigInt(id));
  }

  /** What a text search found (its rows then come page by page with `rows` and the same search). */
  async search(p: { search: TextQuery; filter?: string }, signal?: AbortSignal): Promise<SearchSummary> {
    const r = await this.searchResult(p.search, p.filter?.trim() || undefined, signal);
    return { count: r.rowIds.length, truncated: r.truncated, limit: TEXT_SEARCH_MAX_IDS, answeredBy: r.answeredBy, terms: r.terms, stemmed: r.stemmed };
  }

  /**
   * A page of a kept order (a text search's matches best first, a row set's rows): the page's ids taken by
   * id, with their score as the SCORE_COLUMN pseudo-column when asked.
   */
  private async keptPage(
    req: RowsRequest,
    ids: ArrayLike<bigint>,
    scores: ArrayLike<number> | undefined,
    columns: string[],
    plan: ColumnPlan,
    enc: EncodeOptions,
    signal?: AbortSignal,
  ): Promise<RowsPage> {
    const real = columns.filter((c) => c !== SCORE_COLUMN);
    const taken = await this.takeRows(Array.from(ids), real, plan, enc, signal);
    const scoreAt = columns.indexOf(SCORE_COLUMN);
    const rows =
      scoreAt < 0
        ? taken
        : taken.map((row, i) => {
            const score = scores?.[i];
            const out = row.slice();
            // Float32 scores (BM25, distances): six significant digits say all they can (not 3.1022450923919678).
            out.splice(scoreAt, 0, score === undefined || !Number.isFinite(score) ? null : Number(score.toPrecision(6)));
            return out;
          });
    return { offset: req.offset, columns, rowIds: Array.from(ids, String), rows };
  }

  /**
   * The plan of the query behind a view: for rows, the query that picks the page's rows (the sort's key
   * scan, the text search, or the filtered scan; a sorted or searched page's rows are then taken by id);
   * for Similar, the vector search. Analyze runs it.
   */
  async explain(p: { target: PlanTarget; analyze: boolean }, signal?: AbortSignal): Promise<QueryPlanInfo> {
    const t = this.requireTable();
    const indices = await this.indices();
    const mapPaths = pathMapper(this.location, this.linkDir);
    let q: Parameters<typeof queryPlan>[0];
    let what: string;
    const target = p.target;
    if (target.view === 'similar') {
      const req = target.request;
      const plan = await this.planAndWidths();
      const { build } = await this.vectorQuery(req, signal);
      q = build()
        .select(projection(plan, req.columns ?? plan.names))
        .withRowId();
      what = `the vector search for the ${req.k} rows nearest to row ${req.rowId ?? ''}`.replace(/ $/, '');
    } else {
      const filter = target.filter?.trim() || undefined;
      if (target.rowSet !== undefined) {
        // A row set's page: its ids (after the filter's scan, or the sort's, when there is one) taken by id.
        const plan = await this.planAndWidths();
        const ids = (await this.rowSetOrder(target.rowSet, filter, target.sort, signal)).ids.subarray(target.offset, target.offset + target.limit);
        q = t
          .takeRowIds(Array.from(ids))
          .select(
            projection(
              plan,
              (target.columns ?? plan.names).filter((c) => c !== SCORE_COLUMN),
            ),
          )
          .withRowId();
        what = `the take by row id of the page's ${ids.length} rows of the row set${filter ? ' (the filter was applied to the set by a scan of row ids)' : ''}`;
      } else if (target.search) {
        const s = target.search;
        const fts = (await this.searchResult(s, filter, signal)).answeredBy.kind === 'fts-index';
        const sq = fts ? t.query().fullTextSearch(s.text, { columns: [s.column] }) : t.query().where(substringCondition(s.column, s.text));
        if (fts && filter) sq.where(filter);
        if (!fts && filter) sq.where(`(${substringCondition(s.column, s.text)}) AND (${filter})`);
        q = sq
          .select([])
          .withRowId()
          .limit(TEXT_SEARCH_MAX_IDS + 1);
        what = fts
          ? `the full-text search of ${s.column} for "${s.text}"${filter ? ' with the filter' : ''}`
          : `the substring scan of ${s.column} for "${s.text}"${filter ? ' with the filter' : ''}`;
      } else if (target.sort?.length) {
        const keys = Object.create(null) as Record<string, string>;
        for (const k of target.sort) keys[k.column] = k.column;
        const sq = t.query().select(keys).withRowId().orderBy(engineOrdering(target.sort));
        if (filter) sq.where(filter);
        q = sq;
        what = `the sort of the${filter ? ' filtered' : ''} table by its key columns (computed once per view; pages are then read by row id)`;
      } else {
        const plan = await this.planAndWidths();
        const sq = t
          .query()
          .select(projection(plan, target.columns ?? plan.names))
          .withRowId()
          .offset(target.offset)
          .limit(target.limit);
        if (filter) sq.where(filter);
        q = sq;
        what = `the page of ${target.limit} rows at ${target.offset}${filter ? ' with the filter' : ''}`;
      }
    }
    try {
      const r = await queryPlan(q, { analyze: p.analyze, signal, timeoutMs: this.opts.timeoutMs, indices, mapPaths });
      return { what, ...r };
    } catch (err) {
      throw classify(err, mapPaths, target.view === 'rows' && target.filter ? 'filter' : undefined);
    }
  }

  /** Forgets the kept orders of sorted views and text searches (they are computed again when asked for). */
  forgetViewOrders(): void {
    this.sortOrdersCache = undefined;
    this.keptOrders.clear();
  }

  /** A page of a sorted view: its row ids from the view's order, then those rows taken by id. */
  private async sortedPage(
    req: RowsRequest,
    filter: string | undefined,
    sort: SortKey[],
    columns: string[],
    plan: ColumnPlan,
    enc: EncodeOptions,
    signal?: AbortSignal,
  ): Promise<RowsPage> {
    let ids: bigint[];
    try {
      ids = await this.sortOrders.pageIds(filter, sort, req.offset, req.limit, signal);
    } catch (err) {
      throw classify(err, pathMapper(this.location, this.linkDir), err instanceof LanceError ? undefined : 'filter');
    }
    const rows = await this.takeRows(ids, columns, plan, enc, signal);
    return { offset: req.offset, columns, rowIds: ids.map(String), rows };
  }

  /**
   * The row ids of a (filtered) view in sort order, every one of them (exports and subsets write rows in
   * this order); undefined when the view is too large to hold (see MAX_CACHED_IDS).
   */
  sortedIds(filter: string | undefined, sort: SortKey[], signal?: AbortSignal): Promise<BigUint64Array | undefined> {
    return this.sortOrders.order(filter?.trim() || undefined, sort, signal).catch((err) => {
      throw classify(err, pathMapper(this.location, this.linkDir), err instanceof LanceError ? undefined : 'filter');
    });
  }

  /**
   * A page in one streamed pass, in batches of about BATCH_BYTES (see batchRows) unless told. Unfiltered,
   * the batch size only shapes what crosses from Rust: on the million rows a page of 50 took 2.1–2.7 ms in
   * 16-row batches and 1.2 ms in one; filtered, it is also the engine's scan batch (see SCAN_BATCH_ROWS).
   */
  private async streamPage(
    req: RowsRequest,
    filter: string | undefined,
    columns: string[],
    plan: ColumnPlan,
    enc: EncodeOptions,
    signal?: AbortSignal,
    batchRows?: number,
  ): Promise<RowsPage> {
    const rowIds: string[] = [];
    const rows: Cell[][] = [];
    try {
      const maxBatchLength = batchRows ?? (await this.batchRows(columns, req.limit));
      const q = this.requireTable().query().select(projection(plan, columns)).withRowId().offset(req.offset).limit(req.limit);
      if (filter) q.where(filter);
      for await (const batch of streamBatches(q, { maxBatchLength, timeoutMs: this.opts.timeoutMs, signal })) {
        encodeBatch(batch, columns, plan, enc, (id, row) => {
          rowIds.push(id.toString());
          rows.push(row);
        });
      }
    } catch (err) {
      throw classify(err, pathMapper(this.location, this.linkDir), filter && !(err instanceof LanceError) ? 'filter' : undefined);
    }
    return { offset: req.offset, columns, rowIds, rows };
  }

  /** Rows by engine row id, in the order given, reading only `columns`. */
  takeRows(ids: bigint[], columns: string[], plan: ColumnPlan, enc: EncodeOptions, signal?: AbortSignal): Promise<Cell[][]> {
    return this.takeEncoded(ids, columns, plan, enc, signal);
  }

  /** takeRows with an encoding per column (`enc[j]` for `columns[j]`; a column may be listed twice). */
  private async takeEncoded(ids: bigint[], columns: string[], plan: ColumnPlan, enc: EncodeOptions | EncodeOptions[], signal?: AbortSignal): Promise<Cell[][]> {
    if (!ids.length || !columns.length) return ids.map(() => []);
    const t = this.requireTable();
    const byId = new Map<bigint, Cell[]>();
    try {
      const maxBatchLength = await this.batchRows(columns, ids.length);
      const q = t.takeRowIds(ids).select(projection(plan, columns)).withRowId();
      for await (const batch of streamBatches(q, { maxBatchLength, timeoutMs: this.opts.timeoutMs, signal })) {
        encodeBatch(batch, columns, plan, enc, (id, row) => byId.set(id, row));
      }
    } catch (err) {
      throw classify(err, pathMapper(this.location, this.linkDir));
    }
    return ids.map((id) => byId.get(id) ?? columns.map(() => null));
  }

  /** One row with everything in it (full vectors, images up to maxImageBytes): the preview's view. */
  async fullRow(rowId: string, columns: string[] | undefined, maxImageBytes: number, signal?: AbortSignal): Promise<FullRow> {
    const plan = await this.plan();
    const cols = columns ?? plan.names;
    const [row] = await this.takeRows([BigInt(rowId)], cols, plan, { maxImageBytes, fullVectors: true, maxListItems: 1000 }, signal);
    return { rowId, columns: cols, row };
  }

  /** Nearest neighbours of one row's vector, through the vector index when there is one. */
  async similar(req: SimilarRequest, signal?: AbortSignal): Promise<SimilarResult> {
    const mapPaths = pathMapper(this.location, this.linkDir);
    const plan = await this.planAndWidths();
    const columns = req.columns ?? plan.names;
    const enc = encodeOptions(req);
    const { queryId, queryRow, metric, index, build } = await this.vectorQuery(req, signal, enc);
    // The query row's thumbnail is made while the engine searches on its own threads: deferred to the
    // next turn of the event loop, when the search below has been sent to the engine.
    const px = thumbnailPxOf(req);
    const queryThumb = px ? new Promise<void>((resolve) => setImmediate(resolve)).then(() => withThumbnails([queryRow], px)) : undefined;
    queryThumb?.catch(() => undefined); // awaited below; never an unhandled rejection when the search fails first
    const hits: { id: bigint; distance: number; row: Cell[] }[] = [];
    let explained: string;
    try {
      throwIfAborted(signal);
      // The plan (which index answers) is asked for alongside the search, not before it.
      const explainedP = build().explainPlan();
      explainedP.catch(() => undefined); // awaited below; never an unhandled rejection when the search fails first
      // With a filter the engine scans it in batches of this size too: a search filtered on `label < 500`
      // took 490–500 ms in 11-row batches and 23 ms in 65,536-row ones on the million rows. The answer
      // is k + 1 rows whatever the batch.
      const maxBatchLength = req.filter?.trim() ? Math.max(req.k + 1, SCAN_BATCH_ROWS) : await this.batchRows(columns, req.k + 1);
      const q = build().select(projection(plan, columns)).withRowId();
      for await (const batch of streamBatches(q, { maxBatchLength, timeoutMs: this.opts.timeoutMs, signal })) {
        const dist = batch.getChild('_distance');
        let i = 0;
        encodeBatch(batch, columns, plan, enc, (id, row) => hits.push({ id, distance: Number(dist?.get(i++) ?? NaN), row }));
      }
      explained = await explainedP;
    } catch (err) {
      throw classify(err, mapPaths, req.filter && !(err instanceof LanceError) ? 'filter' : undefined);
    }
    const neighbours = hits.filter((h) => h.id !== queryId).slice(0, req.k);
    if (px)
      await Promise.all([
        queryThumb,
        withThumbnails(
          neighbours.map((h) => h.row),
          px,
        ),
      ]);
    const annIndex = /ANNSubIndex: name=([^,\s]+)/.exec(explained);
    return {
      query: { rowId: queryId.toString(), row: queryRow },
      columns,
      rowIds: neighbours.map((h) => h.id.toString()),
      rows: neighbours.map((h) => h.row),
      distances: neighbours.map((h) => h.distance),
      metric,
      answeredBy: annIndex ? { kind: 'index', name: annIndex[1], type: index?.type ?? 'vector index' } : { kind: 'scan' },
    };
  }

  /**
   * What a vector search from a row needs: the row (its shown cells and its full vector, in one take: each
   * take cost ~1 ms of ~6 on the million rows), the metric of the column's vector index, and a builder of
   * the engine query (find similar runs it; its plan explains it).
   */
  private async vectorQuery(req: SimilarRequest, signal?: AbortSignal, enc: EncodeOptions = encodeOptions(req)) {
    const t = this.requireTable();
    const plan = await this.planAndWidths();
    const columns = req.columns ?? plan.names;
    const queryId = await this.resolveRowId(req);
    const indicesP = this.indices(); // meanwhile; never rejects
    const [takenRow] = await this.takeEncoded([queryId], [...columns, req.vectorColumn], plan, [...columns.map(() => enc), FULL_VECTOR], signal);
    const queryRow = takenRow.slice(0, columns.length);
    const vector = vectorValues(takenRow[columns.length]);
    if (!vector) throw new LanceError('unsupported-type', `Row ${queryId} has no vector in column "${req.vectorColumn}".`);
    // NaN or ±∞ make every distance NaN: the engine would answer nothing at all, without a reason.
    if (hasNonFinite(vector))
      throw new LanceError(
        'unsupported-type',
        `This row's ${req.vectorColumn} holds NaN or infinite values, so it has no distance to any row: find similar needs a finite vector.`,
      );
    const index = (await indicesP).find((i) => i.columns.includes(req.vectorColumn) && /ivf|hnsw|flat|pq|sq/i.test(i.type));
    const metric = (index?.metric ?? 'l2').toLowerCase();
    const build = () => {
      const q = t
        .query()
        .nearestTo(vector)
        .column(req.vectorColumn)
        .distanceType(metric as 'l2' | 'cosine' | 'dot')
        .limit(req.k + 1);
      if (req.nprobes) q.nprobes(req.nprobes);
      if (req.refineFactor) q.refineFactor(req.refineFactor);
      if (req.filter?.trim()) q.where(req.filter.trim());
      return q;
    };
    return { queryId, queryRow, metric, index, build };
  }

  private async resolveRowId(req: SimilarRequest): Promise<bigint> {
    if (req.rowId !== undefined) return BigInt(req.rowId);
    if (!req.key) throw new LanceError('internal', 'Find similar needs a row id or a key.');
    return BigInt(await this.rowIdForKey(req.key.column, req.key.value));
  }

  /** The engine row id of the first row whose `column` equals `value` (a key such as `id`; int64 exact as an i64 cell). */
  async rowIdForKey(column: string, value: Cell): Promise<string> {
    const filter = conditionFor(column, value);
    if (!filter) throw new LanceError('bad-filter', `Rows cannot be looked up by this value of ${column}.`);
    let rows: Record<string, unknown>[];
    try {
      rows = (await this.requireTable().query().where(filter).select([]).withRowId().limit(1).toArray()) as Record<string, unknown>[];
    } catch (err) {
      throw classify(err, pathMapper(this.location, this.linkDir), 'filter');
    }
    if (!rows.length) throw new LanceError('not-found', `No row has ${filter}.`);
    return String(rows[0][ROW_ID]);
  }

  /** The engine row id of the row at a position of the (filtered, sorted) table, or of a row set's view. */
  async rowIdAt(index: number, filter?: string, sort?: SortKey[], rowSet?: string): Promise<string | undefined> {
    const page = await this.rows({ filter, sort, rowSet, columns: [], offset: index, limit: 1 });
    return page.rowIds[0];
  }
}

interface RowWidths {
  /** Bytes per row of each fixed-width column, by name. */
  fixed: Map<string, number>;
  /** The dataset's bytes over its rows (0: unknown). */
  meanRowBytes: number;
}

/** Bytes per row of a fixed-width Arrow type (vectors included); undefined for variable-width ones. */
function fixedWidth(t: DataType): number | undefined {
  switch (t.typeId) {
    case Type.Null:
      return 0;
    case Type.Bool:
      return 1;
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
    case Type.Interval:
      // Float's precision and Interval's unit give no bitWidth: 8 bytes bounds them all.
      return Math.ceil(((t as unknown as { bitWidth?: number }).bitWidth ?? 64) / 8);
    case Type.Decimal:
      // Read through a text cast (columns.ts): a few dozen bytes.
      return 48;
    case Type.FixedSizeBinary:
      return (t as unknown as { byteWidth: number }).byteWidth;
    case Type.FixedSizeList: {
      const item = fixedWidth(t.children[0].type as DataType);
      return item === undefined ? undefined : item * (t as unknown as { listSize: number }).listSize;
    }
    case Type.Struct: {
      let sum = 0;
      for (const c of t.children) {
        const w = fixedWidth(c.type as DataType);
        if (w === undefined) return undefined;
        sum += w;
      }
      return sum;
    }
    default:
      return undefined;
  }
}

/** The projection of these columns; no readable column reads row ids alone (an empty record would read every column). */
function projection(plan: ColumnPlan, columns: string[]): string[] | Record<string, string> {
  const sel = selectFor(plan, columns);
  return Object.keys(sel).length ? sel : [];
}

function encodeOptions(req: { withImages?: boolean; maxImageBytes?: number }): EncodeOptions {
  return { maxImageBytes: req.withImages ? (req.maxImageBytes ?? 16 * 1024 * 1024) : 0, fullVectors: false, maxListItems: 32 };
}

/** The thumbnail size a request asks for (device px), within reason; undefined: image bytes as they are. */
function thumbnailPxOf(req: { withImages?: boolean; thumbnailPx?: number }): number | undefined {
  return req.withImages && req.thumbnailPx && Number.isFinite(req.thumbnailPx) ? Math.min(MAX_THUMBNAIL_PX, Math.max(1, Math.round(req.thumbnailPx))) : undefined;
}

/** Thumbnails wider than this are not made: 1/2 scale of a 1,024-px photo; bigger ones are the photo itself. */
const MAX_THUMBNAIL_PX = 512;

/** How find similar reads the query row's vector: every value, nothing else. */
const FULL_VECTOR: EncodeOptions = { maxImageBytes: 0, fullVectors: true, maxListItems: 0 };

/** `enc`: one encoding for every column, or one per column. */
function encodeBatch(batch: RecordBatch, columns: string[], plan: ColumnPlan, enc: EncodeOptions | EncodeOptions[], emit: (id: bigint, row: Cell[]) => void): void {
  const idCol = batch.getChild(ROW_ID)!;
  const encs = Array.isArray(enc) ? enc : columns.map(() => enc);
  const cols = columns.map((c) => batch.getChild(c));
  // One encoder per column, chosen once per batch from its type (columnCells.ts).
  const encoders = cols.map((v, j) => (v ? columnEncoder(v, encs[j]) : undefined));
  const placeholders = columns.map((c): Cell => {
    const u = plan.unreadable.get(c);
    return u ? { t: 'unsupported', type: u.type, reason: u.reason } : null;
  });
  for (let i = 0; i < batch.numRows; i++) {
    const row = new Array<Cell>(columns.length);
    for (let j = 0; j < columns.length; j++) {
      const encode = encoders[j];
      row[j] = encode ? safeEncode(encode, cols[j]!.type as DataType, i) : placeholders[j];
    }
    emit(idCol.get(i) as bigint, row);
  }
}

/** One odd value never breaks a page: it becomes a labelled placeholder. */
function safeEncode(encode: ColumnEncoder, type: DataType, i: number): Cell {
  try {
    return encode(i);
  } catch (err) {
    return { t: 'unsupported', type: String(type), reason: (err as Error).message };
  }
}

function manifestSchema(m: ManifestInfo | undefined, indices: IndexInfo[]): { schema: SchemaField[]; schemaMetadata: Record<string, string> } {
  if (!m) return { schema: [], schemaMetadata: {} };
  const build = (f: ManifestField, prefix: string): SchemaField => {
    const full = prefix ? `${prefix}.${f.name}` : f.name;
    const covering = indices.filter((i) => i.columns.includes(full));
    const type = logicalTypeToDisplay(f.logicalType);
    return {
      name: f.name,
      type,
      kind: /^FixedSizeList\[\d+\]<Float/.test(type) ? 'vector' : 'other',
      nullable: f.nullable,
      metadata: f.metadata,
      children: m.fields.filter((c) => c.parentId === f.id).map((c) => build(c, full)),
      ...(covering.length ? { indices: covering.map((i) => ({ name: i.name, type: i.type, metric: i.metric })) } : {}),
      ...(/large_list/i.test(f.logicalType) ? { unsupported: 'LargeList columns cannot be decoded by arrow-js 18.' } : {}),
    };
  };
  return { schema: m.fields.filter((f) => f.parentId === -1).map((f) => build(f, '')), schemaMetadata: m.schemaMetadata };
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order. */
async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}

/** A refused credential, missing bucket or unreachable endpoint of an object-store dataset, said plainly. */
function objectStoreError(err: unknown, loc: DatasetLocation, opts: OpenOptions): LanceError | undefined {
  if (err instanceof LanceError || !isObjectStoreUri(loc.uri)) return undefined;
  return classifyObjectStore(err instanceof Error ? err.message : String(err), loc.uri, opts.storageOptions);
}

function hasIndexFiles(dir: string): boolean {
  try {
    return fs.readdirSync(path.join(dir, '_indices')).length > 0;
  } catch {
    return false;
  }
}

/**
 * LanceDB opens `<parent>/<name>.lance`. A dataset folder with another name is reached through a
 * symlink `<tmp>/<name>.lance → folder` (reads and tag writes go through it to the real files).
 */
async function connectionTarget(loc: DatasetLocation): Promise<{ parent: string; name: string; linkDir?: string }> {
  const uri = loc.uri.replace(/[\\/]+$/, '');
  if (isObjectStoreUri(uri)) {
    const cut = uri.lastIndexOf('/');
    const base = uri.slice(cut + 1);
    if (!/\.lance$/i.test(base)) throw new LanceError('not-a-dataset', `Object-store datasets must end in .lance to be opened (${uri}).`);
    return { parent: uri.slice(0, cut), name: tableNameOf(uri) };
  }
  const abs = path.resolve(uri);
  if (/\.lance$/i.test(abs)) return { parent: path.dirname(abs), name: tableNameOf(abs) };
  const linkDir = path.join(os.tmpdir(), 'lance-inspector-links', crypto.randomBytes(6).toString('hex'));
  await fs.promises.mkdir(linkDir, { recursive: true });
  const name = tableNameOf(abs) || 'dataset';
  await fs.promises.symlink(abs, path.join(linkDir, `${name}.lance`), 'dir');
  return { parent: linkDir, name, linkDir };
}

function pathMapper(loc: DatasetLocation, linkDir: string | undefined): (s: string) => string {
  if (!linkDir) return (s) => s;
  const link = path.join(linkDir, `${tableNameOf(loc.uri) || 'dataset'}.lance`);
  // The engine prints paths without their leading slash.
  const variants = [link, link.replace(/^\//, '')];
  return (s) => variants.reduce((acc, v) => acc.split(v).join(loc.uri), s);
}
