// The hostile fixture (issue 10) has what its generator promises, checked through the raw engine
// (lancedb.connect + openTable + query), not through the data layer under test: awkward column
// names, 2,000 columns in one fragment, NaN/±Infinity/-0/null in the right rows, 20 MB strings, a
// 50 MB large_binary, a 1,000,000-item list, decoy images, a 20-level struct, and a dataset whose
// latest manifest is damaged while version 2 is intact.
//
// Engine notes met here (lancedb 0.37.1): `length(text)` and `array_length(items)` project fine, but
// no SQL function gives a binary's byte length (`length(blob)` casts to UTF-8 and fails on non-UTF-8
// bytes, `octet_length` wants a string) and `substr`/`substring` are "not supported SQL in lance":
// the 50 MB blob and one 20 MB string are read as single rows instead.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataType } from 'apache-arrow';
import type { Struct, Table as ArrowTable } from 'apache-arrow';
import type { Connection, Table as LanceTable } from '@lancedb/lancedb';
import {
  DAMAGED_GOOD_VERSION,
  DAMAGED_LATEST_VERSION,
  DAMAGED_MANIFEST_BYTES,
  DAMAGED_ROWS_PER_VERSION,
  DEEP_INNER_NULL_ROW,
  DEEP_LEVELS,
  DEEP_NULL_LEVEL,
  DEEP_NULL_ROW,
  DEEP_PATH,
  DEEP_ROWS,
  deepListValue,
  generateHostile,
  HOSTILE_KINDS,
  HOSTILE_NAME_COLUMNS,
  HOSTILE_REFUSED_NAMES,
  hostileImagePayloads,
  type HostileDatasets,
  HUGE_BLOB_BYTES,
  HUGE_BLOB_PREFIX,
  HUGE_BLOB_ROW,
  HUGE_LIST_ITEMS,
  HUGE_LIST_ROW,
  HUGE_ROWS,
  HUGE_TEXT_CHARS,
  HUGE_TEXT_ROWS,
  hugeTextPrefix,
  IMAGE_ROW_COUNT,
  IMAGE_ROWS,
  manifestFileOf,
  NAMES_ROWS,
  NONFINITE_ROW_COUNT,
  NONFINITE_ROWS,
  NONFINITE_VALUES,
  NONFINITE_VEC_DIM,
  NONFINITE_VEC_ROWS,
  NONFINITE_VEC_SPECIAL_INDEX,
  WIDE_COLUMNS,
  WIDE_ROWS,
  wideValue,
} from '../fixtures/hostile';
import { lancedb } from '../fixtures/lance';

const SEED = 10;
let dir: string;
let sets: HostileDatasets;
let db: Connection;
let generationSeconds = 0;
const opened: LanceTable[] = [];

async function open(kind: keyof HostileDatasets): Promise<LanceTable> {
  const t = await db.openTable(kind);
  opened.push(t);
  return t;
}
const ids = (t: ArrowTable): number[] => Array.from(t.getChild('id')!.toArray() as BigInt64Array, Number);

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-hostile-'));
  const t0 = performance.now();
  sets = (await generateHostile({ dir, seed: SEED })) as HostileDatasets;
  generationSeconds = (performance.now() - t0) / 1000;
  db = await lancedb.connect(path.join(dir, 'hostile_db'));
});

