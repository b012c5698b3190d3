// The grid's pure parts in plain Node: SQL quoting for "filter by this value" (checked by parsing the
// text back with the fake host's SQL interpreter), combining filters, the word under the caret for
// completion, rows as JSON, the page LRU, default columns.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Cell, SchemaField } from '../../src/shared/types';
import { cellJson, cellPlainText, rowJson } from '../../src/shared/cellJson';
import { trackFor, validColumns } from '../../src/webview/grid/columns';
import { defaultColumns, MAX_DEFAULT_COLUMNS, rowsPerPage } from '../../src/shared/firstScreen';
import { PageLru } from '../../src/webview/grid/rowsQuery';
import { andFilter, conditionFor, quoteIdent, quoteString, splitTopLevel, wordAt } from '../../src/shared/sql';
import { compileFilter } from './fakeRows';

describe('SQL quoting', () => {
  test('identifiers: plain lower-case words bare; anything else, and keywords, in backticks with `` doubled', () => {
    assert.equal(quoteIdent('label_name'), 'label_name');
    assert.equal(quoteIdent('_x1'), '_x1');
    assert.equal(quoteIdent('Quality score'), '`Quality score`');
    assert.equal(quoteIdent('Label'), '`Label`');
    assert.equal(quoteIdent('1st'), '`1st`');
    assert.equal(quoteIdent('order'), '`order`');
    assert.equal(quoteIdent('select'), '`select`');
    assert.equal(quoteIdent('a-b'), '`a-b`');
    assert.equal(quoteIdent('we`ird'), '`we``ird`');
    assert.equal(quoteIdent('日本'), '`日本`');
  });

  test("strings: single quotes, ' doubled, backslashes and unicode verbatim", () => {
    assert.equal(quoteString("O'Neil"), "'O''Neil'");
    assert.equal(quoteString('C:\\temp\\new'), "'C:\\temp\\new'");
    assert.equal(quoteString('“café” ☕ 日本語 \u{1F600}'), "'“café” ☕ 日本語 \u{1F600}'");
    assert.equal(quoteString(''), "''");
    assert.equal(quoteString("''"), "''''''");
  });

  test('conditions by cell type: strings quoted, numbers and int64 bare, booleans, null as IS NULL; others none', () => {
    assert.equal(conditionFor('label_name', "jack-o'-lantern"), "label_name = 'jack-o''-lantern'");
    assert.equal(conditionFor('label', 3), 'label = 3');
    assert.equal(conditionFor('score', -0.25), 'score = -0.25');
    assert.equal(conditionFor('score', -0), "score = '-0'::double", 'the engine orders floats by total order: = 0 misses -0');
    assert.equal(conditionFor('tiny', 1e-7), 'tiny = 1e-7');
    assert.equal(conditionFor('big', { t: 'i64', v: '9007199254740993' }), 'big = 9007199254740993');
    assert.equal(conditionFor('big', { t: 'i64', v: '-9223372036854775808' }), "big = CAST('-9223372036854775808' AS BIGINT)", 'i64::MIN as a literal overflows');
    assert.equal(conditionFor('ok', true), 'ok = true');
    assert.equal(conditionFor('Caption', null), '`Caption` IS NULL');
    assert.equal(conditionFor('caption', ''), "caption = ''");
    assert.equal(conditionFor('image', { t: 'bin', size: 3, head: 'ff d8 ff' }), undefined);
    assert.equal(conditionFor('v', { t: 'vec', dim: 2, norm: 1, head: [1, 0] }), undefined);
    assert.equal(conditionFor('t', { t: 'time', v: '2024-01-01T00:00:00Z', type: 'Timestamp' }), undefined);
  });

  test('conditions parse back to the same value (through an independent SQL interpreter)', () => {
    const values: Record<string, unknown> = {
      label_name: "O'Neil's “café” ☕ C:\\temp\\x ''",
      'Quality score': 9.48,
      big: 9_007_199_254_740_993n,
      order: 'x`y',
      'we`ird': -12,
      empty: '',
      missing: null,
    };
    const cells: Record<string, Cell> = {
      label_name: values.label_name as string,
      'Quality score': 9.48,
      big: { t: 'i64', v: '9007199254740993' },
      order: 'x`y',
      'we`ird': -12,
      empty: '',
      missing: null,
    };
    const get = (_row: number, c: string) => {
      if (!(c in values)) throw new Error(`unknown column ${c}`);
      return values[c];
    };
    for (const [col, cell] of Object.entries(cells)) {
      const cond = conditionFor(col, cell)!;
      assert.equal(compileFilter(cond, get)(0), true, `${cond} matches its own value`);
    }
    const all = Object.entries(cells).reduce((f, [c, v]) => andFilter(f, conditionFor(c, v)!), '');
    assert.equal(compileFilter(all, get)(0), true, all);
  });
});

