// Locating datasets and classifying engine errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { classify } from '../../src/extension/lance/errors';
import { locate, tableNameOf } from '../../src/extension/lance/locate';
import { sniffImage, hexHead } from '../../src/shared/sniff';
import { quoteIdent, sqlLiteral } from '../../src/shared/sql';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'li-locate-'));
}

test('a folder without _versions is not a dataset, and the message says what one looks like', async () => {
  const d = tmp();
  fs.writeFileSync(path.join(d, 'notes.txt'), 'hello');
  await assert.rejects(locate(d), (e: Error & { kind?: string }) => e.kind === 'not-a-dataset' && /not a Lance dataset/.test(e.message) && /_versions/.test(e.message));
  await assert.rejects(locate(path.join(d, 'notes.txt')), (e: Error & { kind?: string }) => e.kind === 'not-a-dataset' && /file, not a folder/.test(e.message));
  await assert.rejects(locate(path.join(d, 'missing')), (e: Error & { kind?: string }) => e.kind === 'not-a-dataset' && /does not exist/.test(e.message));
});

test('any folder holding _versions is a dataset; a folder of them is a database', async () => {
  const d = tmp();
  fs.mkdirSync(path.join(d, 'db', 'a.lance', '_versions'), { recursive: true });
  fs.mkdirSync(path.join(d, 'db', 'plain_name', '_versions'), { recursive: true });
  fs.mkdirSync(path.join(d, 'db', 'other'), { recursive: true });
  const a = await locate(path.join(d, 'db', 'a.lance'));
  assert.deepEqual(a, { kind: 'dataset', location: { uri: path.join(d, 'db', 'a.lance'), name: 'a' } });
  const p = await locate(path.join(d, 'db', 'plain_name') + '/');
  assert.equal(p.kind, 'dataset');
  const db = await locate(path.join(d, 'db'));
  assert.equal(db.kind, 'database');
  assert.deepEqual(db.kind === 'database' && db.tables.map((t) => t.name), ['a', 'plain_name']);
});

test('object-store URIs are taken as one dataset', async () => {
  const s3 = await locate('s3://bucket/path/images.lance/');
  assert.deepEqual(s3, { kind: 'dataset', location: { uri: 's3://bucket/path/images.lance', name: 'images' } });
  assert.equal(tableNameOf('gs://b/x/y.lance'), 'y');
});

test('engine messages become structured kinds with the engine words kept as detail', () => {
  const bad = classify(new Error('Invalid input, Schema error: No field named nosuch. Valid fields are a, b.'));
  assert.equal(bad.kind, 'bad-filter');
  assert.match(bad.message, /No column named nosuch/);
  const parse = classify(new Error("Failed to execute query stream: GenericFailure, Invalid input, Error parsing statement: SELECT 1 FROM t WHERE price > (sql parser error: Expected: an expression, found: EOF)"), undefined, 'filter');
  assert.equal(parse.kind, 'bad-filter');
  assert.match(parse.message, /^Filter error: .*price >.*Expected: an expression/);
  assert.doesNotMatch(parse.message, /SELECT 1 FROM t/);
  const missing = classify(new Error('lance error: Not found: tmp/x.lance/data/abc.lance, /usr/local/cargo/registry/src/foo.rs:1:2'));
  assert.equal(missing.kind, 'unreadable-data');
  assert.doesNotMatch(missing.detail!, /cargo/);
  assert.equal(classify(new Error('Unrecognized type: "LargeList" (21)')).kind, 'unsupported-type');
  assert.equal(classify(new Error('Query timeout after 10 ms')).kind, 'timeout');
  assert.equal(classify(new Error('dataset cannot be read by this version of Lance. Flags: 64')).kind, 'unsupported-version');
  assert.equal(classify(new Error('Panic in async function')).kind, 'internal');
});

test('image media types are sniffed from magic bytes', () => {
  assert.equal(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(sniffImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'image/png');
  assert.equal(sniffImage(new TextEncoder().encode('GIF89a')), 'image/gif');
  assert.equal(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ')), 'image/webp');
  assert.equal(sniffImage(new Uint8Array([0x42, 0x4d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), 'image/bmp');
  assert.equal(sniffImage(new Uint8Array([1, 2, 3, 4])), undefined);
  assert.equal(sniffImage(new Uint8Array([])), undefined);
  assert.equal(hexHead(new Uint8Array([0, 255, 16])), '00 ff 10');
});

test('SQL quoting of identifiers and values', () => {
  assert.equal(quoteIdent('label_name'), 'label_name');
  assert.equal(quoteIdent('weird col'), '`weird col`');
  assert.equal(quoteIdent('Label'), '`Label`', 'DataFusion lower-cases bare identifiers');
  assert.equal(quoteIdent('a`b'), '`a``b`');
  assert.equal(sqlLiteral("jack-o'-lantern"), "'jack-o''-lantern'");
  assert.equal(sqlLiteral(3), '3');
  assert.equal(sqlLiteral(null), 'NULL');
});

test('lance:class_names decodes from JSON, lines or commas', async () => {
  const { decodeClassNames } = await import('../../src/extension/lance/schema');
  assert.deepEqual(decodeClassNames({ 'lance:class_names': '["a","b, c"]' }), ['a', 'b, c']);
  assert.deepEqual(decodeClassNames({ 'lance:class_names': 'tench\ngoldfish\n' }), ['tench', 'goldfish']);
  assert.deepEqual(decodeClassNames({ 'lance:class_names': 'tench,goldfish,great_white_shark' }), ['tench', 'goldfish', 'great_white_shark']);
  assert.equal(decodeClassNames({}), undefined);
});
