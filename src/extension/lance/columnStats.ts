// Column statistics, computed by streaming one column. (Stub: being implemented.)
import type { ColumnStats } from '../../shared/types';
import type { Table } from './engine';
import { LanceError } from './errors';

export interface ColumnStatsOptions {
  filter?: string;
  topK: number;
  /** Rows the filter matches (for progress). */
  total: number;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  timeoutMs?: number;
}

export async function computeColumnStats(_table: Table, _column: string, _opts: ColumnStatsOptions): Promise<ColumnStats> {
  throw new LanceError('internal', 'Column statistics are not available yet.');
}

export async function distinctValues(_table: Table, _column: string, _limit: number, _signal?: AbortSignal): Promise<{ value: string | number | boolean; count: number }[]> {
  throw new LanceError('internal', 'Distinct values are not available yet.');
}
