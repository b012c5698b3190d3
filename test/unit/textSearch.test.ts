// Full-text search (textSearch.ts) on the ImageNet-like fixture's captions: through the FTS index the
// answer is the engine's own fullTextSearch (ids and BM25 scores); without an index it is a substring
// scan, checked here against the caption column read in full.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Connection, Table } from '@lancedb/lancedb';
import { lancedb } from '../fixtures/lance';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { LanceError } from '../../src/extension/lance/errors';
import { FTS_ENGLISH_STOP_WORDS, queryTerms, searchText, substringCondition, TEXT_SEARCH_MAX_IDS } from '../../src/extension/lance/textSearch';

const ROWS = 600;
let dir: string;
let db: Connection;
let indexed: Table;
let plain: Table;
/** Every caption by row id, read in full (the independent truth for the scan). */
let captions: { id: string; caption: string; labelName: string; label: number }[];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-textsearch-'));
  // Small images: these tests read captions only.
  const small = { rows: ROWS, seed: 11, minSide: 32, maxSide: 48, batchRows: 250 };
  await generateImagenetLike({ dir, ...small });
  await generateImagenetLike({ dir, name: 'no_fts', ...small, ftsIndex: false });
  db = await lancedb.connect(dir);
  indexed = await db.openTable('imagenet_val');
  plain = await db.openTable('no_fts');
  const all = await plain.query().select(['caption', 'label_name', 'label']).withRowId().toArray();
  captions = all.map((r) => ({ id: String(r._rowid), caption: r.caption as string, labelName: r.label_name as string, label: r.label as number }));
  assert.equal(captions.length, ROWS);
});

