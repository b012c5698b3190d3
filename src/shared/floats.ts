// Floats that JSON cannot carry. VS Code posts webview messages as JSON: NaN and ±Infinity become
// `null` and -0 becomes 0 on the way. The host therefore sends those values as text (FloatText) and
// every reader turns them back (fromWire) or shows them (floatDisplay: NaN, +∞, −∞, −0).
import type { Cell, FloatText, WireFloat } from './types';

/** `x` as it can cross the wire: a plain number, or 'NaN' / 'Infinity' / '-Infinity' / '-0'. */
export function toWire(x: number): WireFloat {
  if (Number.isFinite(x)) return x === 0 && Object.is(x, -0) ? '-0' : x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** The number a WireFloat stands for (NaN, ±Infinity and -0 restored). Anything else (a JSON null): NaN. */
export function fromWire(w: WireFloat | null | undefined): number {
  if (typeof w === 'number') return w;
  switch (w) {
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return NaN;
  }
}

/** True when `x` needs the text form on the wire (NaN, ±Infinity, -0). */
export function needsText(x: number): boolean {
  return !Number.isFinite(x) || Object.is(x, -0);
}

/** A float scalar as a cell: a plain number, or `{ t: 'float' }` for NaN, ±Infinity and -0. */
export function floatCell(x: number): Cell {
  const w = toWire(x);
  return typeof w === 'number' ? w : { t: 'float', v: w };
}

/** True for FloatText ('NaN', 'Infinity', '-Infinity', '-0'). */
export function isFloatText(x: unknown): x is FloatText {
  return x === 'NaN' || x === 'Infinity' || x === '-Infinity' || x === '-0';
}

const SYMBOL: Record<FloatText, string> = { NaN: 'NaN', Infinity: '+∞', '-Infinity': '−∞', '-0': '−0' };

/** How people read a float: NaN, +∞, −∞, −0, else the number as JS prints it (or through `fmt`). */
export function floatDisplay(w: WireFloat | null | undefined, fmt: (n: number) => string = String): string {
  if (typeof w === 'number') {
    if (!needsText(w)) return fmt(w);
    w = toWire(w);
  }
  if (isFloatText(w)) return SYMBOL[w];
  return 'null';
}

/** The JSON value of a float in exports and "copy as JSON": NaN and ±Infinity as the strings "NaN",
 * "Infinity", "-Infinity" (JSON has no such numbers); -0 as 0 (JSON.stringify writes it so, and -0 == 0). */
export function jsonFloat(w: WireFloat): number | string {
  if (typeof w === 'number') return w;
  return w === '-0' ? 0 : w;
}
