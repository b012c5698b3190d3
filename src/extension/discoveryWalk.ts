// Finding Lance datasets under the workspace folders, bounded. A dataset is a folder holding `_versions/`
// with at least one `*.manifest` file (only names are looked at; nothing is opened).
//
// VS Code's findFiles('**/_versions/*.manifest') follows symbolic links wherever they lead: a link to `/`
// inside a workspace kept it busy past 30 s and listed datasets outside the workspace. This walker:
//   - goes breadth-first over the roots (shallow datasets first), a few folders read at a time;
//   - follows a symbolic link to a folder only when its real path is inside a root (a linked dataset
//     folder inside the workspace is found; a link to `/` or to another disk is not), and reads each real
//     folder once (link loops end there); real paths are walked before links, so a dataset reached both
//     ways is listed under its own path;
//   - skips node_modules, __pycache__, site-packages and hidden folders (.git, .cache, .venv, …);
//   - does not descend into a dataset (its data/, _indices/, _versions/ are not walked);
//   - stops at a depth, a time budget, a folder count and a result count, and on an AbortSignal, and says
//     which stopped it (`stoppedBy`), so callers can say "the search stopped after 5 s".
// No `vscode` import: tested in plain Node.
import * as fs from 'fs';
import * as path from 'path';

export interface WalkOptions {
  /** Folders to search (the workspace folders), absolute. */
  roots: string[];
  /** Deepest folder read, the roots being depth 0 (a dataset at this depth is found). Default 8. */
  maxDepth?: number;
  /** Wall-clock budget in ms; the call returns by then even if a read hangs. Default 5,000. */
  timeBudgetMs?: number;
  /** Folders read at most. Default 20,000. */
  maxFolders?: number;
  /** Datasets found at most. Default 500. */
  maxResults?: number;
  /** Folders read at the same time. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

export type WalkStop = 'time' | 'folders' | 'results' | 'aborted';

export interface WalkResult {
  /** Dataset folders, sorted, as paths under the roots (not resolved through links). */
  datasets: string[];
  /** Why the search ended early; undefined when it looked everywhere it was allowed to. */
  stoppedBy?: WalkStop;
  /** Folders below maxDepth that were not read (not an early stop: deep trees are common). */
  tooDeep: number;
  /** Links not followed because they lead outside the roots (or nowhere). */
  linksOutside: number;
  foldersRead: number;
  elapsedMs: number;
  /** The limits in force (for messages). */
  limits: { maxDepth: number; timeBudgetMs: number; maxFolders: number; maxResults: number };
}

/** Folder names never walked: dependencies and caches (hidden folders are skipped too). */
const SKIP = new Set(['node_modules', '__pycache__', 'site-packages', 'bower_components']);

export function skipFolder(name: string): boolean {
  return name.startsWith('.') || SKIP.has(name);
}

interface Entry {
  /** The path as reached under a root. */
  dir: string;
  depth: number;
  /** Its real path, when already known (links); else resolved when read. */
  real?: string;
}

