// Tests for the manifest reader (manifest.ts) and its parts: the protobuf decoder (protobuf.ts), type
// names (logicalTypes.ts), version file naming, synthetic manifests (temp folders), and every dataset
// of the shared compatibility corpus (read-only; the test checks that nothing in it changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProtoMessage, decodeFields, readVarint } from '../../src/extension/lance/protobuf';
import { fieldDisplayType, logicalTypeToDisplay } from '../../src/extension/lance/logicalTypes';
import {
  decodeManifest,
  describeDataFormat,
  listManifestVersions,
  manifestFileVersion,
  readFragmentFiles,
  readManifest,
  topLevelFields,
  type ManifestInfo,
} from '../../src/extension/lance/manifest';

// ---- a tiny protobuf encoder, only for building test inputs -------------------------------

function varint(v: bigint | number): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return out;
}
const tag = (no: number, wire: number) => varint(no * 8 + wire);
const vField = (no: number, v: bigint | number) => [...tag(no, 0), ...varint(v)];
const lenField = (no: number, bytes: number[] | Uint8Array) => [...tag(no, 2), ...varint(bytes.length), ...bytes];
const sField = (no: number, s: string) => lenField(no, [...Buffer.from(s, 'utf8')]);
const mapEntry = (no: number, k: string, v: string) => lenField(no, [...sField(1, k), ...sField(2, v)]);
const u8 = (a: number[]) => Uint8Array.from(a);

interface FieldSpec {
  id: number;
  parent: number;
  name: string;
  type: string;
  nullable?: boolean;
  meta?: Record<string, string>;
}
function fieldMsg(f: FieldSpec): number[] {
  return [
    ...vField(1, f.type === 'struct' ? 0 : 2),
    ...sField(2, f.name),
    ...vField(3, f.id),
    ...vField(4, f.parent), // negative int32 → 10-byte varint, as protobuf writes it
    ...sField(5, f.type),
    ...(f.nullable === false ? [] : vField(6, 1)),
    ...Object.entries(f.meta ?? {}).flatMap(([k, v]) => mapEntry(10, k, v)),
  ];
}

/** Wrap protobuf bytes as a manifest file: optional junk section, length, body, footer. */
function manifestFile(body: number[], junkBefore = 0): Buffer {
  const junk = Buffer.alloc(junkBefore, 0xab);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  const footer = Buffer.alloc(16);
  footer.writeBigUInt64LE(BigInt(junkBefore), 0);
  footer.writeUInt16LE(0, 8);
  footer.writeUInt16LE(2, 10);
  footer.write('LANC', 12, 'ascii');
  return Buffer.concat([junk, len, Buffer.from(body), footer]);
}

function tmpDataset(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-manifest-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, '_versions'));
  return dir;
}

// ---- protobuf decoder ----------------------------------------------------------------------

test('protobuf: varints, including 64-bit and negative int32', () => {
  assert.equal(readVarint(u8([0x00]), 0).value, 0n);
  assert.equal(readVarint(u8([0xac, 0x02]), 0).value, 300n);
  for (const v of [127n, 128n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n]) {
    const enc = u8(varint(v));
    const r = readVarint(enc, 0);
    assert.equal(r.value, v);
    assert.equal(r.next, enc.length);
  }
  const m = new ProtoMessage(u8([...vField(4, -1), ...vField(3, -123456)]));
  assert.equal(m.int32(4), -1);
  assert.equal(m.int32(3), -123456);
});

