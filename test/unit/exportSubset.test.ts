// Export (JSON Lines / CSV, images as files) and subsets (a new Lance dataset) from the ImageNet-like
// fixture and the type zoo. Everything is written to a temporary folder and read back; the sources
// are checksummed before and after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { LanceError } from '../../src/extension/lance/errors';
import { Binary, Field, Float32, Float64, Int32, Int64, Struct, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { exportRows, neutralizeFormula, toJson } from '../../src/extension/lance/exportRows';
import { materializeSubset } from '../../src/extension/lance/subset';
import type { Cell } from '../../src/shared/types';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { lancedb } from '../fixtures/lance';
import { generateTypeZoo } from '../fixtures/typeZoo';
import { generateHostile, HOSTILE_NAME_COLUMNS, NAMES_ROWS } from '../fixtures/hostile';
import { column, rawColumn, tableOf } from '../fixtures/arrowUtil';
import { cellToJson } from '../../src/shared/cellJson';
import { encodeCell } from '../../src/extension/lance/cells';
import { treeChecksums } from '../helpers/corpus';

const ROWS = 400;
const GOLDEN = "label_name = 'golden_retriever'";
let dir: string;
let out: string;
let uri: string;
let zooDb: string;
let ds: LanceDataset;
let zoo: LanceDataset;
const sums = new Map<string, Map<string, string>>();

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-export-'));
  out = path.join(dir, 'out');
  fs.mkdirSync(out);
  uri = await generateImagenetLike({ dir: path.join(dir, 'src'), rows: ROWS, seed: 5 });
  zooDb = (await generateTypeZoo({ dir: path.join(dir, 'src'), seed: 5 })).db;
  sums.set(uri, treeChecksums(uri));
  sums.set(zooDb, treeChecksums(zooDb));
  ds = await LanceDataset.open({ uri, name: 'imagenet_val' });
  zoo = await LanceDataset.open({ uri: path.join(zooDb, 'zoo.lance'), name: 'zoo' });
});

after(() => {
  ds?.close();
  zoo?.close();
  // Exports and subsets only read their source.
  for (const [p, before] of sums) assert.deepEqual([...treeChecksums(p).entries()], [...before.entries()], `${p} unchanged`);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The engine's own values (plain toArray, no data-layer code): the reference exports must match. */
async function reference(datasetUri: string, columns: string[] | Record<string, string>, where?: string): Promise<Record<string, unknown>[]> {
  const db = await lancedb.connect(path.dirname(datasetUri));
  const t = await db.openTable(path.basename(datasetUri, '.lance'));
  try {
    const q = t.query().select(columns);
    if (where) q.where(where);
    return (await q.toArray()) as Record<string, unknown>[];
  } finally {
    t.close();
    db.close();
  }
}

function readJsonl(file: string): Record<string, unknown>[] {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'every line ends with \\n');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A small RFC 4180 reader: quoted fields (with "" for a quote), CRLF rows; an empty unquoted field is null. */
function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let field: string | null;
    if (text[i] === '"') {
      field = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'unterminated quoted field');
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\r' && text[j] !== '\n') j++;
      const raw = text.slice(i, j);
      assert.ok(!raw.includes('"'), `a bare quote in an unquoted field: ${raw}`);
      field = raw === '' ? null : raw;
      i = j;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else assert.fail(`expected , or CRLF at ${i}, got ${JSON.stringify(text.slice(i, i + 10))}`);
  }
  assert.equal(row.length, 0, 'the last row ends with CRLF');
  return rows;
}

const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

