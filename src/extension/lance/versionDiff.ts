// What changed between two versions of a dataset: top-level schema fields, row counts, fragments,
// indices and schema metadata.
//
// Local datasets are read from their manifests (cheap: no data file is opened, and fragment ids are
// there); indices, and row counts a manifest cannot vouch for, come from the engine at each version.
// Object-store datasets have no manifest reader here, so each version is opened read-only and
// described; fragment ids are then unknown and only the fragment counts are compared.
//
// Fragments are compared by id AND first data file: an overwrite restarts fragment ids at 0, so a
// fragment id present in both `removed` and `added` means that fragment was replaced.
//
// Fields are matched by name, which is what a user sees. Lance gives a field a new id when its type
// is altered (ImageNet's `image` Binary → LargeBinary goes from id 1 to id 5), so matching by id
// would report a type change as a removal plus an addition. A rename therefore shows as the old
// name removed and the new name added.
import * as fs from 'fs';
import * as path from 'path';
import type { VersionDiff } from '../../shared/types';
import type { LanceDataset } from './dataset';
import { classify, LanceError } from './errors';
import { isObjectStoreUri } from './locate';
import { fieldDisplayType, listManifestVersions, ProtoMessage, readManifest, topLevelFields } from './manifest';

interface Snapshot {
  fields: { name: string; type: string }[];
  metadata: Record<string, string>;
  rows: number;
  /** `id` → first data file; undefined when not known (object stores): only the count is compared then. */
  fragmentFiles?: Map<number, string>;
  fragments: number;
  indices: string[];
}

export async function compareVersions(ds: LanceDataset, from: number, to: number): Promise<VersionDiff> {
  const [a, b] = await Promise.all([snapshot(ds, from), snapshot(ds, to)]);
  const typeA = new Map(a.fields.map((f) => [f.name, f.type]));
  const typeB = new Map(b.fields.map((f) => [f.name, f.type]));
  const fa = a.fragmentFiles;
  const fb = b.fragmentFiles;
  // A fragment "stays" when the same id points at the same data file in both versions.
  const gone = (x?: Map<number, string>, y?: Map<number, string>) => (x && y ? [...x].filter(([id, file]) => y.get(id) !== file).map(([id]) => id) : []);
  return {
    from,
    to,
    rows: { from: a.rows, to: b.rows },
    schema: {
      added: b.fields.filter((f) => !typeA.has(f.name)),
      removed: a.fields.filter((f) => !typeB.has(f.name)),
      changed: b.fields
        .filter((f) => typeA.has(f.name) && typeA.get(f.name) !== f.type)
        .map((f) => ({ name: f.name, from: typeA.get(f.name)!, to: f.type })),
    },
    fragments: {
      added: gone(fb, fa),
      removed: gone(fa, fb),
      from: a.fragments,
      to: b.fragments,
    },
    indices: {
      added: b.indices.filter((n) => !a.indices.includes(n)),
      removed: a.indices.filter((n) => !b.indices.includes(n)),
    },
    metadata: {
      added: Object.keys(b.metadata).filter((k) => !(k in a.metadata)).sort(),
      removed: Object.keys(a.metadata).filter((k) => !(k in b.metadata)).sort(),
      changed: Object.keys(b.metadata).filter((k) => k in a.metadata && a.metadata[k] !== b.metadata[k]).sort(),
    },
  };
}

/** One version as the diff sees it. Opens that version read-only (and closes it) unless it is `ds` itself. */
async function snapshot(ds: LanceDataset, version: number): Promise<Snapshot> {
  const local = !isObjectStoreUri(ds.location.uri);
  const manifest = local ? await readManifest(ds.location.uri, version).catch(() => undefined) : undefined;
  // The engine "opens" a missing version of a local dataset as an unreadable one: check the list first.
  if (local && !manifest && !(await listManifestVersions(ds.location.uri).catch(() => [version])).includes(version))
    throw new LanceError('not-found', `Version ${version} of this dataset was not found.`);
  const own = version === ds.version;
  let view: LanceDataset;
  try {
    view = own ? ds : await ds.openVersion(version);
  } catch (err) {
    const e = classify(err);
    throw e.kind === 'not-found' || e.kind === 'internal' ? new LanceError('not-found', `Version ${version} of this dataset was not found.`, e.detail ?? e.message) : e;
  }
  try {
    const indices = (await view.indices()).map((i) => i.name).sort();
    if (manifest) {
      return {
        fields: topLevelFields(manifest).map((f) => ({ name: f.name, type: fieldDisplayType(f, manifest.fields) })),
        metadata: manifest.schemaMetadata,
        // The manifest's count stands unless old deletion files left it unknown; then the engine counts
        // (and when the engine cannot open that version, physical minus recorded deletions is the best left).
        rows: manifest.rowCount ?? (await view.count().catch(() => manifest.physicalRows - manifest.deletedRows)),
        fragmentFiles: (await fragmentFiles(ds.location.uri, version).catch(() => undefined)) ?? new Map(manifest.fragmentIds.map((id) => [id, ''])),
        fragments: manifest.fragmentCount,
        indices,
      };
    }
    const d = await view.describe();
    return {
      fields: d.schema.map((f) => ({ name: f.name, type: f.type })),
      metadata: d.schemaMetadata,
      rows: d.stats.rows,
      fragments: d.stats.fragments,
      indices,
    };
  } finally {
    if (!own) view.close();
  }
}

/**
 * Each fragment's first data file, read from the version's manifest: its protobuf block sits at the
 * offset in the 16-byte footer (u64 LE position, u16 major, u16 minor, "LANC"), as manifest.ts reads it.
 * Suggested for manifest.ts (ManifestInfo.fragmentFiles); kept here meanwhile.
 */
async function fragmentFiles(datasetDir: string, version: number): Promise<Map<number, string>> {
  const inverted = (0xffffffffffffffffn - BigInt(version)).toString().padStart(20, '0');
  const dir = path.join(datasetDir, '_versions');
  const file = [`${version}.manifest`, `${inverted}.manifest`].map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no manifest for version ${version}`);
  const h = await fs.promises.open(file, 'r');
  try {
    const size = (await h.stat()).size;
    const footer = Buffer.alloc(16);
    await h.read(footer, 0, 16, size - 16);
    if (footer.toString('latin1', 12, 16) !== 'LANC') throw new Error('not a manifest');
    const pos = Number(footer.readBigUInt64LE(0));
    const len = Buffer.alloc(4);
    await h.read(len, 0, 4, pos);
    const body = Buffer.alloc(len.readUInt32LE(0));
    await h.read(body, 0, body.length, pos + 4);
    // Manifest.fragments = 2; DataFragment: 1 id, 2 files; DataFile: 1 path.
    const out = new Map<number, string>();
    for (const frag of new ProtoMessage(body).messages(2)) out.set(frag.uint(1), frag.messages(2)[0]?.string(1) ?? '');
    return out;
  } finally {
    await h.close();
  }
}