describe('combining filters', () => {
  test('AND appended; parentheses only around a top-level OR; no duplicate condition', () => {
    assert.equal(andFilter('', 'a = 1'), 'a = 1');
    assert.equal(andFilter('  ', 'a = 1'), 'a = 1');
    assert.equal(andFilter('b > 2', 'a = 1'), 'b > 2 AND a = 1');
    assert.equal(andFilter('b > 2 OR c < 1', 'a = 1'), '(b > 2 OR c < 1) AND a = 1');
    assert.equal(andFilter('(b > 2 OR c < 1)', 'a = 1'), '(b > 2 OR c < 1) AND a = 1');
    assert.equal(andFilter("name = 'x or y'", 'a = 1'), "name = 'x or y' AND a = 1");
    assert.equal(andFilter('`or` = 1', 'a = 1'), '`or` = 1 AND a = 1');
    assert.equal(andFilter('color = 1', 'a = 1'), 'color = 1 AND a = 1', '"or" inside a word is not OR');
    assert.equal(andFilter('b > 2 AND a = 1', 'a = 1'), 'b > 2 AND a = 1');
  });

  test('splitTopLevel skips strings, quoted identifiers and parentheses', () => {
    assert.deepEqual(splitTopLevel("a = 'x AND y' AND (b OR c) and d", 'AND'), ["a = 'x AND y'", '(b OR c)', 'd']);
    assert.deepEqual(splitTopLevel("a = 'it''s' or b", 'OR'), ["a = 'it''s'", 'b']);
  });

  test('the word under the caret (for completion), not inside strings; inside backticks', () => {
    assert.deepEqual(wordAt('lab', 3), { start: 0, word: 'lab' });
    assert.deepEqual(wordAt('id < 3 AND lab', 14), { start: 11, word: 'lab' });
    assert.deepEqual(wordAt('`Quality score` > 9.5 AND lab', 29), { start: 26, word: 'lab' });
    assert.deepEqual(wordAt('`Qual', 5), { start: 0, word: 'Qual' });
    assert.equal(wordAt("name = 'lab", 11), undefined);
    assert.equal(wordAt('a = 1 ', 6), undefined);
  });
});

describe('copying', () => {
  test('a row as JSON keeps int64 exact, writes vectors, binaries, nesting, nulls', () => {
    const json = rowJson(
      '4294967296',
      ['id', 'big', 'name', 'img', 'vec', 'list', 's', 'n'],
      [
        3,
        { t: 'i64', v: '9007199254740993' },
        'a "quoted" \\ name',
        { t: 'bin', size: 10, media: 'image/png', head: '89 50', bytes: new Uint8Array(10) },
        { t: 'vec', dim: 3, norm: 1, head: [1, 0, 0], values: [1, 0, 0] },
        { t: 'list', length: 2, items: [1, { t: 'i64', v: '-9007199254740993' }] },
        { t: 'struct', fields: { x: null, y: 'z' } },
        null,
      ],
    );
    assert.match(json, /"_rowid": 4294967296,/);
    assert.match(json, /"big": 9007199254740993,/);
    assert.match(json, /\[1,-9007199254740993\]/);
    const o = JSON.parse(json);
    assert.equal(o.name, 'a "quoted" \\ name');
    assert.deepEqual(o.img, { binary: true, size: 10, media: 'image/png', head: '89 50' });
    assert.deepEqual(o.vec, [1, 0, 0]);
    assert.deepEqual(o.s, { x: null, y: 'z' });
    assert.equal(o.n, null);
  });

  test('a cell as text', () => {
    assert.equal(cellPlainText('x\ny'), 'x\ny');
    assert.equal(cellPlainText({ t: 'i64', v: '9007199254740993' }), '9007199254740993');
    assert.equal(cellPlainText(null), 'null');
    assert.equal(cellPlainText(1.5), '1.5');
    assert.equal(cellJson({ t: 'vec', dim: 512, norm: 1, head: [0.5] }), '{"truncated":true,"length":512,"items":[0.5]}', 'a vector summary says it is one, as a capped list does');
  });
});

