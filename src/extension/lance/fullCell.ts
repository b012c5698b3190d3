// One cell with nothing capped, for an explicit request (the preview's "show all" and "copy whole
// value"): a 20 MB string arrives whole, a list with every item, a vector with every value. Pages
// (rows, similar) cap strings and lists; this is how the rest of such a value is asked for. A binary
// stays its size, media type and first bytes (no image bytes either: the preview already has those up
// to the inline limit, and a 50 MB blob is not text to show or copy).
import type { Cell } from '../../shared/types';
import type { LanceDataset } from './dataset';
import { LanceError } from './errors';
import type { EncodeOptions } from './cells';

const UNCAPPED: EncodeOptions = {
  maxImageBytes: 0,
  fullVectors: true,
  maxListItems: Infinity,
  maxStringChars: Infinity,
  maxCellItems: Infinity,
};

export async function fullCell(ds: LanceDataset, rowId: string, column: string, signal?: AbortSignal): Promise<Cell> {
  if (!/^\d+$/.test(rowId)) throw new LanceError('not-found', `"${rowId}" is not a row id.`);
  const plan = await ds.columnPlan();
  if (!plan.names.includes(column)) throw new LanceError('not-found', `No column named "${column}" in this dataset.`);
  const [row] = await ds.takeRows([BigInt(rowId)], [column], plan, UNCAPPED, signal);
  return row?.[0] ?? null;
}
