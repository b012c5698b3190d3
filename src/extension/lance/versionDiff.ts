// What changed between two versions of a dataset: top-level schema fields, row counts, fragments,
// indices and schema metadata.
//
// Local datasets are read from their manifests (cheap: no data file is opened, and fragment ids are
// there); indices, and row counts a manifest cannot vouch for, come from the engine at each version.
// s3:// datasets are read the same way through range requests (remoteManifests.ts); other object
// stores have no manifest reader here, so each version is opened read-only and described; fragment
// ids are then unknown and only the fragment counts are compared.
//
// Fragments are compared by id AND first data file: an overwrite restarts fragment ids at 0, so a
// fragment id present in both `removed` and `added` means that fragment was replaced.
//
// Fields are matched by name, which is what a user sees. Lance gives a field a new id when its type
// is altered (ImageNet's `image` Binary → LargeBinary goes from id 1 to id 5), so matching by id
// would report a type change as a removal plus an addition. A rename therefore shows as the old
// name removed and the new name added.
import type { DatasetDescription, DatasetLocation, IndexInfo, VersionDiff } from '../../shared/types';
import { classify, LanceError } from './errors';
import { fieldDisplayType } from './logicalTypes';
import { topLevelFields } from './manifest';
import type { ManifestSource } from './manifestSource';

/**
 * The few things the diff asks of a dataset. LanceDataset has them (and offers compareVersions
 * itself), so the diff names this shape instead of importing the class: no import circle, and a
 * test can diff through a stand-in.
 */
interface DiffableDataset {
  readonly location: DatasetLocation;
  readonly version: number;
  openVersion(version: number): Promise<DiffableDataset>;
  indices(): Promise<Pick<IndexInfo, 'name'>[]>;
  count(): Promise<number>;
  describe(): Promise<Pick<DatasetDescription, 'schema' | 'schemaMetadata' | 'stats'>>;
  close(): void;
  /** Direct reads of the manifests (local or s3://); undefined: only the engine can say. */
  manifests?(): ManifestSource | undefined;
}

interface Snapshot {
  fields: { name: string; type: string }[];
  metadata: Record<string, string>;
  rows: number;
  /** `id` → first data file; undefined when not known (object stores): only the count is compared then. */
  fragmentFiles?: Map<number, string>;
  fragments: number;
  indices: string[];
}

export async function compareVersions(ds: DiffableDataset, from: number, to: number): Promise<VersionDiff> {
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
      changed: b.fields.filter((f) => typeA.has(f.name) && typeA.get(f.name) !== f.type).map((f) => ({ name: f.name, from: typeA.get(f.name)!, to: f.type })),
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
      added: Object.keys(b.metadata)
        .filter((k) => !(k in a.metadata))
        .sort(),
      removed: Object.keys(a.metadata)
        .filter((k) => !(k in b.metadata))
        .sort(),
      changed: Object.keys(b.metadata)
        .filter((k) => k in a.metadata && a.metadata[k] !== b.metadata[k])
        .sort(),
    },
  };
}

/** One version as the diff sees it. Opens that version read-only (and closes it) unless it is `ds` itself. */
async function snapshot(ds: DiffableDataset, version: number): Promise<Snapshot> {
  const source = ds.manifests?.();
  const manifest = source ? await source.readManifest(version).catch(() => undefined) : undefined;
  // The engine "opens" a missing version of a local dataset as an unreadable one: check the list first.
  if (source && !manifest && !(await source.listVersions().catch(() => [version])).includes(version))
    throw new LanceError('not-found', `Version ${version} of this dataset was not found.`);
  const own = version === ds.version;
  let view: DiffableDataset;
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
        fragmentFiles: (await source!.readFragmentFiles(version).catch(() => undefined)) ?? new Map(manifest.fragmentIds.map((id) => [id, ''])),
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
