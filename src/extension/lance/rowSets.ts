// Row sets: lists of row ids the host keeps for one open dataset (in the order given, with a score per
// row when given), which the Rows tab shows as a view: a curation signal's rows by score, a map
// selection. A set's pages are its ids taken by id (LanceDataset's kept-ids path, shared with the text
// search); a filter keeps the set's rows that pass it, sort keys reorder them.
//
// Bounded: ROW_SETS_KEPT sets per dataset (the least recently used dropped first) and MAX_CACHED_IDS
// ids in one set (8 bytes an id, 8 a score).
import type { RowSetInfo } from '../../shared/types';
import { LanceError } from './errors';
import { MAX_CACHED_IDS } from './sortOrder';

/** Row sets kept per open dataset. */
export const ROW_SETS_KEPT = 8;

export interface RowSet {
  info: RowSetInfo;
  /** Engine row ids in the set's order (a repeated id is kept once, at its first place). */
  ids: BigUint64Array;
  /** The score of each id, same order; absent when the set has none. */
  scores?: Float64Array;
}

/** A view of a set: the ids that pass a filter, in the set's order or a sort's, with their scores. */
export interface RowSetView {
  ids: BigUint64Array;
  scores?: Float64Array;
}

export interface KeepRowSet {
  rowIds: readonly string[];
  label: string;
  scores?: readonly number[];
  scoreLabel?: string;
  /** A kept set this one replaces (its place is freed first). */
  replaces?: string;
}

export class RowSets {
  /** By id, least recently used first. */
  private readonly sets = new Map<string, RowSet>();
  private next = 1;

  /** Keeps a new set (ids checked: decimal u64 strings) and says what it is. */
  keep(p: KeepRowSet): RowSetInfo {
    if (!Array.isArray(p.rowIds)) throw new LanceError('internal', 'A row set needs a list of row ids.');
    if (p.rowIds.length > MAX_CACHED_IDS)
      throw new LanceError('too-large', `A row set holds at most ${MAX_CACHED_IDS.toLocaleString('en-US')} rows; this one has ${p.rowIds.length.toLocaleString('en-US')}.`);
    if (p.scores && p.scores.length !== p.rowIds.length)
      throw new LanceError('internal', `A row set's scores must match its rows (${p.scores.length} scores, ${p.rowIds.length} rows).`);
    const seen = new Set<bigint>();
    const ids = new BigUint64Array(p.rowIds.length);
    const scores = p.scores ? new Float64Array(p.rowIds.length) : undefined;
    let n = 0;
    p.rowIds.forEach((s, i) => {
      if (typeof s !== 'string' || !/^\d{1,20}$/.test(s)) throw new LanceError('internal', `Not a row id: ${String(s).slice(0, 40)}.`);
      const id = BigInt(s);
      if (seen.has(id)) return;
      seen.add(id);
      if (scores) scores[n] = Number(p.scores![i]);
      ids[n++] = id;
    });
    if (typeof p.replaces === 'string') this.sets.delete(p.replaces);
    const info: RowSetInfo = {
      id: `set-${this.next++}`,
      label: String(p.label ?? '').trim() || 'Row set',
      count: n,
      ...(scores && p.scoreLabel ? { scoreLabel: p.scoreLabel } : scores ? { scoreLabel: 'score' } : {}),
    };
    this.sets.set(info.id, { info, ids: ids.slice(0, n), scores: scores?.slice(0, n) });
    while (this.sets.size > ROW_SETS_KEPT) this.sets.delete(this.sets.keys().next().value as string);
    return info;
  }

  /** A kept set (marked recently used); a set no longer kept is a not-found error that says what to do. */
  get(id: string): RowSet {
    const s = this.sets.get(id);
    if (!s) throw new LanceError('not-found', 'This row set is no longer kept (the dataset was reopened, or newer sets replaced it): make it again from where it came from.');
    this.sets.delete(id);
    this.sets.set(id, s);
    return s;
  }

  clear(): void {
    this.sets.clear();
  }
}

/**
 * The rows of `set` that are in `passing` (all when undefined), in the set's order; or, when `order` is
 * given (a sorted view's whole order, filter already applied), in that order.
 */
export function rowSetView(set: RowSet, passing?: ReadonlySet<bigint>, order?: BigUint64Array): RowSetView {
  if (!passing && !order) return { ids: set.ids, scores: set.scores };
  const ids = new BigUint64Array(set.ids.length);
  const scores = set.scores ? new Float64Array(set.ids.length) : undefined;
  let n = 0;
  if (order) {
    const at = new Map<bigint, number>();
    set.ids.forEach((id, i) => at.set(id, i));
    for (const id of order) {
      const i = at.get(id);
      if (i === undefined) continue;
      if (scores) scores[n] = set.scores![i];
      ids[n++] = id;
    }
  } else {
    set.ids.forEach((id, i) => {
      if (!passing!.has(id)) return;
      if (scores) scores[n] = set.scores![i];
      ids[n++] = id;
    });
  }
  return { ids: ids.slice(0, n), scores: scores?.slice(0, n) };
}
