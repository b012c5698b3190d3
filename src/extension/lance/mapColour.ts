// What colours the embedding map: one column's value for each point, read in one streamed scan of that
// column alone (with the row ids, matched to the map's points). A column of few distinct values (a
// label, a boolean, a split) colours by category; a numeric one on a continuous scale.
import type { Table } from './engine';
import { quoteIdent } from './columns';
import { LanceError } from './errors';
import { streamBatches } from './stream';

/** Categories kept by name, most frequent first; the rest are counted together as "other". */
export const MAX_CATEGORIES = 24;

export type PointColour =
  | { kind: 'category'; column: string; codes: Int32Array; values: string[]; counts: number[]; otherCount: number }
  | { kind: 'numeric'; column: string; values: Float32Array; min: number; max: number };

/** Code of a point whose value is null; -2 is "other" (outside the MAX_CATEGORIES kept). */
export const NULL_CODE = -1;
export const OTHER_CODE = -2;

export async function readPointColour(
  table: Table,
  column: string,
  kind: 'category' | 'numeric',
  rowIds: BigUint64Array,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<PointColour> {
  const position = new Map<bigint, number>();
  for (let i = 0; i < rowIds.length; i++) position.set(rowIds[i], i);
  const numbers = new Float32Array(rowIds.length).fill(NaN);
  const raw = new Int32Array(rowIds.length).fill(NULL_CODE);
  const index = new Map<string, number>();
  const names: string[] = [];
  const q = table
    .query()
    .select({ [column]: quoteIdent(column) })
    .withRowId();
  for await (const batch of streamBatches(q, { maxBatchLength: 16384, signal: opts.signal, timeoutMs: opts.timeoutMs })) {
    const col = batch.getChild(column);
    const ids = batch.getChild('_rowid');
    if (!col || !ids) throw new LanceError('internal', `Column ${column} was not returned by the engine.`);
    for (let r = 0; r < batch.numRows; r++) {
      const p = position.get(BigInt(ids.get(r) as bigint));
      if (p === undefined) continue;
      const v: unknown = col.get(r);
      if (v === null || v === undefined) continue;
      if (kind === 'numeric') numbers[p] = Number(v);
      else {
        const key = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
        let code = index.get(key);
        if (code === undefined) index.set(key, (code = names.push(key) - 1));
        raw[p] = code;
      }
    }
  }
  if (kind === 'numeric') {
    let min = Infinity;
    let max = -Infinity;
    for (const v of numbers) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { kind, column, values: numbers, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
  }
  return keepCommonest(column, raw, names);
}

/** Recodes to the MAX_CATEGORIES commonest values (most frequent first, ties by name); the rest are "other". */
function keepCommonest(column: string, raw: Int32Array, names: string[]): PointColour {
  const count = new Array<number>(names.length).fill(0);
  for (const c of raw) if (c >= 0) count[c]++;
  const order = names.map((_, i) => i).sort((a, b) => count[b] - count[a] || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const kept = order.slice(0, MAX_CATEGORIES);
  const recode = new Int32Array(names.length).fill(OTHER_CODE);
  kept.forEach((old, i) => (recode[old] = i));
  const codes = new Int32Array(raw.length);
  let otherCount = 0;
  for (let i = 0; i < raw.length; i++) {
    codes[i] = raw[i] < 0 ? NULL_CODE : recode[raw[i]];
    if (codes[i] === OTHER_CODE) otherCount++;
  }
  return { kind: 'category', column, codes, values: kept.map((i) => names[i]), counts: kept.map((i) => count[i]), otherCount };
}
