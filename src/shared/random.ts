// A seeded uniform [0, 1) generator: the data layer's seeded samples and the test fixtures use the same
// one, so "the same seed gives the same rows" holds everywhere (never Math.random).

/** A uniform [0, 1) generator. */
export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for samples and test data (not for cryptography). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
