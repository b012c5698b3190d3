// Which columns a text search can use, shared by the Rows tab, the palette and the data layer.
import type { IndexInfo, SchemaField } from './types';

/** The engine reports an inverted (full-text) index as `FTS` (listIndices' indexType; `Inverted` in some versions). */
export function isFtsIndex(type: string): boolean {
  return /^(fts|inverted)$/i.test(type);
}

/** The full-text index on exactly this column, if any. */
export function ftsIndexOn<T extends Pick<IndexInfo, 'name' | 'type' | 'columns'>>(column: string, indices: readonly T[]): T | undefined {
  return indices.find((i) => isFtsIndex(i.type) && i.columns.length === 1 && i.columns[0] === column);
}

/** Top-level string columns a search can look in: those with a full-text index first, then the rest. */
export function searchableColumns(schema: readonly SchemaField[], indices: readonly Pick<IndexInfo, 'name' | 'type' | 'columns'>[]): { name: string; index?: string }[] {
  const out = schema.filter((f) => f.kind === 'string' && !f.unsupported).map((f) => ({ name: f.name, index: ftsIndexOn(f.name, indices)?.name }));
  return [...out.filter((c) => c.index), ...out.filter((c) => !c.index)];
}
