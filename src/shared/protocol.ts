// The one protocol between the extension host and its webviews.
// Requests go webview → host and are answered once (a result or an ErrorInfo that rejects the caller's
// promise); events go host → webview and are not answered. Every message is an Envelope.
import type {
  DatasetDescription,
  ErrorInfo,
  RowsPage,
  RowsRequest,
  SimilarRequest,
  SimilarResult,
  VersionsPage,
} from './types';

/** Requests the webview may send, with their parameters and results. */
export interface HostRequests {
  describe: { params: Record<string, never>; result: DatasetDescription };
  versions: { params: { offset: number; limit: number }; result: VersionsPage };
  count: { params: { filter?: string }; result: number };
  rows: { params: RowsRequest; result: RowsPage };
  similar: { params: SimilarRequest; result: SimilarResult };
  /** Reopen the dataset at its latest version (or the pinned one) and forget cached state. */
  reload: { params: Record<string, never>; result: null };
}

/** Events the host may send. */
export interface WebviewEvents {
  /** The dataset on disk gained a version while this view was open. */
  datasetChanged: { latestVersion: number };
  /** Something outside the webview asks it to show an error (e.g. a command failed). */
  showError: ErrorInfo;
}

export type RequestMethod = keyof HostRequests;
export type EventName = keyof WebviewEvents;

export type Envelope =
  | { type: 'ready' }
  | { type: 'request'; id: number; method: RequestMethod; params: unknown; channel?: string }
  | { type: 'response'; id: number; result?: unknown; error?: ErrorInfo }
  | { type: 'cancel'; id: number }
  | { type: 'event'; name: EventName; payload: unknown };

export function isEnvelope(x: unknown): x is Envelope {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}
