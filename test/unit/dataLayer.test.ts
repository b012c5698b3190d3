// The data layer on the generated ImageNet-val-like dataset: the reference schema, indices, versions,
// filtered pages with real JPEG bytes, and "find similar" through the IVF_PQ index.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { LanceError } from '../../src/extension/lance/errors';
import type { Cell } from '../../src/shared/types';
import { generateImagenetLike, IMAGENET_INITIAL_TAG } from '../fixtures/imagenetLike';
import { treeChecksums } from '../helpers/corpus';

const ROWS = 400;
let dir: string;
let uri: string;
let ds: LanceDataset;
let checksums: Map<string, string>;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-data-'));
  uri = await generateImagenetLike({ dir, rows: ROWS, seed: 7 });
  checksums = treeChecksums(uri);
  ds = await LanceDataset.open({ uri, name: 'imagenet_val' });
});

after(() => {
  ds?.close();
  // Inspection never writes: every file of the dataset is byte-identical after all these reads.
  assert.deepEqual([...treeChecksums(uri).entries()], [...checksums.entries()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function bin(c: Cell): Extract<Cell, { t: 'bin' }> {
  assert.ok(c && typeof c === 'object' && 't' in c && c.t === 'bin', `a binary cell, got ${JSON.stringify(c)}`);
  return c;
}

describe('ImageNet-like fixture', () => {
  test('describe: reference schema, metadata, indices, stats', async () => {
    const d = await ds.describe();
    assert.deepEqual(
      d.schema.map((f) => [f.name, f.type, f.kind]),
      [
        ['id', 'Int64', 'int'],
        ['image', 'LargeBinary', 'binary'],
        ['label', 'Int32', 'int'],
        ['label_name', 'Utf8', 'string'],
        ['image_emb', 'FixedSizeList[512]<Float32>', 'vector'],
        ['caption', 'Utf8', 'string'],
      ],
    );
    assert.equal(d.schema[4].dimension, 512);
    assert.ok(d.classNames && d.classNames.length >= 10, 'lance:class_names decoded');
    assert.ok(d.classNames.includes('golden_retriever'));
    const byCol = Object.fromEntries(d.indices.map((i) => [i.columns[0], i]));
    assert.equal(byCol.image_emb.type, 'IvfPq');
    assert.match(byCol.image_emb.metric ?? '', /cosine/i);
    assert.equal(byCol.label.type, 'BTree');
    assert.equal(byCol.label_name.type, 'Bitmap');
    assert.deepEqual(
      d.schema[4].indices?.map((i) => i.type),
      ['IvfPq'],
    );
    assert.ok((byCol.image_emb.sizeBytes ?? 0) > 1000, 'index size reported');
    assert.ok(!Number.isNaN(Date.parse(byCol.label.createdAt ?? '')), 'index creation time reported');
    assert.equal(d.stats.rows, ROWS);
    assert.ok(d.stats.fragments >= 1);
    assert.ok((d.stats.bytes ?? 0) > ROWS * 1000, 'size on disk known and plausible');
    assert.match(d.stats.dataFormat ?? '', /^2\.\d/);
    assert.equal(d.rowsError, undefined);
    assert.equal(d.pinned, false);
    assert.equal(d.version, d.latestVersion);
  });

  test('versions: newest first, paged, with tags and row counts', async () => {
    const all = await ds.versions(0, 100);
    assert.ok(all.total >= 3);
    assert.equal(all.versions[0].version, all.latest);
    assert.ok(all.versions.every((v, i) => i === 0 || v.version < all.versions[i - 1].version));
    const tagged = all.versions.find((v) => v.tags.includes(IMAGENET_INITIAL_TAG));
    assert.ok(tagged, 'the initial tag sits beside its version');
    assert.ok(all.versions.every((v) => v.timestamp && !Number.isNaN(Date.parse(v.timestamp))));
    assert.equal(all.versions[0].rows, ROWS);
    // What each commit did, from its transaction file: the first created the table, later ones appended and indexed.
    const ops = all.versions.map((v) => v.metadata.operation);
    assert.equal(ops.at(-1), 'overwrite', 'version 1 was created by an overwrite');
    assert.ok(ops.includes('append'), `an append among ${ops.join(', ')}`);
    assert.ok(ops.includes('create index'), `an index creation among ${ops.join(', ')}`);
    assert.ok(
      all.versions.some((v) => v.rows !== undefined && v.rows < ROWS),
      'an earlier version had fewer rows',
    );
    const page2 = await ds.versions(1, 1);
    assert.equal(page2.versions.length, 1);
    assert.equal(page2.versions[0].version, all.versions[1].version);
  });

  test('an older version and a tag open read-only with their own row count', async () => {
    const old = await LanceDataset.open({ uri, name: 'imagenet_val' }, { tag: IMAGENET_INITIAL_TAG });
    try {
      const d = await old.describe();
      assert.equal(d.pinned, true);
      assert.equal(d.tag, IMAGENET_INITIAL_TAG);
      assert.ok(d.version < d.latestVersion);
      assert.ok(d.stats.rows < ROWS);
    } finally {
      old.close();
    }
    await assert.rejects(LanceDataset.open({ uri, name: 'imagenet_val' }, { version: 999 }), (e: unknown) => e instanceof LanceError && e.kind === 'not-found');
    await assert.rejects(LanceDataset.open({ uri, name: 'imagenet_val' }, { tag: 'no-such-tag' }), (e: unknown) => e instanceof LanceError && e.kind === 'not-found');
  });

  test('rows: a filtered page carries exact JPEG bytes as Uint8Array, only when asked', async () => {
    const n = await ds.count("label_name = 'golden_retriever'");
    assert.ok(n > 0 && n < ROWS);
    const page = await ds.rows({ filter: "label_name = 'golden_retriever'", offset: 0, limit: 8, withImages: true, maxImageBytes: 1 << 20 });
    assert.equal(page.rows.length, Math.min(8, n));
    assert.deepEqual(page.columns, ['id', 'image', 'label', 'label_name', 'image_emb', 'caption']);
    for (const r of page.rows) {
      assert.equal(r[3], 'golden_retriever');
      const img = bin(r[1]);
      assert.equal(img.media, 'image/jpeg');
      assert.ok(img.bytes instanceof Uint8Array && !Buffer.isBuffer(img.bytes), 'a plain Uint8Array, not a Buffer');
      assert.equal(img.bytes.byteLength, img.size);
      assert.deepEqual([...img.bytes.slice(0, 3)], [0xff, 0xd8, 0xff]);
      const v = r[4] as Extract<Cell, { t: 'vec' }>;
      assert.equal(v.t, 'vec');
      assert.equal(v.dim, 512);
      assert.ok(Math.abs(Number(v.norm) - 1) < 1e-3, 'cosine-normalised');
      assert.equal(v.values, undefined, 'vectors are summarised in pages');
    }
    // The bytes are views into the page's batch (no copy); what they pin, and VS Code posts once per
    // buffer, is the page's own rows: never a scan-sized batch or the whole column.
    const buffers = new Set(page.rows.map((r) => bin(r[1]).bytes!.buffer));
    const pinned = [...buffers].reduce((a, b) => a + b.byteLength, 0);
    const imageBytes = page.rows.reduce((a, r) => a + bin(r[1]).size, 0);
    assert.ok(pinned <= imageBytes * 1.2 + (64 << 10), `the page's images pin ${pinned} bytes for ${imageBytes} bytes of images`);
    const noImages = await ds.rows({ offset: 0, limit: 3 });
    assert.equal(bin(noImages.rows[0][1]).bytes, undefined, 'no bytes unless asked');
    const tooBig = await ds.rows({ offset: 0, limit: 3, withImages: true, maxImageBytes: 10 });
    assert.equal(bin(tooBig.rows[0][1]).bytes, undefined, 'no bytes above the size limit');
  });

  test('rows: only the chosen columns, in the chosen order, and LIKE / IN filters', async () => {
    const page = await ds.rows({ filter: "label_name LIKE 'tabby%' OR label_name IN ('goldfish', 'tench')", columns: ['label_name', 'id'], offset: 0, limit: 100 });
    assert.deepEqual(page.columns, ['label_name', 'id']);
    assert.ok(page.rows.length > 0);
    for (const r of page.rows) {
      assert.equal(r.length, 2);
      assert.match(r[0] as string, /^(tabby.*|goldfish|tench)$/);
      assert.equal(typeof r[1], 'number');
    }
    const count = await ds.count("label_name LIKE 'tabby%' OR label_name IN ('goldfish', 'tench')");
    assert.equal(page.rows.length, Math.min(100, count));
  });

  test('rows: the last page and a page past the end', async () => {
    const last = await ds.rows({ columns: ['id'], offset: ROWS - 5, limit: 50 });
    assert.equal(last.rows.length, 5);
    const past = await ds.rows({ columns: ['id'], offset: ROWS + 10, limit: 50 });
    assert.equal(past.rows.length, 0);
  });

  test('a bad filter is a structured bad-filter error naming the problem', async () => {
    await assert.rejects(ds.count('no_such_column = 1'), (e: unknown) => e instanceof LanceError && e.kind === 'bad-filter' && /no_such_column/.test(e.message));
    await assert.rejects(ds.rows({ filter: "label_name = 'unterminated", offset: 0, limit: 5 }), (e: unknown) => e instanceof LanceError && e.kind === 'bad-filter');
    await assert.rejects(ds.rows({ filter: 'label >', offset: 0, limit: 5 }), (e: unknown) => e instanceof LanceError && e.kind === 'bad-filter' && /Filter error/.test(e.message));
    // …and the dataset keeps answering.
    assert.equal(await ds.count(), ROWS);
  });

  test('a cancelled page stops', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(ds.rows({ offset: 0, limit: 50, withImages: true, maxImageBytes: 1 << 20 }, ac.signal), (e: unknown) => e instanceof LanceError && e.kind === 'cancelled');
  });

  test('find similar: through the IVF_PQ index with cosine, neighbours share the class', async () => {
    const page = await ds.rows({ filter: "label_name = 'golden_retriever'", columns: ['id', 'label'], offset: 0, limit: 1 });
    const rowId = page.rowIds[0];
    const label = page.rows[0][1];
    const res = await ds.similar({
      rowId,
      vectorColumn: 'image_emb',
      k: 10,
      nprobes: 16,
      refineFactor: 2,
      columns: ['id', 'label', 'label_name', 'image'],
      withImages: true,
      maxImageBytes: 1 << 20,
    });
    assert.equal(res.answeredBy.kind, 'index');
    assert.equal(res.metric, 'cosine');
    assert.equal(res.rows.length, 10);
    assert.ok(!res.rowIds.includes(rowId), 'the query row is not its own neighbour');
    assert.equal(res.query.row[1], label);
    assert.ok(
      res.distances.every((d, i) => i === 0 || d >= res.distances[i - 1] - 1e-6),
      'sorted by distance',
    );
    const same = res.rows.filter((r) => r[1] === label).length;
    assert.ok(same >= 7, `most neighbours share the class (${same}/10)`);
    assert.equal(bin(res.rows[0][3]).media, 'image/jpeg');
    // By key column value, with a filter.
    const byKey = await ds.similar({
      key: { column: 'id', value: Number(res.query.row[0]) },
      vectorColumn: 'image_emb',
      k: 5,
      filter: `label = ${Number(label)}`,
      columns: ['label'],
    });
    assert.equal(byKey.query.rowId, rowId);
    assert.ok(byKey.rows.every((r) => r[0] === label));
    await assert.rejects(ds.similar({ key: { column: 'id', value: -1 }, vectorColumn: 'image_emb', k: 5 }), (e: unknown) => e instanceof LanceError && e.kind === 'not-found');
  });
});
