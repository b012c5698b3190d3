// The benchmark's generated datasets, cached under .cache/bench/ (git-ignored) with a stamp file.
// A dataset is regenerated when it is missing or when its stamp differs from the expected one
// (another row count, another lancedb version, or a change to the fixture generator's sources).
// The stamp is written last, so an interrupted generation is never mistaken for a finished one.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Bump when the way the benchmark builds its datasets changes. */
const CACHE_FORMAT = 2;
export const BENCH_SEED = 42;
export const VERSIONS_DATASET_VERSIONS = 1000;

/**
 * `true`: the reference dataset's shape (IMAGENET_TRUE_SHAPE: 1,000 ImageNet classes, ~120 KB JPEGs of
 * ~500×375, one compacted fragment), cached as `imagenet-<rows>`. `small`: the tests' default shape
 * (20 classes, ~13 KB JPEGs, one fragment a write), cached as `imagenet-small-<rows>` (for --quick).
 */
export type ReplicaShape = 'true' | 'small';

export interface CachedDataset {
  uri: string;
  name: string;
  /** Milliseconds spent generating (in this run, or when the cache was built: see info). */
  generatedMs?: number;
  /** True when it was generated in this run. */
  generatedNow?: boolean;
  diskBytes: number;
  /** What was checked and measured when it was built (info.json beside the stamp). */
  info?: Record<string, unknown>;
}

export class CacheMissingError extends Error {}

export function projectRoot(): string {
  // out/test/bench/bench.cli.js → the project root; fall back to the working directory.
  for (const p of [path.resolve(__dirname, '..', '..', '..'), process.cwd()]) {
    if (fs.existsSync(path.join(p, 'package.json')) && fs.existsSync(path.join(p, 'test', 'fixtures'))) return p;
  }
  return process.cwd();
}

export function cacheRoot(): string {
  return path.join(projectRoot(), '.cache', 'bench');
}

