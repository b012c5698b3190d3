// "Which column is the label": the one rule that Filter by Class (palette), the Similar tab's "same
// label" and the Schema tab's class list (row counts per `lance:class_names` entry) all follow.
//
// Candidates, most likely first (columns that cannot be read are never candidates):
//   1. a text column (string or dictionary) named like a class NAME: `label_name`, `class_name`, `ClassName`;
//   2. a text column named like a label or class: `label`, `Label`, `labels`, `class`, `category`,
//      `target`, `fine_label`, `superclass`…;
//   3. an integer column named like a label or class index: `label`, `labels`, `label_id`, `label_idx`,
//      `class`, `class_id`, `class_idx`, `class_index`, `target`, `category`, `category_id` (a column named
//      exactly `label` first): rows that refer to `lance:class_names` by position;
//   4. otherwise, the first dictionary column (a categorical one), then the first text column.
// The label column is the first candidate. The Schema tab tries the candidates in this order until one
// column's values match the class names.
import type { SchemaField } from './types';

/** How rows name their class: by text (`name`), or by position in `lance:class_names` (`index`). */
export interface LabelColumn {
  field: SchemaField;
  mode: 'name' | 'index';
}

const CLASS_NAME = /(label|class|categor[a-z]*).*name/i;
const LABELISH = /label|class|categor|^target$/i;
const INDEX_NAME = /^(labels?|class(es)?|target|categor(y|ies))([_ ]?(id|idx|index))?$/i;

/** Every column that may hold the class of each row, most likely first (see the rule above). */
export function labelCandidates(schema: SchemaField[]): LabelColumn[] {
  const readable = schema.filter((f) => !f.unsupported);
  const text = readable.filter((f) => f.kind === 'string' || f.kind === 'dictionary');
  const ints = readable.filter((f) => f.kind === 'int' && INDEX_NAME.test(f.name));
  ints.sort((a, b) => Number(b.name.toLowerCase() === 'label') - Number(a.name.toLowerCase() === 'label'));
  const fallback = [...text.filter((f) => f.kind === 'dictionary'), ...text.filter((f) => f.kind === 'string')].slice(0, 1);
  const seen = new Set<SchemaField>();
  const out: LabelColumn[] = [];
  const add = (fields: SchemaField[], mode: LabelColumn['mode']) => {
    for (const field of fields) {
      if (seen.has(field)) continue;
      seen.add(field);
      out.push({ field, mode });
    }
  };
  add(
    text.filter((f) => CLASS_NAME.test(f.name)),
    'name',
  );
  add(
    text.filter((f) => LABELISH.test(f.name)),
    'name',
  );
  add(ints, 'index');
  add(fallback, 'name');
  return out;
}

/** The label column: the likeliest candidate, or undefined when the table has none. */
export function labelColumnOf(schema: SchemaField[]): LabelColumn | undefined {
  return labelCandidates(schema)[0];
}
