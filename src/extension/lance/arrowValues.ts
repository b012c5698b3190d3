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
 * round), so a page's timestamps allocate no BigInt; anything else BigInt's.
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
  const digits = FRACTION_DIGITS[unit];
  const fraction = digits ? '.' + frac.toString().padStart(digits, '0') : '';
  return isoSeconds(secs) + fraction + (utc ? 'Z' : '');
}

/** Seconds in the Date range (±8.64e15 ms), beyond which toISOString throws. */
const MAX_DATE_SECONDS = 8.64e12;

/**
 * `new Date(secs * 1000).toISOString()` without its ".sssZ", by arithmetic: toISOString was most of the
 * cost of a page's timestamps. Years 0–9999 in four digits, others signed in six ("+010000", "-000001"),
 * and the same RangeError outside the Date range. Days to a civil date: H. Hinnant's days_from_civil
 * inverse (proleptic Gregorian, as Date), http://howardhinnant.github.io/date_algorithms.html.
 */
export function isoSeconds(secs: number): string {
  if (!(Math.abs(secs) <= MAX_DATE_SECONDS)) throw new RangeError('Invalid time value');
  const days = Math.floor(secs / 86400);
  const sod = secs - days * 86400;
  const z = days + 719468; // days since 0000-03-01
  const era = Math.floor(z / 146097); // 400-year eras
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153); // month from March
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(sod / 3600);
  const minute = Math.floor((sod - hour * 3600) / 60);
  const second = sod - hour * 3600 - minute * 60;
  const y = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
  return `${y}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}`;
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}