test('protobuf: all wire types, repeated, packed, unknown fields and last-wins', () => {
  const fixed64 = [...tag(7, 1), 1, 0, 0, 0, 0, 0, 0, 0x80];
  const fixed32 = [...tag(8, 5), 0x78, 0x56, 0x34, 0x12];
  const buf = u8([
    ...vField(1, 5),
    ...sField(2, 'héllo'),
    ...fixed64,
    ...fixed32,
    ...vField(1, 6), // a later value wins
    ...lenField(9, [...varint(1), ...varint(300), ...varint(2)]), // packed
    ...vField(9, 4), // unpacked element of the same repeated field
    ...vField(99, 1), // unknown to the caller: just present in the list
  ]);
  const fields = decodeFields(buf);
  assert.deepEqual(
    fields.map((f) => [f.no, f.wire]),
    [
      [1, 0],
      [2, 2],
      [7, 1],
      [8, 5],
      [1, 0],
      [9, 2],
      [9, 0],
      [99, 0],
    ],
  );
  const m = new ProtoMessage(buf);
  assert.equal(m.uint(1), 6);
  assert.equal(m.string(2), 'héllo');
  assert.equal(m.bigUint(7), 0x8000000000000001n);
  assert.equal(m.bigUint(8), 0x12345678n);
  assert.deepEqual(m.bigUints(9), [1n, 300n, 2n, 4n]);
  assert.equal(m.uint(42), 0); // absent scalar reads as default
  assert.equal(m.string(42), '');
  assert.equal(m.message(42), undefined);
});

test('protobuf: a singular message split over occurrences is merged', () => {
  const m = new ProtoMessage(u8([...lenField(3, vField(1, 10)), ...lenField(3, sField(2, 'x'))]));
  const sub = m.message(3)!;
  assert.equal(sub.uint(1), 10);
  assert.equal(sub.string(2), 'x');
});

