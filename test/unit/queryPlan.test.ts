// "How a query ran" (queryPlan.ts) on the ImageNet-like fixture: the summary names the index that
// answered (BITMAP, BTREE, IVF_PQ, FTS) or says "full scan", from live Explain and Analyze runs; a few
// real plan texts pin the parser.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Connection, Table } from '@lancedb/lancedb';
import { lancedb } from '../fixtures/lance';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { LanceError } from '../../src/extension/lance/errors';
import { ExplainableQuery, IndexHint, parsePlan, queryPlan, summarizePlan, UNSUMMARISED } from '../../src/extension/lance/queryPlan';

const ROWS = 600;
let dir: string;
let db: Connection;
let t: Table;
let indices: IndexHint[];
let vector: number[];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-plan-'));
  await generateImagenetLike({ dir, rows: ROWS, seed: 5, minSide: 32, maxSide: 48, batchRows: 300 });
  db = await lancedb.connect(dir);
  t = await db.openTable('imagenet_val');
  indices = (await t.listIndices()).map((i) => ({ name: i.name, type: i.indexType, columns: i.columns }));
  const [row] = await t.query().select(['image_emb']).limit(1).toArray();
  vector = Array.from(row.image_emb as Iterable<number>);
});

after(() => {
  t?.close();
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Explain and Analyze of the same query; both summaries. */
async function both(make: () => ExplainableQuery): Promise<{ explain: string[]; analyze: string[]; text: string }> {
  const e = await queryPlan(make(), { indices });
  assert.equal(e.analyzed, false);
  const a = await queryPlan(make(), { analyze: true, indices });
  assert.equal(a.analyzed, true);
  assert.match(a.text, /^AnalyzeExec/);
  return { explain: e.summary, analyze: a.summary, text: a.text };
}

/** The number of rows a summary line reports after its arrow. */
function arrowRows(line: string): number {
  const m = /→ ([\d,]+) rows?/.exec(line);
  assert.ok(m, `a row count in: ${line}`);
  return Number(m[1].replace(/,/g, ''));
}

describe('the index that answered, from live queries', () => {
  test('BITMAP on label_name: =, IN', async () => {
    const eq = await both(() => t.query().where("label_name = 'tabby_cat'").select(['id']).limit(10));
    assert.match(eq.explain[0], /^BITMAP index on label_name$/);
    assert.match(eq.analyze[0], /^BITMAP index on label_name → 10 rows$/);
    assert.match(eq.explain.at(-1)!, /^Not run/);
    assert.match(eq.analyze.at(-1)!, /^(Read [\d.]+ (B|KB|MB) in|Ran in) /);
    const inList = await both(() => t.query().where("label_name IN ('tabby_cat', 'pizza')").select(['id']));
    assert.match(inList.analyze[0], /^BITMAP index on label_name → \d+ rows$/);
    const n = await t.countRows("label_name IN ('tabby_cat', 'pizza')");
    assert.equal(arrowRows(inList.analyze[0]), n, 'the rows the index found, all of them without a limit');
  });

  test('BTREE on label', async () => {
    const r = await both(() => t.query().where('label < 3').select([]).withRowId());
    assert.match(r.explain[0], /^BTREE index on label$/);
    assert.equal(arrowRows(r.analyze[0]), await t.countRows('label < 3'));
  });

  test('an unindexed filter is a full scan, with the rows scanned counted', async () => {
    const r = await both(() => t.query().where('id % 7 = 0').select(['id']));
    assert.match(r.explain[0], /^Full scan \(no index used for the filter id % 7 = 0\)$/);
    assert.match(r.analyze[0], new RegExp(`^Full scan of ${ROWS} rows \\(no index used for the filter id % 7 = 0\\) → \\d+ rows$`));
    assert.equal(arrowRows(r.analyze[0]), await t.countRows('id % 7 = 0'));
    // LIKE is not answered by the BITMAP index in this engine: a full scan too.
    const like = await both(() => t.query().where("label_name LIKE 'tabby%'").select(['id']));
    assert.match(like.analyze[0], /^Full scan of 600 rows \(no index used for the filter label_name LIKE 'tabby%'\)/);
    // Part by index, part row by row.
    const mixed = await both(() => t.query().where("label_name = 'pizza' AND id > 100").select(['id']));
    assert.match(mixed.analyze[0], /^BITMAP index on label_name → \d+ rows; then id > 100 checked row by row/);
  });

  test('IVF_PQ on image_emb: nprobes and refine; a filter before the search; a postfilter after it', async () => {
    const r = await both(() => t.query().nearestTo(vector).column('image_emb').distanceType('cosine').nprobes(20).refineFactor(10).limit(10).select(['id']));
    assert.match(r.explain[0], /^IVF_PQ index image_emb_idx on image_emb, cosine, nprobes 20, refine ×10 /);
    assert.equal(arrowRows(r.analyze[0]), 10);
    const pre = await both(() => t.query().nearestTo(vector).column('image_emb').where("label_name = 'pizza'").limit(5).select(['id']));
    assert.match(pre.explain[0], /^IVF_PQ index image_emb_idx on image_emb, cosine, nprobes \d+$/);
    assert.equal(pre.explain[1], 'Filter applied before the search (prefilter): BITMAP index on label_name');
    const post = await both(() => t.query().nearestTo(vector).column('image_emb').where("label_name = 'pizza'").postfilter().limit(5).select(['id']));
    assert.match(post.analyze[1], /^Filter label_name = pizza applied after the search \(postfilter\): kept \d+ of 5 rows$/);
    const flat = await both(() => t.query().nearestTo(vector).column('image_emb').bypassVectorIndex().limit(5).select(['id']));
    assert.match(flat.analyze[0], new RegExp(`^Exact vector search \\(no vector index used\\): \\w+ distance of ${ROWS} rows → 5 rows$`));
  });

  test('FTS on caption: the index by name, a prefilter, and the unindexed fallback of the engine', async () => {
    const q = () => t.query().fullTextSearch('golden retriever', { columns: 'caption' }).select([]).withRowId().limit(1000);
    const r = await both(q);
    assert.equal(r.explain[0], 'Full-text index caption_idx on caption, query "golden retriever"');
    assert.equal(arrowRows(r.analyze[0]), (await q().toArray()).length);
    const phrase = await both(() => t.query().fullTextSearch('"golden retriever"', { columns: 'caption' }).limit(50));
    assert.match(phrase.explain[0], /^Full-text index caption_idx on caption, phrase query "golden retriever"$/);
    const filtered = await both(() => t.query().fullTextSearch('grass', { columns: 'caption' }).where('label < 4').limit(50));
    assert.equal(filtered.explain[1], 'Filter applied before the search (prefilter): BTREE index on label');
    // Rows appended after the index was built are searched without it (flat), and the summary says so.
    const copy = await db.createTable('appended', await t.query().select(['id', 'caption']).limit(200).toArrow(), { mode: 'overwrite' });
    try {
      await copy.createIndex('caption', { config: lancedb.Index.fts() });
      await copy.add(await t.query().select(['id', 'caption']).offset(200).limit(50).toArrow());
      const p = await queryPlan(copy.query().fullTextSearch('photo', { columns: 'caption' }).limit(500), { analyze: true });
      assert.match(p.summary[0], /^Full-text index on caption, query "photo" → \d+ rows$/);
      assert.match(p.summary[1], /^Full-text search without an index on caption for the rows added since the index was built: scanned 50 rows → \d+ rows$/);
    } finally {
      copy.close();
    }
  });

  test('a plain page and a sort', async () => {
    const page = await both(() => t.query().select(['id']).offset(100).limit(50));
    assert.equal(page.explain[0], 'Read rows 100–150 directly (no filter, no index needed)');
    const sorted = await both(() => t.query().orderBy({ columnName: 'id', ascending: false }).select(['id']).limit(10));
    assert.deepEqual(sorted.analyze.slice(0, 2), [`Read every row (no filter): ${ROWS} rows`, `Sorted by id descending, keeping the top 10 of ${ROWS} rows`]);
  });
});

describe('text it does not know, limits, parsing', () => {
  test('unknown plan text says it could not summarise', () => {
    assert.deepEqual(summarizePlan('SomethingNewExec: x=1\n  OtherExec'), [UNSUMMARISED]);
    assert.deepEqual(summarizePlan(''), [UNSUMMARISED]);
  });

  test('a real Analyze text parses into nodes with metrics in numbers', () => {
    // lancedb 0.37.1, `label_name = 'tabby_cat'` limit 50 on the 2,000-row fixture (paths shortened).
    const text = [
      'AnalyzeExec verbose=true, elapsed=2.259433ms, metrics=[]',
      '  TracedExec, elapsed=2.259433ms, metrics=[]',
      '    LanceRead: elapsed=2.259433ms, uri=tmp/x.lance/data, projection=[id, label_name], num_fragments=2, range_before=None, range_after=Some(0..50), row_id=false, row_addr=false, full_filter=label_name = Utf8("tabby_cat"), refine_filter=--, metrics=[output_rows=50, elapsed_compute=668.82µs, output_bytes=0.0 B, output_batches=0, fragments_scanned=1, ranges_scanned=48, rows_scanned=50, bytes_read=1.95 K, iops=2, requests=2, task_wait_time=668.69µs]',
      '      ScalarIndexQuery: elapsed=1.45026ms, query=[label_name = tabby_cat]@label_name_idx(Bitmap), metrics=[output_rows=2, elapsed_compute=1.16ms, output_bytes=5.5 KB, output_batches=2, index_cache_hits=0, index_cache_misses=1, index_comparisons=1, indices_loaded=1, parts_loaded=1, bytes_read=0, iops=0, requests=0, search_time=1.41ms, serialization_time=9.10µs]',
    ].join('\n');
    const [root] = parsePlan(text);
    assert.equal(root.name, 'AnalyzeExec');
    const read = root.children[0].children[0];
    assert.equal(read.name, 'LanceRead');
    assert.equal(read.attrs.get('projection'), '[id, label_name]');
    assert.equal(read.attrs.get('full_filter'), 'label_name = Utf8("tabby_cat")');
    assert.equal(read.metrics.get('bytes_read'), 1950);
    assert.ok(Math.abs(read.metrics.get('elapsed_compute')! - 0.66882) < 1e-9);
    assert.equal(read.children[0].metrics.get('output_bytes'), 5.5 * 1024);
    // Without the index list the type and column come from the plan itself.
    assert.deepEqual(summarizePlan(text), ['BITMAP index on label_name → 50 rows', 'Read 1.9 KB in 2.3 ms']);
  });

  test('a real Explain of a vector search with refine', () => {
    const text = [
      'ProjectionExec: expr=[id@3 as id, _distance@2 as _distance]',
      '  LanceRead: uri=tmp/x.lance/data, projection=[id], source=stream(_rowid)',
      '    GlobalLimitExec: skip=0, fetch=10',
      '      FilterExec: _distance@2 IS NOT NULL',
      '        SortExec: TopK(fetch=10), expr=[_distance@2 ASC NULLS LAST, _rowid@0 ASC NULLS LAST], preserve_partitioning=[false]',
      '          KNNVectorDistance: metric=cosine',
      '            LanceRead: uri=tmp/x.lance/data, projection=[image_emb], source=stream(_rowid)',
      '              SortExec: TopK(fetch=100), expr=[_distance@0 ASC NULLS LAST, _rowid@1 ASC NULLS LAST], preserve_partitioning=[false]',
      '                ANNSubIndex: name=image_emb_idx, k=100, deltas=1, metric=Cosine',
      '                  ANNIvfPartition: uuid=77eac5d4-a9b0-4655-95eb-3d9a7e77eee0, minimum_nprobes=20, maximum_nprobes=Some(20), deltas=1',
    ].join('\n');
    assert.equal(summarizePlan(text)[0], 'Vector index image_emb_idx on the vector column, cosine, nprobes 20, refine ×10 (exact distances for 100 candidates)');
    assert.match(summarizePlan(text, [{ name: 'image_emb_idx', type: 'IvfPq', columns: ['image_emb'] }])[0], /^IVF_PQ index image_emb_idx on image_emb, /);
  });

  test('a cancel or a time limit stops the wait', async () => {
    const never: ExplainableQuery = { explainPlan: () => new Promise(() => undefined), analyzePlan: () => new Promise(() => undefined) };
    await assert.rejects(queryPlan(never, { timeoutMs: 20 }), (e: unknown) => e instanceof LanceError && e.kind === 'timeout');
    const ac = new AbortController();
    const p = queryPlan(never, { analyze: true, signal: ac.signal });
    ac.abort();
    await assert.rejects(p, (e: unknown) => e instanceof LanceError && e.kind === 'cancelled');
  });
});