/** The installed @lancedb/lancedb version (its package.json is not in the package's `exports`). */
export function lancedbVersion(): string {
  try {
    const p = path.join(projectRoot(), 'node_modules', '@lancedb', 'lancedb', 'package.json');
    return (JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** sha256 over the fixture generator's sources, so a changed generator means a regenerated replica. */
function generatorHash(): string {
  const dir = projectRoot();
  const files = [
    'test/fixtures/imagenetLike.ts',
    'test/fixtures/imageArt.ts',
    'test/fixtures/imagenetClasses.ts',
    'src/extension/lance/jpegEncode.ts',
    'test/fixtures/jpegComment.ts',
    'test/fixtures/random.ts',
    'test/fixtures/lance.ts',
    'test/fixtures/scaleTable.ts',
  ];
  const h = crypto.createHash('sha256');
  for (const f of files) {
    try {
      h.update(f).update(fs.readFileSync(path.join(dir, f)));
    } catch {
      h.update(`${f}:missing`);
    }
  }
  return h.digest('hex').slice(0, 16);
}

export function diskBytes(p: string): number {
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((sum, e) => sum + diskBytes(path.join(p, e)), 0);
}

function stampMatches(file: string, expected: object): boolean {
  try {
    return fs.readFileSync(file, 'utf8') === JSON.stringify(expected, null, 2);
  } catch {
    return false;
  }
}

function readInfo(dir: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'info.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function ensure(
  dir: string,
  datasetName: string,
  stamp: object,
  allowGenerate: boolean,
  what: string,
  build: (dir: string) => Promise<string>,
  inspect?: (uri: string, generatedMs: number) => Promise<Record<string, unknown>>,
): Promise<CachedDataset> {
  const stampFile = path.join(dir, 'stamp.json');
  const uri = path.join(dir, `${datasetName}.lance`);
  if (stampMatches(stampFile, stamp) && fs.existsSync(path.join(uri, '_versions'))) {
    const info = readInfo(dir);
    const ms = info?.generatedMs;
    return { uri, name: datasetName, diskBytes: diskBytes(uri), info, generatedMs: typeof ms === 'number' ? ms : undefined };
  }
  if (!allowGenerate) {
    const why = fs.existsSync(stampFile) ? 'is out of date (its stamp differs)' : 'is missing';
    throw new CacheMissingError(`The cached ${what} ${why}: ${dir}\n` + `--no-generate was given, so it is not rebuilt. Run the benchmark once without --no-generate to build it.`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const written = await build(dir);
  const generatedMs = performance.now() - t0;
  if (path.resolve(written) !== path.resolve(uri)) throw new Error(`generator wrote ${written}, expected ${uri}`);
  const info = { generatedMs, diskBytes: diskBytes(uri), ...(inspect ? await inspect(uri, generatedMs) : {}) };
  fs.writeFileSync(path.join(dir, 'info.json'), JSON.stringify(info, null, 2));
  fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
  return { uri, name: datasetName, generatedMs, generatedNow: true, diskBytes: info.diskBytes, info };
}

/** Logs progress every tenth of the rows and every stage, with the time since the start. */
function progressLog(log: (s: string) => void): { onProgress: (done: number, total: number) => void; onStage: (s: string) => void } {
  const t0 = performance.now();
  let next = 0;
  const at = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  return {
    onProgress: (done, total) => {
      if (done < next && done < total) return;
      next = done + Math.max(1, Math.floor(total / 10));
      log(`  ${done}/${total} rows (${Math.round((100 * done) / total)}%) ${at()}`);
    },
    onStage: (s) => log(`  ${s}… ${at()}`),
  };
}

/** Fragments, versions and tags of a table as the engine reports them. */
async function tableFacts(uri: string): Promise<{ rows: number; fragments: number; versions: number[]; tags: Record<string, number>; lanceBytes: number }> {
  const { lancedb } = await import('../fixtures/lance');
  const db = await lancedb.connect(path.dirname(uri));
  const t = await db.openTable(path.basename(uri, '.lance'));
  try {
    const stats = await t.stats();
    const tags = Object.fromEntries(Object.entries(await (await t.tags()).list()).map(([k, v]) => [k, Number((v as { version: number }).version)]));
    return { rows: await t.countRows(), fragments: stats.fragmentStats.numFragments, versions: (await t.listVersions()).map((v) => v.version), tags, lanceBytes: stats.totalBytes };
  } finally {
    t.close();
    db.close();
  }
}

/**
 * Checks a built replica's images: row 0's bytes are a baseline JPEG (SOI, SOF0, EOI) with the COM
 * segment carrying its row id, and jpeg-js (the project's decoder) decodes it; the sizes of all images.
 */
async function inspectReplica(uri: string): Promise<Record<string, unknown>> {
  const { lancedb } = await import('../fixtures/lance');
  const jpeg = await import('jpeg-js');
  const facts = await tableFacts(uri);
  const db = await lancedb.connect(path.dirname(uri));
  const t = await db.openTable(path.basename(uri, '.lance'));
  try {
    const [row] = (await t.query().select(['id', 'image']).limit(1).toArray()) as { id: bigint; image: Uint8Array }[];
    const b = row.image;
    const markers: string[] = [];
    for (let i = 2; i + 3 < b.length;) {
      // Walk the segments up to the scan (SOS): each is FF xx, then a 2-byte length.
      if (b[i] !== 0xff) break;
      const m = b[i + 1];
      markers.push(m.toString(16).toUpperCase());
      if (m === 0xda) break;
      i += 2 + ((b[i + 2] << 8) | b[i + 3]);
    }
    const comIndex = markers.indexOf('FE');
    let comment: string | undefined;
    if (comIndex >= 0) {
      let i = 2;
      for (let k = 0; k < comIndex; k++) i += 2 + ((b[i + 2] << 8) | b[i + 3]);
      comment = Buffer.from(b.subarray(i + 4, i + 2 + ((b[i + 2] << 8) | b[i + 3]))).toString('latin1');
    }
    const decoded = jpeg.decode(b, { useTArray: true, formatAsRGBA: false });
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = 0;
    // The engine has no byte length of a binary (octet_length takes strings only): stream the images.
    const q = t.query().select(['image']);
    for await (const batch of (q as unknown as { execute(o: unknown): AsyncIterable<import('apache-arrow').RecordBatch> }).execute({ maxBatchLength: 256 })) {
      const col = batch.getChild('image')!;
      for (let i = 0; i < batch.numRows; i++) {
        const v = (col.get(i) as Uint8Array).byteLength;
        n++;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    return {
      ...facts,
      row0: {
        id: String(row.id),
        bytes: b.length,
        soi: b[0] === 0xff && b[1] === 0xd8,
        eoi: b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9,
        markers: markers.join(' '),
        comment,
        decodedBy: 'jpeg-js',
        width: decoded.width,
        height: decoded.height,
      },
      images: { count: n, meanBytes: sum / Math.max(1, n), minBytes: min, maxBytes: max },
    };
  } finally {
    t.close();
    db.close();
  }
}

/**
 * The ImageNet-val-like replica with `rows` rows, of the reference dataset's true shape by default
 * (50,000 rows: about 3–5 minutes on 2 cores, ~6 GB) or of the tests' small shape.
 */
export async function ensureImagenet(rows: number, allowGenerate: boolean, log: (s: string) => void, shape: ReplicaShape = 'true'): Promise<CachedDataset> {
  const dir = path.join(cacheRoot(), shape === 'true' ? `imagenet-${rows}` : `imagenet-small-${rows}`);
  const stamp = { cacheFormat: CACHE_FORMAT, kind: 'imagenet-like', shape, rows, seed: BENCH_SEED, lancedb: lancedbVersion(), generator: generatorHash() };
  const what = `${rows}-row ImageNet-like dataset (${shape === 'true' ? 'true shape' : 'small shape'})`;
  return ensure(
    dir,
    'imagenet_val',
    stamp,
    allowGenerate,
    what,
    async (d) => {
      log(`generating the ${rows.toLocaleString('en-US')}-row ImageNet-like replica (${shape === 'true' ? 'true shape' : 'small shape'}) in ${d} …`);
      // Loaded lazily: the workers never need the generator (nor jpeg-js) in their memory.
      const { generateImagenetLike, IMAGENET_TRUE_SHAPE } = await import('../fixtures/imagenetLike');
      const shapeOpts = shape === 'true' ? { ...IMAGENET_TRUE_SHAPE } : {};
      return generateImagenetLike({ ...shapeOpts, dir: d, rows, seed: BENCH_SEED, ...progressLog(log) });
    },
    (uri) => (shape === 'true' ? inspectReplica(uri) : tableFacts(uri)),
  );
}

/** The million-row table without images (id, label, label_name, 128-d vec with IVF_PQ, caption, ts). */
export async function ensureScale(rows: number, allowGenerate: boolean, log: (s: string) => void): Promise<CachedDataset> {
  const dir = path.join(cacheRoot(), `scale-${rows}`);
  const stamp = { cacheFormat: CACHE_FORMAT, kind: 'scale', rows, seed: BENCH_SEED, lancedb: lancedbVersion(), generator: generatorHash() };
  return ensure(
    dir,
    'scale',
    stamp,
    allowGenerate,
    `${rows}-row scale table`,
    async (d) => {
      log(`generating the ${rows.toLocaleString('en-US')}-row scale table in ${d} …`);
      const { generateScaleTable } = await import('../fixtures/scaleTable');
      return generateScaleTable({ dir: d, rows, seed: BENCH_SEED, ...progressLog(log) });
    },
    tableFacts,
  );
}

/** A small table with 1,000 versions (one create and 999 appends of one row). */
export async function ensureManyVersions(allowGenerate: boolean, log: (s: string) => void): Promise<CachedDataset> {
  const n = VERSIONS_DATASET_VERSIONS;
  const dir = path.join(cacheRoot(), `versions-${n}`);
  const stamp = { cacheFormat: CACHE_FORMAT, kind: 'many-versions', versions: n, lancedb: lancedbVersion() };
  return ensure(dir, 'many_versions', stamp, allowGenerate, `${n}-version dataset`, async (d) => {
    log(`generating a table with ${n} versions in ${d} …`);
    const { lancedb } = await import('../fixtures/lance');
    const db = await lancedb.connect(d);
    const row = (i: number) => [{ id: i, note: `append ${i}` }];
    const t = await db.createTable('many_versions', row(0));
    try {
      for (let i = 1; i < n; i++) {
        await t.add(row(i));
        if (i % 250 === 0) log(`  ${i}/${n} versions`);
      }
      const v = await t.version();
      if (v !== n) throw new Error(`expected ${n} versions, the table is at version ${v}`);
    } finally {
      t.close();
      db.close();
    }
    return path.join(d, 'many_versions.lance');
  });
}
