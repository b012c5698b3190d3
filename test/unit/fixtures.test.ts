// Checks the generated fixtures with lancedb itself, so the inspector's tests can rely on them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { Float, FixedSizeList, Precision, Type } from 'apache-arrow';
import type { Connection, Table } from '@lancedb/lancedb';
import { lancedb } from '../fixtures/lance';
import { generateImagenetLike, IMAGENET_EMBEDDING_DIM, IMAGENET_INDEXED_TAG, IMAGENET_INITIAL_TAG, imagenetCaption } from '../fixtures/imagenetLike';
import { generateTypeZoo, TypeZooResult, ZOO_DELETED_IDS, ZOO_ROWS } from '../fixtures/typeZoo';

const ROWS = 300;
const CLASSES = 20;

let tmp: string;
let imagenetPath: string;
let zoo: TypeZooResult;
let db: Connection;
let table: Table;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-fixtures-'));
  imagenetPath = await generateImagenetLike({ dir: tmp, rows: ROWS, classes: CLASSES, seed: 1 });
  zoo = await generateTypeZoo({ dir: tmp, seed: 1 });
  db = await lancedb.connect(path.dirname(imagenetPath));
  table = await db.openTable(path.basename(imagenetPath, '.lance'));
});

after(() => {
  table?.close();
  db?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A vector cell (an Arrow Vector) as plain numbers. */
const numbers = (cell: unknown): number[] => Array.from(cell as Iterable<number>);

/** Reads the given columns of all rows as plain objects. */
async function rows(t: Table, columns: string[], where?: string): Promise<Record<string, unknown>[]> {
  const q = t.query().select(columns);
  return (await (where ? q.where(where) : q).toArray()) as Record<string, unknown>[];
}

test('imagenet-like: path, schema and metadata match the reference dataset', async () => {
  assert.equal(imagenetPath, path.join(tmp, 'imagenet_val.lance'));
  assert.ok(fs.statSync(imagenetPath).isDirectory());
  const schema = await table.schema();
  assert.deepEqual(
    schema.fields.map((f) => f.name),
    ['id', 'image', 'label', 'label_name', 'image_emb', 'caption'],
  );
  const type = (name: string) => schema.fields.find((f) => f.name === name)!.type;
  assert.equal(type('id').typeId, Type.Int);
  assert.equal(String(type('id')), 'Int64');
  assert.equal(type('image').typeId, Type.LargeBinary);
  assert.equal(String(type('label')), 'Int32');
  assert.equal(type('label_name').typeId, Type.Utf8);
  const emb = type('image_emb') as FixedSizeList;
  assert.equal(emb.typeId, Type.FixedSizeList);
  assert.equal(emb.listSize, IMAGENET_EMBEDDING_DIM);
  assert.equal(emb.children[0].type.typeId, Type.Float);
  assert.equal((emb.children[0].type as Float).precision, Precision.SINGLE);
  for (const f of schema.fields) assert.equal(f.nullable, false, `${f.name} is not nullable in the reference`);

  const classNames = schema.metadata.get('lance:class_names')!.split(',');
  assert.equal(classNames.length, CLASSES);
  assert.ok(classNames.includes('tabby_cat'));
  assert.ok(classNames.includes("jack-o'-lantern"));
  assert.equal(schema.metadata.get('lance:source_modality'), 'image');
  // label_name is the class name indexed by label.
  for (const r of await rows(table, ['label', 'label_name'])) assert.equal(r.label_name, classNames[r.label as number]);
});

test('imagenet-like: row count, versions and tags', async () => {
  assert.equal(await table.countRows(), ROWS);
  const versions = await table.listVersions();
  assert.ok(versions.length >= 3, `expected >= 3 versions, got ${versions.length}`);
  const tags = await table.tags();
  const list = await tags.list();
  assert.ok(IMAGENET_INITIAL_TAG in list);
  assert.ok(IMAGENET_INDEXED_TAG in list);
  assert.equal(await tags.getVersion(IMAGENET_INITIAL_TAG), 1);
  assert.equal(await tags.getVersion(IMAGENET_INDEXED_TAG), await table.version());

  const v1 = await db.openTable('imagenet_val', undefined, { version: 1 });
  try {
    const initialRows = await v1.countRows();
    assert.ok(initialRows > 0 && initialRows < ROWS, `version 1 has ${initialRows} rows`);
  } finally {
    v1.close();
  }
});

test('imagenet-like: IVF_PQ (cosine), BTREE, BITMAP and FTS indices', async () => {
  const indices = await table.listIndices();
  const byColumn = new Map(indices.map((i) => [i.columns[0], i]));
  assert.equal(indices.length, 4);
  assert.equal(byColumn.get('image_emb')?.indexType, 'IvfPq');
  assert.equal(byColumn.get('label')?.indexType, 'BTree');
  assert.equal(byColumn.get('label_name')?.indexType, 'Bitmap');
  // The caption's INVERTED index is listed as FTS, with positions (phrase queries need them).
  assert.equal(byColumn.get('caption')?.indexType, 'FTS');
  assert.equal((byColumn.get('caption')?.indexDetails as { with_position?: boolean } | undefined)?.with_position, true);
  const details = byColumn.get('image_emb')?.indexDetails as { metric_type?: string } | undefined;
  assert.equal(details?.metric_type?.toLowerCase(), 'cosine');
  const stats = await table.indexStats(byColumn.get('image_emb')!.name);
  assert.equal(stats?.distanceType, 'cosine');
  assert.equal(stats?.numIndexedRows, ROWS);
});

test('imagenet-like: captions name the class, vary, and follow from the seed', async () => {
  const all = await rows(table, ['id', 'label_name', 'caption']);
  assert.equal(all.length, ROWS);
  for (const r of all) {
    const caption = r.caption as string;
    assert.equal(caption, imagenetCaption(1, Number(r.id), r.label_name as string), 'deterministic from (seed, id, class)');
    assert.ok(caption.includes((r.label_name as string).replace(/_/g, ' ')), `${caption} names ${r.label_name}`);
    assert.match(caption, /^(a|an) /);
  }
  assert.ok(new Set(all.map((r) => r.caption)).size > ROWS / 2, 'captions vary within a class');
});

test('imagenet-like: caption: false leaves the column out; ftsIndex: false leaves only its index out', async () => {
  const plain = await generateImagenetLike({ dir: tmp, name: 'no_caption', rows: 20, seed: 1, indices: false, caption: false, minSide: 32, maxSide: 48 });
  const noFts = await generateImagenetLike({ dir: tmp, name: 'no_fts', rows: 20, seed: 1, ftsIndex: false, minSide: 32, maxSide: 48 });
  const a = await db.openTable(path.basename(plain, '.lance'));
  const b = await db.openTable(path.basename(noFts, '.lance'));
  try {
    assert.deepEqual(
      (await a.schema()).fields.map((f) => f.name),
      ['id', 'image', 'label', 'label_name', 'image_emb'],
    );
    assert.equal((await b.schema()).fields.at(-1)?.name, 'caption');
    assert.deepEqual((await b.listIndices()).map((i) => i.indexType).sort(), ['BTree', 'Bitmap'], 'BTREE and BITMAP only (IVF_PQ needs 256 rows)');
  } finally {
    a.close();
    b.close();
  }
});

test('imagenet-like: images are real JPEGs of varied sizes', async () => {
  const sample = await rows(table, ['id', 'image'], 'id < 40');
  assert.equal(sample.length, 40);
  const sizes = new Set<number>();
  for (const r of sample) {
    const bytes = r.image as Uint8Array;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], `row ${r.id} starts with the JPEG SOI marker`);
    const img = jpeg.decode(bytes, { useTArray: true });
    assert.ok(img.width >= 96 && img.width <= 256 && img.height >= 96 && img.height <= 256);
    sizes.add(bytes.length);
  }
  assert.ok(sizes.size > 30, 'byte sizes vary');
});

