// How each column is read. Most columns are selected by name; a few types arrow-js 18 cannot decode
// are read through a cast the engine does before the data crosses to JS:
//   Decimal128/256 → text (arrow-js yields the unscaled integer, or 0 for 256-bit ones)
//   LargeList<T>   → List<T> (arrow-js has no LargeList: even the schema fails to decode, so then the
//                    column list comes from the manifest)
// A column with no way to read it gets a labelled placeholder in every row, never a failed page.
//
// Projections are always a name → expression record whose expression is the bare column name, not an
// array of names and not a backtick-quoted name: the engine resolves an expression that equals a column
// name exactly (mixed case, spaces and keywords included) without parsing it, while arrays and quoted
// names go through its SQL planner once per column. On a 2,000-column table 201 columns took 24 ms as
// bare names, 11 s quoted only where needed, 23 s all quoted (measured here with lancedb 0.37.1).
import type { Schema } from 'apache-arrow';
import type { ManifestField, ManifestInfo } from './manifest';
import { quoteIdent } from '../../shared/sql';

export { quoteIdent };

export interface ColumnPlan {
  /** Top-level column names in schema order. */
  names: string[];
  /** SQL expression to select for a column (identity when absent); null: the column cannot be read. */
  exprs: Map<string, string | null>;
  /** Why a column cannot be read, by name. */
  unreadable: Map<string, { type: string; reason: string }>;
}

/**
 * The engine cannot select a column whose name holds a backtick, by any spelling ("No field named"),
 * and reading every column then fails too: such a column is a placeholder, the others read.
 */
const UNSELECTABLE = /`/;
const UNSELECTABLE_REASON = 'Lance cannot read a column whose name contains a backtick';

export function planFromArrow(schema: Schema): ColumnPlan {
  const exprs = new Map<string, string | null>();
  const unreadable = new Map<string, { type: string; reason: string }>();
  for (const f of schema.fields) {
    if (UNSELECTABLE.test(f.name)) {
      exprs.set(f.name, null);
      unreadable.set(f.name, { type: String(f.type), reason: UNSELECTABLE_REASON });
    } else if (String(f.type).startsWith('Decimal')) exprs.set(f.name, `arrow_cast(${quoteIdent(f.name)}, 'Utf8')`);
  }
  return { names: schema.fields.map((f) => f.name), exprs, unreadable };
}

/** Lance logical item types → the DataFusion type names arrow_cast understands. */
const CAST_ITEM: Record<string, string> = {
  int8: 'Int8',
  int16: 'Int16',
  int32: 'Int32',
  int64: 'Int64',
  uint8: 'UInt8',
  uint16: 'UInt16',
  uint32: 'UInt32',
  uint64: 'UInt64',
  halffloat: 'Float16',
  float: 'Float32',
  double: 'Float64',
  bool: 'Boolean',
  string: 'Utf8',
  large_string: 'LargeUtf8',
  binary: 'Binary',
  large_binary: 'LargeBinary',
};

export function planFromManifest(m: ManifestInfo): ColumnPlan {
  const top = m.fields.filter((f) => f.parentId === -1);
  const exprs = new Map<string, string | null>();
  const unreadable = new Map<string, { type: string; reason: string }>();
  for (const f of top) {
    const lt = f.logicalType;
    if (UNSELECTABLE.test(f.name)) {
      exprs.set(f.name, null);
      unreadable.set(f.name, { type: lt, reason: UNSELECTABLE_REASON });
    } else if (lt.startsWith('decimal')) exprs.set(f.name, `arrow_cast(${quoteIdent(f.name)}, 'Utf8')`);
    else if (lt === 'large_list' || lt.startsWith('large_list')) {
      const item = childOf(m.fields, f);
      const cast = item && CAST_ITEM[item.logicalType];
      if (cast) exprs.set(f.name, `arrow_cast(${quoteIdent(f.name)}, 'List(${cast})')`);
      else {
        exprs.set(f.name, null);
        unreadable.set(f.name, { type: 'LargeList', reason: 'LargeList of nested items cannot be decoded by arrow-js 18' });
      }
    }
  }
  return { names: top.map((f) => f.name), exprs, unreadable };
}

function childOf(fields: ManifestField[], parent: ManifestField): ManifestField | undefined {
  return fields.find((c) => c.parentId === parent.id);
}

/**
 * The engine's `select` argument for these columns: each readable column's expression, the bare name
 * for most (see the top of this file for why bare). Unreadable columns are left out (their cells are
 * placeholders). A null-prototype record, so a column named `__proto__` is a key like any other.
 */
export function selectFor(plan: ColumnPlan, columns: string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const c of columns) {
    const expr = plan.exprs.get(c);
    if (expr !== null) out[c] = expr ?? c;
  }
  return out;
}
