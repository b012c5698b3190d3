// "Which column is the label" (src/shared/labelColumn.ts): the one rule behind Filter by Class, the
// Similar tab's "same label" and the Schema tab's class counts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labelCandidates, labelColumnOf } from '../../src/shared/labelColumn';
import type { SchemaField } from '../../src/shared/types';

const f = (name: string, kind: SchemaField['kind'], extra: Partial<SchemaField> = {}): SchemaField => ({
  name,
  type: kind === 'int' ? 'Int32' : kind === 'string' ? 'Utf8' : kind === 'dictionary' ? 'Dictionary<Int32, Utf8>' : 'Other',
  kind,
  nullable: true,
  metadata: {},
  children: [],
  ...extra,
});
const VEC = f('image_emb', 'vector');
const pick = (schema: SchemaField[]) => {
  const l = labelColumnOf(schema);
  return l && `${l.field.name}:${l.mode}`;
};
const order = (schema: SchemaField[]) => labelCandidates(schema).map((c) => `${c.field.name}:${c.mode}`);

describe('label column rule', () => {
  test('ImageNet-like: the class name text column beats the int label', () => {
    const schema = [f('id', 'int'), f('image', 'binary'), f('label', 'int'), f('label_name', 'string'), VEC];
    assert.equal(pick(schema), 'label_name:name');
    assert.deepEqual(order(schema), ['label_name:name', 'label:index']);
  });

  test('a class NAME column comes before a text column merely named like a label', () => {
    assert.deepEqual(order([f('label_source', 'string'), f('class_name', 'string')]), ['class_name:name', 'label_source:name']);
    assert.equal(pick([f('superclass', 'string'), f('fine_label_name', 'string')]), 'fine_label_name:name');
  });

  test('mixed case and keyword-like names are found (Label, Class, category, target)', () => {
    assert.equal(pick([f('id', 'int'), f('Label', 'string')]), 'Label:name');
    assert.equal(pick([f('Class', 'dictionary')]), 'Class:name');
    assert.equal(pick([f('category', 'string')]), 'category:name');
    assert.equal(pick([f('target', 'string')]), 'target:name');
  });

  test('an int label column when no text column names classes; "label" first among ints', () => {
    assert.deepEqual(order([f('id', 'int'), f('class_id', 'int'), f('label', 'int'), VEC]), ['label:index', 'class_id:index']);
    assert.equal(pick([f('Target', 'int')]), 'Target:index');
    assert.equal(pick([f('label_idx', 'int')]), 'label_idx:index');
    // An int merely containing "label" in a longer name (a count, a flag) is not an index into classes.
    assert.equal(pick([f('num_labels', 'int')]), undefined);
  });

  test('an int label column beats an unrelated text column (a caption is not a class)', () => {
    assert.deepEqual(order([f('caption', 'string'), f('label', 'int')]), ['label:index', 'caption:name']);
  });

  test('otherwise the first dictionary column, then the first text column (one fallback)', () => {
    assert.equal(pick([f('id', 'int'), f('caption', 'string'), f('kind', 'dictionary')]), 'kind:name');
    assert.deepEqual(order([f('id', 'int'), f('order', 'string'), f('caption', 'string')]), ['order:name']);
    assert.equal(pick([f('id', 'int'), VEC]), undefined);
  });

  test('columns that cannot be read are never candidates', () => {
    assert.equal(pick([f('label_name', 'string', { unsupported: 'no' }), f('label', 'int')]), 'label:index');
    assert.equal(pick([f('label', 'int', { unsupported: 'no' })]), undefined);
  });

  test('a column matching several steps is listed once', () => {
    assert.deepEqual(order([f('class_name', 'string')]), ['class_name:name']);
  });
});