export async function findDatasets(opts: WalkOptions): Promise<WalkResult> {
  const limits = {
    maxDepth: opts.maxDepth ?? 8,
    timeBudgetMs: opts.timeBudgetMs ?? 5_000,
    maxFolders: opts.maxFolders ?? 20_000,
    maxResults: opts.maxResults ?? 500,
  };
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const started = Date.now();
  const res: WalkResult = { datasets: [], tooDeep: 0, linksOutside: 0, foldersRead: 0, elapsedMs: 0, limits };
  const found = new Map<string, string>(); // real path → path under a root
  const visited = new Set<string>(); // real paths of folders read (or being read)
  const queue: Entry[] = [];
  const links: Entry[] = []; // linked folders inside the roots, walked after the real ones at hand
  let stop: WalkStop | undefined;
  const halt = (why: WalkStop) => {
    stop ??= why;
    wake();
  };

  // The roots' real paths: what "inside the workspace" means for a link.
  const realRoots: string[] = [];
  for (const r of opts.roots) {
    const real = await fs.promises.realpath(r).catch(() => undefined);
    if (!real || !(await isDir(real))) continue;
    realRoots.push(real);
    queue.push({ dir: path.resolve(r), depth: 0, real });
  }
  const inside = (real: string) => realRoots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));

  // Wakes the driver when a worker finishes, the time is up or the signal fires.
  let wake: () => void = () => undefined;
  const timer = setTimeout(() => halt('time'), limits.timeBudgetMs);
  const onAbort = () => halt('aborted');
  if (opts.signal?.aborted) stop = 'aborted';
  opts.signal?.addEventListener('abort', onAbort);

  async function read(e: Entry): Promise<void> {
    const real = e.real ?? (await fs.promises.realpath(e.dir).catch(() => undefined));
    if (!real || stop) return;
    if (visited.has(real)) return;
    visited.add(real);
    if (res.foldersRead >= limits.maxFolders) return halt('folders');
    res.foldersRead++;
    let dir: fs.Dir;
    try {
      dir = await fs.promises.opendir(e.dir, { bufferSize: 64 });
    } catch {
      return; // unreadable (permissions, vanished): skipped
    }
    const subdirs: Entry[] = [];
    let versions: string | undefined;
    try {
      for await (const d of dir) {
        if (stop) break;
        const name = d.name;
        if (name === '_versions' && (d.isDirectory() || d.isSymbolicLink())) {
          versions = path.join(e.dir, name);
          continue;
        }
        if (skipFolder(name)) continue;
        const child = path.join(e.dir, name);
        if (d.isDirectory()) subdirs.push({ dir: child, depth: e.depth + 1, real: path.join(real, name) });
        else if (d.isSymbolicLink()) {
          const target = await fs.promises.realpath(child).catch(() => undefined);
          if (!target || !inside(target)) {
            if (!target || (await isDir(target))) res.linksOutside++;
            continue;
          }
          if (!(await isDir(target))) continue;
          if (!visited.has(target)) links.push({ dir: child, depth: e.depth + 1, real: target });
        }
      }
    } finally {
      await dir.close().catch(() => undefined); // for-await closes it unless we broke out early
    }
    if (stop) return;
    if (versions && (await hasManifest(versions))) {
      // A dataset: listed, and not walked into.
      if (!found.has(real)) {
        found.set(real, e.dir);
        if (found.size >= limits.maxResults) halt('results');
      }
      return;
    }
    for (const s of subdirs) {
      if (s.depth > limits.maxDepth) res.tooDeep++;
      else queue.push(s);
    }
  }

  // A pool of `concurrency` reads over the queue, breadth-first; links once the queue runs dry.
  let active = 0;
  await new Promise<void>((resolve) => {
    wake = () => {
      if (stop) return resolve();
      while (active < concurrency) {
        let next = queue.shift();
        if (!next && active === 0) {
          // Nothing real left at hand: the links not reached through their real path meanwhile.
          links.sort((a, b) => a.depth - b.depth);
          while (links.length && !next) {
            const l = links.shift()!;
            if (l.depth > limits.maxDepth) res.tooDeep++;
            else if (!visited.has(l.real!)) next = l;
          }
        }
        if (!next) break;
        active++;
        read(next)
          .catch(() => undefined)
          .finally(() => {
            active--;
            wake();
          });
      }
      if (active === 0 && queue.length === 0 && links.length === 0) resolve();
    };
    wake();
  });
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  res.stoppedBy = stop;
  res.datasets = [...found.values()].sort();
  res.elapsedMs = Date.now() - started;
  return res;
}

/** Whether a `_versions` folder holds a `.manifest` file (stops at the first one). */
async function hasManifest(versions: string): Promise<boolean> {
  let dir: fs.Dir;
  try {
    dir = await fs.promises.opendir(versions, { bufferSize: 32 });
  } catch {
    return false;
  }
  try {
    for await (const d of dir) if (d.name.endsWith('.manifest')) return true;
  } catch {
    /* unreadable */
  } finally {
    await dir.close().catch(() => undefined);
  }
  return false;
}

async function isDir(p: string): Promise<boolean> {
  return fs.promises.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** One sentence when the search ended early ("The search for datasets stopped after 5 s …"), else undefined. */
export function describeStop(r: WalkResult): string | undefined {
  switch (r.stoppedBy) {
    case 'time':
      return `The search for datasets stopped after ${duration(r.limits.timeBudgetMs)} (${r.foldersRead.toLocaleString('en-US')} folders read); some may be missing.`;
    case 'folders':
      return `The search for datasets stopped after ${r.limits.maxFolders.toLocaleString('en-US')} folders; some may be missing.`;
    case 'results':
      return `The search for datasets stopped at ${r.limits.maxResults.toLocaleString('en-US')} datasets; more may be there.`;
    case 'aborted':
      return 'The search for datasets was cancelled.';
    default:
      return undefined;
  }
}

function duration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}
