// What changed between two versions of a dataset. (Stub: being implemented.)
import type { VersionDiff } from '../../shared/types';
import type { LanceDataset } from './dataset';
import { LanceError } from './errors';

export async function compareVersions(_ds: LanceDataset, _from: number, _to: number): Promise<VersionDiff> {
  throw new LanceError('internal', 'Comparing versions is not available yet.');
}