test('protobuf: truncated or corrupt input throws a clear error', () => {
  const cases: [number[], RegExp][] = [
    [[0x08], /truncated varint/],
    [[0x08, 0x80, 0x80], /truncated varint/],
    [[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /longer than 10 bytes/],
    [[0x12, 0x05, 0x61], /truncated length-delimited field 2/],
    [[0x12, 0xff, 0xff, 0xff, 0xff, 0x0f], /truncated length-delimited/],
    [[0x09, 1, 2, 3], /truncated fixed64/],
    [[0x0d, 1, 2], /truncated fixed32/],
    [[0x0b], /unsupported wire type 3/],
    [[0x0c], /unsupported wire type 4/],
    [[0x0f], /unsupported wire type 7/],
    [[0x00, 0x01], /field number 0/],
  ];
  for (const [bytes, re] of cases) {
    assert.throws(() => decodeFields(u8(bytes)), re, `input ${bytes.join(',')}`);
  }
  assert.throws(() => readVarint(u8([]), 0), /truncated varint/);
});

test('protobuf: random garbage never hangs, it decodes or throws', () => {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  for (let i = 0; i < 2000; i++) {
    const buf = Uint8Array.from({ length: rnd() % 64 }, rnd);
    try {
      const m = new ProtoMessage(buf);
      // Accessors on whatever decoded must also terminate
      for (const f of m.fields) if (f.wire === 2) void decodeFieldsSafe(f.value);
    } catch (err) {
      assert.match((err as Error).message, /^protobuf: /);
    }
  }
});
function decodeFieldsSafe(b: Uint8Array): void {
  try {
    decodeFields(b);
  } catch {
    /* expected for garbage */
  }
}

// ---- type names ----------------------------------------------------------------------------

test('logicalTypeToDisplay: Arrow-style names (as apache-arrow prints them)', () => {
  const cases: [string, string][] = [
    ['int64', 'Int64'],
    ['int32', 'Int32'],
    ['uint8', 'Uint8'],
    ['double', 'Float64'],
    ['float', 'Float32'],
    ['halffloat', 'Float16'],
    ['string', 'Utf8'],
    ['large_string', 'LargeUtf8'],
    ['binary', 'Binary'],
    ['large_binary', 'LargeBinary'],
    ['bool', 'Bool'],
    ['null', 'Null'],
    ['fixed_size_list:float:16', 'FixedSizeList[16]<Float32>'],
    ['fixed_size_list:fixed_size_list:double:3:4', 'FixedSizeList[4]<FixedSizeList[3]<Float64>>'],
    ['fixed_size_list:lance.bfloat16:8', 'FixedSizeList[8]<FixedSizeBinary[2]>'],
    ['fixed_size_binary:16', 'FixedSizeBinary[16]'],
    ['timestamp:us:UTC', 'Timestamp<MICROSECOND, UTC>'],
    ['timestamp:ns:-', 'Timestamp<NANOSECOND>'],
    ['timestamp:ms:+05:30', 'Timestamp<MILLISECOND, +05:30>'],
    ['date32:day', 'Date32<DAY>'],
    ['date64:ms', 'Date64<MILLISECOND>'],
    ['time64:us', 'Time64<MICROSECOND>'],
    ['time32:s', 'Time32<SECOND>'],
    ['duration:ns', 'Duration<NANOSECOND>'],
    ['dict:string:int32:false', 'Dictionary<Int32, Utf8>'],
    ['decimal:128:10:2', 'Decimal[10e+2]'],
    ['decimal:256:38:0', 'Decimal[38e0]'],
    ['struct', 'Struct'],
    ['list', 'List'],
    ['large_list.struct', 'LargeList'],
    ['something:new', 'something:new'], // unknown: shown as is
    ['fixed_size_list:float', 'fixed_size_list:float'],
  ];
  for (const [lt, want] of cases) assert.equal(logicalTypeToDisplay(lt), want, lt);
});

test('fieldDisplayType: nested structs, lists and maps', () => {
  const info = decodeManifest(
    u8([
      ...[
        { id: 0, parent: -1, name: 's', type: 'struct' },
        { id: 1, parent: 0, name: 'a', type: 'int64' },
        { id: 2, parent: 0, name: 'b', type: 'string' },
        { id: 3, parent: -1, name: 'l', type: 'list' },
        { id: 4, parent: 3, name: 'item', type: 'float' },
        { id: 5, parent: -1, name: 'ls', type: 'list.struct' },
        { id: 6, parent: 5, name: 'item', type: 'struct' },
        { id: 7, parent: 6, name: 'x', type: 'double' },
        { id: 8, parent: -1, name: 'm', type: 'map' },
        { id: 9, parent: 8, name: 'entries', type: 'struct' },
        { id: 10, parent: 9, name: 'key', type: 'string' },
        { id: 11, parent: 9, name: 'value', type: 'int32' },
        { id: 12, parent: -1, name: 'v', type: 'fixed_size_list:float:4' },
      ].flatMap((f) => lenField(1, fieldMsg(f))),
      ...vField(3, 1),
    ]),
  );
  const top = topLevelFields(info);
  assert.deepEqual(
    top.map((f) => [f.name, fieldDisplayType(f, info.fields)]),
    [
      ['s', 'Struct<{a:Int64, b:Utf8}>'],
      ['l', 'List<Float32>'],
      ['ls', 'List<Struct<{x:Float64}>>'],
      ['m', 'Map<{key:Utf8, value:Int32}>'],
      ['v', 'FixedSizeList[4]<Float32>'],
    ],
  );
  // A malformed self-referencing schema must not recurse forever
  const cyc = decodeManifest(u8(lenField(1, fieldMsg({ id: 1, parent: 1, name: 'c', type: 'struct' }))));
  assert.equal(fieldDisplayType(cyc.fields[0], cyc.fields), 'Struct<{}>');
});

// ---- version file names --------------------------------------------------------------------

test('manifestFileVersion: V1 names, inverted V2 names, and names to ignore', () => {
  assert.equal(manifestFileVersion('1.manifest'), 1);
  assert.equal(manifestFileVersion('42.manifest'), 42);
  assert.equal(manifestFileVersion('18446744073709551614.manifest'), 1);
  assert.equal(manifestFileVersion('18446744073709551573.manifest'), 42);
  assert.equal(manifestFileVersion('09223372036854775807.manifest'), undefined); // inverted > 2^53
  assert.equal(manifestFileVersion('99999999999999999999.manifest'), undefined); // > u64::MAX
  assert.equal(manifestFileVersion('d9223372036854775809.manifest'), undefined); // detached
  assert.equal(manifestFileVersion('latest_version_hint.json'), undefined);
  assert.equal(manifestFileVersion('3.manifest.tmp'), undefined);
  assert.equal(manifestFileVersion('.3.manifest'), undefined);
});

test('listManifestVersions: sorted, from names only, both schemes', async (t) => {
  const dir = tmpDataset(t);
  const v = path.join(dir, '_versions');
  // Empty files: listing must not read them
  for (const n of ['10.manifest', '2.manifest', '1.manifest', 'd123.manifest', 'latest_version_hint.json']) {
    fs.writeFileSync(path.join(v, n), '');
  }
  assert.deepEqual(await listManifestVersions(dir), [1, 2, 10]);

  const dir2 = tmpDataset(t);
  for (const n of ['18446744073709551614.manifest', '18446744073709551612.manifest', '18446744073709551613.manifest']) {
    fs.writeFileSync(path.join(dir2, '_versions', n), '');
  }
  assert.deepEqual(await listManifestVersions(dir2), [1, 2, 3]);

  const empty = tmpDataset(t);
  assert.deepEqual(await listManifestVersions(empty), []);
  await assert.rejects(listManifestVersions(path.join(empty, 'nope')), /no _versions folder/);
});

test('listManifestVersions: 5000 versions list quickly', async (t) => {
  const dir = tmpDataset(t);
  for (let i = 1; i <= 5000; i++) fs.writeFileSync(path.join(dir, '_versions', `${i}.manifest`), '');
  const started = Date.now();
  const versions = await listManifestVersions(dir);
  assert.equal(versions.length, 5000);
  assert.equal(versions[4999], 5000);
  assert.ok(Date.now() - started < 2000, 'listing took too long');
});

// ---- synthetic manifests -------------------------------------------------------------------

function syntheticManifest(version: number): number[] {
  const dataFile = (p: string, size: number, major: number, minor: number) =>
    lenField(2, [...sField(1, p), ...lenField(2, [...varint(0)]), ...vField(4, major), ...vField(5, minor), ...(size ? vField(6, size) : [])]);
  return [
    ...lenField(1, fieldMsg({ id: 0, parent: -1, name: 'id', type: 'int64', nullable: false })),
    ...lenField(1, fieldMsg({ id: 1, parent: -1, name: 'emb', type: 'fixed_size_list:float:8', meta: { 'lance-encoding:x': 'y' } })),
    ...mapEntry(5, 'owner', 'me'),
    ...mapEntry(5, 'empty', ''),
    // fragment 0: 100 rows, 10 deleted
    ...lenField(2, [...vField(1, 0), ...dataFile('a.lance', 1000, 2, 1), ...lenField(3, [...vField(1, 1), ...vField(4, 10)]), ...vField(4, 100)]),
    // fragment 7: 50 rows, no deletions
    ...lenField(2, [...vField(1, 7), ...dataFile('b.lance', 500, 2, 1), ...vField(4, 50)]),
    ...vField(3, version),
    ...lenField(7, [...vField(1, 1700000000), ...vField(2, 123456789)]),
    ...sField(8, 'release'),
    ...vField(9, 1),
    ...vField(10, 1),
    ...lenField(13, [...sField(1, 'lance'), ...sField(2, '0.39.0')]),
    ...lenField(15, [...sField(1, 'lance'), ...sField(2, '2.1')]),
    ...vField(99, 7), // a field this reader does not know
  ];
}

test('readManifest: decodes a synthetic manifest (V1 name, sections before the manifest)', async (t) => {
  const dir = tmpDataset(t);
  fs.writeFileSync(path.join(dir, '_versions', '3.manifest'), manifestFile(syntheticManifest(3), 37));
  const info = await readManifest(dir, 3);
  const want: ManifestInfo = {
    version: 3,
    timestamp: '2023-11-14T22:13:20.123Z',
    tag: 'release',
    fields: [
      { id: 0, parentId: -1, name: 'id', logicalType: 'int64', nullable: false, metadata: {} },
      { id: 1, parentId: -1, name: 'emb', logicalType: 'fixed_size_list:float:8', nullable: true, metadata: { 'lance-encoding:x': 'y' } },
    ],
    schemaMetadata: { owner: 'me', empty: '' },
    fragmentCount: 2,
    physicalRows: 150,
    deletedRows: 10,
    deletedRowsKnown: true,
    rowCount: 140,
    dataFormat: { fileFormat: 'lance', version: '2.1' },
    dataFileVersions: ['2.1'],
    writerFeatureFlags: 1,
    fragmentIds: [0, 7],
    fileSizeBytes: 1500,
    writerVersion: 'lance 0.39.0',
  };
  assert.deepEqual(info, want);
  assert.equal(describeDataFormat(info), '2.1');
  assert.deepEqual(
    topLevelFields(info).map((f) => fieldDisplayType(f, info.fields)),
    ['Int64', 'FixedSizeList[8]<Float32>'],
  );
});

test('readFragmentFiles: each fragment id with its first data file, through the same footer reader', async (t) => {
  const dir = tmpDataset(t);
  fs.writeFileSync(path.join(dir, '_versions', '3.manifest'), manifestFile(syntheticManifest(3), 37));
  assert.deepEqual(
    await readFragmentFiles(dir, 3),
    new Map([
      [0, 'a.lance'],
      [7, 'b.lance'],
    ]),
  );
  // A manifest whose footer points past the end is refused, as readManifest refuses it.
  const bad = Buffer.from(manifestFile(syntheticManifest(4)));
  bad.writeBigUInt64LE(BigInt(bad.length), bad.length - 16);
  fs.writeFileSync(path.join(dir, '_versions', '4.manifest'), bad);
  await assert.rejects(readFragmentFiles(dir, 4), /beyond the file/);
  await assert.rejects(readFragmentFiles(dir, 9), /no manifest/);
});

test('readManifest: V2 (inverted) file names are found', async (t) => {
  const dir = tmpDataset(t);
  fs.writeFileSync(path.join(dir, '_versions', '18446744073709551610.manifest'), manifestFile(syntheticManifest(5)));
  assert.deepEqual(await listManifestVersions(dir), [5]);
  assert.equal((await readManifest(dir, 5)).version, 5);
});

test('readManifest: unknown sizes, unrecorded rows and deletions', () => {
  // One file without size, a fragment without physical_rows, a deletion without count
  const info = decodeManifest(u8([...lenField(2, [...vField(1, 0), ...lenField(2, sField(1, 'a.lance')), ...lenField(3, vField(1, 0))]), ...vField(3, 2)]));
  assert.equal(info.fileSizeBytes, undefined);
  assert.equal(info.physicalRows, 0);
  assert.equal(info.deletedRowsKnown, false);
  assert.equal(info.rowCount, undefined);
  assert.equal(info.timestamp, undefined);
  assert.equal(info.tag, undefined);
  assert.equal(info.dataFormat, undefined);
  assert.equal(info.writerVersion, undefined);
  assert.equal(describeDataFormat(info), 'legacy (v1)'); // file version 0.0, no data_format

  // Deletions counted, but no writer version: Lance distrusts physical_rows (issue #1531)
  const old = decodeManifest(u8([...lenField(2, [...vField(1, 0), ...lenField(3, vField(4, 3)), ...vField(4, 10)]), ...vField(3, 2)]));
  assert.equal(old.deletedRowsKnown, true);
  assert.equal(old.rowCount, undefined);

  // No fragments at all: zero rows, zero bytes
  const none = decodeManifest(u8(vField(3, 1)));
  assert.equal(none.rowCount, 0);
  assert.equal(none.fileSizeBytes, 0);
});

test('describeDataFormat: how Lance resolves the storage version', () => {
  const base = decodeManifest(u8(vField(3, 1)));
  const mk = (p: Partial<ManifestInfo>): ManifestInfo => ({ ...base, ...p });
  assert.equal(describeDataFormat(mk({ dataFormat: { fileFormat: 'lance', version: '2.0' } })), '2.0');
  assert.equal(describeDataFormat(mk({ dataFormat: { fileFormat: 'lance', version: '2.2' } })), '2.2');
  assert.equal(describeDataFormat(mk({ dataFormat: { fileFormat: 'lance', version: '0.1' } })), 'legacy (v1)');
  assert.equal(describeDataFormat(mk({ dataFormat: { fileFormat: 'lance', version: 'legacy' } })), 'legacy (v1)');
  assert.equal(describeDataFormat(mk({ dataFormat: { fileFormat: 'lance', version: '0.3' } })), '2.0');
  assert.equal(describeDataFormat(mk({ dataFormat: { fileFormat: '', version: '' } })), 'legacy (v1)');
  assert.equal(describeDataFormat(mk({})), 'legacy (v1)');
  assert.equal(describeDataFormat(mk({ writerFeatureFlags: 4 })), '2.0'); // deprecated "use v2" flag
  assert.equal(describeDataFormat(mk({ dataFileVersions: ['0.3'] })), '2.0');
  assert.equal(describeDataFormat(mk({ dataFileVersions: ['2.1'] })), '2.1');
  assert.equal(describeDataFormat(mk({ dataFormat: { fileFormat: 'lance', version: '0.1' }, dataFileVersions: ['0.3'] })), '2.0 (manifest says legacy)');
  assert.equal(describeDataFormat(mk({ dataFileVersions: ['0.0', '0.3'] })), 'mixed: legacy (v1) + 2.0');
});

test('readManifest: broken files give clear errors', async (t) => {
  const dir = tmpDataset(t);
  const v = path.join(dir, '_versions');
  const good = manifestFile(syntheticManifest(1));
  fs.writeFileSync(path.join(v, '1.manifest'), good.subarray(0, good.length - 1)); // magic cut
  fs.writeFileSync(path.join(v, '2.manifest'), Buffer.alloc(5));
  const badPos = Buffer.from(good);
  badPos.writeBigUInt64LE(1n << 40n, badPos.length - 16);
  fs.writeFileSync(path.join(v, '3.manifest'), badPos);
  const badLen = Buffer.from(good);
  badLen.writeUInt32LE(0xfffffff0, 0);
  fs.writeFileSync(path.join(v, '4.manifest'), badLen);
  // Length fits the file but the protobuf inside is cut short
  const body = syntheticManifest(5);
  const cut = manifestFile(body.slice(0, body.length - 4)); // inside data_format
  fs.writeFileSync(path.join(v, '5.manifest'), cut);

  await assert.rejects(readManifest(dir, 1), /no LANC magic/);
  await assert.rejects(readManifest(dir, 2), /only 5 bytes/);
  await assert.rejects(readManifest(dir, 3), /position .* beyond the file/);
  await assert.rejects(readManifest(dir, 4), /length .* beyond the file/);
  await assert.rejects(readManifest(dir, 5), /Cannot decode Lance manifest .*5\.manifest: protobuf: truncated length-delimited field 15/);
  await assert.rejects(readManifest(dir, 6), /Version 6 has no manifest/);
  await assert.rejects(readManifest(dir, -1), /Invalid Lance version/);
});

// ---- the shared compatibility corpus -------------------------------------------------------

interface Expectation {
  path: string;
  expect: string;
  rows?: number;
  versions: number;
  latestVersion: number;
  columns: { name: string; type: string; nullable: boolean }[];
  schemaMetadata: Record<string, string>;
}

const CORPUS = process.env.LANCE_CORPUS ?? path.resolve(process.cwd(), '../shared/lance-compat-corpus');

/** path → size + sha256 + mtime of every file under dir, to prove the reader wrote nothing. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = fs.statSync(p);
        const hash = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
        out.set(path.relative(dir, p), `${st.size} ${st.mtimeMs} ${hash}`);
      }
    }
  };
  walk(dir);
  return out;
}

test('corpus: every dataset lists its versions and yields its schema from the manifest alone', async (t) => {
  if (!fs.existsSync(path.join(CORPUS, 'expectations.json'))) {
    console.log(`SKIPPED manifest corpus tests: shared corpus absent at ${CORPUS}`);
    t.skip(`shared corpus absent at ${CORPUS}`);
    return;
  }
  const before = snapshot(CORPUS);
  const expectations: Expectation[] = JSON.parse(fs.readFileSync(path.join(CORPUS, 'expectations.json'), 'utf8'));
  assert.ok(expectations.length >= 29, `expected the full corpus, got ${expectations.length} entries`);
  const formats = new Map<string, string>();

  for (const exp of expectations) {
    await t.test(exp.path, async () => {
      const dir = path.join(CORPUS, exp.path);
      const versions = await listManifestVersions(dir);
      // What is on disk: e.g. v0.21.0/bad_index_fragment_bitmap keeps only 4.manifest
      // (1 version listed, latest is 4), as the engine reports.
      assert.equal(versions.length, exp.versions, 'number of versions');
      assert.equal(versions[versions.length - 1], exp.latestVersion, 'last listed version');
      assert.equal((await listManifestVersions(dir)).at(-1), exp.latestVersion);

      // Every version decodes (schema-only / rows-unreadable datasets included)
      for (const v of versions) {
        const info = await readManifest(dir, v);
        assert.equal(info.version, v, `manifest of version ${v} records its own version`);
        assert.ok(info.timestamp && !Number.isNaN(Date.parse(info.timestamp)), `timestamp of ${v}`);
      }

      const info = await readManifest(dir, exp.latestVersion);
      const top = topLevelFields(info);
      assert.deepEqual(
        top.map((f) => ({ name: f.name, type: fieldDisplayType(f, info.fields), nullable: f.nullable })),
        exp.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
        'columns',
      );
      // The flat display name agrees with the nested one for these (non-nested) schemas
      assert.deepEqual(
        top.map((f) => logicalTypeToDisplay(f.logicalType)),
        exp.columns.map((c) => c.type),
      );
      assert.deepEqual(info.schemaMetadata, exp.schemaMetadata, 'schema metadata');
      if (info.rowCount !== undefined) assert.equal(info.rowCount, exp.rows, 'row count from the manifest');
      assert.equal(info.fragmentIds.length, info.fragmentCount);
      formats.set(exp.path, describeDataFormat(info));
    });
  }

  // Known cases, checked against the corpus documentation
  const fmt = (p: string) => formats.get(p);
  assert.equal(fmt('lance-test_data/v0.15.0/v1_with_files.lance'), 'legacy (v1)');
  assert.equal(fmt('lance-test_data/v0.15.0/v1_no_files.lance'), 'legacy (v1)');
  assert.equal(fmt('lance-test_data/v0.15.0/v2_with_files.lance'), '2.0'); // files say 0.3 = 2.0
  assert.equal(fmt('lance-test_data/v0.15.0/v2_no_files.lance'), '2.0'); // only the writer flag says so
  assert.equal(fmt('lance-test_data/v0.16.0/wrong_data_version_can_fix.lance'), '2.0 (manifest says legacy)');
  assert.equal(fmt('lance-test_data/v0.16.0/wrong_data_version_no_fix.lance'), 'mixed: legacy (v1) + 2.0');
  assert.equal(fmt('lance-test_data/0.36.0/btree_in_index_pkg.lance'), '2.0');
  assert.equal(fmt('lance-test_data/v0.5.9/no_fragments'), 'legacy (v1)');

  // physical_rows of this dataset is wrong (lance issue #1531): no row count must be claimed
  const migrated = await readManifest(path.join(CORPUS, 'lance-test_data/v0.8.0/migrated_from_v0.7.5'), 3);
  assert.equal(migrated.rowCount, undefined);

  const after = snapshot(CORPUS);
  assert.deepEqual(after, before, 'the corpus must be left unchanged');
});