describe('page cache and columns', () => {
  test('the LRU keeps the most recently used pages and counts evictions', () => {
    const lru = new PageLru<string>(3);
    for (const k of [1, 2, 3]) lru.set(k, `p${k}`);
    lru.get(1); // 1 is now the most recent
    lru.set(4, 'p4'); // evicts 2
    assert.equal(lru.has(2), false);
    assert.deepEqual(
      [1, 3, 4].map((k) => lru.has(k)),
      [true, true, true],
    );
    assert.equal(lru.evictions, 1);
    lru.peek(3); // peek does not refresh
    lru.set(5, 'p5'); // evicts 3
    assert.equal(lru.has(3), false);
    assert.equal(lru.size, 3);
  });

  const f = (name: string, kind: SchemaField['kind'], type = 'Utf8'): SchemaField => ({ name, type, kind, nullable: true, metadata: {}, children: [] });

  test('defaults: every column of a narrow table; for a wide one images, ids and labels first, in schema order', () => {
    const narrow = [f('id', 'int', 'Int64'), f('image', 'binary'), f('label_name', 'string'), f('emb', 'vector')];
    assert.deepEqual(defaultColumns(narrow), ['id', 'image', 'label_name', 'emb']);
    const wide = [
      f('x0', 'float', 'Float32'),
      ...Array.from({ length: 30 }, (_, i) => f(`feature_${i}`, 'float', 'Float32')),
      f('label', 'int', 'Int32'),
      f('image', 'binary'),
      f('sample_id', 'string'),
    ];
    const d = defaultColumns(wide);
    assert.equal(d.length, MAX_DEFAULT_COLUMNS);
    for (const c of ['label', 'image', 'sample_id']) assert.ok(d.includes(c), c);
    assert.deepEqual(
      d,
      wide.map((x) => x.name).filter((n) => d.includes(n)),
      'schema order kept',
    );
  });

  test('saved columns are kept only if they still exist', () => {
    const fields = [f('a', 'string'), f('b', 'string')];
    assert.deepEqual(validColumns(['b', 'gone', 'a', 'b'], fields), ['b', 'a']);
    assert.deepEqual(validColumns([], fields), []);
    assert.equal(validColumns(['gone'], fields), undefined);
    assert.equal(validColumns('nope', fields), undefined);
  });

  test('widths: images fixed, vectors narrow, int64 wide enough for 20 digits', () => {
    assert.equal(trackFor(f('image', 'binary', 'LargeBinary')).track, '84px');
    assert.equal(trackFor(f('emb', 'vector', 'FixedSizeList[512]<Float32>')).minPx, 176);
    assert.equal(trackFor(f('id', 'int', 'Int64')).minPx, 150);
    assert.equal(trackFor(f('label', 'int', 'Int32')).minPx, 90);
  });
});

test('rows per page: the setting, fewer for large rows with images, never under a screenful', () => {
  assert.equal(rowsPerPage(50, false, 136_000), 50, 'no image column: the setting');
  assert.equal(rowsPerPage(50, true, undefined), 50, 'size unknown: the setting');
  assert.equal(rowsPerPage(50, true, 13_000), 50, 'small images: the setting');
  assert.equal(rowsPerPage(50, true, 136_000), 11, '120 KB JPEGs: about 1.5 MB a page');
  assert.equal(rowsPerPage(50, true, 5_000_000), 10, 'huge rows: a screenful');
});
