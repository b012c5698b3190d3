// Reader for Lance manifest files (`<dataset>/_versions/*.manifest`), with no dependency beyond
// Node's fs/path.
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

// ---------------------------------------------------------------------------------------------
// Protobuf wire-format decoder (generic, schema-less)
// ---------------------------------------------------------------------------------------------

/** Wire types we understand. Groups (3, 4) were removed from proto3 and are rejected. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** One occurrence of a field in an encoded message. Varints and fixed64 are exact (bigint). */
export type ProtoField =
  | { no: number; wire: 0 | 1; value: bigint }
  | { no: number; wire: 5; value: number }
  | { no: number; wire: 2; value: Uint8Array };

const utf8 = new TextDecoder('utf-8');

/**
 * Read a base-128 varint at `pos`. Returns the value and the position after it.
 * Throws on truncation and on varints longer than 10 bytes (so a corrupt buffer can never make
 * us spin or build unbounded numbers).
 */
export function readVarint(buf: Uint8Array, pos: number): { value: bigint; next: number } {
  // Fast path: the first 7 bytes (49 bits) fit exactly in a double.
  let small = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const p = pos + i;
    if (p >= buf.length) throw new Error(`protobuf: truncated varint at byte ${pos}`);
    const b = buf[p];
    if (i < 7) {
      small += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return { value: BigInt(small), next: p + 1 };
    } else {
      // Slow path for values >= 2^49: redo the remaining bytes with bigint.
      let big = BigInt(small);
      for (let j = i; j < 10; j++) {
        const q = pos + j;
        if (q >= buf.length) throw new Error(`protobuf: truncated varint at byte ${pos}`);
        const c = buf[q];
        big |= BigInt(c & 0x7f) << BigInt(7 * j);
        if ((c & 0x80) === 0) return { value: BigInt.asUintN(64, big), next: q + 1 };
      }
      break;
    }
  }
  throw new Error(`protobuf: varint longer than 10 bytes at byte ${pos}`);
}

/** Split an encoded message into its fields, in wire order. Unknown fields are simply returned. */
export function decodeFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const tagAt = pos;
    const tag = readVarint(buf, pos);
    pos = tag.next;
    if (tag.value > 0xffffffffn) throw new Error(`protobuf: invalid tag at byte ${tagAt}`);
    const t = Number(tag.value);
    const no = Math.floor(t / 8);
    const wire = t & 7;
    if (no === 0) throw new Error(`protobuf: field number 0 at byte ${tagAt}`);
    switch (wire) {
      case WIRE_VARINT: {
        const v = readVarint(buf, pos);
        pos = v.next;
        out.push({ no, wire: 0, value: v.value });
        break;
      }
      case WIRE_FIXED64: {
        if (pos + 8 > buf.length) throw new Error(`protobuf: truncated fixed64 (field ${no}) at byte ${pos}`);
        const lo = BigInt(readU32(buf, pos));
        const hi = BigInt(readU32(buf, pos + 4));
        out.push({ no, wire: 1, value: (hi << 32n) | lo });
        pos += 8;
        break;
      }
      case WIRE_LEN: {
        const len = readVarint(buf, pos);
        pos = len.next;
        if (len.value > BigInt(buf.length - pos)) {
          throw new Error(`protobuf: truncated length-delimited field ${no} at byte ${tagAt} (needs ${len.value} bytes, ${buf.length - pos} left)`);
        }
        const end = pos + Number(len.value);
        out.push({ no, wire: 2, value: buf.subarray(pos, end) });
        pos = end;
        break;
      }
      case WIRE_FIXED32: {
        if (pos + 4 > buf.length) throw new Error(`protobuf: truncated fixed32 (field ${no}) at byte ${pos}`);
        out.push({ no, wire: 5, value: readU32(buf, pos) });
        pos += 4;
        break;
      }
      default:
        throw new Error(`protobuf: unsupported wire type ${wire} (field ${no}) at byte ${tagAt}`);
    }
  }
  return out;
}

function readU32(buf: Uint8Array, pos: number): number {
  return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 0x1000000;
}

/**
 * Typed accessors over a decoded message, following proto3 rules: a missing scalar reads as its
 * default, the last occurrence of a scalar wins, repeated fields keep wire order.
 */
