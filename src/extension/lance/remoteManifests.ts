// Manifests and transaction files of an s3:// dataset, read with object-store range requests, so the
// version list loads a page at a time as it does locally. The engine's listVersions() reads every
// manifest, one request after the other: 300 versions took 300 range reads and 16.5 s behind 50 ms of
// latency (1.2 s with none) for every page of the list. Here a page costs the `_versions/` listing (one
// request per 1,000 versions) and, per version shown, one suffix read of the manifest (footer and
// block together, usually) and one of its transaction file, in parallel.
import { manifestBlock, decodeAndKeep, decodedManifest, fragmentFiles, manifestFileVersion, type ManifestInfo } from './manifest';
import { decodeCommit, type CommitInfo } from './transaction';
import { s3Get, s3Target, type S3Target } from './s3Request';
import { listS3Keys } from './s3List';

/** Bytes read from a manifest's end in the first request: the footer and, for most manifests, the whole block. */
const TAIL_BYTES = 64 << 10;
/** Transaction files of huge appends list every new fragment; the operation is all we need. */
const MAX_TXN_BYTES = 32 << 20;

export function canReadRemoteManifests(uri: string): boolean {
  return /^s3:\/\//i.test(uri);
}

export class RemoteManifests {
  private readonly t: S3Target;
  /** Version → manifest file name, from the last listing. */
  private names = new Map<number, string>();

  constructor(
    readonly uri: string,
    private readonly storageOptions?: Record<string, string>,
    timeoutMs?: number,
  ) {
    this.t = { ...s3Target(uri, storageOptions), timeoutMs };
  }

  /** Ascending version numbers, from the names in `_versions/` (no manifest is read). */
  async listVersions(): Promise<number[]> {
    const names = new Map<number, string>();
    for (const key of await listS3Keys(`${this.uri}/_versions`, this.storageOptions, this.t.timeoutMs)) {
      const v = manifestFileVersion(key);
      if (v !== undefined) names.set(v, key);
    }
    this.names = names;
    return [...names.keys()].sort((a, b) => a - b);
  }

  async readManifest(version: number): Promise<ManifestInfo> {
    const { key, file } = await this.file(version);
    // Object keys name immutable versions: the one bounded cache of manifest.ts serves them too.
    return decodedManifest(key) ?? decodeAndKeep(key, file, version, await this.block(key, file));
  }

  /** Each fragment's first data file (fragment id → path), for the version diff (not cached: see manifest.ts). */
  async readFragmentFiles(version: number): Promise<Map<number, string>> {
    const { key, file } = await this.file(version);
    return fragmentFiles(await this.block(key, file));
  }

  private async file(version: number): Promise<{ key: string; file: string }> {
    if (!this.names.has(version)) await this.listVersions();
    const name = this.names.get(version);
    if (name === undefined) throw new Error(`Version ${version} has no manifest in ${this.uri}/_versions`);
    return { key: `${this.t.prefix}_versions/${name}`, file: `${this.uri}/_versions/${name}` };
  }

  /** The manifest's protobuf block: one suffix read, and a second only when the block starts before it. */
  private async block(key: string, file: string): Promise<Uint8Array> {
    const tail = await s3Get(this.t, key, '', `bytes=-${TAIL_BYTES}`);
    if (tail.status === 404) throw new Error(`The manifest is gone: ${file}`);
    const size = totalSize(tail.headers['content-range']) ?? tail.body.length;
    const tailStart = size - tail.body.length;
    const read = async (length: number, position: number): Promise<Uint8Array> => {
      if (position >= tailStart) return tail.body.subarray(position - tailStart, position - tailStart + length);
      return (await s3Get(this.t, key, '', `bytes=${position}-${position + length - 1}`)).body;
    };
    return manifestBlock(read, size, file);
  }

  async readCommit(transactionFile: string): Promise<CommitInfo | undefined> {
    if (!/^[^/\\]+$/.test(transactionFile)) return undefined;
    try {
      const res = await s3Get(this.t, `${this.t.prefix}_transactions/${transactionFile}`, '', `bytes=0-${MAX_TXN_BYTES - 1}`);
      const size = totalSize(res.headers['content-range']) ?? res.body.length;
      if (res.status === 404 || size > MAX_TXN_BYTES) return undefined;
      return decodeCommit(new Uint8Array(res.body));
    } catch {
      return undefined;
    }
  }
}

function totalSize(contentRange: string | undefined): number | undefined {
  const m = /\/(\d+)\s*$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : undefined;
}
