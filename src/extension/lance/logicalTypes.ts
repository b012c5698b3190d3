// Display names of Lance logical types. A manifest stores each field's type as Lance's own string
// ("int64", "fixed_size_list:float:16", "timestamp:us:UTC"); a table opened through lancedb reports
// Arrow types. Both reach the same Schema tab and the version diff, so manifest types are spelled the
// way apache-arrow's DataType.toString() spells them: a dataset the engine cannot open (a missing data
// file, a damaged newest manifest) shows the same type names as one it can.
import type { ManifestField } from './manifest';

const SIMPLE_TYPES: Record<string, string> = {
  null: 'Null',
  bool: 'Bool',
  int8: 'Int8',
  uint8: 'Uint8',
  int16: 'Int16',
  uint16: 'Uint16',
  int32: 'Int32',
  uint32: 'Uint32',
  int64: 'Int64',
  uint64: 'Uint64',
  halffloat: 'Float16',
  float: 'Float32',
  double: 'Float64',
  string: 'Utf8',
  large_string: 'LargeUtf8',
  binary: 'Binary',
  large_binary: 'LargeBinary',
  blob: 'LargeBinary', // Lance blob columns are large_binary with metadata
  json: 'LargeBinary', // Lance's JSON extension is stored as large_binary
  'date32:day': 'Date32<DAY>',
  'date64:ms': 'Date64<MILLISECOND>',
  struct: 'Struct',
  list: 'List',
  'list.struct': 'List',
  large_list: 'LargeList',
  'large_list.struct': 'LargeList',
  map: 'Map',
};

const TIME_UNITS: Record<string, string> = { s: 'SECOND', ms: 'MILLISECOND', us: 'MICROSECOND', ns: 'NANOSECOND' };

/**
 * Convert a Lance logical type string into an Arrow-style display name, e.g.
 * "int64" → "Int64", "fixed_size_list:float:16" → "FixedSizeList[16]<Float32>".
 * Nested types (struct, list, map) carry their children as separate fields, so this returns just
 * "Struct"/"List"/"Map"; use {@link fieldDisplayType} for the full nested name.
 * Unknown strings are returned unchanged (never throws).
 */
export function logicalTypeToDisplay(logicalType: string): string {
  const lt = logicalType.trim();
  const simple = SIMPLE_TYPES[lt];
  if (simple) return simple;
  const parts = lt.split(':');
  const unit = (u: string | undefined) => (u !== undefined ? TIME_UNITS[u] : undefined);
  switch (parts[0]) {
    case 'fixed_size_list': {
      // "fixed_size_list:<child type>:<n>" (the child type may itself contain ':'),
      // or "fixed_size_list:struct:<n>" whose struct children are separate fields.
      const n = parts[parts.length - 1];
      if (parts.length < 3 || !/^\d+$/.test(n)) break;
      const inner = parts.slice(1, -1).join(':');
      const child = inner === 'lance.bfloat16' ? 'FixedSizeBinary[2]' : logicalTypeToDisplay(inner);
      return `FixedSizeList[${n}]<${child}>`;
    }
    case 'fixed_size_binary':
      if (parts.length === 2) return `FixedSizeBinary[${parts[1]}]`;
      break;
    case 'decimal': {
      // "decimal:<128|256>:<precision>:<scale>"; apache-arrow prints Decimal[<p>e<±s>]
      if (parts.length !== 4) break;
      const scale = Number(parts[3]);
      return `Decimal[${parts[2]}e${scale > 0 ? '+' : ''}${scale}]`;
    }
    case 'timestamp': {
      // "timestamp:<unit>:<tz or ->"; a tz such as "+05:30" contains ':' itself
      const u = unit(parts[1]);
      if (!u || parts.length < 3) break;
      const tz = parts.slice(2).join(':');
      return tz === '-' || tz === '' ? `Timestamp<${u}>` : `Timestamp<${u}, ${tz}>`;
    }
    case 'time32':
    case 'time64': {
      const u = unit(parts[1]);
      if (!u || parts.length !== 2) break;
      return `Time${parts[0].slice(4)}<${u}>`;
    }
    case 'duration': {
      const u = unit(parts[1]);
      if (!u || parts.length !== 2) break;
      return `Duration<${u}>`;
    }
    case 'dict': {
      // "dict:<value type>:<index type>:<ordered>"
      if (parts.length !== 4) break;
      return `Dictionary<${logicalTypeToDisplay(parts[2])}, ${logicalTypeToDisplay(parts[1])}>`;
    }
  }
  return logicalType;
}

/**
 * Full display type of a field, nested children included, e.g. "Struct<{a:Int64, b:Utf8}>",
 * "List<Float32>", "Map<{key:Utf8, value:Int64}>". `fields` is the flat list from the manifest.
 */
export function fieldDisplayType(field: ManifestField, fields: ManifestField[], depth = 0): string {
  const base = logicalTypeToDisplay(field.logicalType);
  const lt = field.logicalType.trim();
  if (depth > 64) return base; // malformed (cyclic) parent ids must not recurse forever
  const children = () => fields.filter((f) => f.parentId === field.id && f !== field);
  const sub = (f: ManifestField) => fieldDisplayType(f, fields, depth + 1);
  if (lt === 'struct') {
    return `Struct<{${children()
      .map((c) => `${c.name}:${sub(c)}`)
      .join(', ')}}>`;
  }
  if (lt === 'list' || lt === 'list.struct' || lt === 'large_list' || lt === 'large_list.struct') {
    const c = children()[0];
    return c ? `${base}<${sub(c)}>` : base;
  }
  if (lt === 'map') {
    // map → one "entries" struct child holding key and value
    const entries = children()[0];
    if (!entries) return base;
    const kv = fields.filter((f) => f.parentId === entries.id && f !== entries);
    return `Map<{${kv.map((c) => `${c.name}:${sub(c)}`).join(', ')}}>`;
  }
  const fslStruct = /^fixed_size_list:struct:(\d+)$/.exec(lt);
  if (fslStruct) {
    const c = children()[0];
    return c ? `FixedSizeList[${fslStruct[1]}]<${sub(c)}>` : base;
  }
  return base;
}