after(() => {
  for (const t of opened) t.close();
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('generation', () => {
  test('every kind is a <kind>.lance folder under hostile_db, quickly', () => {
    assert.deepEqual(Object.keys(sets).sort(), [...HOSTILE_KINDS].sort());
    for (const kind of HOSTILE_KINDS) {
      assert.equal(sets[kind], path.join(dir, 'hostile_db', `${kind}.lance`));
      assert.ok(fs.statSync(sets[kind]).isDirectory(), kind);
    }
    assert.ok(generationSeconds < 60, `generated in ${generationSeconds.toFixed(1)} s`);
  });

  test('`only` regenerates just the listed kinds, replacing them', async () => {
    const marker = path.join(sets.images, 'stale-file');
    fs.writeFileSync(marker, 'x');
    const before = fs.statSync(path.join(sets.wide, '_versions')).mtimeMs;
    const out = await generateHostile({ dir, seed: SEED, only: ['images'] });
    assert.deepEqual(Object.keys(out), ['images']);
    assert.ok(!fs.existsSync(marker), 'images replaced');
    assert.equal(fs.statSync(path.join(sets.wide, '_versions')).mtimeMs, before, 'wide untouched');
  });
});

describe('names', () => {
  test('the awkward names are the schema, in order; the backtick name is not', async () => {
    const t = await open('names');
    assert.deepEqual(
      (await t.schema()).fields.map((f) => f.name),
      ['id', ...HOSTILE_NAME_COLUMNS],
    );
    assert.deepEqual(HOSTILE_NAME_COLUMNS, ['Label', 'order', 'with space', 'quote"d', "it's", '__proto__', 'constructor', 'toString', 'MixedCase', 'select']);
    assert.deepEqual(HOSTILE_REFUSED_NAMES, ['back`tick']);
    assert.equal(await t.countRows(), NAMES_ROWS);
  });

  test('a full scan reads every column, values distinct per row', async () => {
    const t = await open('names');
    const tbl = await t.query().toArrow();
    assert.deepEqual(
      ids(tbl),
      Array.from({ length: NAMES_ROWS }, (_, r) => r),
    );
    const col = (n: string) => tbl.getChild(n)!.toArray() as ArrayLike<unknown>;
    assert.deepEqual(
      Array.from(col('Label')),
      Array.from({ length: NAMES_ROWS }, (_, r) => `L${r % 3}`),
    );
    assert.deepEqual(
      Array.from(col('order')),
      Array.from({ length: NAMES_ROWS }, (_, r) => NAMES_ROWS - 1 - r),
    );
    assert.equal(col('quote"d')[4], 'quote"d 4');
    assert.equal(col("it's")[5], "it's 5");
    assert.equal(col('__proto__')[6], '__proto__ 6');
    assert.equal(col('constructor')[7], 'constructor 7');
    assert.equal(col('toString')[8], 8 * 7 - 50);
    assert.equal(col('MixedCase')[9], 9.25);
    assert.equal(col('select')[10], 'select 10');
  });

  test('each name can be projected as a backtick-quoted expression', async () => {
    const t = await open('names');
    const sel: Record<string, string> = {};
    HOSTILE_NAME_COLUMNS.forEach((n, j) => (sel[`v${j}`] = `\`${n}\``));
    const tbl = await t.query().select(sel).limit(3).toArrow();
    assert.deepEqual(
      HOSTILE_NAME_COLUMNS.map((_, j) => tbl.getChild(`v${j}`)!.get(2)),
      ['L2', NAMES_ROWS - 3, 'with space 2', 'quote"d 2', "it's 2", '__proto__ 2', 'constructor 2', -36, 2.25, 'select 2'],
    );
  });
});

describe('wide', () => {
  test(`${WIDE_COLUMNS} alternating float32/int32 columns after id, ${WIDE_ROWS} rows, one fragment`, async () => {
    const t = await open('wide');
    const fields = (await t.schema()).fields;
    assert.equal(fields.length, WIDE_COLUMNS + 1);
    assert.deepEqual(
      fields.map((f) => f.name),
      ['id', ...Array.from({ length: WIDE_COLUMNS }, (_, j) => `c${j}`)],
    );
    fields.slice(1).forEach((f, j) => assert.ok(j % 2 ? DataType.isInt(f.type) : DataType.isFloat(f.type), f.name));
    assert.equal(await t.countRows(), WIDE_ROWS);
    assert.equal((await t.stats()).fragmentStats.numFragments, 1);
  });

  test('values encode row and column (bare-name projection)', async () => {
    const t = await open('wide');
    const cols = [0, 1, 998, 1999];
    const sel = Object.fromEntries([['id', 'id'], ...cols.map((j) => [`c${j}`, `c${j}`])]);
    const tbl = await t
      .query()
      .select(sel)
      .offset(WIDE_ROWS - 2)
      .limit(2)
      .toArrow();
    assert.deepEqual(ids(tbl), [WIDE_ROWS - 2, WIDE_ROWS - 1]);
    for (const j of cols) {
      assert.deepEqual(Array.from(tbl.getChild(`c${j}`)!.toArray() as ArrayLike<number>), [wideValue(WIDE_ROWS - 2, j), wideValue(WIDE_ROWS - 1, j)]);
    }
  });
});

describe('nonFinite', () => {
  test('f64 and f32 hold NaN, ±Infinity, -0, 0, 1.5 and null in rows 0..6, ordinary values after', async () => {
    const t = await open('nonFinite');
    assert.deepEqual(
      (await t.schema()).fields.map((f) => `${f.name}:${f.type}`),
      ['id:Int64', 'f64:Float64', 'f32:Float32', 'vec:FixedSizeList[8]<Float32>', 'label:Utf8'],
    );
    const tbl = await t.query().toArrow();
    assert.equal(tbl.numRows, NONFINITE_ROW_COUNT);
    assert.deepEqual(
      ids(tbl),
      Array.from({ length: NONFINITE_ROW_COUNT }, (_, r) => r),
    );
    for (const c of ['f64', 'f32']) {
      const v = tbl.getChild(c)!;
      for (const [name, row] of Object.entries(NONFINITE_ROWS)) {
        const expected = NONFINITE_VALUES[row];
        assert.ok(Object.is(v.get(row), expected), `${c} row ${row} (${name}): ${v.get(row)}`);
      }
      assert.equal(v.nullCount, 1);
      for (let r = NONFINITE_VALUES.length; r < NONFINITE_ROW_COUNT; r++) assert.ok(Number.isFinite(v.get(r)), `${c} row ${r}`);
    }
    assert.equal(tbl.getChild('label')!.get(NONFINITE_ROWS.negZero), 'negZero');
  });

  test('vec: row 1 all NaN, row 2 one +Infinity, row 3 one -Infinity, the rest unit vectors', async () => {
    const t = await open('nonFinite');
    const vec = (await t.query().select({ vec: 'vec' }).toArrow()).getChild('vec')!;
    const row = (r: number) => Array.from(vec.get(r)!.toArray() as Float32Array);
    assert.ok(row(NONFINITE_VEC_ROWS.allNaN).every(Number.isNaN));
    for (const [r, inf] of [
      [NONFINITE_VEC_ROWS.posInf, Infinity],
      [NONFINITE_VEC_ROWS.negInf, -Infinity],
    ]) {
      const v = row(r);
      assert.equal(v.length, NONFINITE_VEC_DIM);
      assert.deepEqual(
        v.map((x, i) => (Number.isFinite(x) ? 'finite' : `${i}:${x}`)).filter((x) => x !== 'finite'),
        [`${NONFINITE_VEC_SPECIAL_INDEX}:${inf}`],
      );
    }
    for (let r = 0; r < NONFINITE_ROW_COUNT; r++) {
      if (Object.values(NONFINITE_VEC_ROWS).includes(r as 1)) continue;
      assert.ok(Math.abs(Math.hypot(...row(r)) - 1) < 1e-5, `row ${r} is a unit vector`);
    }
  });
});

describe('huge', () => {
  test('schema and shape: blob is large_binary; 20 MB texts, a 1,000,000-item list', async () => {
    const t = await open('huge');
    assert.deepEqual(
      (await t.schema()).fields.map((f) => `${f.name}:${f.type}`),
      ['id:Int64', 'text:Utf8', 'blob:LargeBinary', 'items:List<Int32>'],
    );
    const tbl = await t.query().select({ id: 'id', n: 'length(text)', huge: `starts_with(text, 'HUGE-')`, k: 'array_length(items)' }).toArrow();
    const byId = new Map(ids(tbl).map((id, i) => [id, i]));
    assert.equal(tbl.numRows, HUGE_ROWS);
    for (let r = 0; r < HUGE_ROWS; r++) {
      const i = byId.get(r)!;
      const big = HUGE_TEXT_ROWS.includes(r);
      assert.equal(tbl.getChild('n')!.get(i), big ? HUGE_TEXT_CHARS : `short ${r}`.length, `length(text) of row ${r}`);
      assert.equal(tbl.getChild('huge')!.get(i), big, `row ${r} starts with HUGE-`);
      assert.equal(Number(tbl.getChild('k')!.get(i)), r === HUGE_LIST_ROW ? HUGE_LIST_ITEMS : r % 4, `items of row ${r}`);
    }
  });

  test('the 20 MB strings are distinct and start with HUGE-<row>:', async () => {
    const t = await open('huge');
    for (const r of HUGE_TEXT_ROWS) {
      const hits = await t
        .query()
        .where(`starts_with(text, '${hugeTextPrefix(r)}')`)
        .select({ id: 'id' })
        .toArrow();
      assert.deepEqual(ids(hits), [r]);
    }
    const two = await t.query().where('id IN (2, 3)').select({ id: 'id', text: 'text' }).toArrow();
    const [a, b] = [0, 1].map((i) => two.getChild('text')!.get(i) as string);
    assert.equal(a.length, HUGE_TEXT_CHARS);
    assert.notEqual(a.slice(100, 5000), b.slice(100, 5000));
  });

  test(`row ${HUGE_BLOB_ROW} holds the 50 MB binary, the others small ones; the big list is 0..999999`, async () => {
    const t = await open('huge');
    const big = await t.query().where(`id = ${HUGE_BLOB_ROW}`).select({ blob: 'blob' }).toArrow();
    const bytes = big.getChild('blob')!.get(0) as Uint8Array;
    assert.equal(bytes.length, HUGE_BLOB_BYTES);
    assert.equal(Buffer.from(bytes.subarray(0, HUGE_BLOB_PREFIX.length)).toString(), HUGE_BLOB_PREFIX);
    const small = await t.query().where(`id <> ${HUGE_BLOB_ROW}`).select({ id: 'id', blob: 'blob' }).toArrow();
    ids(small).forEach((id, i) => assert.equal(Buffer.from(small.getChild('blob')!.get(i) as Uint8Array).toString(), `small blob ${id}`));
    const list = await t.query().where(`id = ${HUGE_LIST_ROW}`).select({ items: 'items' }).toArrow();
    const items = list.getChild('items')!.get(0)!.toArray() as Int32Array;
    assert.equal(items.length, HUGE_LIST_ITEMS);
    assert.equal(items[0], 0);
    assert.equal(items[HUGE_LIST_ITEMS - 1], HUGE_LIST_ITEMS - 1);
  });
});

describe('images', () => {
  test('the decoys come back byte for byte, in their rows', async () => {
    const t = await open('images');
    assert.deepEqual(
      (await t.schema()).fields.map((f) => `${f.name}:${f.type}`),
      ['id:Int64', 'image:Binary'],
    );
    const tbl = await t.query().toArrow();
    assert.deepEqual(
      ids(tbl),
      Array.from({ length: IMAGE_ROW_COUNT }, (_, r) => r),
    );
    const expected = hostileImagePayloads(SEED);
    const image = tbl.getChild('image')!;
    for (let r = 0; r < IMAGE_ROW_COUNT; r++) {
      const got = image.get(r) as Uint8Array | null;
      assert.deepEqual(got === null ? null : Buffer.from(got), expected[r] === null ? null : Buffer.from(expected[r]!));
    }
    const text = (r: number) => Buffer.from(image.get(r) as Uint8Array).toString('latin1');
    assert.equal(image.get(IMAGE_ROWS.null), null);
    assert.equal((image.get(IMAGE_ROWS.empty) as Uint8Array).length, 0);
    const jpeg = image.get(IMAGE_ROWS.validJpeg) as Uint8Array;
    assert.deepEqual([...jpeg.subarray(0, 2), ...jpeg.subarray(-2)], [0xff, 0xd8, 0xff, 0xd9], 'JPEG SOI … EOI');
    assert.match(text(IMAGE_ROWS.truncatedJpeg), /^\xff\xd8\xff/);
    assert.ok((image.get(IMAGE_ROWS.truncatedJpeg) as Uint8Array).length < 20);
    // eslint-disable-next-line no-control-regex -- the PNG signature holds \x1a
    assert.match(text(IMAGE_ROWS.pngGarbage), /^\x89PNG\r\n\x1a\n/);
    assert.match(text(IMAGE_ROWS.polyglot), /^\xff\xd8\xff\xe0<html><script>alert\(1\)<\/script>/);
    assert.match(text(IMAGE_ROWS.svgScript), /^<svg [^>]*><script>/);
    assert.equal(text(IMAGE_ROWS.gifHeaderOnly), 'GIF89a');
  });
});

describe('deep', () => {
  test(`s nests ${DEEP_LEVELS} structs down to n: int32 and t: utf8; ls is list<struct<xs: list<int32>, name>>`, async () => {
    const t = await open('deep');
    const fields = (await t.schema()).fields;
    assert.deepEqual(
      fields.map((f) => f.name),
      ['id', 's', 'ls'],
    );
    let type = fields[1].type as Struct;
    for (let level = 1; level < DEEP_LEVELS; level++) {
      assert.ok(DataType.isStruct(type), `level ${level} is a struct`);
      assert.deepEqual(
        type.children.map((c) => c.name),
        ['a'],
      );
      type = type.children[0].type as Struct;
    }
    assert.deepEqual(
      type.children.map((c) => `${c.name}:${c.type}`),
      ['n:Int32', 't:Utf8'],
    );
    assert.equal(String(fields[2].type), 'List<Struct<{xs:List<Int32>, name:Utf8}>>');
    assert.equal(await t.countRows(), DEEP_ROWS);
  });

  test('the leaves read through a 20-level path and through the whole struct, nulls where placed', async () => {
    const t = await open('deep');
    const leaf = [...DEEP_PATH].join('.');
    const tbl = await t
      .query()
      .select({ id: 'id', n: `${leaf}.n`, tt: `${leaf}.t`, s: 's', ls: 'ls' })
      .toArrow();
    assert.deepEqual(
      ids(tbl),
      Array.from({ length: DEEP_ROWS }, (_, r) => r),
    );
    for (let r = 0; r < DEEP_ROWS; r++) {
      const isNull = r === DEEP_NULL_ROW || r === DEEP_INNER_NULL_ROW;
      assert.equal(tbl.getChild('n')!.get(r), isNull ? null : r * 100 + DEEP_LEVELS, `n of row ${r}`);
      assert.equal(tbl.getChild('tt')!.get(r), isNull ? null : `deep ${r}`);
      let s = tbl.getChild('s')!.get(r) as Record<string, unknown> | null;
      const stopAt = r === DEEP_NULL_ROW ? 1 : r === DEEP_INNER_NULL_ROW ? DEEP_NULL_LEVEL : DEEP_LEVELS + 1;
      for (let level = 1; level < stopAt && level < DEEP_LEVELS; level++) s = s!.a as Record<string, unknown> | null;
      if (isNull) assert.equal(s, null, `row ${r}: null at level ${stopAt}`);
      else assert.equal(s!.t, `deep ${r}`);
      const ls = tbl.getChild('ls')!.get(r);
      const got =
        ls === null
          ? null
          : Array.from(ls, (x: { toJSON(): { xs: { toArray(): Int32Array } | null; name: string } } | null) => {
              if (x === null) return null;
              const j = x.toJSON();
              return { xs: j.xs === null ? null : Array.from(j.xs.toArray()), name: j.name };
            });
      assert.deepEqual(got, deepListValue(r), `ls of row ${r}`);
    }
  });
});

describe('damaged', () => {
  test(`the manifest of version ${DAMAGED_LATEST_VERSION} is ${DAMAGED_MANIFEST_BYTES} bytes, the older ones intact`, () => {
    assert.equal(fs.statSync(manifestFileOf(sets.damaged, DAMAGED_LATEST_VERSION)).size, DAMAGED_MANIFEST_BYTES);
    for (let v = 1; v <= DAMAGED_GOOD_VERSION; v++) assert.ok(fs.statSync(manifestFileOf(sets.damaged, v)).size > 100);
  });

  test('opening latest fails with the IO error of the truncated manifest', async () => {
    await assert.rejects(db.openTable('damaged'), /does not have sufficient data, len: 10/);
  });

  test('openTable at version 2 fails too (lancedb opens latest first, then checks out)', async () => {
    // If this starts passing, lancedb reads old versions without the latest manifest: update the
    // notes in test/fixtures/hostile.ts and the reliability tests that work around it.
    await assert.rejects(db.openTable('damaged', undefined, { version: DAMAGED_GOOD_VERSION }), /does not have sufficient data, len: 10/);
  });

  test('version 2 is intact: the engine reads its 40 rows from a view without the damaged manifest', async () => {
    const viewDb = fs.mkdtempSync(path.join(os.tmpdir(), 'li-hostile-view-'));
    try {
      const view = path.join(viewDb, 'damaged.lance');
      fs.mkdirSync(path.join(view, '_versions'), { recursive: true });
      for (const e of fs.readdirSync(sets.damaged)) {
        if (e !== '_versions') fs.symlinkSync(path.join(sets.damaged, e), path.join(view, e));
      }
      for (let v = 1; v <= DAMAGED_GOOD_VERSION; v++) {
        const m = manifestFileOf(sets.damaged, v);
        fs.symlinkSync(m, path.join(view, '_versions', path.basename(m)));
      }
      const conn = await lancedb.connect(viewDb);
      try {
        const t = await conn.openTable('damaged');
        try {
          assert.equal(await t.version(), DAMAGED_GOOD_VERSION);
          const tbl = await t.query().select({ id: 'id', label: 'label' }).toArrow();
          const rows = DAMAGED_GOOD_VERSION * DAMAGED_ROWS_PER_VERSION;
          assert.deepEqual(
            ids(tbl).sort((x, y) => x - y),
            Array.from({ length: rows }, (_, r) => r),
          );
          assert.equal(tbl.getChild('label')!.get(ids(tbl).indexOf(25)), 'v2 row 25');
          await t.checkout(1);
          assert.equal(await t.countRows(), DAMAGED_ROWS_PER_VERSION);
        } finally {
          t.close();
        }
      } finally {
        conn.close();
      }
    } finally {
      fs.rmSync(viewDb, { recursive: true, force: true });
    }
  });
});
