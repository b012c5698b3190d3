// Thumbnails are made on two lanes: the extension host's own thread and one worker thread (when the
// extension has said where its script is). Eleven 250 × 188 cards of find similar took ~100 ms on one
// thread (8–9 ms each) and a page of 50 grid thumbnails ~150 ms; split over both cores of a 2-core
// machine they take about half. One worker, not one per core: each costs the host ~10 MB of memory.
import { Worker } from 'worker_threads';
import { thumbnailUrl } from './thumbnailUrl';

export interface ThumbnailJobs {
  id: number;
  px: number;
  jpegs: Uint8Array[];
}
export interface ThumbnailUrls {
  id: number;
  urls: string[];
}

/** The worker goes away after this long without work, giving its memory back; the next page starts it again (~30 ms). */
const IDLE_MS = 60_000;

let workerPath: string | undefined;
let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
/** Thumbnails the worker made (the tests and the benchmark check the second lane works). */
let madeInWorker = 0;
const waiting = new Map<number, (urls: string[] | undefined) => void>();

/** Where dist/thumbnailWorker.js is (set when the extension activates); undefined: this thread only. */
export function useThumbnailWorker(path: string | undefined): void {
  workerPath = path;
  stopWorker();
}

/** The thumbnail URLs of these JPEGs ('' where none), made on both lanes. */
export async function makeThumbnailUrls(jpegs: Uint8Array[], px: number): Promise<string[]> {
  // The worker takes the second half: it is posted first, so both lanes work at once.
  const split = workerPath && jpegs.length > 1 ? Math.ceil(jpegs.length / 2) : jpegs.length;
  const theirs = split < jpegs.length ? inWorker(jpegs.slice(split), px) : Promise.resolve([]);
  const ours: string[] = [];
  for (const j of jpegs.slice(0, split)) {
    ours.push(thumbnailUrl(j, px));
    // Between images this thread answers the webview's other messages: a panel's first page, made while
    // the decoder was not yet compiled, held it for 0.5 s in one stretch (a describe waited behind it).
    await new Promise((done) => setImmediate(done));
  }
  // A worker that failed (or was stopped) leaves its half to this thread.
  const rest = (await theirs) ?? jpegs.slice(split).map((j) => thumbnailUrl(j, px));
  return [...ours, ...rest];
}

export function thumbnailsMadeInWorker(): number {
  return madeInWorker;
}

function inWorker(jpegs: Uint8Array[], px: number): Promise<string[] | undefined> {
  const w = startWorker();
  if (!w) return Promise.resolve(undefined);
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    // Copies of the bytes, moved: a view would take its whole buffer along (a page's batch, ~6 MB).
    const copies = jpegs.map((j) => j.slice());
    const jobs: ThumbnailJobs = { id, px, jpegs: copies };
    w.postMessage(
      jobs,
      copies.map((c) => c.buffer),
    );
  });
}

function startWorker(): Worker | undefined {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(stopWorker, IDLE_MS);
  idleTimer.unref();
  if (worker || !workerPath) return worker;
  try {
    // A small heap: the worker keeps nothing between jobs, and V8's default young generation let its
    // garbage (copies of the JPEGs, pixel buffers) lift the host's peak by another 20–40 MB over 400 pages.
    const w = new Worker(workerPath, { resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 } });
    w.unref(); // never what keeps a process (a test, the bench) alive
    w.on('message', (m: ThumbnailUrls) => {
      madeInWorker += m.urls.length;
      const done = waiting.get(m.id);
      waiting.delete(m.id);
      done?.(m.urls);
    });
    const fail = () => {
      if (worker !== w) return;
      worker = undefined;
      for (const done of waiting.values()) done(undefined);
      waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', fail);
    worker = w;
  } catch {
    worker = undefined;
  }
  return worker;
}

function stopWorker(): void {
  const w = worker;
  worker = undefined;
  for (const done of waiting.values()) done(undefined);
  waiting.clear();
  void w?.terminate();
}
