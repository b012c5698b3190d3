// Tags are the one thing the inspector writes to a dataset, and only when the user has confirmed
// (the caller asks). They go through a fresh handle on the latest version: a pinned, read-only view
// refuses writes.
import type { DatasetLocation } from '../../shared/types';
import { LanceDataset } from './dataset';
import { LanceError } from './errors';
import { classifyAt } from './objectStoreErrors';

const TAG_NAME = /^[A-Za-z0-9_.-]+$/;

export function validateTagName(name: string): string | undefined {
  if (!name.trim()) return 'A tag needs a name.';
  if (!TAG_NAME.test(name)) return 'Use letters, digits, ".", "_" and "-" only.';
  if (/^\d+$/.test(name)) return 'A tag name cannot be only digits (it would read as a version number).';
  return undefined;
}

async function withLatest<T>(location: DatasetLocation, storageOptions: Record<string, string> | undefined, fn: (ds: LanceDataset) => Promise<T>): Promise<T> {
  const ds = await LanceDataset.open(location, { storageOptions });
  try {
    return await fn(ds);
  } catch (err) {
    throw classifyAt(err, location.uri, storageOptions);
  } finally {
    ds.close();
  }
}

/**
 * Creates the tag; 'existed' when a tag of that name already points at that version (nothing written).
 * That makes a retry safe: after an error whose write did land (an object store that stored the tag
 * file but whose answer was lost), asking again neither fails nor writes a second time.
 */
export async function createTag(location: DatasetLocation, name: string, version: number, storageOptions?: Record<string, string>): Promise<'created' | 'existed'> {
  const problem = validateTagName(name);
  if (problem) throw new LanceError('bad-filter', problem);
  return withLatest(location, storageOptions, async (ds) => {
    const tags = await ds.engineTable().tags();
    const existing = await tags.list();
    if (Object.prototype.hasOwnProperty.call(existing, name)) {
      if (existing[name].version === version) return 'existed';
      throw new LanceError('internal', `A tag named "${name}" already exists (on version ${existing[name].version}).`);
    }
    await tags.create(name, version);
    return 'created';
  });
}

export async function deleteTag(location: DatasetLocation, name: string, storageOptions?: Record<string, string>): Promise<void> {
  await withLatest(location, storageOptions, async (ds) => {
    await (await ds.engineTable().tags()).delete(name);
  });
}
