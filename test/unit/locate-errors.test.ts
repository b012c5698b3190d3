// Locating datasets and classifying engine errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { classify, closestName, filterMessage } from '../../src/extension/lance/errors';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { doubleQuoted, filterHints } from '../../src/shared/filterHints';
import { lancedb } from '../fixtures/lance';
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
  const parse = classify(
    new Error(
      'Failed to execute query stream: GenericFailure, Invalid input, Error parsing statement: SELECT 1 FROM t WHERE price > (sql parser error: Expected: an expression, found: EOF)',
    ),
    undefined,
    'filter',
  );
  assert.equal(parse.kind, 'bad-filter');
  assert.match(parse.message, /^Filter error: SQL syntax: Expected: an expression, found: EOF/, 'the reason leads');
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

// ---------------------------------------------------------------------------------------------
// Filter errors through the real engine: the reason first and whole, no plumbing, no internal query.

/** A small table with a mixed-case column (`Label`), a name with a space and prototype-like names. */
async function errorsTable(): Promise<{ dir: string; uri: string }> {
  const dir = tmp();
  const db = await lancedb.connect(dir);
  const t = await db.createTable('t', [
    { Label: 'x', label_name: 'golden', n: 1, 'weird col': 2, constructor: 'c' },
    { Label: 'y', label_name: 'tabby', n: 2, 'weird col': 3, constructor: 'd' },
  ]);
  t.close();
  db.close();
  return { dir, uri: path.join(dir, 't.lance') };
}