after(() => {
  indexed?.close();
  plain?.close();
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The engine's own answer for the same query: (id → score). */
async function engineFts(t: Table, text: string, filter?: string): Promise<Map<string, number>> {
  const q = t.query().fullTextSearch(text, { columns: 'caption' }).select([]).withRowId().limit(100_000);
  if (filter) q.where(filter);
  const rows = await q.toArray();
  return new Map(rows.map((r) => [String(r._rowid), r._score as number]));
}

function assertRanked(scores: number[]): void {
  for (let i = 1; i < scores.length; i++) assert.ok(scores[i] <= scores[i - 1], `scores fall: ${scores[i - 1]} then ${scores[i]} at ${i}`);
}

describe('through the FTS index', () => {
  test('ids and BM25 scores agree with the engine’s fullTextSearch, best first', async () => {
    for (const text of ['golden retriever', 'grass', 'snow at night', 'Tabby CAT']) {
      const res = await searchText(indexed, { column: 'caption', text });
      assert.deepEqual(res.answeredBy, { kind: 'fts-index', name: 'caption_idx' });
      const truth = await engineFts(indexed, text);
      assert.ok(truth.size > 0, `"${text}" matches something`);
      assert.equal(res.rowIds.length, truth.size, `"${text}": every match (no default limit of 10)`);
      assert.equal(res.truncated, false);
      assert.equal(res.scores!.length, res.rowIds.length);
      res.rowIds.forEach((id, i) => assert.ok(Math.abs(res.scores![i] - truth.get(id)!) < 1e-6, `score of ${id}`));
      assertRanked(res.scores!);
      assert.equal(res.stemmed, true);
    }
  });

  test('a filter is applied before ranking: the ids all satisfy it and are the engine’s filtered answer', async () => {
    const filter = "label_name = 'golden_retriever' OR label < 3";
    const res = await searchText(indexed, { column: 'caption', text: 'photo grass', filter });
    const truth = await engineFts(indexed, 'photo grass', filter);
    assert.deepEqual(new Set(res.rowIds), new Set(truth.keys()));
    const ok = new Set(captions.filter((c) => c.labelName === 'golden_retriever' || c.label < 3).map((c) => c.id));
    assert.ok(res.rowIds.length > 0 && res.rowIds.every((id) => ok.has(id)));
    // Prefilter, not postfilter: with a bound of 5, the 5 best *filtered* rows come back, not fewer.
    const five = await searchText(indexed, { column: 'caption', text: 'photo', filter: "label_name = 'pizza'", maxIds: 5 });
    assert.equal(five.rowIds.length, 5);
    assert.equal(five.truncated, true);
  });

  test('the bound: maxIds rows, truncated said; never more than TEXT_SEARCH_MAX_IDS', async () => {
    const all = await searchText(indexed, { column: 'caption', text: 'photo' });
    assert.ok(all.rowIds.length > 50);
    const some = await searchText(indexed, { column: 'caption', text: 'photo', maxIds: 50 });
    assert.equal(some.rowIds.length, 50);
    assert.equal(some.truncated, true);
    assert.deepEqual(some.scores, all.scores!.slice(0, 50), 'the best 50 scores');
    const capped = await searchText(indexed, { column: 'caption', text: 'photo', maxIds: 10 * TEXT_SEARCH_MAX_IDS });
    assert.equal(capped.rowIds.length, all.rowIds.length);
  });

  test('a double-quoted phrase needs its words adjacent and in order; AND is no operator', async () => {
    const phrase = await searchText(indexed, { column: 'caption', text: '"golden retriever"' });
    assert.ok(phrase.rowIds.length > 0);
    const byId = new Map(captions.map((c) => [c.id, c.caption]));
    assert.ok(phrase.rowIds.every((id) => byId.get(id)!.includes('golden retriever')));
    const reversed = await searchText(indexed, { column: 'caption', text: '"retriever golden"' });
    assert.equal(reversed.rowIds.length, 0);
    // Without quotes the words are OR-ed: "golden AND snow" finds golden retrievers that are not in snow.
    const and = await searchText(indexed, { column: 'caption', text: 'golden AND snow' });
    assert.ok(and.rowIds.some((id) => !byId.get(id)!.includes('snow')));
  });

  test('query terms: lower-cased words as the simple tokenizer splits them, stop words dropped', async () => {
    const res = await searchText(indexed, { column: 'caption', text: "A Jack-o'-Lantern in the SNOW" });
    assert.deepEqual(res.terms, ['jack', 'lantern', 'snow']);
    assert.deepEqual(queryTerms('Golden  retrievers, golden!'), ['golden', 'retrievers']);
    assert.deepEqual(queryTerms('the consommé', { remove_stop_words: false }), ['the', 'consommé']);
    assert.deepEqual(queryTerms('x'.repeat(41) + ' ok'), ['ok'], 'tokens longer than max_token_length are dropped');
  });

  test('every listed stop word is dropped by the engine (a row holding them all is not found by any)', async () => {
    const words = [...FTS_ENGLISH_STOP_WORDS];
    const t = await db.createTable('stops', [{ text: `${words.join(' ')} retriever` }, { text: 'filler' }], { mode: 'overwrite' });
    try {
      await t.createIndex('text', { config: lancedb.Index.fts() });
      for (const w of words) assert.equal((await t.query().fullTextSearch(w, { columns: 'text' }).limit(5).toArray()).length, 0, `"${w}" is a stop word`);
      assert.equal((await t.query().fullTextSearch('retriever', { columns: 'text' }).limit(5).toArray()).length, 1, 'the check can find a word');
    } finally {
      t.close();
    }
  });
});

describe('without an index: substring scan', () => {
  test('finds exactly the rows whose caption contains the text, ignoring case, in table order, without scores', async () => {
    for (const text of ['Golden Retriever', "o'-lantern", 'CONSOMMÉ', 'ing on the gr', 'Tabby']) {
      const res = await searchText(plain, { column: 'caption', text });
      assert.deepEqual(res.answeredBy, { kind: 'scan' });
      const want = captions.filter((c) => c.caption.toLowerCase().includes(text.toLowerCase())).map((c) => c.id);
      assert.ok(want.length > 0, `"${text}" occurs`);
      assert.deepEqual(res.rowIds, want, `"${text}"`);
      assert.equal(res.scores, undefined);
      assert.deepEqual(res.terms, [text.toLowerCase()]);
      assert.equal(res.stemmed, false);
    }
  });

  test('% _ \\ and quotes are plain characters, not wildcards or escapes', async () => {
    for (const text of ['%', '_', 'a%o', 'a_o', '\\', "''"]) {
      const res = await searchText(plain, { column: 'caption', text });
      const want = captions.filter((c) => c.caption.toLowerCase().includes(text.toLowerCase())).map((c) => c.id);
      assert.deepEqual(res.rowIds, want, JSON.stringify(text));
    }
    assert.equal(substringCondition('Caption', "it's"), "contains(lower(`Caption`), lower('it''s'))");
  });

  test('combined with a filter; bounded with truncated said', async () => {
    const res = await searchText(plain, { column: 'caption', text: 'photo', filter: 'label < 5' });
    const want = captions.filter((c) => c.label < 5 && c.caption.includes('photo')).map((c) => c.id);
    assert.deepEqual(res.rowIds, want);
    const cut = await searchText(plain, { column: 'caption', text: 'photo', maxIds: 7 });
    assert.deepEqual(
      cut.rowIds,
      captions
        .filter((c) => c.caption.includes('photo'))
        .slice(0, 7)
        .map((c) => c.id),
    );
    assert.equal(cut.truncated, true);
  });

  test('a cancel stops the scan between batches; a cancelled signal stops it before it starts', async () => {
    const ac = new AbortController();
    let batches = 0;
    await assert.rejects(
      searchText(plain, { column: 'caption', text: 'a' }, { signal: ac.signal, scanBatchRows: 16, progress: () => (++batches === 1 ? ac.abort() : undefined) }),
      (e: unknown) => e instanceof LanceError && e.kind === 'cancelled',
    );
    assert.equal(batches, 1, 'no batch after the cancel');
    const done = new AbortController();
    done.abort();
    await assert.rejects(searchText(indexed, { column: 'caption', text: 'golden' }, { signal: done.signal }), (e: unknown) => e instanceof LanceError && e.kind === 'cancelled');
  });
});

describe('refusals', () => {
  test('blank text, a missing or non-text column, a bad filter: each says why', async () => {
    const kind = (k: string) => (e: unknown) => e instanceof LanceError && e.kind === k;
    await assert.rejects(searchText(indexed, { column: 'caption', text: '   ' }), kind('bad-filter'));
    await assert.rejects(searchText(indexed, { column: 'nope', text: 'x' }), kind('bad-filter'));
    await assert.rejects(searchText(indexed, { column: 'label', text: 'x' }), kind('unsupported-type'));
    await assert.rejects(
      searchText(indexed, { column: 'caption', text: 'golden', filter: 'nope = 1' }),
      (e: unknown) => kind('bad-filter')(e) && /nope/.test((e as LanceError).message),
    );
    await assert.rejects(searchText(plain, { column: 'caption', text: 'golden', filter: 'nope = 1' }), kind('bad-filter'));
  });
});
