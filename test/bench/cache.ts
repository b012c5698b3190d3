// The benchmark's generated datasets, cached under .cache/bench/ (git-ignored) with a stamp file.
// A dataset is regenerated when it is missing or when its stamp differs from the expected one
// (another row count, another lancedb version, or a change to the fixture generator's sources).
// The stamp is written last, so an interrupted generation is never mistaken for a finished one.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Bump when the way the benchmark builds its datasets changes. */
const CACHE_FORMAT = 1;
export const BENCH_SEED = 42;
export const VERSIONS_DATASET_VERSIONS = 1000;

export interface CachedDataset {
  uri: string;
  name: string;
  /** Milliseconds spent generating in this run; undefined when the cache was used. */
  generatedMs?: number;
  diskBytes: number;
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
  const dir = path.join(projectRoot(), 'test', 'fixtures');
  const files = ['imagenetLike.ts', 'imageArt.ts', 'imagenetClasses.ts', 'jpeg.ts', 'random.ts', 'lance.ts'];
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

async function ensure(
  dir: string,
  datasetName: string,
  stamp: object,
  allowGenerate: boolean,
  what: string,
  build: (dir: string) => Promise<string>,
): Promise<CachedDataset> {
  const stampFile = path.join(dir, 'stamp.json');
  const uri = path.join(dir, `${datasetName}.lance`);
  if (stampMatches(stampFile, stamp) && fs.existsSync(path.join(uri, '_versions'))) {
    return { uri, name: datasetName, diskBytes: diskBytes(uri) };
  }
  if (!allowGenerate) {
    const why = fs.existsSync(stampFile) ? 'is out of date (its stamp differs)' : 'is missing';
    throw new CacheMissingError(
      `The cached ${what} ${why}: ${dir}\n` +
        `--no-generate was given, so it is not rebuilt. Run the benchmark once without --no-generate to build it.`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const written = await build(dir);
  const generatedMs = performance.now() - t0;
  if (path.resolve(written) !== path.resolve(uri)) throw new Error(`generator wrote ${written}, expected ${uri}`);
  fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
  return { uri, name: datasetName, generatedMs, diskBytes: diskBytes(uri) };
}

/** The ImageNet-val-like replica with `rows` rows (50,000 takes a few minutes to build). */
export async function ensureImagenet(rows: number, allowGenerate: boolean, log: (s: string) => void): Promise<CachedDataset> {
  const dir = path.join(cacheRoot(), `imagenet-${rows}`);
  const stamp = { cacheFormat: CACHE_FORMAT, kind: 'imagenet-like', rows, seed: BENCH_SEED, lancedb: lancedbVersion(), generator: generatorHash() };
  return ensure(dir, 'imagenet_val', stamp, allowGenerate, `${rows}-row ImageNet-like dataset`, async (d) => {
    log(`generating the ${rows.toLocaleString('en-US')}-row ImageNet-like replica in ${d} …`);
    // Loaded lazily: the workers never need the generator (nor jpeg-js) in their memory.
    const { generateImagenetLike } = await import('../fixtures/imagenetLike');
    const t0 = performance.now();
    let next = 0;
    return generateImagenetLike({
      dir: d,
      rows,
      seed: BENCH_SEED,
      onProgress: (done, total) => {
        if (done < next && done < total) return;
        next = done + Math.max(1, Math.floor(total / 10));
        log(`  ${done}/${total} rows (${Math.round((100 * done) / total)}%) ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      },
      onStage: (s) => log(`  ${s}… ${((performance.now() - t0) / 1000).toFixed(1)} s`),
    });
  });
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