/** The message and detail of the data layer's error for `filter` (count and a page: both paths). */
async function filterError(ds: LanceDataset, filter: string): Promise<{ message: string; detail: string }> {
  const seen: { message: string; detail: string }[] = [];
  for (const run of [() => ds.count(filter), () => ds.rows({ filter, offset: 0, limit: 5 })]) {
    try {
      await run();
      assert.fail(`${filter} should fail`);
    } catch (e) {
      const err = e as { kind?: string; message: string; detail?: string };
      assert.equal(err.kind, 'bad-filter', `${filter}: ${err.message}`);
      seen.push({ message: err.message, detail: err.detail ?? '' });
    }
  }
  assert.equal(seen[0].message, seen[1].message, 'count and rows say the same');
  for (const { message, detail } of seen) {
    for (const text of [message, detail]) {
      assert.doesNotMatch(
        text,
        /SELECT 1 FROM|FROM t WHERE|\.rs:\d+|cargo|GenericFailure|Failed to execute|Caused by|LanceError\(|Exec\b/,
        `no plumbing in ${JSON.stringify(text)}`,
      );
    }
  }
  return seen[0];
}

test('filter errors through the engine lead with their reason, whole and without internal text', async () => {
  const { dir, uri } = await errorsTable();
  const ds = await LanceDataset.open({ uri, name: 't' });
  try {
    // A long filter whose reason comes at the end: the reason is kept, the long value loses its middle.
    const long = 'a'.repeat(2000);
    const syntax = await filterError(ds, `label_name = '${long}' AND n >`);
    assert.match(syntax.message, /^Filter error: SQL syntax: Expected: an expression, found: EOF\.$/);
    assert.ok(syntax.detail.length < 400, `detail shortened around the value: ${syntax.detail.length}`);
    assert.match(syntax.detail, /\(2,000 characters\)/);
    assert.match(syntax.detail, /Expected: an expression, found: EOF/, 'the detail keeps the reason too');

    // Type mismatches, in words, with what to write.
    const textCol = await filterError(ds, `label_name = 1`);
    assert.match(textCol.message, /^Filter error: type mismatch: 1 is a number \(Int64\) but is compared with text \(Utf8\)\. Text values go in single quotes: '1'\.$/);
    const numCol = await filterError(ds, `n = '3'`);
    assert.match(numCol.message, /^Filter error: type mismatch: '3' is text \(Utf8\) but is compared with a number \(\w+\)\. Numbers are written without quotes: 3\.$/);
    const longMismatch = await filterError(ds, `label_name = '${long}' AND n = 'x'`);
    assert.match(longMismatch.message, /^Filter error: type mismatch: 'x' is text/, 'the reason, not the long filter, leads');
    const arith = await filterError(ds, `label_name + 1 = 2`);
    assert.equal(arith.message, 'Filter error: Cannot coerce arithmetic expression Utf8 + Int64 to valid types.');
    const like = await filterError(ds, `n LIKE 3`);
    assert.match(like.message, /^Filter error: There isn't a common type to coerce \w+ and Int64 in LIKE expression\.$/);
    const cast = await filterError(ds, `label_name = n`);
    assert.match(cast.message, /^Filter error: Cannot cast string '(golden|tabby)' to value of \w+ type\.$/);

    // Unknown columns, with the engine's suggestion or our own (case-insensitive / closest), in backticks when needed.
    assert.equal((await filterError(ds, `labelname = 'x'`)).message, 'No column named labelname in this dataset. Did you mean label_name?');
    assert.equal((await filterError(ds, `labl = 'x'`)).message, 'No column named labl in this dataset. Did you mean `Label`?');
    assert.equal((await filterError(ds, `weird = 1`)).message, 'No column named weird in this dataset. Did you mean `weird col`?');
    const none = await filterError(ds, `zzzzzz = 1`);
    assert.match(none.message, /^No column named zzzzzz in this dataset\. Columns: `Label`, label_name, n, `weird col`, constructor\.$/);
    assert.match(none.detail, /No field named zzzzzz/);

    // A double-quoted identifier: a cast error about the string 'Label', with the backtick hint.
    const dq = await filterError(ds, `"Label" = 1`);
    assert.match(
      dq.message,
      /^Filter error: Cannot cast string 'Label' to value of Int64 type\. Note: "Label" in double quotes is text, not a column; column names take backticks: `Label`\.$/,
    );
    // …and inside a longer filter whose text holds the engine's own words.
    const dq2 = await filterError(ds, `label_name = 'Cannot cast (x)' AND "n" > 2`);
    assert.match(dq2.message, /^Filter error: Cannot cast string 'n' to value of Int64 type\. Note: "n" .* `n`\.$/);
  } finally {
    ds.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('engine errors shown to users carry no internal query or internal columns', async () => {
  const { dir, uri } = await errorsTable();
  const ds = await LanceDataset.open({ uri, name: 't' });
  const internal = /_rowid|_rowaddr|_rowoffset|_row_last_updated_at_version|_row_created_at_version|SELECT 1 FROM/;
  try {
    // Unknown column: the engine lists its own columns among the user's ("Valid fields are …, _rowid, _rowaddr, …").
    const none = await filterError(ds, `zzzzzz = 1`);
    for (const text of [none.message, none.detail]) assert.doesNotMatch(text, internal, text);
    assert.match(none.detail, /^Schema error: No field named zzzzzz\. Valid fields are "Label", label_name, n, "weird col", constructor\.$/);
    // …and suggests one of them for a name that is no column ("Did you mean '_rowid'?").
    const rowid = await filterError(ds, `rowid = 1`);
    assert.equal(rowid.message, 'No column named rowid in this dataset.');
    assert.doesNotMatch(rowid.detail, internal, rowid.detail);
    // A name that itself begins with "_" is after the engine's columns: that suggestion stays.
    assert.equal((await filterError(ds, `_rowidd = 1`)).message, 'No column named _rowidd in this dataset. Did you mean _rowid?');

    // The tokenizer echoes the internal query and counts its positions from it: the column is the filter's.
    const open = await filterError(ds, `n = 'a`);
    assert.equal(open.message, 'Filter error: SQL syntax: Unterminated string literal at Line: 1, Column: 5.');
    assert.equal(open.detail, `Error tokenizing statement: n = 'a (Unterminated string literal at Line: 1, Column: 5)`);
    const later = await filterError(ds, `label_name = 'é' AND n = 'x`);
    assert.match(later.message, /Column: 26\.$/, later.message);
    const secondLine = await filterError(ds, `n = 1 AND\nlabel_name = 'abc`);
    assert.match(secondLine.message, /at Line: 2, Column: 14\.$/, 'lines after the first have no prefix to subtract');
    const tick = await filterError(ds, 'n = 1 AND `nope = 2');
    assert.match(tick.message, /^Filter error: SQL syntax: Expected close delimiter '`' before EOF\. at Line: 1, Column: 11\.$/);
    for (const e of [open, later, secondLine, tick]) for (const text of [e.message, e.detail]) assert.doesNotMatch(text, internal, text);
  } finally {
    ds.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('engine error text without a filter context is cleaned the same way', () => {
  const raw = `Failed to execute query stream: GenericFailure, Invalid input, Error tokenizing statement: SELECT 1 FROM t WHERE x = 'a (Unterminated string literal at Line: 1, Column: 27)`;
  const e = classify(new Error(raw));
  assert.equal(e.kind, 'bad-filter');
  assert.equal(e.message, 'Filter error: SQL syntax: Unterminated string literal at Line: 1, Column: 5.');
  const list = classify(new Error('Invalid input, Schema error: No field named zzzzz. Valid fields are _rowid, a, "b, _rowaddr", _rowaddr.'));
  assert.equal(list.detail, 'Schema error: No field named zzzzz. Valid fields are a, "b, _rowaddr".', 'internal names go wherever they are in the list; a quoted user name stays');
  assert.equal(list.message, 'No column named zzzzz in this dataset. Columns: a, `b, _rowaddr`.');
});

test('a double-quoted column name silently selects no row in the engine; filterHints says so', async () => {
  const { dir, uri } = await errorsTable();
  const ds = await LanceDataset.open({ uri, name: 't' });
  try {
    // The engine's behaviour (lancedb 0.37.1): "Label" is the text 'Label', so this compares two constants.
    assert.equal(await ds.count(`"Label" = 'x'`), 0);
    assert.equal(await ds.count("`Label` = 'x'"), 1);
    assert.equal(await ds.count(`Label = 'x'`), 1, 'bare names resolve regardless of case');
    assert.equal(await ds.count(`label_name = "golden"`), 1, 'a double-quoted value is text');
    const columns = (await ds.describe()).schema.map((f) => f.name);
    const hints = filterHints(`"Label" = 'x'`, columns);
    assert.equal(hints.length, 1);
    assert.match(hints[0], /^"Label" in double quotes is the text 'Label', not the column Label: write `Label` for the column\.$/);
    assert.deepEqual(filterHints(`label_name = "golden"`, columns), [], 'a double-quoted value that is no column name: no hint');
    assert.deepEqual(filterHints("`Label` = 'x'", columns), []);
    assert.deepEqual(filterHints(`label_name = '"Label"'`, columns), [], 'inside a single-quoted string it is text on purpose');
    assert.match(filterHints(`"label" = 'x'`, columns)[0], /not the column Label: write `Label`/, 'case-insensitive, naming the real column');
    assert.match(filterHints(`"n" > 1 AND "n" < 5`, columns).join('|'), /^"n" .*write `n` \(or n\) for the column\.$/, 'once per name');
    assert.match(filterHints(`"weird col" = 2`, columns)[0], /write `weird col` for the column/);
    assert.match(filterHints(`"constructor" = 'c'`, columns)[0], /write `constructor`/);
    assert.deepEqual(filterHints(`"toString" = 'c' AND "__proto__" = 1`, columns), [], 'prototype names are not columns here');
    assert.deepEqual(filterHints(`"__proto__" = 1`, ['__proto__']).length, 1);
  } finally {
    ds.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('filter message helpers: quoted strings, closest names, plumbing-free messages', () => {
  assert.deepEqual(doubleQuoted(`"a" = 'b "c"' AND \`d "e"\` = "f""g" AND "open`), ['a', 'f"g']);
  assert.equal(closestName('label', ['Label', 'lable']), 'Label');
  assert.equal(closestName('lable_name', ['label_name', 'id']), 'label_name');
  assert.equal(closestName('xyz', ['label_name', 'id']), undefined);
  // An engine message with a source path right before its closing parenthesis, and "Caused by" repeats.
  const raw =
    'lance error: LanceError(IO): Error during planning: Invalid comparison operation: Utf8 = Int64, /usr/local/cargo/registry/src/x/lance-10.0.0/src/dataset/scanner.rs:460:33  Caused by: LanceError(IO): Error during planning: Invalid comparison operation: Utf8 = Int64, /usr/local/cargo/registry/src/x/scanner.rs:460:33';
  assert.equal(filterMessage(raw), 'Filter error: Invalid comparison operation: Utf8 = Int64.');
  const bad = classify(new Error(raw), undefined, 'filter');
  assert.equal(bad.detail, 'Invalid comparison operation: Utf8 = Int64');
  // A cause that adds words stays in the detail; one that repeats the message does not.
  const io = classify(
    new Error(
      'lance error: LanceError(IO): Generic error: could not open, /usr/local/cargo/registry/x/io.rs:1:2  Caused by: LanceError(IO): Generic error: could not open, /x/io.rs:1:2  Caused by: Permission denied (os error 13)',
    ),
  );
  assert.equal(io.detail, 'lance error: Generic error: could not open Caused by: Permission denied (os error 13)');
  // A plan node in the text does not reach the user.
  assert.doesNotMatch(filterMessage('Execution error: Cannot run LanceEmptyExec: schema=[a] with a filter'), /LanceEmptyExec/);
  // A message far longer than 300 characters is not cut.
  const reason = 'Invalid argument: ' + Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
  assert.equal(filterMessage(`Invalid input, ${reason}`), `Filter error: ${reason}.`);
});
