// Comparing versions: the ImageNet-like fixture's history (v1 had `image` as Binary, fewer rows, one
// fragment, no index), a copy with an added column, and a table overwritten with another schema and
// other metadata. Writes go only to temporary copies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Field, Float64, Int32, Int64, Utf8 } from 'apache-arrow';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { LanceError } from '../../src/extension/lance/errors';
import { listManifestVersions } from '../../src/extension/lance/manifest';
import { column, tableOf } from '../fixtures/arrowUtil';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { lancedb } from '../fixtures/lance';
import { treeChecksums } from '../helpers/corpus';

const ROWS = 400;
let dir: string;
let uri: string;
let ds: LanceDataset;
let latest: number;
let checksums: Map<string, string>;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-diff-'));
  uri = await generateImagenetLike({ dir: path.join(dir, 'src'), rows: ROWS, seed: 11 });
  checksums = treeChecksums(uri);
  ds = await LanceDataset.open({ uri, name: 'imagenet_val' });
  latest = (await listManifestVersions(uri)).at(-1)!;
});

after(() => {
  ds?.close();
  assert.deepEqual([...treeChecksums(uri).entries()], [...checksums.entries()], 'comparing versions writes nothing');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ImageNet-like history', () => {
  test('version 1 → latest: image type change, rows grew, a fragment and four indices added', async () => {
    const d = await ds.compareVersions(1, latest);
    assert.equal(d.from, 1);
    assert.equal(d.to, latest);
    assert.deepEqual(d.schema.changed, [{ name: 'image', from: 'Binary', to: 'LargeBinary' }]);
    assert.deepEqual(d.schema.added, []);
    assert.deepEqual(d.schema.removed, []);
    assert.deepEqual(d.rows, { from: ROWS / 2, to: ROWS });
    assert.deepEqual(d.fragments, { added: [1], removed: [], from: 1, to: 2 });
    assert.deepEqual(d.indices, { added: ['caption_idx', 'image_emb_idx', 'label_idx', 'label_name_idx'], removed: [] });
    assert.deepEqual(d.metadata, { added: [], removed: [], changed: [] }, 'lance:class_names kept through every version');
  });

  test('backwards (latest → 1) is the mirror image', async () => {
    const d = await ds.compareVersions(latest, 1);
    assert.deepEqual(d.schema.changed, [{ name: 'image', from: 'LargeBinary', to: 'Binary' }]);
    assert.deepEqual(d.rows, { from: ROWS, to: ROWS / 2 });
    assert.deepEqual(d.fragments.removed, [1]);
    assert.deepEqual(d.indices.removed, ['caption_idx', 'image_emb_idx', 'label_idx', 'label_name_idx']);
  });

  test('neighbouring versions: only the index built in between', async () => {
    const d = await ds.compareVersions(latest - 1, latest);
    // The caption's full-text index is the last one the fixture builds.
    assert.deepEqual(d.indices, { added: ['caption_idx'], removed: [] });
    assert.deepEqual([d.schema.added, d.schema.removed, d.schema.changed], [[], [], []]);
    assert.deepEqual(d.fragments, { added: [], removed: [], from: 2, to: 2 });
    const same = await ds.compareVersions(latest, latest);
    assert.deepEqual([same.indices.added, same.fragments.added, same.schema.changed], [[], [], []]);
  });

  test('a pinned (older) view compares too, and an unknown version is not-found', async () => {
    const old = await ds.openVersion(2);
    try {
      const d = await old.compareVersions(2, latest);
      assert.deepEqual(d.schema.changed, [], 'v2 already had LargeBinary');
      assert.deepEqual(d.rows, { from: ROWS / 2, to: ROWS });
    } finally {
      old.close();
    }
    await assert.rejects(ds.compareVersions(1, 999), (e: unknown) => e instanceof LanceError && e.kind === 'not-found' && /999/.test(e.message));
  });
});

describe('changes made on copies', () => {
  test('an added column (addColumns with SQL) on a copy', async () => {
    const copy = path.join(dir, 'copy', 'imagenet_val.lance');
    fs.cpSync(uri, copy, { recursive: true });
    const c = await LanceDataset.open({ uri: copy, name: 'imagenet_val' });
    try {
      await c.engineTable().addColumns([{ name: 'x', valueSql: 'label * 2' }]);
      await c.engineTable().delete('id < 10');
      const now = await c.engineTable().version();
      const d = await c.compareVersions(latest, now);
      assert.equal(d.schema.added.length, 1);
      assert.equal(d.schema.added[0].name, 'x');
      assert.match(d.schema.added[0].type, /^Int(32|64)$/);
      assert.deepEqual([d.schema.removed, d.schema.changed], [[], []]);
      assert.deepEqual(d.rows, { from: ROWS, to: ROWS - 10 });
      assert.deepEqual([d.fragments.added, d.fragments.removed], [[], []], 'new columns go into the same fragments');
      // The ImageNet-like original is untouched: its latest still has 5 columns.
      const orig = await ds.compareVersions(1, latest);
      assert.deepEqual(orig.schema.added, []);
    } finally {
      c.close();
    }
  });

  test('an overwrite with another schema: added, removed, changed fields and metadata keys, new fragments', async () => {
    const parent = path.join(dir, 'overwrite');
    fs.mkdirSync(parent);
    const db = await lancedb.connect(parent);
    const v1 = tableOf(
      [new Field('id', new Int64(), false), new Field('score', new Int32(), true), new Field('gone', new Utf8(), true)],
      [column(new Int64(), [1n, 2n, 3n]), column(new Int32(), [1, 2, 3]), column(new Utf8(), ['a', 'b', 'c'])],
      { keep: 'same', drop: 'old', change: 'before' },
    );
    const v2 = tableOf(
      [new Field('id', new Int64(), false), new Field('score', new Float64(), true), new Field('fresh', new Utf8(), true)],
      [column(new Int64(), [1n, 2n]), column(new Float64(), [0.5, 1.5]), column(new Utf8(), ['x', 'y'])],
      { keep: 'same', change: 'after', add: 'new' },
    );
    (await db.createTable('t', v1)).close();
    (await db.createTable('t', v2, { mode: 'overwrite' })).close();
    db.close();
    const t = await LanceDataset.open({ uri: path.join(parent, 't.lance'), name: 't' });
    try {
      const d = await t.compareVersions(1, 2);
      assert.deepEqual(d.schema.added, [{ name: 'fresh', type: 'Utf8' }]);
      assert.deepEqual(d.schema.removed, [{ name: 'gone', type: 'Utf8' }]);
      assert.deepEqual(d.schema.changed, [{ name: 'score', from: 'Int32', to: 'Float64' }]);
      assert.deepEqual(d.metadata, { added: ['add'], removed: ['drop'], changed: ['change'] });
      assert.deepEqual(d.rows, { from: 3, to: 2 });
      // An overwrite restarts fragment ids: the same id 0 now holds other files, i.e. it was replaced.
      assert.deepEqual([d.fragments.removed, d.fragments.added], [[0], [0]]);
      assert.deepEqual([d.fragments.from, d.fragments.to], [1, 1]);
    } finally {
      t.close();
    }
  });
});