describe('export', () => {
  test('JSON Lines with images as files: exact JPEG bytes, full vectors, only matching rows', async () => {
    const outFile = path.join(out, 'golden.jsonl');
    const imagesDir = path.join(out, 'golden_images');
    const n = await ds.count(GOLDEN);
    const calls: [number, number][] = [];
    const res = await exportRows(ds, {
      filter: GOLDEN,
      columns: ['id', 'image', 'label_name', 'image_emb'],
      format: 'jsonl',
      outFile,
      imagesDir,
      progress: (d, t) => calls.push([d, t]),
    });
    assert.deepEqual([res.rows, res.imagesWritten, res.cancelled], [n, n, false]);
    assert.equal(res.bytes, fs.statSync(outFile).size);
    assert.deepEqual(calls.at(-1), [n, n]);
    const rows = readJsonl(outFile);
    assert.equal(rows.length, n);
    assert.equal(fs.readdirSync(imagesDir).length, n);
    const ref = new Map((await reference(uri, ['id', 'image', 'image_emb'], GOLDEN)).map((r) => [Number(r.id), r]));
    for (const r of rows) {
      assert.deepEqual(Object.keys(r), ['id', 'image', 'label_name', 'image_emb'], 'the chosen columns, in order');
      assert.equal(r.label_name, 'golden_retriever');
      assert.equal(typeof r.id, 'number');
      assert.equal(r.image, `golden_images/${r.id}.jpg`, 'a path relative to the export file');
      const bytes = fs.readFileSync(path.join(out, r.image));
      assert.ok(isJpeg(bytes), 'a JPEG file');
      const want = ref.get(r.id as number)!;
      assert.ok(Buffer.from(want.image as Uint8Array).equals(bytes), `image of id ${r.id} byte-identical`);
      const emb = r.image_emb as number[];
      const wantEmb = Array.from(want.image_emb as Iterable<number>);
      assert.equal(emb.length, 512);
      assert.deepEqual(emb.map(Math.fround), wantEmb, 'every vector value, exact as float32');
    }
  });

  test('CSV: header, RFC 4180 quoting, hostile strings round-trip, null vs empty', async () => {
    const outFile = path.join(out, 'zoo.csv');
    const columns = ['id', 'text', 'large_text', 'i64', 'price', 'tags', 'nested', 'blob'];
    const res = await exportRows(zoo, { columns, format: 'csv', outFile });
    const text = fs.readFileSync(outFile, 'utf8');
    assert.equal(res.bytes, Buffer.byteLength(text));
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(header, columns);
    assert.equal(rows.length, 48);
    assert.equal(res.rows, 48);
    const ref = await reference(path.join(zooDb, 'zoo.lance'), ['text', 'large_text']);
    rows.forEach((r, i) => {
      assert.equal(r[1], ref[i].text ?? null, `text of row ${i}`);
      assert.equal(r[2], ref[i].large_text ?? null, `large_text of row ${i}`);
    });
    const texts = rows.map((r) => r[1]);
    for (const s of ['<script>alert(1)</script>', 'tab\there\nnew line\r\nCRLF', '"><svg onload=alert(1)>', '', 'null'])
      assert.ok(texts.includes(s), `round-trips ${JSON.stringify(s)}`);
    assert.ok(texts.includes(null), 'nulls are empty fields');
    const row0 = rows[0];
    assert.equal(row0[0], '0');
    assert.equal(row0[4], '123.45');
    assert.deepEqual(JSON.parse(row0[5]!), [1, 2, 3], 'lists as JSON text');
    assert.equal((JSON.parse(row0[6]!) as { address: { city: string } }).address.city, 'London');
    assert.deepEqual(JSON.parse(row0[7]!), { size: 163, media: 'image/png' }, 'binaries summarised by default');
    assert.ok(
      rows.some((r) => r[3] === '9223372036854775807'),
      'int64 max exact',
    );
    assert.ok(
      rows.some((r) => r[3] === '9007199254740993'),
      '2^53 + 1 exact',
    );
  });

  test('JSON Lines type fidelity on the type zoo', async () => {
    const outFile = path.join(out, 'zoo.jsonl');
    const res = await exportRows(zoo, { format: 'jsonl', outFile, binaries: 'base64' });
    const rows = readJsonl(outFile);
    assert.equal(rows.length, res.rows);
    const byId = new Map(rows.filter((r) => r.id !== null).map((r) => [r.id as number, r]));
    const r0 = byId.get(0)!;
    const r2 = byId.get(2)!;
    const r3 = byId.get(3)!;
    assert.equal(r2.i64, '9223372036854775807');
    assert.equal(r3.i64, '9007199254740993');
    assert.equal(r2.u32, 160000000);
    assert.equal(r0.ts_utc, '2024-02-29T12:34:56.123456Z', 'every microsecond digit');
    assert.equal(r2.ts_utc, '1969-12-31T23:59:59.999999Z', '1 µs before the epoch');
    assert.equal(r3.ts_utc, '9999-12-31T23:59:59.999999Z', 'the largest timestamp, not rounded into year 10000');
    assert.equal(r0.ts_naive, '2024-02-29T12:34:56.123456', 'no zone: no Z');
    assert.equal(r0.day, '2024-02-29');
    assert.equal(r0.time_us, '12:34:56.789012');
    assert.equal(r0.dur_us, 90061001001);
    assert.equal(r0.price, '123.45');
    assert.equal(r0.big_decimal, '1234567890123456789012345.67890');
    assert.equal(r2.f32, 'Infinity', 'JSON has no Infinity');
    assert.equal(byId.get(0)!.f64, 0.1 + 0.2);
    // NaN sits only in the zoo's all-null row: checked on a vector of its own.
    const floats = vectorFromArray([NaN, -Infinity, 0.1], new Float32());
    assert.deepEqual(
      [0, 1, 2].map((i) => toJson(floats, i)),
      ['NaN', '-Infinity', 0.1],
      'float32 0.1 written as 0.1, not 0.10000000149011612',
    );
    assert.deepEqual(r0.vec16, [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1], 'half floats decoded');
    assert.deepEqual(r0.tags, [1, 2, 3]);
    assert.equal((r0.long_list as number[]).length, 500, 'lists complete, not cut at a preview length');
    assert.deepEqual(r0.points, [{ x: 1.5, y: -2, tag: 'a' }]);
    assert.deepEqual(r0.nested, { name: 'Ada', address: { city: 'London', geo: { lat: 51.5072, lon: -0.1276 } }, scores: [90, 85] });
    assert.equal(r0.category, 'red');
    assert.equal(r0.nothing, null);
    // base64 binaries decode to the stored bytes.
    const ref = await reference(path.join(zooDb, 'zoo.lance'), ['id', 'blob', 'uuid'], 'id = 0');
    assert.ok(Buffer.from(r0.blob as string, 'base64').equals(Buffer.from(ref[0].blob as Uint8Array)));
    assert.ok(Buffer.from(r0.uuid as string, 'base64').equals(Buffer.from(ref[0].uuid as Uint8Array)));
    // The all-null row: every column present, every value null.
    const nullRow = rows.find((r) => r.id === null)!;
    assert.ok(Object.values(nullRow).every((v) => v === null));
    assert.equal(Object.keys(nullRow).length, Object.keys(r0).length);
  });

  test('the Map, LargeList and legacy-format tables export', async () => {
    const open = (name: string) => LanceDataset.open({ uri: path.join(zooDb, `${name}.lance`), name });
    for (const [name, check] of [
      ['map_v2_2', (r: Record<string, unknown>[]) => assert.deepEqual(r[0].attrs, { a: 0, ünï: null, k0: 0 })],
      ['largelist', (r: Record<string, unknown>[]) => assert.ok(Array.isArray(r[0].ll_int) && Array.isArray(r[0].ll_text) && r[1].ll_int === null)],
      ['legacy_format', (r: Record<string, unknown>[]) => assert.equal((r[0].vec as number[]).length, 8)],
    ] as const) {
      const t = await open(name);
      try {
        const outFile = path.join(out, `${name}.jsonl`);
        const res = await exportRows(t, { format: 'jsonl', outFile });
        const rows = readJsonl(outFile);
        assert.equal(rows.length, res.rows);
        assert.equal(res.rows, await t.count());
        check(rows);
      } finally {
        t.close();
      }
    }
  });

  test('cancel: stops after a batch; the file holds exactly the rows reported', async () => {
    const outFile = path.join(out, 'cancelled.jsonl');
    const ac = new AbortController();
    const res = await exportRows(ds, { format: 'jsonl', outFile, columns: ['id', 'label'], signal: ac.signal, progress: () => ac.abort() });
    assert.equal(res.cancelled, true);
    assert.ok(res.rows > 0 && res.rows < ROWS, `${res.rows} rows`);
    assert.equal(readJsonl(outFile).length, res.rows);
  });

  test('errors: a bad filter leaves no file; an unknown column is named', async () => {
    const outFile = path.join(out, 'bad.jsonl');
    await assert.rejects(exportRows(ds, { format: 'jsonl', outFile, filter: 'label >' }), (e: unknown) => e instanceof LanceError && e.kind === 'bad-filter');
    assert.equal(fs.existsSync(outFile), false);
    await assert.rejects(exportRows(ds, { format: 'csv', outFile, columns: ['id', 'nope'] }), (e: unknown) => e instanceof LanceError && /nope/.test(e.message));
    // An unwritable target is an 'io' error naming the file (never an unhandled stream error).
    const nowhere = path.join(out, 'no', 'such', 'dir', 'x.jsonl');
    await assert.rejects(exportRows(ds, { format: 'jsonl', outFile: nowhere }), (e: unknown) => e instanceof LanceError && e.kind === 'io' && e.message.includes(nowhere));
  });
});

