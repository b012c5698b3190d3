// Arrow schema → the SchemaField tree the UI shows. Type names follow arrow-js's own toString
// ("Int64", "FixedSizeList[512]<Float32>") so they match what other Arrow tools print.
import { DataType, Field, Schema, Type } from 'apache-arrow';
import type { FieldKind, IndexInfo, SchemaField } from '../../shared/types';

export function schemaToFields(schema: Schema, indices: IndexInfo[] = []): SchemaField[] {
  return schema.fields.map((f) => fieldToSchemaField(f, indices));
}

export function fieldToSchemaField(f: Field, indices: IndexInfo[] = [], path = ''): SchemaField {
  const fullName = path ? `${path}.${f.name}` : f.name;
  const t = f.type as DataType;
  const kind = kindOf(t);
  const out: SchemaField = {
    name: f.name,
    type: typeName(t),
    kind,
    nullable: f.nullable,
    metadata: Object.fromEntries(f.metadata ?? new Map()),
    children: (t.children ?? []).map((c: Field) => fieldToSchemaField(c, indices, fullName)),
  };
  if (kind === 'vector') out.dimension = (t as unknown as { listSize: number }).listSize;
  const covering = indices.filter((i) => i.columns.includes(fullName));
  if (covering.length) out.indices = covering.map((i) => ({ name: i.name, type: i.type, metric: i.metric }));
  if (kind === 'decimal') out.unsupported = 'Decimal values are read as text (arrow-js cannot scale them).';
  return out;
}

export function typeName(t: DataType): string {
  try {
    return String(t);
  } catch {
    return Type[t.typeId] ?? 'Unknown';
  }
}

export function kindOf(t: DataType): FieldKind {
  switch (t.typeId) {
    case Type.Int:
      return 'int';
    case Type.Float:
      return 'float';
    case Type.Decimal:
      return 'decimal';
    case Type.Bool:
      return 'bool';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'binary';
    case Type.FixedSizeList: {
      const child = (t.children?.[0]?.type as DataType | undefined)?.typeId;
      return child === Type.Float ? 'vector' : 'list';
    }
    case Type.List:
      return 'list';
    case Type.Struct:
      return 'struct';
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
      return 'temporal';
    case Type.Dictionary:
      return 'dictionary';
    case Type.Null:
      return 'null';
    default:
      return 'other';
  }
}

/**
 * `lance:class_names` comes as a JSON array, one name per line, or (as in the Lance ImageNet datasets)
 * the names joined with commas.
 */
export function decodeClassNames(meta: Record<string, string>): string[] | undefined {
  const raw = meta['lance:class_names'];
  if (raw === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    if (Array.isArray(v)) return v.map(String);
  } catch {
    /* not JSON: a list in text */
  }
  const parts = (/\n/.test(raw) ? raw.split(/\r?\n/) : raw.split(',')).map((s) => s.trim()).filter(Boolean);
  return parts.length ? parts : undefined;
}
