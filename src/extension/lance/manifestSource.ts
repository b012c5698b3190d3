// Where a dataset's manifests and transaction files are read from: the local folder, or an s3:// prefix
// through range requests (remoteManifests.ts). gs:// and az:// have no reader yet: undefined, and the
// callers fall back to the engine (its listVersions reads every manifest).
import { isObjectStoreUri } from './locate';
import { listManifestVersions, readFragmentFiles, readManifest, type ManifestInfo } from './manifest';
import { canReadRemoteManifests, RemoteManifests } from './remoteManifests';
import { readCommit, type CommitInfo } from './transaction';

export interface ManifestSource {
  /** Ascending version numbers, from the manifest names alone. */
  listVersions(): Promise<number[]>;
  readManifest(version: number): Promise<ManifestInfo>;
  readCommit(transactionFile: string): Promise<CommitInfo | undefined>;
  readFragmentFiles(version: number): Promise<Map<number, string>>;
}

export function manifestSource(uri: string, storageOptions?: Record<string, string>, timeoutMs?: number): ManifestSource | undefined {
  if (!isObjectStoreUri(uri)) {
    return {
      listVersions: () => listManifestVersions(uri),
      readManifest: (v) => readManifest(uri, v),
      readCommit: (f) => readCommit(uri, f),
      readFragmentFiles: (v) => readFragmentFiles(uri, v),
    };
  }
  return canReadRemoteManifests(uri) ? new RemoteManifests(uri, storageOptions, timeoutMs) : undefined;
}
