// A cache of results computed from a dataset (embedding maps, curation signals), kept in a folder the
// caller gives (the extension's global storage), never inside the dataset: inspection never writes there.
//
// The key names everything the result depends on: the dataset's URI and version (a new version may have
// other rows), the column, the method and its parameters. A file holds a small JSON header (the key's
// parts, so a stale or foreign file is recognised, and the caller's metadata) followed by typed arrays,
// each 8-byte aligned, so a 100,000-point map loads without parsing numbers.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export interface CacheKeyParts {
  /** The dataset's URI or absolute path, as the user opened it. */
  uri: string;
  version: number;
  column: string;
  /** e.g. `pca`, `umap`, `neighbours`, `byte-duplicates`. */
  method: string;
  /** Everything else the result depends on (k, nprobes, sample size, seed, …). */
  params?: Record<string, string | number | boolean | null>;
}

/** Hex SHA-256 of the parts in a canonical form (parameter order does not matter). */
export function cacheKey(parts: CacheKeyParts): string {
  return crypto.createHash('sha256').update(canonical(parts)).digest('hex');
}

function canonical(parts: CacheKeyParts): string {
  const params = Object.keys(parts.params ?? {})
    .sort()
    .map((k) => [k, parts.params![k]]);
  return JSON.stringify([parts.uri, parts.version, parts.column, parts.method, params]);
}

export type CachedArray = Float32Array | Float64Array | Int32Array | Uint32Array | BigUint64Array | BigInt64Array | Uint8Array;

const ARRAY_TYPES = { Float32Array, Float64Array, Int32Array, Uint32Array, BigUint64Array, BigInt64Array, Uint8Array } as const;
type ArrayTypeName = keyof typeof ARRAY_TYPES;

export interface CachedResult<M> {
  meta: M;
  arrays: Record<string, CachedArray>;
}

const MAGIC = 'LIRC1\n';

function fileOf(folder: string, parts: CacheKeyParts): string {
  return path.join(folder, `${cacheKey(parts)}.bin`);
}

/** Writes the result (atomically: a half-written file is never read back). Returns the file's path. */
export async function writeCached<M>(folder: string, parts: CacheKeyParts, result: CachedResult<M>): Promise<string> {
  await fs.promises.mkdir(folder, { recursive: true });
  const layout: { name: string; type: ArrayTypeName; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, arr] of Object.entries(result.arrays)) {
    const type = arr.constructor.name as ArrayTypeName;
    if (!(type in ARRAY_TYPES)) throw new Error(`writeCached: unsupported array type ${type}`);
    layout.push({ name, type, offset, length: arr.length });
    offset += Math.ceil(arr.byteLength / 8) * 8;
  }
  const header = Buffer.from(JSON.stringify({ key: canonical(parts), meta: result.meta, layout }), 'utf8');
  // Magic, header length (4 bytes), header, padding to 8 bytes, then the arrays.
  const headerEnd = Math.ceil((MAGIC.length + 4 + header.length) / 8) * 8;
  const out = Buffer.alloc(headerEnd + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, MAGIC.length);
  header.copy(out, MAGIC.length + 4);
  for (const l of layout) {
    const arr = result.arrays[l.name];
    Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).copy(out, headerEnd + l.offset);
  }
  const file = fileOf(folder, parts);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.promises.writeFile(tmp, out);
  await fs.promises.rename(tmp, file);
  return file;
}

/** The cached result for these parts, or undefined (missing, from another key, or damaged). */
export async function readCached<M>(folder: string, parts: CacheKeyParts): Promise<CachedResult<M> | undefined> {
  let buf: Buffer;
  try {
    buf = await fs.promises.readFile(fileOf(folder, parts));
  } catch {
    return undefined;
  }
  try {
    if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
    const headerLength = buf.readUInt32LE(MAGIC.length);
    const header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as {
      key: string;
      meta: M;
      layout: { name: string; type: ArrayTypeName; offset: number; length: number }[];
    };
    if (header.key !== canonical(parts)) return undefined;
    const headerEnd = Math.ceil((MAGIC.length + 4 + headerLength) / 8) * 8;
    const arrays: Record<string, CachedArray> = {};
    for (const l of header.layout) {
      const Ctor = ARRAY_TYPES[l.type];
      if (!Ctor) return undefined;
      const start = headerEnd + l.offset;
      const bytes = l.length * Ctor.BYTES_PER_ELEMENT;
      if (start + bytes > buf.length) return undefined;
      // A copy into its own aligned buffer (Node's file buffers may share a pool at any offset).
      arrays[l.name] = new Ctor(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + bytes) as ArrayBuffer);
    }
    return { meta: header.meta, arrays };
  } catch {
    return undefined;
  }
}
