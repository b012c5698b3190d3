// Exact values arrow-js's get() loses: the stored integer of a fixed-width cell (get() turns
// timestamps into rounded float milliseconds) and ISO text of a timestamp at its own precision.
import type { Vector } from 'apache-arrow';

/** The stored integer of a fixed-width cell (arrow-js `get` turns timestamps into rounded milliseconds). */
export function raw(v: Vector, i: number): number | bigint {
  let j = i;
  for (const d of v.data) {
    // A sliced Data keeps its offset, but arrow-js has already sliced its values buffer by it.
    if (j < d.length) return (d.values as unknown as ArrayLike<number | bigint>)[j];
    j -= d.length;
  }
  throw new RangeError(`row ${i} out of range`);
}

const PER_SECOND = [1n, 1_000n, 1_000_000n, 1_000_000_000n];
const FRACTION_DIGITS = [0, 3, 6, 9];

/** Exact ISO 8601 text of a count of `unit` (0 s, 1 ms, 2 µs, 3 ns) since the epoch. */
export function timestampText(value: bigint, unit: number, utc: boolean): string {
  const per = PER_SECOND[unit];
  let secs = value / per;
  let frac = value % per;
  if (frac < 0n) {
    frac += per;
    secs -= 1n;
  }
  const iso = new Date(Number(secs) * 1000).toISOString(); // "…T12:34:56.000Z" (years past 9999 as "+010000-…")
  const digits = FRACTION_DIGITS[unit];
  const fraction = digits ? '.' + frac.toString().padStart(digits, '0') : '';
  return iso.replace(/\.\d{3}Z$/, fraction + (utc ? 'Z' : ''));
}
