// Sorting the whole table: the keys a view is sorted by, which columns can be keys, and how a sort
// reads in words. Shared: the grid's headers, the palette and the data layer all follow these rules.
import type { FieldKind, SortKey } from './types';

export type { SortKey };

/** At most this many keys (the header shows ranks 1–3; Shift+click adds the second and third). */
export const MAX_SORT_KEYS = 3;

/**
 * Why a column of this kind cannot be a sort key, or undefined when it can. The engine orders
 * numbers, strings, booleans, dates and times; vectors, binaries, lists and structs have no order a
 * person would want (and sorting them would read every value across from the engine).
 */
export function unsortableReason(field: { kind: FieldKind; unsupported?: string }): string | undefined {
  if (field.unsupported) return 'This column cannot be read, so it cannot be sorted.';
  switch (field.kind) {
    case 'int':
    case 'float':
    case 'decimal':
    case 'bool':
    case 'string':
    case 'temporal':
      return undefined;
    case 'binary':
      return 'Binary columns (images, blobs) have no order to sort by.';
    case 'vector':
    case 'list':
      return 'Vectors and lists have no order to sort by.';
    case 'struct':
      return 'Structs cannot be sorted; sort by one of their fields after extracting it into a column.';
    default:
      return `Columns of this type (${field.kind}) cannot be sorted.`;
  }
}

/** The keys in words: "label_name ↑, id ↓". */
export function describeSort(keys: readonly SortKey[]): string {
  return keys.map((k) => `${k.column} ${k.descending ? '↓' : '↑'}`).join(', ');
}

/** Same keys in the same order and directions. */
export function sameSort(a: readonly SortKey[] | undefined, b: readonly SortKey[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((k, i) => k.column === y[i].column && !!k.descending === !!y[i].descending);
}

/**
 * A header click: plain click makes `column` the only key, cycling ascending → descending → none;
 * with `add` (Shift) it cycles that key in place and keeps the others, appending a new key last (at most
 * MAX_SORT_KEYS: a fourth replaces the last).
 */
export function toggleSort(keys: readonly SortKey[], column: string, add: boolean): SortKey[] {
  const at = keys.findIndex((k) => k.column === column);
  const cur = at >= 0 ? keys[at] : undefined;
  const next: SortKey | undefined = !cur ? { column } : !cur.descending ? { column, descending: true } : undefined;
  if (!add) return next ? [next] : [];
  const out = keys.slice();
  if (at >= 0) {
    if (next) out[at] = next;
    else out.splice(at, 1);
    return out;
  }
  if (out.length >= MAX_SORT_KEYS) out.pop();
  out.push(next!);
  return out;
}
