// Point colours of the embedding map. The map's chrome follows the theme (var(--vscode-…)); the points
// need hues told apart from each other on dark and light themes alike, which no theme variable offers:
// a fixed categorical palette (Tableau 20's order, strong hues first) and a perceptually even numeric
// scale (viridis, sampled) do.

/** RGB of category i (cycles after 20: the legend lists at most 24 plus "other"). */
const CATEGORY = [
  0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac, 0xa0cbe8, 0xffbe7d, 0x8cd17d, 0xb6992d, 0xf1ce63, 0x86bcb6, 0xd37295,
  0xfabfd2, 0xd4a6c8, 0x79706e,
];
/** "Other" and null: a grey that reads on both theme kinds. */
export const NEUTRAL = 0x8c8c8c;

export function categoryRgb(code: number): number {
  return code < 0 ? NEUTRAL : CATEGORY[code % CATEGORY.length];
}

/** viridis at 9 stops, interpolated. */
const VIRIDIS = [0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725];

/** RGB of t in [0, 1] on the numeric scale; NaN (null) is neutral. */
export function scaleRgb(t: number): number {
  if (!Number.isFinite(t)) return NEUTRAL;
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  const mix = (shift: number) => Math.round(((a >> shift) & 255) * (1 - f) + ((b >> shift) & 255) * f);
  return (mix(16) << 16) | (mix(8) << 8) | mix(0);
}

export function cssOf(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}

/** A CSS gradient of the numeric scale (the legend's bar). */
export function scaleGradient(): string {
  return `linear-gradient(to right, ${VIRIDIS.map(cssOf).join(', ')})`;
}
