// Streaming engine results in batches of a chosen size, bounded in time and cancellable. Every read of
// the data layer goes through here, so a time limit or a cancel stops any of them the same way:
// checked before the engine is asked, between batches, and by the engine's own timeout.
import type { RecordBatch } from 'apache-arrow';
import { LanceError } from './errors';
import { engineBatchRead } from './engineBuffers';

export interface StreamOptions {
  /** Rows per batch: small for heavy columns (one page of large images never materialises at once). */
  maxBatchLength: number;
  /** The engine's own time limit for the query ("Query timeout after N ms"). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Throws the cancellation error when the request was cancelled (or timed out) meanwhile. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LanceError('cancelled', 'Cancelled.');
}

/**
 * The query's batches. `execute` is marked protected in lancedb's typings but is the documented way to
 * choose the batch size; leaving the loop early stops the engine's scan.
 */
export async function* streamBatches(q: unknown, opts: StreamOptions): AsyncGenerator<RecordBatch> {
  throwIfAborted(opts.signal);
  const it = (q as { execute(o: unknown): AsyncGenerator<RecordBatch> }).execute({ maxBatchLength: opts.maxBatchLength, timeoutMs: opts.timeoutMs });
  for await (const batch of it) {
    engineBatchRead(batch.data.byteLength);
    throwIfAborted(opts.signal);
    yield batch;
  }
}