export class ProtoMessage {
  readonly fields: ProtoField[];
  constructor(buf: Uint8Array) {
    this.fields = decodeFields(buf);
  }

  private last(no: number): ProtoField | undefined {
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i].no === no) return this.fields[i];
    return undefined;
  }
  private all(no: number): ProtoField[] {
    return this.fields.filter((f) => f.no === no);
  }

  has(no: number): boolean {
    return this.last(no) !== undefined;
  }
  /** uint64/uint32/enum/bool as an exact bigint (0n when absent). */
  bigUint(no: number): bigint {
    const f = this.last(no);
    if (!f) return 0n;
    if (f.wire === 2) throw new Error(`protobuf: field ${no} is length-delimited, expected a number`);
    return BigInt(f.value);
  }
  /** uint64/uint32 as a number (exact up to 2^53). */
  uint(no: number): number {
    return Number(this.bigUint(no));
  }
  /** int32 (negative values are sign-extended 10-byte varints on the wire). */
  int32(no: number): number {
    return Number(BigInt.asIntN(32, this.bigUint(no)));
  }
  /** int64 as a number. */
  int64(no: number): number {
    return Number(BigInt.asIntN(64, this.bigUint(no)));
  }
  bool(no: number): boolean {
    return this.bigUint(no) !== 0n;
  }
  bytes(no: number): Uint8Array | undefined {
    const f = this.last(no);
    if (!f) return undefined;
    if (f.wire !== 2) throw new Error(`protobuf: field ${no} is not length-delimited`);
    return f.value;
  }
  string(no: number): string {
    const b = this.bytes(no);
    return b ? utf8.decode(b) : '';
  }
  /** A singular embedded message. Repeated occurrences are merged, as protobuf specifies. */
  message(no: number): ProtoMessage | undefined {
    const parts = this.all(no);
    if (parts.length === 0) return undefined;
    const bufs = parts.map((p) => {
      if (p.wire !== 2) throw new Error(`protobuf: field ${no} is not a message`);
      return p.value;
    });
    return new ProtoMessage(bufs.length === 1 ? bufs[0] : concat(bufs));
  }
  /** A repeated embedded message. */
  messages(no: number): ProtoMessage[] {
    return this.all(no).map((p) => {
      if (p.wire !== 2) throw new Error(`protobuf: field ${no} is not a message`);
      return new ProtoMessage(p.value);
    });
  }
  /** A repeated varint field, accepting both packed and unpacked encodings. */
  bigUints(no: number): bigint[] {
    const out: bigint[] = [];
    for (const f of this.all(no)) {
      if (f.wire === 2) {
        let pos = 0;
        while (pos < f.value.length) {
          const v = readVarint(f.value, pos);
          out.push(v.value);
          pos = v.next;
        }
      } else {
        out.push(BigInt(f.value));
      }
    }
    return out;
  }
  /** map<string, string|bytes> (entries: 1 key, 2 value); bytes values are read as UTF-8. */
  stringMap(no: number): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of this.messages(no)) out[entry.string(1)] = entry.string(2);
    return out;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Manifest model
// ---------------------------------------------------------------------------------------------

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
  dataFileCount: number;
  /** The manifest's own `data_format`; absent in manifests written before Lance ~0.16. */
  dataFormat?: { fileFormat: string; version: string };
  /** Distinct "major.minor" versions recorded on the data files (used to infer the format). */
  dataFileVersions: string[];
  readerFeatureFlags: number;
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
      throw new Error(`Not a Lance dataset: ${datasetDir} has no ${VERSIONS_DIR} folder`);
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

/** Highest version listed in `_versions/`, or undefined when there is no manifest. */
export async function latestManifestVersion(datasetDir: string): Promise<number | undefined> {
  const versions = await listManifestVersions(datasetDir);
  return versions.length ? versions[versions.length - 1] : undefined;
}

