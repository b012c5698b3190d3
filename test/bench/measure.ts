// Timing, memory sampling and table formatting for the benchmark. No Lance here.
import * as fs from 'fs';

export const MB = 1024 * 1024;

export function ms(t0: number): number {
  return performance.now() - t0;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: ms(t0), value };
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

export interface Dist {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

export function dist(xs: number[]): Dist {
  return {
    n: xs.length,
    p50: percentile(xs, 50),
    p95: percentile(xs, 95),
    min: Math.min(...xs),
    max: Math.max(...xs),
    mean: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length),
  };
}

/** Runs `fn` once (the first, colder call) and then `reps` more times; reports both. */
export async function repeat(reps: number, fn: () => Promise<unknown>): Promise<{ first: number; warm: Dist }> {
  const first = (await timed(fn)).ms;
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push((await timed(fn)).ms);
  return { first, warm: dist(times) };
}

const hasGc = typeof (globalThis as { gc?: () => void }).gc === 'function';

/** Full collections (twice, with a turn of the event loop between so finalizers run). */
export async function settle(): Promise<void> {
  if (!hasGc) return;
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  gc();
  await new Promise((r) => setTimeout(r, 10));
  gc();
}

export function gcAvailable(): boolean {
  return hasGc;
}

/** The kernel's own high-water mark of this process's RSS (Linux); undefined elsewhere. */
export function kernelPeakRss(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS (Linux >= 4.0: write 5 to clear_refs). False when not possible. */
export function resetKernelPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** process.memoryUsage().rss sampled every `intervalMs`, keeping the peak. */
export class RssSampler {
  private timer?: NodeJS.Timeout;
  peak = 0;
  samples = 0;
  private kernelReset = false;

  start(intervalMs = 20): this {
    this.kernelReset = resetKernelPeakRss();
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  sample(): number {
    const r = process.memoryUsage.rss();
    this.samples++;
    if (r > this.peak) this.peak = r;
    return r;
  }

  /** Stops sampling; returns the sampled peak and the kernel's peak over the same span when known. */
  stop(): { peak: number; kernelPeak?: number; samples: number } {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return { peak: this.peak, kernelPeak: this.kernelReset ? kernelPeakRss() : undefined, samples: this.samples };
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function fmtMs(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '—';
  if (x >= 10_000) return `${(x / 1000).toFixed(1)} s`;
  if (x >= 100) return `${Math.round(x)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  return `${x.toFixed(2)} ms`;
}

export function fmtMB(bytes: number | undefined): string {
  if (bytes === undefined || Number.isNaN(bytes)) return '—';
  return `${Math.round(bytes / MB)} MB`;
}

export function fmtSignedMB(bytes: number | undefined): string {
  if (bytes === undefined || Number.isNaN(bytes)) return '—';
  const v = Math.round(bytes / MB);
  return `${v >= 0 ? '+' : ''}${v} MB`;
}

export function fmtRatio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return x >= 10 ? `${Math.round(x)}x` : `${x.toFixed(x >= 2 ? 1 : 2)}x`;
}

/** A plain text table: the first row is the header; numbers are right-aligned. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const right = cells[0].map((_, j) => j > 0);
  const line = (r: string[]) => '  ' + r.map((c, j) => (right[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ');
  const sep = '  ' + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join('\n');
}
