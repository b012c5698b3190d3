// Lance manifest files (`<dataset>/_versions/*.manifest`): where they are, how they are named, and the
// model the inspector reads from them (schema, fragments, row counts, data format, writer). The
// protobuf decoding is protobuf.ts; type names are logicalTypes.ts.
//
// Why this exists next to @lancedb/lancedb:
//  - lancedb 0.37 does not expose a dataset's data storage format version ("2.0", "2.1", legacy …);
//  - for some old datasets `openTable` fails outright (a data file was never published), but the
//    schema and the version list live in the manifests and can still be shown;
//  - listing thousands of versions through the engine is slow; here the version list comes from
//    file names alone and each manifest is read lazily, touching only its footer and its
//    protobuf block (a manifest file can also hold a large index section we never read).
//
// File layout (checked against real datasets written by Lance 0.5.9 … 0.36):
//   … (optional index / transaction sections) …
//   at P: u32 LE length L, then L bytes of protobuf `lance.table.Manifest`
//   last 16 bytes: u64 LE P | u16 LE major | u16 LE minor | "LANC"
// Field numbers below are those of lance's protos/table.proto and protos/file.proto.

import * as fs from 'fs';
import * as path from 'path';
import { ProtoMessage } from './protobuf';

export interface ManifestField {
  id: number;
  /** -1 for top-level columns (Lance's convention; 0 is a valid parent id). */
  parentId: number;
  name: string;
  /** Lance logical type string, e.g. "int64", "fixed_size_list:float:16", "struct", "list". */
  logicalType: string;
  nullable: boolean;
  metadata: Record<string, string>;
}

export interface ManifestInfo {
  /** Version recorded inside the manifest. */
  version: number;
  /** Commit time, ISO 8601 (millisecond precision); undefined when the manifest has none. */
  timestamp?: string;
  tag?: string;
  /** Every field of the schema, nested ones included, in manifest order. */
  fields: ManifestField[];
  schemaMetadata: Record<string, string>;
  fragmentCount: number;
  /** Sum of recorded `physical_rows` (includes deleted rows; Lance < 0.8 did not record it). */
  physicalRows: number;
  /** Sum of recorded deleted-row counts. */
  deletedRows: number;
  /** False when some fragment has a deletion file that does not record how many rows it deletes. */
  deletedRowsKnown: boolean;
  /**
   * Live rows (physicalRows - deletedRows) when the manifest alone can be trusted for it: every
   * fragment records its physical rows and deleted-row count, and, if there are deletions, the
   * manifest records its writer (Lance before writer versions sometimes stored the post-deletion
   * count as physical_rows, lance issue #1531). Else undefined: the engine must count.
   */
  rowCount?: number;
  /** The manifest's own `data_format`; absent in manifests written before Lance ~0.16. */
  dataFormat?: { fileFormat: string; version: string };
  /** Distinct "major.minor" versions recorded on the data files (used to infer the format). */
  dataFileVersions: string[];
  writerFeatureFlags: number;
  fragmentIds: number[];
  /** Sum if every data file records a size, else undefined. */
  fileSizeBytes?: number;
  /** Library that wrote this version, e.g. "lance 0.36.0"; absent in old manifests. */
  writerVersion?: string;
  /** Name of this version's transaction file in `_transactions/` (what the commit did); newer datasets only. */
  transactionFile?: string;
}

const VERSIONS_DIR = '_versions';
const FOOTER_LEN = 16;
const MAGIC = 'LANC';
const U64_MAX = 0xffffffffffffffffn;
/** Inverted names (`u64::MAX - version`, zero-padded) are always exactly this many digits. */
const V2_NAME_DIGITS = 20;
/** Bit 2 of the feature flags: "use v2 format" (deprecated, predates `data_format`). */
const FLAG_USE_V2_FORMAT_DEPRECATED = 4;

/**
 * Version number encoded in a manifest file name, or undefined if the name is not an attached
 * manifest. Two naming schemes exist (lance ManifestNamingScheme):
 *  - V1 `<N>.manifest`
 *  - V2 `<u64::MAX - N, 20 digits zero-padded>.manifest` (so the newest sorts first on object
 *    stores). Lance tells them apart by the 20-digit length; a V1 name of 20 digits would need a
 *    version >= 10^19, which cannot occur.
 * Detached versions (`d<N>.manifest`), `latest_version_hint.json` and temp files are ignored.
 */
