// Thumbnails are made on two lanes: the extension host's own thread and one worker thread (when the
// extension has said where its script is). Eleven 250 × 188 cards of find similar took ~100 ms on one
// thread (8–9 ms each) and a page of 50 grid thumbnails ~150 ms; split over both cores of a 2-core
// machine they take about half. One worker, not one per core: each costs the host ~10 MB of memory.
//
// Both lanes take images one at a time from one queue (this thread from the front, the worker from the
// back), so neither waits for the other: a worker that is still starting, or a thread busy with other
// work, simply does fewer. A fixed half for each made a panel's first page wait for a worker that
// started with it: 12 thumbnails took 0.79 s in code-server (0.22 s in plain Node, 0.14 s on this
// thread alone).
import { Worker } from 'worker_threads';
import { thumbnailUrl } from './thumbnailUrl';

/** One image for the worker (it is given one at a time, see feedWorker), and its answer. */
export interface ThumbnailJob {
  id: number;
  px: number;
  jpeg: Uint8Array;
}
export interface ThumbnailDone {
  id: number;
  url: string;
}

interface Job {
  jpeg: Uint8Array;
  px: number;
  done: (url: string) => void;
  /** Made already (by either lane: the last image may be made by both, see runHostLane). */
  settled?: boolean;
}

function finish(job: Job, url: string): boolean {
  if (job.settled) return false;
  job.settled = true;
  job.done(url);
  return true;
}

/** The worker goes away after this long without work, giving its memory back; the next page starts it again (~30 ms). */
const IDLE_MS = 60_000;

let workerPath: string | undefined;
let worker: Worker | undefined;
/** The worker runs (its 'online' event came): only then is it given images. */
let online = false;
/** The image the worker is making (one at a time), to give back to the queue if it fails. */
let inWorker: { id: number; job: Job; alsoHere?: boolean } | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
/** Thumbnails the worker made (the tests and the benchmark check the second lane works). */
let madeInWorker = 0;
const queue: Job[] = [];
let hostRunning = false;

/** Where dist/thumbnailWorker.js is (set when the extension activates); undefined: this thread only. */
export function useThumbnailWorker(path: string | undefined): void {
  stopWorker();
  workerPath = path;
}

/**
 * Starts the worker ahead of the thumbnails it will make (a new panel does while it reads its first
 * page), so its ~30–200 ms of starting are not spent while they wait.
 */
export function prepareThumbnailLanes(): void {
  if (workerPath) startWorker();
}

/** The thumbnail URLs of these JPEGs ('' where none), made on both lanes, in order. */
export function makeThumbnailUrls(jpegs: Uint8Array[], px: number): Promise<string[]> {
  const urls = Promise.all(jpegs.map((jpeg) => new Promise<string>((done) => queue.push({ jpeg, px, done }))));
  if (workerPath && jpegs.length > 1) startWorker();
  feedWorker();
  if (!hostRunning) void runHostLane();
  return urls;
}

export function thumbnailsMadeInWorker(): number {
  return madeInWorker;
}

/** Resolves once the worker runs (true), or cannot (false): for tests that need both lanes. */
export function thumbnailWorkerOnline(): Promise<boolean> {
  const w = worker ?? (workerPath ? startWorker() : undefined);
  if (!w) return Promise.resolve(false);
  if (online) return Promise.resolve(true);
  return new Promise((resolve) => {
    w.once('online', () => resolve(true));
    w.once('error', () => resolve(false));
    w.once('exit', () => resolve(false));
  });
}

async function runHostLane(): Promise<void> {
  hostRunning = true;
  try {
    for (let job = nextForHost(); job; job = nextForHost()) {
      if (!job.settled) finish(job, thumbnailUrl(job.jpeg, job.px));
      // Between images this thread answers the webview's other messages (a first page made while the
      // decoder was not yet compiled held it for 0.5 s in one stretch), and the worker takes its next.
      await new Promise((done) => setImmediate(done));
    }
  } finally {
    hostRunning = false;
  }
}

/**
 * The next image for this thread: the queue's first, or when the queue is empty, the one the worker is
 * making, made here too. A worker still compiling its decoder took ~100 ms for its first image, against
 * 5 ms here once warm, and the page waited for it.
 */
function nextForHost(): Job | undefined {
  const job = queue.shift();
  if (job || !inWorker || inWorker.alsoHere) return job;
  inWorker.alsoHere = true;
  return inWorker.job;
}

/** Gives the worker the last image in the queue, if it runs and is free. */
function feedWorker(): void {
  if (!worker || !online || inWorker || !queue.length) return;
  const job = queue.pop()!;
  const id = nextId++;
  inWorker = { id, job };
  // A copy, moved: a view would take its whole buffer along (a page's batch, ~6 MB), and detach it
  // under this thread. `new Uint8Array` copies a Node Buffer too, whose slice() is a view.
  const copy = new Uint8Array(job.jpeg);
  const message: ThumbnailJob = { id, px: job.px, jpeg: copy };
  worker.postMessage(message, [copy.buffer]);
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
    w.once('online', () => {
      if (worker !== w) return;
      online = true;
      feedWorker();
    });
    w.on('message', (m: ThumbnailDone) => {
      if (worker !== w || inWorker?.id !== m.id) return;
      const { job } = inWorker;
      inWorker = undefined;
      if (finish(job, m.url)) madeInWorker++;
      feedWorker();
    });
    const fail = () => {
      if (worker === w) stopWorker();
    };
    w.on('error', fail);
    w.on('exit', fail);
    worker = w;
    online = false;
  } catch {
    worker = undefined;
  }
  return worker;
}

/** Ends the worker; the image it was making goes back to the queue, for this thread. */
function stopWorker(): void {
  const w = worker;
  worker = undefined;
  online = false;
  if (inWorker) {
    if (!inWorker.job.settled) queue.push(inWorker.job);
    inWorker = undefined;
    if (!hostRunning) void runHostLane();
  }
  void w?.terminate();
}