test('imagenet-like: embeddings are unit length and neighbours share the class', async () => {
  const all = await rows(table, ['id', 'label', 'image_emb']);
  for (const r of all) {
    const v = numbers(r.image_emb);
    assert.equal(v.length, IMAGENET_EMBEDDING_DIM);
    const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-3, `row ${r.id} has norm ${norm}`);
  }
  for (const r of all.slice(0, 10)) {
    const hits = (await table.vectorSearch(numbers(r.image_emb)).column('image_emb').distanceType('cosine').select(['id', 'label']).limit(10).toArray()) as { label: number }[];
    const same = hits.filter((h) => h.label === r.label).length;
    assert.ok(same >= 7, `row ${r.id}: ${same}/10 neighbours share label ${r.label}`);
  }
});

test('imagenet-like: filters on label_name (LIKE, quotes, unicode)', async () => {
  assert.ok((await table.countRows("label_name LIKE 'tabby%'")) > 0);
  assert.ok((await table.countRows("label_name = 'jack-o''-lantern'")) > 0);
  assert.ok((await table.countRows("label_name = 'consommé'")) > 0);
});

test('imagenet-like: the same seed gives the same bytes', async () => {
  const dir = path.join(tmp, 'determinism');
  const opts = { dir, rows: 12, seed: 9, indices: false } as const;
  const read = async (name: string) => {
    const p = await generateImagenetLike({ ...opts, name });
    const d = await lancedb.connect(path.dirname(p));
    const t = await d.openTable(name);
    try {
      return (await rows(t, ['id', 'image', 'label', 'image_emb'])).sort((a, b) => Number(a.id) - Number(b.id));
    } finally {
      t.close();
      d.close();
    }
  };
  const [a, b] = [await read('a'), await read('b')];
  assert.equal(a.length, 12);
  a.forEach((r, i) => {
    assert.deepEqual(Buffer.from(r.image as Uint8Array), Buffer.from(b[i].image as Uint8Array));
    assert.equal(r.label, b[i].label);
    assert.deepEqual(numbers(r.image_emb), numbers(b[i].image_emb));
  });
});

