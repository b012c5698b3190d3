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
const PER_SECOND_NUMBER = [1, 1_000, 1_000_000, 1_000_000_000];
const FRACTION_DIGITS = [0, 3, 6, 9];

/**
 * Exact ISO 8601 text of a count of `unit` (0 s, 1 ms, 2 µs, 3 ns) since the epoch. A safe integer
 * `value` takes number arithmetic (exact below 2^53: % and the division of an exact multiple do not
 * round), so a page's timestamps allocate no BigInt (a quarter off this function; toISOString is most
 * of the rest); anything else BigInt's.
 */
export function timestampText(value: bigint | number, unit: number, utc: boolean): string {
  let secs: number;
  let frac: number | bigint;
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const per = PER_SECOND_NUMBER[unit];
    frac = value % per;
    secs = (value - frac) / per;
    if (frac < 0) {
      frac += per;
      secs -= 1;
    }
  } else {
    const per = PER_SECOND[unit];
    let s = BigInt(value) / per;
    let f = BigInt(value) % per;
    if (f < 0n) {
      f += per;
      s -= 1n;
    }
    secs = Number(s);
    frac = f;
  }
  const iso = new Date(secs * 1000).toISOString(); // "…T12:34:56.000Z" (years past 9999 as "+010000-…")
  const digits = FRACTION_DIGITS[unit];
  const fraction = digits ? '.' + frac.toString().padStart(digits, '0') : '';
  // toISOString always ends in ".sssZ".
  return iso.slice(0, -5) + fraction + (utc ? 'Z' : '');
}
