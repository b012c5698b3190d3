// Picking points of the map: the nearest shown point under the pointer (a uniform grid over the data,
// so a hover looks at a few cells, not 100,000 points) and the points inside a lasso polygon.

export class PointGrid {
  private readonly cells: Int32Array;
  private readonly start: Int32Array;
  private readonly size: number;
  readonly minX: number;
  readonly minY: number;
  private readonly cell: number;

  constructor(
    private readonly x: Float32Array,
    private readonly y: Float32Array,
  ) {
    const b = bounds(x, y);
    this.minX = b.minX;
    this.minY = b.minY;
    // About four points a cell on average.
    this.size = Math.max(1, Math.ceil(Math.sqrt(x.length / 4)));
    this.cell = Math.max(b.maxX - b.minX, b.maxY - b.minY, 1e-12) / this.size;
    const n = this.size * this.size;
    const count = new Int32Array(n + 1);
    const which = new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) count[(which[i] = this.cellOf(x[i], y[i])) + 1]++;
    for (let c = 0; c < n; c++) count[c + 1] += count[c];
    this.start = count.slice();
    this.cells = new Int32Array(x.length);
    const fill = count.slice();
    for (let i = 0; i < x.length; i++) this.cells[fill[which[i]]++] = i;
  }

  private clampCell(v: number): number {
    return Math.min(this.size - 1, Math.max(0, Math.floor(v / this.cell)));
  }

  private cellOf(x: number, y: number): number {
    return this.clampCell(y - this.minY) * this.size + this.clampCell(x - this.minX);
  }

  /** The nearest point within `radius` (data units) of (x, y) that `shown` accepts, or -1. */
  nearest(x: number, y: number, radius: number, shown: (i: number) => boolean): number {
    const c0 = this.clampCell(x - radius - this.minX);
    const c1 = this.clampCell(x + radius - this.minX);
    const r0 = this.clampCell(y - radius - this.minY);
    const r1 = this.clampCell(y + radius - this.minY);
    let best = -1;
    let bestD = radius * radius;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.size + c;
        for (let k = this.start[cell]; k < this.start[cell + 1]; k++) {
          const i = this.cells[k];
          const dx = this.x[i] - x;
          const dy = this.y[i] - y;
          const d = dx * dx + dy * dy;
          if (d <= bestD && shown(i) && (d < bestD || best < 0 || i < best)) {
            best = i;
            bestD = d;
          }
        }
      }
    }
    return best;
  }
}

export function bounds(x: Float32Array, y: Float32Array): { minX: number; maxX: number; minY: number; maxY: number } {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < minX) minX = x[i];
    if (x[i] > maxX) maxX = x[i];
    if (y[i] < minY) minY = y[i];
    if (y[i] > maxY) maxY = y[i];
  }
  if (!(minX <= maxX)) return { minX: 0, maxX: 0, minY: 0, maxY: 0 };
  return { minX, maxX, minY, maxY };
}

/** Whether (x, y) is inside the polygon (even-odd rule; vertices as [x0, y0, x1, y1, …]). */
export function insidePolygon(poly: ArrayLike<number>, x: number, y: number): boolean {
  let inside = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = poly[2 * i];
    const yi = poly[2 * i + 1];
    const xj = poly[2 * j];
    const yj = poly[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Positions of the points inside the polygon (data units) that `shown` accepts, in point order. */
export function pointsInPolygon(x: Float32Array, y: Float32Array, poly: ArrayLike<number>, shown: (i: number) => boolean): number[] {
  if (poly.length < 6) return [];
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < poly.length; i += 2) {
    minX = Math.min(minX, poly[i]);
    maxX = Math.max(maxX, poly[i]);
    minY = Math.min(minY, poly[i + 1]);
    maxY = Math.max(maxY, poly[i + 1]);
  }
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] < minX || x[i] > maxX || y[i] < minY || y[i] > maxY) continue;
    if (shown(i) && insidePolygon(poly, x[i], y[i])) out.push(i);
  }
  return out;
}
