// "Lance: Copy Row as JSON" from the palette: the whole row (every column, full vectors, capped values
// asked for whole) in the one format of shared/cellJson.ts, the same text the preview's Copy JSON and
// the grid's row menu write. No `vscode` import, so the tests run it in plain Node.
import { rowJson, wholeCells } from '../../shared/cellJson';
import { fullCell } from '../lance/fullCell';
import type { LanceDataset } from '../lance/dataset';

export async function wholeRowJson(dataset: LanceDataset, rowId: string): Promise<string> {
  const row = await dataset.fullRow(rowId, undefined, 0);
  const cells = await wholeCells(row.columns, row.row, (c) => fullCell(dataset, rowId, c));
  return rowJson(row.rowId, row.columns, cells);
}
