// The young-generation collection after answers (engineBuffers.ts): only once enough engine batches
// were read, and V8's `gc` stays hidden from contexts made afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vm from 'vm';
import { constants, PerformanceObserver } from 'perf_hooks';
import { collectEngineBuffersIfDue, engineBatchRead } from '../../src/extension/lance/engineBuffers';

/** Young-generation collections that ran during `run` (V8's 'gc' performance entries). */
async function minorCollections(run: () => void): Promise<number> {
  let n = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e.detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) n++;
  });
  obs.observe({ entryTypes: ['gc'] });
  run();
  // Entries are delivered as their own task.
  await new Promise((r) => setTimeout(r, 20));
  obs.disconnect();
  return n;
}

test('collects the young generation once 2 MB of batches were read, not before', async () => {
  // Twenty answers each: V8 may collect on its own meanwhile, but not twenty times.
  const notDue = await minorCollections(() => {
    for (let i = 0; i < 20; i++) {
      engineBatchRead(50 << 10);
      collectEngineBuffersIfDue();
    }
  });
  assert.ok(notDue < 5, `1 MB read in all: ${notDue} collections`);
  const due = await minorCollections(() => {
    for (let i = 0; i < 20; i++) {
      engineBatchRead(2 << 20);
      collectEngineBuffersIfDue();
    }
  });
  assert.ok(due >= 20, `2 MB read before each answer: ${due} collections`);
  assert.equal(vm.runInNewContext('typeof gc'), 'undefined', 'gc is not exposed to contexts made later');
});
