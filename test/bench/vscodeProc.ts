// Process lookups for the real-VS-Code benchmark (vscode.cli.ts), Linux only: the /proc tree, the
// extension host of one code-server (found by its user-data-dir, so another code-server running on
// the same machine — a CI run, a demo — is never measured by mistake) and the renderers of the
// Chromium this process launched.
import * as fs from 'fs';

export interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** Every process we may read: pid, parent pid and the command line (NULs as spaces). */
export function listProcs(): Proc[] {
  const out: Proc[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses; split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(e), ppid, cmdline });
    } catch {
      /* exited while we looked */
    }
  }
  return out;
}

/** `root` and all its descendants. */
export function descendants(rootPids: number[], procs = listProcs()): Proc[] {
  const byParent = new Map<number, Proc[]>();
  for (const p of procs) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const seen = new Set<number>();
  const out: Proc[] = [];
  const walk = (pid: number) => {
    for (const c of byParent.get(pid) ?? []) {
      if (seen.has(c.pid)) continue;
      seen.add(c.pid);
      out.push(c);
      walk(c.pid);
    }
  };
  for (const r of rootPids) {
    const self = procs.find((p) => p.pid === r);
    if (self && !seen.has(r)) {
      seen.add(r);
      out.push(self);
    }
    walk(r);
  }
  return out;
}

export interface Mem {
  /** Resident set size now (VmRSS), bytes. */
  rss: number;
  /** The kernel's high-water mark of the RSS over the process's life (VmHWM), bytes. */
  hwm: number;
  /**
   * The RSS's anonymous part (RssAnon: heaps, the engine's buffers), and its file-backed part (RssFile:
   * code and other mapped files, e.g. the engine's ~190 MB native library, paged in as its code is first
   * run; clean, shared with the page cache), bytes.
   */
  anon: number;
  file: number;
}

export function memOf(pid: number): Mem | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return undefined;
  }
}

/**
 * The extension host of the code-server started with `userDataDir`: a descendant of the code-server
 * process whose command line names that folder, with `--type=extensionHost` in its own command line.
 */
export function findExtensionHost(userDataDir: string): Proc | undefined {
  const procs = listProcs();
  const roots = procs.filter((p) => p.cmdline.includes(userDataDir) && /code-server/.test(p.cmdline)).map((p) => p.pid);
  const hosts = descendants(roots, procs).filter((p) => /--type=extensionHost\b/.test(p.cmdline));
  return hosts.at(-1); // newest (a restarted host gets a higher pid)
}

/** The whole code-server process tree started with `userDataDir` (for a "what else is there" line). */
export function codeServerTree(userDataDir: string): Proc[] {
  const procs = listProcs();
  const roots = procs.filter((p) => p.cmdline.includes(userDataDir) && /code-server/.test(p.cmdline)).map((p) => p.pid);
  return descendants(roots, procs);
}

/** Chromium renderer processes launched (through Playwright) by this very process. */
export function ourRenderers(): Proc[] {
  return descendants([process.pid]).filter((p) => /--type=renderer\b/.test(p.cmdline));
}
