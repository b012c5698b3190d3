// The engine hands each batch over in a buffer V8 is not told about (an N-API external buffer:
// process.memoryUsage().arrayBuffers stays near 0 while they pile up). With little JS allocating, as
// while pages are read, nothing prompts a collection, so read batches stay in memory until one comes
// along: 400 twelve-row pages of 120 KB JPEGs lifted a plain Node process's anonymous memory from 25
// to 177 MB (none of it reachable: a forced collection brought it back to 45 MB). Collecting the young
// generation once ~2 MB of batches have been answered kept it under 70 MB, at ~0.5 ms a collection
// (1.8 ms at most) measured on the true-shape replica.
import * as v8 from 'v8';
import * as vm from 'vm';

/** Batch bytes answered between two young-generation collections. */
const COLLECT_EVERY_BYTES = 2 << 20;

type Collect = (options: { type: 'minor' }) => void;

let sinceCollect = 0;
let collector: Collect | null | undefined;

/** Counts a batch the engine handed over (streamBatches does, for every read). */
export function engineBatchRead(bytes: number): void {
  sinceCollect += bytes;
}

/**
 * Called once an answer has left (the webview's message is serialised when posted): collects the
 * young generation when enough batches have been read since the last time, which by now are garbage.
 */
export function collectEngineBuffersIfDue(): void {
  if (sinceCollect < COLLECT_EVERY_BYTES) return;
  sinceCollect = 0;
  collectorFunction()?.({ type: 'minor' });
}

/** V8's own `gc`, obtained once without leaving it exposed to the contexts other code makes later. */
function collectorFunction(): Collect | undefined {
  if (collector === undefined) {
    const own = (globalThis as { gc?: Collect }).gc;
    if (own) collector = own;
    else {
      try {
        v8.setFlagsFromString('--expose-gc');
        collector = vm.runInNewContext('gc') as Collect;
      } catch {
        collector = null;
      } finally {
        v8.setFlagsFromString('--no-expose-gc');
      }
    }
  }
  return collector ?? undefined;
}
