// What colours the embedding map: one column's value for each point, read in one streamed scan of that
// column alone (with the row ids, matched to the map's points; categories through vectorColumn.ts's
// readLabelCodes, as the curation signals read their label column). A column of few distinct values (a
// label, a boolean, a split) colours by category; a numeric one on a continuous scale.
import type { Table } from './engine';
import { quoteIdent } from './columns';
import { LanceError } from './errors';
import { streamBatches } from './stream';
import { readLabelCodes } from './vectorColumn';

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
  if (kind === 'category') {
    const { codes, values } = await readLabelCodes(table, column, rowIds, opts);
    return keepCommonest(column, codes, values);
  }
  const position = new Map<bigint, number>();
  for (let i = 0; i < rowIds.length; i++) position.set(rowIds[i], i);
  const numbers = new Float32Array(rowIds.length).fill(NaN);
  const q = table
    .query()
    .select({ [column]: quoteIdent(column) })
    .withRowId();
  for await (const batch of streamBatches(q, { maxBatchLength: 65_536, signal: opts.signal, timeoutMs: opts.timeoutMs })) {
    const col = batch.getChild(column);
    const ids = batch.getChild('_rowid');
    if (!col || !ids) throw new LanceError('internal', `Column ${column} was not returned by the engine.`);
    for (let r = 0; r < batch.numRows; r++) {
      const p = position.get(BigInt(ids.get(r) as bigint));
      const v: unknown = col.get(r);
      if (p !== undefined && v !== null && v !== undefined) numbers[p] = Number(v);
    }
  }
  return numericColour(column, numbers);
}

/** A continuous scale over `values` (NaN: no value), from its finite minimum to its finite maximum. */
export function numericColour(column: string, values: Float32Array): PointColour {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { kind: 'numeric', column, values, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
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