/** The manifest file of a version (either naming scheme), or undefined when there is none. */
export async function manifestFilePath(datasetDir: string, version: number): Promise<string | undefined> {
  for (const name of manifestFileNames(version)) {
    const file = path.join(datasetDir, VERSIONS_DIR, name);
    if (await fs.promises.stat(file).then(() => true, () => false)) return file;
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
/** Which naming scheme each _versions/ folder uses (V1 or inverted), so reads stop probing the other. */
const schemeOf = new Map<string, number>();

/** Read and decode one version's manifest. Only the footer and the protobuf block are read. */
export async function readManifest(datasetDir: string, version: number): Promise<ManifestInfo> {
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
    const st = await handle.stat();
    const key = `${file}\0${st.size}\0${st.mtimeMs}`;
    const hit = decoded.get(key);
    if (hit) return hit;
    const bytes = await readManifestBlock(handle, file);
    let info: ManifestInfo;
    try {
      info = decodeManifest(bytes);
    } catch (err) {
      throw new Error(`Cannot decode Lance manifest ${file}: ${(err as Error).message}`);
    }
    // A manifest always records its version; fall back to the file name just in case.
    if (info.version === 0) info.version = version;
    if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value!);
    decoded.set(key, info);
    return info;
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
  const size = (await handle.stat()).size;
  const bad = (why: string) => new Error(`Not a valid Lance manifest (${why}): ${file}`);
  if (size < FOOTER_LEN + 4) throw bad(`only ${size} bytes`);
  const footer = await readAt(handle, FOOTER_LEN, size - FOOTER_LEN);
  if (String.fromCharCode(footer[12], footer[13], footer[14], footer[15]) !== MAGIC) throw bad('no LANC magic');
  const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
  const pos = view.getBigUint64(0, true);
  const bodyEnd = size - FOOTER_LEN;
  if (pos + 4n > BigInt(bodyEnd)) throw bad(`manifest position ${pos} beyond the file`);
  const at = Number(pos);
  const lenBuf = await readAt(handle, 4, at);
  const len = new DataView(lenBuf.buffer).getUint32(0, true);
  if (at + 4 + len > bodyEnd) throw bad(`manifest length ${len} beyond the file`);
  return readAt(handle, len, at + 4);
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
  let dataFileCount = 0;
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
      dataFileCount++;
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
    rowCount:
      physicalRowsKnown && deletedRowsKnown && (writerVersion !== undefined || !hasDeletions)
        ? physicalRows - deletedRows
        : undefined,
    dataFileCount,
    dataFormat: df ? { fileFormat: df.string(1), version: df.string(2) } : undefined,
    dataFileVersions: [...fileVersions].sort(),
    readerFeatureFlags: m.uint(9),
    writerFeatureFlags: m.uint(10),
    fragmentIds,
    fileSizeBytes: sizesKnown ? fileSizeBytes : undefined,
    writerVersion,
    ...(m.string(12) ? { transactionFile: m.string(12) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Display helpers
// ---------------------------------------------------------------------------------------------

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

// Arrow-style names, spelled as apache-arrow's DataType.toString() spells them, so types read
// from a manifest match the ones shown for tables opened through lancedb.
const SIMPLE_TYPES: Record<string, string> = {
  null: 'Null',
  bool: 'Bool',
  int8: 'Int8',
  uint8: 'Uint8',
  int16: 'Int16',
  uint16: 'Uint16',
  int32: 'Int32',
  uint32: 'Uint32',
  int64: 'Int64',
  uint64: 'Uint64',
  halffloat: 'Float16',
  float: 'Float32',
  double: 'Float64',
  string: 'Utf8',
  large_string: 'LargeUtf8',
  binary: 'Binary',
  large_binary: 'LargeBinary',
  blob: 'LargeBinary', // Lance blob columns are large_binary with metadata
  json: 'LargeBinary', // Lance's JSON extension is stored as large_binary
  'date32:day': 'Date32<DAY>',
  'date64:ms': 'Date64<MILLISECOND>',
  struct: 'Struct',
  list: 'List',
  'list.struct': 'List',
  large_list: 'LargeList',
  'large_list.struct': 'LargeList',
  map: 'Map',
};

const TIME_UNITS: Record<string, string> = { s: 'SECOND', ms: 'MILLISECOND', us: 'MICROSECOND', ns: 'NANOSECOND' };

/**
 * Convert a Lance logical type string into an Arrow-style display name, e.g.
 * "int64" → "Int64", "fixed_size_list:float:16" → "FixedSizeList[16]<Float32>".
 * Nested types (struct, list, map) carry their children as separate fields, so this returns just
 * "Struct"/"List"/"Map"; use {@link fieldDisplayType} for the full nested name.
 * Unknown strings are returned unchanged (never throws).
 */
export function logicalTypeToDisplay(logicalType: string): string {
  const lt = logicalType.trim();
  const simple = SIMPLE_TYPES[lt];
  if (simple) return simple;
  const parts = lt.split(':');
  const unit = (u: string | undefined) => (u !== undefined ? TIME_UNITS[u] : undefined);
  switch (parts[0]) {
    case 'fixed_size_list': {
      // "fixed_size_list:<child type>:<n>" (the child type may itself contain ':'),
      // or "fixed_size_list:struct:<n>" whose struct children are separate fields.
      const n = parts[parts.length - 1];
      if (parts.length < 3 || !/^\d+$/.test(n)) break;
      const inner = parts.slice(1, -1).join(':');
      const child = inner === 'lance.bfloat16' ? 'FixedSizeBinary[2]' : logicalTypeToDisplay(inner);
      return `FixedSizeList[${n}]<${child}>`;
    }
    case 'fixed_size_binary':
      if (parts.length === 2) return `FixedSizeBinary[${parts[1]}]`;
      break;
    case 'decimal': {
      // "decimal:<128|256>:<precision>:<scale>"; apache-arrow prints Decimal[<p>e<±s>]
      if (parts.length !== 4) break;
      const scale = Number(parts[3]);
      return `Decimal[${parts[2]}e${scale > 0 ? '+' : ''}${scale}]`;
    }
    case 'timestamp': {
      // "timestamp:<unit>:<tz or ->"; a tz such as "+05:30" contains ':' itself
      const u = unit(parts[1]);
      if (!u || parts.length < 3) break;
      const tz = parts.slice(2).join(':');
      return tz === '-' || tz === '' ? `Timestamp<${u}>` : `Timestamp<${u}, ${tz}>`;
    }
    case 'time32':
    case 'time64': {
      const u = unit(parts[1]);
      if (!u || parts.length !== 2) break;
      return `Time${parts[0].slice(4)}<${u}>`;
    }
    case 'duration': {
      const u = unit(parts[1]);
      if (!u || parts.length !== 2) break;
      return `Duration<${u}>`;
    }
    case 'dict': {
      // "dict:<value type>:<index type>:<ordered>"
      if (parts.length !== 4) break;
      return `Dictionary<${logicalTypeToDisplay(parts[2])}, ${logicalTypeToDisplay(parts[1])}>`;
    }
  }
  return logicalType;
}

/**
 * Full display type of a field, nested children included, e.g. "Struct<{a:Int64, b:Utf8}>",
 * "List<Float32>", "Map<{key:Utf8, value:Int64}>". `fields` is the flat list from the manifest.
 */
export function fieldDisplayType(field: ManifestField, fields: ManifestField[], depth = 0): string {
  const base = logicalTypeToDisplay(field.logicalType);
  const lt = field.logicalType.trim();
  if (depth > 64) return base; // malformed (cyclic) parent ids must not recurse forever
  const children = () => fields.filter((f) => f.parentId === field.id && f !== field);
  const sub = (f: ManifestField) => fieldDisplayType(f, fields, depth + 1);
  if (lt === 'struct') {
    return `Struct<{${children()
      .map((c) => `${c.name}:${sub(c)}`)
      .join(', ')}}>`;
  }
  if (lt === 'list' || lt === 'list.struct' || lt === 'large_list' || lt === 'large_list.struct') {
    const c = children()[0];
    return c ? `${base}<${sub(c)}>` : base;
  }
  if (lt === 'map') {
    // map → one "entries" struct child holding key and value
    const entries = children()[0];
    if (!entries) return base;
    const kv = fields.filter((f) => f.parentId === entries.id && f !== entries);
    return `Map<{${kv.map((c) => `${c.name}:${sub(c)}`).join(', ')}}>`;
  }
  const fslStruct = /^fixed_size_list:struct:(\d+)$/.exec(lt);
  if (fslStruct) {
    const c = children()[0];
    return c ? `FixedSizeList[${fslStruct[1]}]<${sub(c)}>` : base;
  }
  return base;
}

/** Top-level columns in schema order (Lance marks them with parent id -1). */
export function topLevelFields(info: ManifestInfo): ManifestField[] {
  return info.fields.filter((f) => f.parentId === -1);
}