test('type zoo: tables, nulls in every column, deleted rows, metadata', async () => {
  assert.ok(path.isAbsolute(zoo.db));
  const zdb = await lancedb.connect(zoo.db);
  const t = await zdb.openTable('zoo');
  try {
    assert.deepEqual([...(await zdb.tableNames())].sort(), [...zoo.tables].sort());
    const count = await t.countRows();
    assert.equal(count, ZOO_ROWS - ZOO_DELETED_IDS.length);
    assert.ok(count < ZOO_ROWS, 'rows were deleted');
    assert.equal(await t.countRows(`id IN (${ZOO_DELETED_IDS.join(', ')})`), 0);
    const v1 = await zdb.openTable('zoo', undefined, { version: 1 });
    assert.equal(await v1.countRows(), ZOO_ROWS);
    v1.close();

    const data = await t.query().toArrow();
    assert.ok(data.schema.fields.length >= 30);
    for (const f of data.schema.fields) {
      assert.ok(data.getChild(f.name)!.nullCount > 0, `column ${f.name} has a null`);
    }
    const field = (name: string) => data.schema.fields.find((f) => f.name === name)!;
    assert.equal(field('large_text').type.typeId, Type.LargeUtf8);
    assert.equal(field('large_blob').type.typeId, Type.LargeBinary);
    assert.equal(field('vec16').metadata.get('unit'), 'mm');
    assert.ok(field('text').metadata.get('description'));
    // A query's schema does not carry the dataset's schema metadata: read it from the table.
    assert.ok((await t.schema()).metadata.get('zoo:description'));

    const heads = new Set<string>();
    for (const blob of data.getChild('blob')!) {
      if (!blob) continue;
      const b = Buffer.from(blob as Uint8Array);
      if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) heads.add('png');
      if (b.subarray(0, 6).toString('latin1') === 'GIF89a') heads.add('gif');
      if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') heads.add('webp');
      if (b.subarray(0, 2).toString('latin1') === 'BM') heads.add('bmp');
      if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) heads.add('jpeg');
    }
    assert.deepEqual([...heads].sort(), ['bmp', 'gif', 'jpeg', 'png', 'webp']);
    const texts = new Set(data.getChild('text')!.toArray() as (string | null)[]);
    for (const s of ['', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>']) assert.ok(texts.has(s));
  } finally {
    t.close();
    zdb.close();
  }
});

test('type zoo: empty, large list, map (format 2.2) and legacy tables', async () => {
  const zdb = await lancedb.connect(zoo.db);
  try {
    const open = async <T>(name: string, fn: (t: Table) => Promise<T>): Promise<T> => {
      const t = await zdb.openTable(name);
      try {
        return await fn(t);
      } finally {
        t.close();
      }
    };
    assert.equal(await open('empty', (t) => t.countRows()), 0);
    assert.ok((await open('empty', (t) => t.schema())).fields.length > 0);
    assert.equal(await open('map_v2_2', (t) => t.countRows()), 10);
    assert.equal(await open('legacy_format', (t) => t.countRows()), 20);
    // arrow-js cannot decode LargeList; an arrow_cast projection can read it.
    const lists = await open('largelist', (t) => t.query().select({ id: 'id', ll_int: "arrow_cast(ll_int, 'List(Int64)')" }).toArray());
    assert.equal(lists.length, 12);
  } finally {
    zdb.close();
  }
});