describe('subset', () => {
  const bin = (c: Cell) => c as Extract<Cell, { t: 'bin' }>;

  test('golden_retriever rows with id, image, label_name: a dataset with the same types, metadata and bytes', async () => {
    const dest = path.join(out, 'golden.lance');
    const n = await ds.count(GOLDEN);
    const res = await materializeSubset(ds, { filter: GOLDEN, columns: ['id', 'image', 'label_name'], dest });
    assert.deepEqual([res.rows, res.path, res.cancelled, res.typeChanges], [n, dest, false, []]);
    const sub = await LanceDataset.open({ uri: dest, name: 'golden' });
    try {
      const d = await sub.describe();
      const src = await ds.describe();
      assert.deepEqual(
        d.schema.map((f) => [f.name, f.type, f.nullable]),
        [
          ['id', 'Int64', false],
          ['image', 'LargeBinary', false],
          ['label_name', 'Utf8', false],
        ],
      );
      assert.equal(d.stats.rows, n);
      assert.deepEqual(d.schemaMetadata, src.schemaMetadata, 'lance:class_names carried over');
      assert.deepEqual(d.classNames, src.classNames);
      assert.equal(await sub.count(GOLDEN), n, 'every row is a golden retriever');
      // A sampled id: the same image bytes in both.
      const mid = (await sub.rows({ columns: ['id'], offset: Math.floor(n / 2), limit: 1 })).rows[0][0] as number;
      const page = (x: LanceDataset) => x.rows({ filter: `id = ${mid}`, columns: ['image'], offset: 0, limit: 1, withImages: true, maxImageBytes: 1 << 22 });
      const [a, b] = [bin((await page(ds)).rows[0][0]), bin((await page(sub)).rows[0][0])];
      assert.ok(a.bytes && b.bytes && isJpeg(b.bytes));
      assert.ok(Buffer.from(a.bytes).equals(Buffer.from(b.bytes)), `image of id ${mid} byte-identical`);
    } finally {
      sub.close();
    }
  });

  test('written in several writes (fragments) when large, every row there once', async () => {
    const dest = path.join(out, 'chunked.lance');
    const res = await materializeSubset(ds, { columns: ['id', 'label', 'image_emb'], dest, flushRows: 100 });
    assert.equal(res.rows, ROWS);
    const sub = await LanceDataset.open({ uri: dest, name: 'chunked' });
    try {
      const d = await sub.describe();
      assert.ok(d.stats.fragments >= 2, `${d.stats.fragments} fragments`);
      assert.equal(d.stats.rows, ROWS);
      assert.equal(d.schema[2].type, 'FixedSizeList[512]<Float32>');
      const ids = (await sub.rows({ columns: ['id'], offset: 0, limit: ROWS })).rows.map((r) => r[0] as number).sort((x, y) => x - y);
      assert.deepEqual(
        ids,
        Array.from({ length: ROWS }, (_, i) => i),
      );
    } finally {
      sub.close();
    }
  });

  test('refuses an existing destination, a relative path, a name without .lance, a folder inside the source', async () => {
    const isIo = (e: unknown) => e instanceof LanceError && e.kind === 'io';
    await assert.rejects(materializeSubset(ds, { dest: uri }), isIo);
    fs.mkdirSync(path.join(out, 'taken.lance'));
    await assert.rejects(materializeSubset(ds, { dest: path.join(out, 'taken.lance') }), (e: unknown) => isIo(e) && /exists/.test((e as Error).message));
    await assert.rejects(materializeSubset(ds, { dest: 'relative.lance' }), isIo);
    await assert.rejects(materializeSubset(ds, { dest: path.join(out, 'noext') }), isIo);
    await assert.rejects(materializeSubset(ds, { dest: path.join(uri, 'inner.lance') }), isIo);
    assert.equal(fs.existsSync(path.join(out, 'noext')), false);
  });

  test('cancel removes the partial dataset (already written in part)', async () => {
    const dest = path.join(out, 'cancelled.lance');
    const ac = new AbortController();
    let existedMidway = false;
    let calls = 0;
    const res = await materializeSubset(ds, {
      dest,
      flushRows: 100,
      signal: ac.signal,
      progress: () => {
        if (++calls === 2) {
          existedMidway = fs.existsSync(dest);
          ac.abort();
        }
      },
    });
    assert.equal(res.cancelled, true);
    assert.equal(existedMidway, true, 'the dataset had been started');
    assert.equal(fs.existsSync(dest), false, 'and is gone');
  });

  test('a filter matching nothing writes an empty dataset with the schema', async () => {
    const dest = path.join(out, 'none.lance');
    const res = await materializeSubset(ds, { filter: "label_name = 'no such class'", dest });
    assert.equal(res.rows, 0);
    const sub = await LanceDataset.open({ uri: dest, name: 'none' });
    try {
      const d = await sub.describe();
      assert.equal(d.stats.rows, 0);
      assert.deepEqual(
        d.schema.map((f) => f.type),
        ['Int64', 'LargeBinary', 'Int32', 'Utf8', 'FixedSizeList[512]<Float32>', 'Utf8'],
      );
      assert.ok(d.classNames?.includes('golden_retriever'));
    } finally {
      sub.close();
    }
  });

  test('the type zoo copies with every type, field metadata and value; Map (format 2.2) and LargeList too', async () => {
    const strip = (rows: Cell[][]) => JSON.stringify(rows, (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    for (const name of ['zoo', 'map_v2_2', 'largelist']) {
      const src = await LanceDataset.open({ uri: path.join(zooDb, `${name}.lance`), name });
      const dest = path.join(out, `${name}_copy.lance`);
      try {
        const res = await materializeSubset(src, { dest });
        const copy = await LanceDataset.open({ uri: dest, name: `${name}_copy` });
        try {
          const [a, b] = [await src.describe(), await copy.describe()];
          if (name === 'largelist') {
            assert.deepEqual(
              res.typeChanges.map((c) => c.column),
              ['ll_int', 'll_text'],
              'LargeList written as List, and said so',
            );
            assert.deepEqual(
              b.schema.map((f) => f.type),
              ['Int64', 'List<Int64>', 'List<Utf8>', 'List<Int64>'],
            );
          } else {
            assert.deepEqual(res.typeChanges, []);
            assert.deepEqual(
              b.schema.map((f) => [f.name, f.type, f.nullable, f.metadata]),
              a.schema.map((f) => [f.name, f.type, f.nullable, f.metadata]),
            );
          }
          assert.deepEqual(b.schemaMetadata, a.schemaMetadata);
          assert.equal(b.stats.rows, a.stats.rows);
          const page = { offset: 0, limit: 100, withImages: true, maxImageBytes: 1 << 20 };
          assert.equal(strip((await copy.rows(page)).rows), strip((await src.rows(page)).rows), `${name}: every cell equal`);
        } finally {
          copy.close();
        }
      } finally {
        src.close();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile names and formula cells (issue 10, items 9 and 12)

describe('prototype-named columns (__proto__, constructor, toString)', () => {
  let names: string;
  let nds: LanceDataset;
  before(async () => {
    names = (await generateHostile({ dir: path.join(dir, 'hostile'), only: ['names'] })).names!;
    sums.set(names, treeChecksums(names));
    nds = await LanceDataset.open({ uri: names, name: 'names' });
  });
  after(() => nds?.close());

  /** The engine's own values of a column, by name from the Arrow batch (toArray() row objects lose __proto__). */
  async function engineColumn(uri: string, name: string): Promise<unknown[]> {
    const db = await lancedb.connect(path.dirname(uri));
    const t = await db.openTable(path.basename(uri, '.lance'));
    try {
      const table = await t.query().toArrow();
      return [...table.getChild(name)!].map((v) => (typeof v === 'bigint' ? Number(v) : v));
    } finally {
      t.close();
      db.close();
    }
  }

  test('JSON Lines and CSV hold every column, the prototype names with their values (was null in every row)', async () => {
    const jsonl = path.join(out, 'names.jsonl');
    const res = await exportRows(nds, { format: 'jsonl', outFile: jsonl });
    assert.equal(res.rows, NAMES_ROWS);
    const rows = readJsonl(jsonl);
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const want = await engineColumn(names, name);
      assert.deepEqual(
        rows.map((r) => (Object.prototype.hasOwnProperty.call(r, name) ? r[name] : 'missing')),
        want,
        `${name} in every row`,
      );
    }
    assert.deepEqual(Object.keys(rows[0]), ['id', ...HOSTILE_NAME_COLUMNS], 'every column, in order');
    assert.equal(Object.getPrototypeOf(rows[0]), Object.prototype, "JSON.parse's own __proto__ key, not a prototype");
    assert.equal(rows[3].__proto__, '__proto__ 3');

    const csv = path.join(out, 'names.csv');
    await exportRows(nds, { format: 'csv', outFile: csv, columns: ['id', '__proto__', 'constructor', 'toString'] });
    const [header, ...body] = parseCsv(fs.readFileSync(csv, 'utf8'));
    assert.deepEqual(header, ['id', '__proto__', 'constructor', 'toString']);
    assert.deepEqual(body[3], ['3', '__proto__ 3', 'constructor 3', '-29'], 'toString = r * 7 - 50 stays a number');
  });

  test('Materialize Subset copies them (it failed: "Cannot read properties of undefined")', async () => {
    for (const columns of [undefined, ['__proto__', 'toString', 'id', 'constructor']]) {
      const dest = path.join(out, `names_${columns ? 'some' : 'all'}.lance`);
      const res = await materializeSubset(nds, { dest, columns, filter: 'id < 10' });
      assert.equal(res.rows, 10);
      const copy = await LanceDataset.open({ uri: dest, name: path.basename(dest, '.lance') });
      try {
        const d = await copy.describe();
        assert.deepEqual(
          d.schema.map((f) => f.name),
          columns ?? ['id', ...HOSTILE_NAME_COLUMNS],
        );
        for (const name of ['__proto__', 'constructor', 'toString']) {
          assert.deepEqual(await engineColumn(dest, name), (await engineColumn(names, name)).slice(0, 10), `${name} copied`);
        }
      } finally {
        copy.close();
      }
    }
  });

  test('struct fields and map keys named __proto__ export as keys; copy-as-JSON keeps them', () => {
    const fields = ['__proto__', 'constructor', 'plain'].map((name) => new Field(name, new Utf8()));
    const struct = makeData({
      type: new Struct(fields),
      length: 1,
      nullCount: 0,
      children: [column(new Utf8(), ['p']), column(new Utf8(), ['c']), column(new Utf8(), ['x'])],
    });
    const json = toJson(makeVector(struct), 0);
    assert.equal(JSON.stringify(json), '{"__proto__":"p","constructor":"c","plain":"x"}');
    // The wire cell the grid and preview get: __proto__ an own key, through a JSON round trip too.
    const wire = encodeCell(makeVector(struct), 0) as Extract<Cell, { t: 'struct' }>;
    assert.deepEqual(Object.keys(wire.fields), ['__proto__', 'constructor', 'plain']);
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(wire))), '{"t":"struct","fields":{"__proto__":"p","constructor":"c","plain":"x"}}');
    // The webviews' cells: a struct cell parsed from JSON holds __proto__ as its own key.
    const cell = JSON.parse('{"t":"struct","fields":{"__proto__":"p","toString":1}}') as Cell;
    assert.equal(JSON.stringify(cellToJson(cell)), '{"__proto__":"p","toString":1}');
  });
});

describe('CSV formula cells (OWASP CSV injection)', () => {
  let fds: LanceDataset;
  let fdir: string;
  const TEXTS = ['=1+2', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=A1,B1', '\uFF1D1+2', 'plain', 'a=b', '', null, ' =1'];
  before(async () => {
    fdir = path.join(dir, 'formulas');
    const db = await lancedb.connect(fdir);
    const n = TEXTS.length;
    const f = (name: string, type: Utf8 | Float64 | Int64 | Int32 | Binary) => new Field(name, type, true);
    const table = tableOf(
      [
        f('id', new Int32()),
        f('text', new Utf8()),
        f('price', new Float64()),
        f('big', new Int64()),
        f('small', new Int32()),
        f('blob', new Binary()),
        f('=HYPERLINK("x")', new Utf8()),
      ],
      [
        column(
          new Int32(),
          Array.from({ length: n }, (_, i) => i),
        ),
        column(new Utf8(), TEXTS),
        column(
          new Float64(),
          Array.from({ length: n }, (_, i) => (i === 0 ? -1.5 : i === 1 ? -Infinity : -i)),
        ),
        rawColumn(
          new Int64(),
          Array.from({ length: n }, (_, i) => (i === 0 ? -9007199254740993n : BigInt(-i))),
          BigInt64Array,
        ),
        column(
          new Int32(),
          Array.from({ length: n }, (_, i) => -i),
        ),
        column(
          new Binary(),
          Array.from({ length: n }, (_, i) => (i === 0 ? new Uint8Array([0xfb, 0xef]) : new Uint8Array([0x41, i]))),
        ),
        column(
          new Utf8(),
          Array.from({ length: n }, (_, i) => `-${i}`),
        ),
      ],
    );
    (await db.createTable('formulas', table)).close();
    db.close();
    sums.set(path.join(fdir, 'formulas.lance'), treeChecksums(path.join(fdir, 'formulas.lance')));
    fds = await LanceDataset.open({ uri: path.join(fdir, 'formulas.lance'), name: 'formulas' });
  });
  after(() => fds?.close());

  test('text cells that would start a formula get a leading quote; numbers stay numbers; JSON Lines unchanged', async () => {
    const csv = path.join(out, 'formulas.csv');
    await exportRows(fds, { format: 'csv', outFile: csv, binaries: 'base64' });
    const [header, ...rows] = parseCsv(fs.readFileSync(csv, 'utf8'));
    assert.deepEqual(header, ['id', 'text', 'price', 'big', 'small', 'blob', `'=HYPERLINK("x")`], 'a column name is text too');
    assert.deepEqual(
      rows.map((r) => r[1]),
      ["'=1+2", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "'=A1,B1", "'\uFF1D1+2", 'plain', 'a=b', '', null, ' =1'],
    );
    // Numbers of numeric columns are not text: -1.5, -Infinity, int64 past 2^53 (a string in JSON) and -5 stay.
    assert.deepEqual(rows[0].slice(2, 5), ['-1.5', '-9007199254740993', '0']);
    assert.deepEqual(rows[1].slice(2, 5), ['-Infinity', '-1', '-1']);
    assert.deepEqual(rows[5].slice(2, 5), ['-5', '-5', '-5']);
    // Base64 text can start with "+": it is text.
    assert.equal(Buffer.from([0xfb, 0xef]).toString('base64'), '++8=');
    assert.equal(rows[0][5], "'++8=");
    assert.equal(rows[2][6], "'-2", 'a text column of "-2" strings is text');
    // JSON Lines: the values as they are (JSON is not run by a spreadsheet).
    const jsonl = path.join(out, 'formulas.jsonl');
    await exportRows(fds, { format: 'jsonl', outFile: jsonl });
    assert.deepEqual(
      readJsonl(jsonl).map((r) => r.text),
      TEXTS,
    );
  });

  test('neutralizeFormula', () => {
    for (const s of ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']) assert.equal(neutralizeFormula(`${s}x`), `'${s}x`);
    for (const s of ['x', '', ' =x', "'=x", '1-2', '\n=x']) assert.equal(neutralizeFormula(s), s);
  });
});
