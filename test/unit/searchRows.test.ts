// Text search and query plans through the data layer the panel uses (LanceDataset): a search's summary,
// its pages (rows taken by id in relevance order, with the score pseudo-column), the substring scan
// without an index, and the plan of each kind of view naming what answered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { searchText } from '../../src/extension/lance/textSearch';
import { SCORE_COLUMN } from '../../src/shared/types';
import { generateImagenetLike } from '../fixtures/imagenetLike';

const ROWS = 800;
let dir: string;
let ds: LanceDataset;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-search-'));
  const uri = await generateImagenetLike({ dir, rows: ROWS, seed: 13, minSide: 48, maxSide: 96 });
  ds = await LanceDataset.open({ uri, name: 'imagenet_val' });
});

after(() => {
  ds?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('text search pages', () => {
  test("full-text index: summary, pages in relevance order with their score, the engine's own answer", async () => {
    const search = { column: 'caption', text: 'golden retriever' };
    const sum = await ds.search({ search });
    assert.equal(sum.answeredBy.kind, 'fts-index');
    assert.ok(sum.count > 0, 'something matched');
    assert.ok(sum.terms.includes('golden') && sum.terms.includes('retriever'), sum.terms.join(','));
    const engine = await searchText(ds.engineTable(), { column: 'caption', text: search.text });
    const page = await ds.rows({ search, columns: [SCORE_COLUMN, 'id', 'caption'], offset: 0, limit: 20 });
    assert.deepEqual(page.columns, [SCORE_COLUMN, 'id', 'caption']);
    assert.deepEqual(page.rowIds, engine.rowIds.slice(0, 20), 'the same rows in the same order as the engine');
    const scores = page.rows.map((r) => r[0] as number);
    assert.ok(
      scores.every((s, i) => typeof s === 'number' && (i === 0 || s <= scores[i - 1])),
      `scores best first: ${scores.join(', ')}`,
    );
    assert.deepEqual(
      scores,
      engine.scores!.slice(0, 20).map((s) => Number(s.toPrecision(6))),
    );
    assert.ok(
      page.rows.some((r) => /golden|retriever/i.test(r[2] as string)),
      'the captions hold the words',
    );
    // A page further on continues where the first stopped.
    const next = await ds.rows({ search, columns: ['id'], offset: 20, limit: 20 });
    assert.deepEqual(next.rowIds, engine.rowIds.slice(20, 40));
  });

  test('combined with a filter: only rows that pass it', async () => {
    const search = { column: 'caption', text: 'photo' };
    const filter = 'label < 5';
    const sum = await ds.search({ search, filter });
    const page = await ds.rows({ search, filter, columns: ['label'], offset: 0, limit: sum.count });
    assert.equal(page.rows.length, sum.count);
    assert.ok(page.rows.every((r) => (r[0] as number) < 5));
  });

  test('no full-text index: a substring scan, in table order, and it says so', async () => {
    const search = { column: 'label_name', text: 'TABBY' };
    const sum = await ds.search({ search });
    assert.equal(sum.answeredBy.kind, 'scan');
    const all = await ds.engineTable().query().select(['label_name']).withRowId().toArray();
    const want = all.filter((r) => String(r.label_name).toLowerCase().includes('tabby')).map((r) => String(r._rowid));
    assert.equal(sum.count, want.length);
    const page = await ds.rows({ search, columns: ['label_name'], offset: 0, limit: 1000 });
    assert.deepEqual(page.rowIds, want);
  });
});

describe('query plans of the views', () => {
  const plan = (target: Parameters<LanceDataset['explain']>[0]['target'], analyze = false) => ds.explain({ target, analyze });

  test('a filtered page on label_name: the BITMAP index answered (Analyze runs it)', async () => {
    const p = await plan({ view: 'rows', filter: "label_name = 'tabby'", offset: 0, limit: 50 }, true);
    assert.equal(p.analyzed, true);
    assert.match(p.summary.join('\n'), /BITMAP index on label_name/);
    assert.match(p.what, /page of 50 rows/);
    assert.ok(p.text.length > 50);
  });

  test('an unindexed filter: a full scan', async () => {
    const p = await plan({ view: 'rows', filter: 'id % 7 = 0', offset: 0, limit: 50 });
    assert.match(p.summary.join('\n'), /Full scan/i);
  });

  test('a sorted view: the key scan and its sort', async () => {
    const p = await plan({ view: 'rows', sort: [{ column: 'label_name' }], offset: 0, limit: 50 });
    assert.match(p.what, /sort/);
    assert.match(p.text, /Sort/);
  });

  test('a text search: the full-text index', async () => {
    const p = await plan({ view: 'rows', search: { column: 'caption', text: 'retriever' }, offset: 0, limit: 50 }, true);
    assert.match(p.summary.join('\n'), /Full-text index/);
  });

  test('find similar: the IVF_PQ index with its metric', async () => {
    const id = (await ds.rows({ columns: [], offset: 3, limit: 1 })).rowIds[0];
    const p = await plan({ view: 'similar', request: { rowId: id, vectorColumn: 'image_emb', k: 10, nprobes: 20, columns: ['id'] } }, true);
    assert.match(p.summary.join('\n'), /IVF_PQ/);
    assert.match(p.summary.join('\n'), /cosine/);
  });
});
