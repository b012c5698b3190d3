// Datasets whose newest manifests are damaged (truncated, overwritten, half-copied). lancedb opens a
// table at its latest version first and only then checks out the version asked for, so one damaged
// newest manifest hides every version, intact ones included. The way past it: a view of the dataset as
// of an intact version — a temporary folder of symlinks to the dataset's own files whose `_versions/`
// lists only the manifests up to that version — which the engine opens like any dataset. The view is
// read through, never written: the dataset opened this way is pinned (read-only).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LanceError } from './errors';
import { listManifestVersions, manifestFilePath, manifestFileVersion, readManifest } from './manifest';

export interface Damage {
  /** Newest versions whose manifests cannot be decoded, ascending. */
  damagedVersions: number[];
  /** The newest version below them whose manifest decodes, if any. */
  newestReadable?: number;
  /** What the reader said of the newest damaged manifest. */
  reason: string;
}

/** The damaged newest manifests of a local dataset, or undefined when its latest manifest decodes. */
export function findDamage(datasetDir: string): Promise<Damage | undefined> {
  return findDamageIn({ listVersions: () => listManifestVersions(datasetDir), readManifest: (v) => readManifest(datasetDir, v) });
}

/** The same, through any reader of manifests (an s3:// dataset's: remoteManifests.ts). */
export async function findDamageIn(source: { listVersions(): Promise<number[]>; readManifest(version: number): Promise<unknown> }): Promise<Damage | undefined> {
  const versions = await source.listVersions().catch(() => [] as number[]);
  const damaged: number[] = [];
  let reason = '';
  for (let i = versions.length - 1; i >= 0; i--) {
    try {
      await source.readManifest(versions[i]);
      return damaged.length ? { damagedVersions: damaged.reverse(), newestReadable: versions[i], reason } : undefined;
    } catch (err) {
      if (!damaged.length) reason = (err as Error).message;
      damaged.push(versions[i]);
    }
  }
  return damaged.length ? { damagedVersions: damaged.reverse(), reason } : undefined;
}

/** Why one version's manifest does not decode, when it is there and damaged (undefined: it reads, or there is none). */
export async function manifestProblem(datasetDir: string, version: number): Promise<string | undefined> {
  if (!(await manifestFilePath(datasetDir, version))) return undefined;
  try {
    await readManifest(datasetDir, version);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** "version 7's manifest is damaged" for one or several versions. */
export function damageMessage(d: Damage, shown?: number): string {
  const vs = d.damagedVersions;
  const which = vs.length === 1 ? `Version ${vs[0]}'s manifest is` : `The manifests of versions ${vs[0]}–${vs[vs.length - 1]} are`;
  const then = shown !== undefined ? ` This view shows version ${shown}${shown === d.newestReadable ? ', the newest readable one' : ''}, read-only.` : '';
  return `${which} damaged, so the engine cannot open the latest version.${then}`;
}

/** The version a tag points to, read from its file (the engine cannot open the dataset to ask). */
export async function tagVersionOnDisk(datasetDir: string, tag: string): Promise<number> {
  if (!/^[\w.-]+$/.test(tag)) throw new LanceError('not-found', `There is no tag "${tag}" on this dataset.`);
  try {
    const info = JSON.parse(await fs.promises.readFile(path.join(datasetDir, '_refs', 'tags', `${tag}.json`), 'utf8')) as { version?: unknown };
    if (typeof info.version === 'number') return info.version;
  } catch {
    /* not there or not readable: not a tag */
  }
  throw new LanceError('not-found', `There is no tag "${tag}" on this dataset.`);
}

/**
 * A folder `<viewDir>/<name>.lance` that shows the dataset as of `version`: every top-level entry is a
 * symlink to the dataset's own, except `_versions/`, which links only the manifests up to `version`
 * (no latest-version hint: it would name a damaged one). The caller removes `viewDir` when done.
 */
export async function versionView(datasetDir: string, name: string, version: number): Promise<string> {
  const viewDir = path.join(os.tmpdir(), 'lance-inspector-views', crypto.randomBytes(6).toString('hex'));
  const root = path.join(viewDir, `${name}.lance`);
  await fs.promises.mkdir(path.join(root, '_versions'), { recursive: true });
  const abs = path.resolve(datasetDir);
  for (const entry of await fs.promises.readdir(abs)) {
    if (entry !== '_versions') await fs.promises.symlink(path.join(abs, entry), path.join(root, entry));
  }
  for (const file of await fs.promises.readdir(path.join(abs, '_versions'))) {
    const v = manifestFileVersion(file);
    if (v !== undefined && v <= version) await fs.promises.symlink(path.join(abs, '_versions', file), path.join(root, '_versions', file));
  }
  return viewDir;
}