export function manifestFileVersion(fileName: string): number | undefined {
  const m = /^(\d+)\.manifest$/.exec(fileName);
  if (!m) return undefined;
  const digits = m[1];
  let v = BigInt(digits);
  if (digits.length === V2_NAME_DIGITS) {
    if (v > U64_MAX) return undefined;
    v = U64_MAX - v;
  }
  // Anything beyond 2^53 is not a real version number (and would be rounded); skip it.
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

/** Ascending version numbers, from the file names in `_versions/` alone (no manifest is read). */
export async function listManifestVersions(datasetDir: string): Promise<number[]> {
  const dir = path.join(datasetDir, VERSIONS_DIR);
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`Not a Lance dataset: ${datasetDir} has no ${VERSIONS_DIR} folder`, { cause: err });
    }
    throw err;
  }
  const versions = new Set<number>();
  for (const n of names) {
    const v = manifestFileVersion(n);
    if (v !== undefined) versions.add(v);
  }
  return [...versions].sort((a, b) => a - b);
}

/** The manifest file of a version (either naming scheme), or undefined when there is none. */
export async function manifestFilePath(datasetDir: string, version: number): Promise<string | undefined> {
  for (const name of manifestFileNames(version)) {
    const file = path.join(datasetDir, VERSIONS_DIR, name);
    if (
      await fs.promises.stat(file).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  return undefined;
}

/** Candidate file names for a version, V1 first (the common case locally). */
function manifestFileNames(version: number): string[] {
  const inverted = (U64_MAX - BigInt(version)).toString().padStart(V2_NAME_DIGITS, '0');
  return [`${version}.manifest`, `${inverted}.manifest`];
}

/**
 * Decoded manifests by file identity (path, size, mtime). Versions are immutable, so a page of the
 * version list read again (scrolling back, a reload) costs one stat per version, not a decode.
 */
const decoded = new Map<string, ManifestInfo>();
const DECODED_MAX = 2000;

/** A manifest decoded before under this key (a local file's path, size and mtime; an object-store key). */
export function decodedManifest(key: string): ManifestInfo | undefined {
  return decoded.get(key);
}

/** Decodes a manifest's bytes and keeps it under `key` (bounded: the oldest goes first). */
export function decodeAndKeep(key: string, file: string, version: number, bytes: Uint8Array): ManifestInfo {
  let info: ManifestInfo;
  try {
    info = decodeManifest(bytes);
  } catch (err) {
    throw new Error(`Cannot decode Lance manifest ${file}: ${(err as Error).message}`, { cause: err });
  }
  // A manifest always records its version; fall back to the file name just in case.
  if (info.version === 0) info.version = version;
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value!);
  decoded.set(key, info);
  return info;
}
/** Which naming scheme each _versions/ folder uses (V1 or inverted), so reads stop probing the other. */
const schemeOf = new Map<string, number>();

/** Read and decode one version's manifest. Only the footer and the protobuf block are read. */
export async function readManifest(datasetDir: string, version: number): Promise<ManifestInfo> {
  return withManifestFile(datasetDir, version, async (handle, file) => {
    const st = await handle.stat();
    const key = `${file}\0${st.size}\0${st.mtimeMs}`;
    return decodedManifest(key) ?? decodeAndKeep(key, file, version, await readManifestBlock(handle, file));
  });
}

/**
 * Each fragment's first data file (fragment id → path), for the version diff: an overwrite restarts
 * fragment ids at 0, so an id alone cannot say whether a fragment stayed. Read on demand rather than
 * kept in ManifestInfo, whose cache holds up to DECODED_MAX versions (a path per fragment each).
 */
export async function readFragmentFiles(datasetDir: string, version: number): Promise<Map<number, string>> {
  return withManifestFile(datasetDir, version, async (handle, file) => fragmentFiles(await readManifestBlock(handle, file)));
}

/** Fragment id → first data file, from a manifest's protobuf block. */
export function fragmentFiles(block: Uint8Array): Map<number, string> {
  const out = new Map<number, string>();
  // Manifest.fragments = 2; DataFragment: 1 id, 2 files; DataFile: 1 path.
  for (const frag of new ProtoMessage(block).messages(2)) out.set(frag.uint(1), frag.messages(2)[0]?.string(1) ?? '');
  return out;
}

/** Open a version's manifest file (whichever naming scheme the folder uses) for `fn`, and close it. */
async function withManifestFile<T>(datasetDir: string, version: number, fn: (handle: fs.promises.FileHandle, file: string) => Promise<T>): Promise<T> {
  if (!Number.isSafeInteger(version) || version < 0) throw new Error(`Invalid Lance version: ${version}`);
  const dir = path.join(datasetDir, VERSIONS_DIR);
  const names = manifestFileNames(version);
  const first = schemeOf.get(dir) ?? 0;
  const order = first === 0 ? [0, 1] : [1, 0];
  let handle: fs.promises.FileHandle | undefined;
  let file = '';
  for (const i of order) {
    file = path.join(dir, names[i]);
    try {
      handle = await fs.promises.open(file, 'r');
      schemeOf.set(dir, i);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (!handle) throw new Error(`Version ${version} has no manifest in ${dir}`);
  try {
    return await fn(handle, file);
  } finally {
    await handle.close();
  }
}

async function readAt(handle: fs.promises.FileHandle, length: number, position: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  if (got !== length) throw new Error(`short read (${got} of ${length} bytes at ${position})`);
  return buf;
}

async function readManifestBlock(handle: fs.promises.FileHandle, file: string): Promise<Uint8Array> {
  return manifestBlock((length, position) => readAt(handle, length, position), (await handle.stat()).size, file);
}

/**
 * The protobuf block of a manifest file of `size` bytes, given a reader of byte ranges: the footer
 * (the block's position and the magic) and then the block. Shared by local files and object stores.
 */
export async function manifestBlock(read: (length: number, position: number) => Promise<Uint8Array>, size: number, file: string): Promise<Uint8Array> {
  const bad = (why: string) => new Error(`Not a valid Lance manifest (${why}): ${file}`);
  if (size < FOOTER_LEN + 4) throw bad(`only ${size} bytes`);
  const footer = await read(FOOTER_LEN, size - FOOTER_LEN);
  if (String.fromCharCode(footer[12], footer[13], footer[14], footer[15]) !== MAGIC) throw bad('no LANC magic');
  const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
  const pos = view.getBigUint64(0, true);
  const bodyEnd = size - FOOTER_LEN;
  if (pos + 4n > BigInt(bodyEnd)) throw bad(`manifest position ${pos} beyond the file`);
  const at = Number(pos);
  const lenBuf = await read(4, at);
  const len = new DataView(lenBuf.buffer, lenBuf.byteOffset, 4).getUint32(0, true);
  if (at + 4 + len > bodyEnd) throw bad(`manifest length ${len} beyond the file`);
  return read(len, at + 4);
}

/** Decode the protobuf `lance.table.Manifest` (exported for tests). */
export function decodeManifest(bytes: Uint8Array): ManifestInfo {
  const m = new ProtoMessage(bytes);

  // Manifest.fields = 1 (repeated lance.file.Field)
  const fields: ManifestField[] = m.messages(1).map((f) => ({
    // Field: 1 type, 2 name, 3 id, 4 parent_id, 5 logical_type, 6 nullable, 10 metadata
    id: f.int32(3),
    parentId: f.int32(4),
    name: f.string(2),
    logicalType: f.string(5),
    nullable: f.bool(6),
    metadata: f.stringMap(10),
  }));

  // Manifest.fragments = 2 (repeated DataFragment)
  let physicalRows = 0;
  let deletedRows = 0;
  let deletedRowsKnown = true;
  let physicalRowsKnown = true;
  let hasDeletions = false;
  let sizesKnown = true;
  let fileSizeBytes = 0;
  const fileVersions = new Set<string>();
  const fragmentIds: number[] = [];
  for (const frag of m.messages(2)) {
    // DataFragment: 1 id, 2 files, 3 deletion_file, 4 physical_rows
    fragmentIds.push(frag.uint(1));
    const rows = frag.uint(4);
    // Lance reads 0 as "not recorded" (writers before 0.8 did not store it).
    if (rows === 0) physicalRowsKnown = false;
    physicalRows += rows;
    const deletion = frag.message(3);
    if (deletion) {
      hasDeletions = true;
      // DeletionFile: 4 num_deleted_rows (0 = not recorded, as Lance reads it)
      const n = deletion.uint(4);
      if (n === 0) deletedRowsKnown = false;
      deletedRows += n;
    }
    for (const file of frag.messages(2)) {
      // DataFile: 1 path, 2 fields, 3 column_indices, 4 file_major_version, 5 file_minor_version,
      // 6 file_size_bytes (0 = unknown)
      fileVersions.add(`${file.uint(4)}.${file.uint(5)}`);
      const sz = file.uint(6);
      if (sz > 0) fileSizeBytes += sz;
      else sizesKnown = false;
    }
  }

  // Manifest.timestamp = 7 (google.protobuf.Timestamp: 1 seconds, 2 nanos)
  let timestamp: string | undefined;
  const ts = m.message(7);
  if (ts) {
    const ms = ts.int64(1) * 1000 + Math.floor(ts.int32(2) / 1e6);
    const d = new Date(ms);
    if (!Number.isNaN(d.getTime())) timestamp = d.toISOString();
  }

  // Manifest.data_format = 15 (DataStorageFormat: 1 file_format, 2 version)
  const df = m.message(15);
  // Manifest.writer_version = 13 (WriterVersion: 1 library, 2 version, 3 prerelease)
  const wv = m.message(13);
  let writerVersion: string | undefined;
  if (wv) {
    const pre = wv.has(3) ? `-${wv.string(3)}` : '';
    writerVersion = `${wv.string(1)} ${wv.string(2)}${pre}`.trim() || undefined;
  }

  const tag = m.string(8);
  return {
    version: m.uint(3),
    timestamp,
    tag: tag || undefined,
    fields,
    schemaMetadata: m.stringMap(5),
    fragmentCount: fragmentIds.length,
    physicalRows,
    deletedRows,
    deletedRowsKnown,
    rowCount: physicalRowsKnown && deletedRowsKnown && (writerVersion !== undefined || !hasDeletions) ? physicalRows - deletedRows : undefined,
    dataFormat: df ? { fileFormat: df.string(1), version: df.string(2) } : undefined,
    dataFileVersions: [...fileVersions].sort(),
    writerFeatureFlags: m.uint(10),
    fragmentIds,
    fileSizeBytes: sizesKnown ? fileSizeBytes : undefined,
    writerVersion,
    ...(m.string(12) ? { transactionFile: m.string(12) } : {}),
  };
}

/** Lance's spelling of a data file version (major, minor) → "legacy" | "2.0" | "2.1" | … */
function fileVersionName(major: number, minor: number): string {
  if (major === 0 && minor <= 2) return 'legacy';
  if (major === 0 && minor === 3) return '2.0'; // 0.3 is an alias of 2.0
  return `${major}.${minor}`;
}

function storageVersionName(version: string): string {
  const v = version.trim().toLowerCase();
  if (v === '' || v === 'legacy' || v === '0.1' || v === '0.2') return 'legacy';
  if (v === '0.3') return '2.0';
  return v;
}

/**
 * Data storage format of a version, the way Lance resolves it: the manifest's `data_format`
 * when present; otherwise (manifests older than ~0.16) the version recorded on the data files;
 * with no data file, the deprecated "use v2" writer flag means 2.0, else legacy.
 * Returns e.g. "2.1", "2.0", "legacy (v1)".
 *
 * Lance 0.16 had a bug that recorded "legacy" while writing 2.0 files (test datasets
 * v0.16.0/wrong_data_version_*); Lance repairs that on the next commit. Here the files win and
 * the mismatch is spelled out, e.g. "2.0 (manifest says legacy)" or "mixed: legacy + 2.0".
 */
export function describeDataFormat(info: ManifestInfo): string {
  const label = (n: string) => (n === 'legacy' ? 'legacy (v1)' : n);
  const onFiles = [
    ...new Set(
      info.dataFileVersions.map((s) => {
        const [a, b] = s.split('.').map(Number);
        return fileVersionName(a, b);
      }),
    ),
  ];
  let declared: string;
  let fileFormat = 'lance';
  if (info.dataFormat) {
    fileFormat = info.dataFormat.fileFormat || 'lance';
    declared = storageVersionName(info.dataFormat.version);
  } else if (onFiles.length > 0) {
    declared = onFiles.length === 1 ? onFiles[0] : 'legacy';
  } else {
    declared = info.writerFeatureFlags & FLAG_USE_V2_FORMAT_DEPRECATED ? '2.0' : 'legacy';
  }
  let text = label(declared);
  if (onFiles.length > 1) {
    text = `mixed: ${onFiles.map(label).join(' + ')}`;
  } else if (onFiles.length === 1 && onFiles[0] !== declared && declared === 'legacy') {
    text = `${label(onFiles[0])} (manifest says legacy)`;
  }
  return fileFormat.toLowerCase() === 'lance' ? text : `${fileFormat} ${text}`;
}

/** Top-level columns in schema order (Lance marks them with parent id -1). */
export function topLevelFields(info: ManifestInfo): ManifestField[] {
  return info.fields.filter((f) => f.parentId === -1);
}
