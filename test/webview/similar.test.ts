// The Similar tab in headless Chromium against a fake host: query + k neighbours with decoded images,
// answered-by, the "same label" filter (quotes doubled), supersession of an older run, inline errors,
// persisted controls, and a dataset without vectors.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestMethod } from '../../src/shared/protocol';
import type { DatasetDescription, SchemaField, SimilarRequest, SimilarResult } from '../../src/shared/types';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatasetSession } from '../../src/extension/host/session';
import { encodeJpeg } from '../../src/extension/lance/jpegEncode';
import { generateLabelled, LABELLED_ROWS, labelOf } from '../fixtures/labelled';
import { openWebview, repoRoot, type Handler, type Webview } from './harness';
import { sessionHandlers } from './realHost';

const VEC: SchemaField = { name: 'image_emb', type: 'FixedSizeList[512]<Float32>', kind: 'vector', nullable: false, metadata: {}, children: [], dimension: 512 };
const f = (name: string, type: string, kind: SchemaField['kind']): SchemaField => ({ name, type, kind, nullable: false, metadata: {}, children: [] });

function description(schema: SchemaField[]): DatasetDescription {
  return {
    location: { uri: '/data/imagenet_val.lance', name: 'imagenet_val' },
    version: 5,
    latestVersion: 5,
    pinned: false,
    schema,
    schemaMetadata: {},
    indices: [{ name: 'image_emb_idx', type: 'IVF_PQ', columns: ['image_emb'], metric: 'cosine' }],
    indexMetadataMissing: false,
    stats: { rows: 2000, fragments: 2 },
  };
}
const IMAGENET = description([f('id', 'Int64', 'int'), f('image', 'LargeBinary', 'binary'), f('label', 'Int32', 'int'), f('label_name', 'Utf8', 'string'), VEC]);

const LABELS = ["jack-o'-lantern", 'tabby_cat', 'goldfish', 'tench'];
/** A fake answer: the query row and k neighbours, each with a real JPEG of its own colour. */
function answer(req: SimilarRequest, opts: { scan?: boolean; labelOfQuery?: string } = {}): SimilarResult {
  const columns = req.columns!;
  const rowOf = (id: number, label: string): SimilarResult['rows'][number] =>
    columns.map((c) => {
      switch (c) {
        case 'id':
          return { t: 'i64', v: String(id) };
        case 'label':
          return LABELS.indexOf(label);
        case 'label_name':
          return label;
        case 'image': {
          const bytes = jpegOf(id, 96 + (id % 5) * 24, 72 + (id % 3) * 24);
          return { t: 'bin', size: bytes.byteLength, media: 'image/jpeg', head: 'ffd8ffe0', bytes };
        }
        default:
          return null;
      }
    });
  const q = Number(req.rowId);
  const ids = Array.from({ length: req.k }, (_, i) => q * 100 + i + 1);
  return {
    query: { rowId: req.rowId!, row: rowOf(q, opts.labelOfQuery ?? LABELS[0]) },
    columns,
    rowIds: ids.map(String),
    rows: ids.map((id, i) => rowOf(id, i < req.k / 2 ? LABELS[0] : LABELS[1 + (i % 3)])),
    distances: ids.map((_, i) => 0.0123456 * (i + 1) ** 1.5),
    metric: opts.scan ? 'l2' : 'cosine',
    answeredBy: opts.scan ? { kind: 'scan' } : { kind: 'index', name: 'image_emb_idx', type: 'IVF_PQ' },
  };
}

/** A test entry that mounts the Similar view with a fake PanelContext (state and reports kept on window). */
const ENTRY = `
import { rpc } from '../../src/webview/host';
import { registerToolkit } from '../../src/webview/ui/toolkit';
import { similarView } from '../../src/webview/panel/similarView';
registerToolkit();
const w = window as any;
w.__reports = [];
w.__ctxState = w.__ctxState ?? {};
const ctx = {
  rpc,
  description: w.__description,
  showTab() {},
  setFilter() {},
  findSimilar(id: string) { api.run(id); },
  reportView(v: unknown) { w.__reports.push(v); },
  getState(k: string) { return w.__ctxState[k]; },
  setState(k: string, v: unknown) { w.__ctxState[k] = JSON.parse(JSON.stringify(v)); },
};
const api = similarView(ctx as any);
document.getElementById('app')!.append(api.element);
w.__similar = api;
`;

async function mount(desc: DatasetDescription, state?: Record<string, unknown>, handlers?: Partial<Record<RequestMethod, Handler>>, name = 'similar'): Promise<Webview> {
  return openWebview({
    handlers,
    entry: { contents: ENTRY, resolveDir: `${repoRoot}/test/webview` },
    css: ['panel.css', 'similar.css'],
    globals: { __description: desc, __ctxState: state ?? {} },
    viewport: { width: 1100, height: 900 },
    name,
  });
}

/** Whether an image URL still loads (a revoked blob: URL does not). */
const loads = (wv: Webview, src: string) =>
  wv.page.evaluate((u) => new Promise<boolean>((resolve) => Object.assign(new Image(), { onload: () => resolve(true), onerror: () => resolve(false), src: u })), src);

const run = (wv: Webview, rowId: string) => wv.page.evaluate((id) => (window as unknown as { __similar: { run(id: string): void } }).__similar.run(id), rowId);

describe('Similar view', () => {
  let wv: Webview;
  before(async () => {
    wv = await mount(IMAGENET);
  });
  after(async () => {
    await wv?.close();
  });

  test('before any run: the hint, Find similar disabled', async () => {
    const hint = await wv.page.textContent('[data-testid=similar-hint]');
    assert.equal(hint, 'Right-click a row in Rows → Find similar, or use Lance: Find Similar to Row…');
    assert.equal(await wv.page.getAttribute('[data-testid=similar-run]', 'disabled'), '');
    assert.equal(await wv.page.isVisible('[data-testid=similar-error]'), false);
    assert.equal(await wv.page.isVisible('[data-testid=similar-vector-column]'), false, 'one vector column: no picker');
    await wv.screenshot('01-hint');
  });

  test('run(rowId): the query card, then k neighbour cards with decoded images, distance, rank, labels; answered by the index', async () => {
    wv.host.handlers.similar = async (p) => answer(p as SimilarRequest);
    await run(wv, '7');
    const req = await wv.host.waitForRequest('similar');
    assert.equal(req.channel, 'similar');
    assert.deepEqual(
      req.params,
      {
        rowId: '7',
        vectorColumn: 'image_emb',
        k: 10,
        nprobes: 20,
        columns: ['id', 'label', 'label_name', 'image'],
        withImages: true,
        thumbnailPx: 200,
      },
      'no refine factor or filter by default; only the columns the cards show (no vectors); thumbnails of the cards’ 200-px images',
    );
    await wv.page.waitForSelector('[data-testid=similar-result] >> nth=9');
    assert.equal(await wv.page.locator('[data-testid=similar-result]').count(), 10);
    assert.equal(await wv.page.getAttribute('[data-testid=similar-query]', 'data-rowid'), '7');
    // The query comes first in the grid, highlighted.
    const order = await wv.page.$$eval('.similar-grid > *', (els) => els.map((e) => e.getAttribute('data-testid')));
    assert.equal(order[0], 'similar-query');
    assert.ok((await wv.page.getAttribute('[data-testid=similar-query]', 'class'))!.includes('query'));
    const cards = await wv.page.$$eval('[data-testid=similar-result]', (els) =>
      els.map((e) => ({
        rowId: e.getAttribute('data-rowid'),
        distance: Number(e.getAttribute('data-distance')),
        rank: e.querySelector('.similar-rank')!.textContent,
        shown: e.querySelector('.similar-distance')!.textContent,
        labels: e.querySelector('.similar-labels')!.textContent,
      })),
    );
    assert.deepEqual(
      cards.map((c) => c.rowId),
      Array.from({ length: 10 }, (_, i) => String(701 + i)),
    );
    assert.deepEqual(
      cards.map((c) => c.rank),
      Array.from({ length: 10 }, (_, i) => `#${i + 1}`),
    );
    assert.equal(cards[0].shown, '0.01235', '4 significant digits');
    assert.equal(cards[0].distance, 0.0123456);
    assert.match(cards[0].labels, /id701/);
    assert.match(cards[0].labels, /label_namejack-o'-lantern/);
    // Every card's image decoded (naturalWidth > 0) from the bytes the host sent.
    await wv.page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('.similar-card img')];
      return imgs.length === 11 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    const sizes = await wv.page.$$eval('.similar-card img', (imgs) => (imgs as HTMLImageElement[]).map((i) => [i.naturalWidth, i.naturalHeight, i.src.slice(0, 5)]));
    assert.deepEqual(sizes[0], [96 + (7 % 5) * 24, 72 + (7 % 3) * 24, 'blob:']);
    const by = await wv.page.textContent('[data-testid=similar-answered-by]');
    assert.equal(by, 'Answered by index image_emb_idx (IVF_PQ, cosine)');
    assert.match((await wv.page.textContent('[data-testid=similar-time]'))!, /· \d+ ms/);
    assert.equal(await wv.page.getAttribute('[data-testid=similar-run]', 'disabled'), null);
    await wv.screenshot('02-results');
  });

  test('clicking a card selects it for the preview; its Find similar runs again from it', async () => {
    await wv.page.click('[data-testid=similar-result][data-rowid="703"] .similar-labels');
    const reports = await wv.page.evaluate(() => (window as unknown as { __reports: unknown[] }).__reports);
    assert.deepEqual(reports.at(-1), { selectedRowId: '703', selectedIndex: undefined }, 'not a position in the Rows tab');
    assert.ok((await wv.page.getAttribute('[data-testid=similar-result][data-rowid="703"]', 'class'))!.includes('selected'));
    await wv.screenshot('03-selected');
    const oldSrc = await wv.page.getAttribute('[data-testid=similar-query] img', 'src');
    const before = wv.host.requests('similar').length;
    await wv.page.click('[data-testid=similar-result][data-rowid="704"] [data-testid=similar-again]');
    const req = await wv.host.waitForRequest('similar', before);
    assert.equal((req.params as SimilarRequest).rowId, '704');
    await wv.page.waitForSelector('[data-testid=similar-query][data-rowid="704"]');
    assert.equal(await wv.page.locator('[data-testid=similar-result]').count(), 10);
    assert.equal(await loads(wv, oldSrc!), false, "the replaced results' blob URLs are revoked");
    assert.equal(await loads(wv, (await wv.page.getAttribute('[data-testid=similar-query] img', 'src'))!), true);
  });

  test('"same label_name" sends the query row\'s label with quotes doubled, combined with the WHERE filter', async () => {
    // The query row (704) came from the previous result, where its label is known: no extra request.
    const before = wv.host.requests('similar').length;
    const rowsBefore = wv.host.requests('row').length;
    wv.host.handlers.similar = async (p) => answer(p as SimilarRequest);
    // Query 704's label in the previous answer was jack-o'-lantern (first half of the neighbours).
    await wv.page.click('[data-testid=similar-same-label]');
    let req = await wv.host.waitForRequest('similar', before);
    assert.equal((req.params as SimilarRequest).rowId, '704');
    assert.equal((req.params as SimilarRequest).filter, "label_name = 'jack-o''-lantern'");
    assert.equal(wv.host.requests('row').length, rowsBefore, 'label known from the cards: no row request');
    await wv.page.waitForFunction(() => document.querySelector('[data-testid=similar-summary]')?.textContent?.includes("jack-o''-lantern"));
    await wv.screenshot('04-same-label');

    // A WHERE filter too (Enter runs): both, each in parentheses.
    await wv.page.locator('[data-testid=similar-filter] input').fill('label < 100');
    await wv.page.locator('[data-testid=similar-filter] input').press('Enter');
    req = await wv.host.waitForRequest('similar', before + 1);
    assert.equal((req.params as SimilarRequest).filter, "(label < 100) AND (label_name = 'jack-o''-lantern')");

    // A row whose label is not on screen: its label is read first ('row', only that column).
    wv.host.handlers.row = async () => ({ rowId: '9', columns: ['label_name'], row: ["it's 'quoted'"] });
    wv.host.handlers.similar = async (p) => answer(p as SimilarRequest, { labelOfQuery: "it's 'quoted'" });
    await run(wv, '9');
    const rowReq = await wv.host.waitForRequest('row', rowsBefore);
    assert.deepEqual(rowReq.params, { rowId: '9', columns: ['label_name'] });
    req = await wv.host.waitForRequest('similar', before + 2);
    assert.equal((req.params as SimilarRequest).filter, "(label < 100) AND (label_name = 'it''s ''quoted''')");

    // Off again, filter cleared: no filter at all.
    await wv.page.locator('[data-testid=similar-filter] input').fill('');
    await wv.page.click('[data-testid=similar-same-label]');
    req = await wv.host.waitForRequest('similar', before + 3);
    assert.equal((req.params as SimilarRequest).filter, undefined);
    assert.equal((req.params as SimilarRequest).rowId, '9');
  });

  test('k, nprobes and refine factor are sent and persisted; invalid values are refused inline', async () => {
    const before = wv.host.requests('similar').length;
    await wv.page.locator('[data-testid=similar-k] input').fill('4');
    await wv.page.locator('[data-testid=similar-nprobes] input').fill('64');
    await wv.page.locator('[data-testid=similar-refine] input').fill('5');
    await wv.page.click('[data-testid=similar-run]');
    const req = await wv.host.waitForRequest('similar', before);
    assert.equal((req.params as SimilarRequest).k, 4);
    assert.equal((req.params as SimilarRequest).nprobes, 64);
    assert.equal((req.params as SimilarRequest).refineFactor, 5);
    await wv.page.waitForFunction(() => document.querySelectorAll('[data-testid=similar-result]').length === 4);
    const state = await wv.page.evaluate(() => (window as unknown as { __ctxState: Record<string, unknown> }).__ctxState.similar);
    assert.deepEqual(state, { k: 4, nprobes: 64, refine: 5, filter: '', sameLabel: false, vectorColumn: 'image_emb', lastRowId: '9' });

    await wv.page.locator('[data-testid=similar-k] input').fill('0');
    await wv.page.click('[data-testid=similar-run]');
    await wv.page.waitForSelector('[data-testid=similar-error]:visible');
    assert.match((await wv.page.textContent('[data-testid=similar-error]'))!, /k must be a whole number from 1 to 500/);
    assert.equal(wv.host.requests('similar').length, before + 1, 'nothing sent');
    await wv.page.locator('[data-testid=similar-k] input').fill('10');
    await wv.page.locator('[data-testid=similar-refine] input').fill('');
  });

  test('prepare(rowId) asks for the search at once; the run that follows takes its answer without asking again', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    wv.host.handlers.similar = async (p) => {
      await gate;
      return answer(p as SimilarRequest);
    };
    const before = wv.host.requests('similar').length;
    await wv.page.evaluate(() => (window as unknown as { __similar: { prepare(id: string): void } }).__similar.prepare('12'));
    const req = await wv.host.waitForRequest('similar', before);
    assert.equal((req.params as SimilarRequest).rowId, '12');
    assert.equal(req.channel, 'similar');
    await new Promise((r) => setTimeout(r, 300));
    await run(wv, '12');
    release();
    await wv.page.waitForSelector('[data-testid=similar-query][data-rowid="12"]');
    await wv.page.waitForFunction(() => document.querySelectorAll('[data-testid=similar-result]').length === 10);
    assert.equal(wv.host.requests('similar').length, before + 1, 'one search, asked ahead and taken by the run');
    const ms = Number(/· (\d+) ms/.exec((await wv.page.textContent('[data-testid=similar-time]'))!)?.[1]);
    assert.ok(ms >= 300, `the time shown is the search's own, from when it was asked ahead (${ms} ms), not the wait after the run`);
    wv.host.handlers.similar = async (p) => answer(p as SimilarRequest);
  });

  test('a newer run supersedes an older one: the late reply is dropped', async () => {
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((r) => (releaseSlow = r));
    wv.host.handlers.similar = async (p) => {
      const req = p as SimilarRequest;
      if (req.rowId === '11') await slowGate; // the older run answers last
      return answer(req);
    };
    const before = wv.host.requests('similar').length;
    await run(wv, '11');
    const older = await wv.host.waitForRequest('similar', before);
    await run(wv, '12');
    await wv.page.waitForSelector('[data-testid=similar-query][data-rowid="12"]');
    await wv.host.waitForCancel(older.id);
    releaseSlow();
    await wv.host.waitForResponseSent(older.id);
    await wv.page.waitForTimeout(200);
    assert.equal(await wv.page.getAttribute('[data-testid=similar-query]', 'data-rowid'), '12', 'the older reply did not replace the newer result');
    assert.equal(await wv.page.getAttribute('[data-testid=similar-result] >> nth=0', 'data-rowid'), '1201');
    assert.equal(await wv.page.isVisible('[data-testid=similar-error]'), false, 'supersession is not an error');
    const urls = await wv.page.$$eval('.similar-card img', (imgs) => new Set((imgs as HTMLImageElement[]).map((i) => i.src)).size);
    assert.equal(urls, 11, 'one blob URL per card on screen');
  });

  test('errors show inline (role=alert) and keep the previous result; answered by an exact scan says so', async () => {
    wv.host.handlers.similar = async () => {
      throw { kind: 'bad-filter', message: 'The filter is not valid SQL: no column named "lable".', detail: 'Schema error: No field named lable' };
    };
    await wv.page.locator('[data-testid=similar-filter] input').fill('lable = 3');
    await wv.page.locator('[data-testid=similar-filter] input').press('Enter');
    await wv.page.waitForSelector('[data-testid=similar-error]:visible');
    assert.equal(await wv.page.getAttribute('[data-testid=similar-error]', 'role'), 'alert');
    assert.match((await wv.page.textContent('[data-testid=similar-error]'))!, /no column named "lable"/);
    assert.equal(await wv.page.locator('[data-testid=similar-result]').count(), 10, 'the previous result stays');
    await wv.screenshot('05-error');

    wv.host.handlers.similar = async (p) => answer(p as SimilarRequest, { scan: true });
    await wv.page.locator('[data-testid=similar-filter] input').fill('');
    await wv.page.locator('[data-testid=similar-filter] input').press('Enter');
    await wv.page.waitForFunction(() => document.querySelector('[data-testid=similar-answered-by]')?.textContent?.includes('exact scan'));
    assert.equal(await wv.page.textContent('[data-testid=similar-answered-by]'), 'Answered by exact scan (l2)');
    assert.equal(await wv.page.isVisible('[data-testid=similar-error]'), false);
    await wv.screenshot('06-scan');
    // The one expected console error: the probe above that loads a revoked blob: URL.
    assert.deepEqual(
      wv.consoleErrors().filter((e) => e !== 'Failed to load resource: net::ERR_FILE_NOT_FOUND'),
      [],
    );
    assert.ok(wv.consoleErrors().length <= 1);
  });
});

describe('Similar view: other datasets', () => {
  test('several vector columns: a picker, restored state, and the chosen column is searched', async () => {
    const desc = description([f('id', 'Int64', 'int'), f('caption', 'Utf8', 'string'), VEC, { ...VEC, name: 'text_emb', dimension: 384, type: 'FixedSizeList[384]<Float32>' }]);
    const wv = await mount(desc, { similar: { k: 3, nprobes: 8, filter: "caption LIKE '%dog%'", sameLabel: false, vectorColumn: 'text_emb', lastRowId: '5' } });
    try {
      assert.equal(await wv.page.isVisible('[data-testid=similar-vector-column]'), true);
      assert.equal(await wv.page.inputValue('[data-testid=similar-k] input'), '3');
      assert.equal(await wv.page.inputValue('[data-testid=similar-filter] input'), "caption LIKE '%dog%'");
      // Same label falls back to the first string column when none is named like a label.
      assert.match((await wv.page.textContent('[data-testid=similar-same-label]'))!, /Same caption/);
      wv.host.handlers.similar = async (p) => ({ ...answer({ ...(p as SimilarRequest), columns: ['id', 'caption'] }), columns: (p as SimilarRequest).columns! });
      // Shown again (after a reload): the last query runs again.
      await wv.page.evaluate(() => (window as unknown as { __similar: { onShow(): void } }).__similar.onShow());
      const req = await wv.host.waitForRequest('similar');
      assert.equal((req.params as SimilarRequest).vectorColumn, 'text_emb');
      assert.equal((req.params as SimilarRequest).rowId, '5');
      assert.equal((req.params as SimilarRequest).filter, "caption LIKE '%dog%'");
      await wv.page.waitForSelector('[data-testid=similar-result] >> nth=2');
      await wv.screenshot('07-two-vectors-no-images');
    } finally {
      await wv.close();
    }
  });

  test('long labels stay readable: they wrap at _ and -, nothing is cut, the tooltip has the whole text', async () => {
    const LONG = 'American_Staffordshire_terrier';
    const wv = await mount(IMAGENET, undefined, undefined, 'similar-long-labels');
    try {
      wv.host.handlers.similar = async (p) => {
        const a = answer(p as SimilarRequest);
        const at = a.columns.indexOf('label_name');
        for (const r of [a.query.row, ...a.rows]) r[at] = LONG;
        return a;
      };
      await wv.page.setViewportSize({ width: 560, height: 900 });
      await run(wv, '3');
      await wv.page.waitForSelector('[data-testid=similar-result] >> nth=9');
      const dds = await wv.page.$$eval('.similar-labels dd', (els) =>
        els.map((e) => ({
          text: e.textContent,
          title: e.getAttribute('title'),
          cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1,
          lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight || '16')),
        })),
      );
      const long = dds.filter((d) => d.text === LONG);
      assert.equal(long.length, 11, 'the text itself is whole (a <wbr> adds no characters)');
      for (const d of long) {
        assert.equal(d.title, LONG);
        assert.equal(d.cut, false, 'the label is not clipped');
      }
      await wv.screenshot('09-long-labels');
    } finally {
      await wv.close();
    }
  });

  test('no vector column: says so', async () => {
    const wv = await mount(description([f('id', 'Int64', 'int'), f('text', 'Utf8', 'string')]));
    try {
      const text = await wv.page.textContent('[data-testid=similar-no-vector]');
      assert.match(text!, /no vector column/);
      assert.equal(await wv.page.locator('[data-testid=similar-run]').count(), 0);
      await wv.page.evaluate(() => (window as unknown as { __similar: { run(id: string): void } }).__similar.run('1'));
      await wv.page.waitForTimeout(100);
      assert.equal(wv.host.requests('similar').length, 0);
      await wv.screenshot('08-no-vector');
    } finally {
      await wv.close();
    }
  });
});

describe('Similar view on real Lance data: "same label" on a column named Label and one named order', () => {
  let dir: string;
  let uris: { mixed: string; order: string };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-similar-'));
    uris = await generateLabelled(dir);
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [table, column, quoted] of [
    ['mixed', 'Label', '`Label`'],
    ['order', 'order', '`order`'],
  ] as const) {
    test(`${column}: the label column is found, quoted in the filter, and the real engine answers with that label only`, async () => {
      const session = await DatasetSession.open({ uri: uris[table], name: table }, {}, { maxImageBytes: 1024 * 1024 });
      // JSON on the way, as VS Code posts messages; image bytes are not needed here.
      const wv = await mount(
        await session.describe(),
        { similar: { k: 20, nprobes: 20, filter: '', sameLabel: false } },
        sessionHandlers(session, { json: true }),
        `similar-real-${table}`,
      );
      try {
        const row = 3; // labelOf(3) has an apostrophe: "jack-o'-lantern"
        const rowId = (await session.dataset.rowIdAt(row))!;
        await run(wv, rowId);
        await wv.page.waitForSelector('[data-testid=similar-result]');
        assert.equal((await wv.page.textContent('[data-testid=similar-same-label]'))!.trim(), `Same ${column}`);
        const without = await wv.page.$$eval('[data-testid=similar-result] .similar-labels', (els) => els.map((e) => e.textContent ?? ''));
        assert.ok(
          without.some((t) => !t.includes("jack-o'-lantern")),
          'without the filter some neighbours have another label',
        );

        const before = wv.host.requests('similar').length;
        await wv.page.click('[data-testid=similar-same-label]');
        const req = await wv.host.waitForRequest('similar', before);
        const want = `${quoted} = 'jack-o''-lantern'`;
        assert.equal((req.params as SimilarRequest).filter, want, 'a mixed-case or keyword name goes in backticks');
        await wv.page.waitForFunction((w) => document.querySelector('[data-testid=similar-summary]')?.textContent?.includes(w), want);
        assert.equal(await wv.page.isVisible('[data-testid=similar-error]'), false, 'the engine accepted the filter');
        const cards = await wv.page.$$eval('[data-testid=similar-result] .similar-labels', (els) => els.map((e) => e.textContent ?? ''));
        const sameLabelRows = Array.from({ length: LABELLED_ROWS }, (_, r) => r).filter((r) => labelOf(r) === labelOf(row)).length;
        assert.equal(labelOf(row), "jack-o'-lantern");
        assert.equal(cards.length, sameLabelRows - 1, 'every other row of that label (k = 20 is more than there are)');
        for (const t of cards) assert.ok(t.includes(`${column}jack-o'-lantern`), t);
        assert.match((await wv.page.getAttribute('[data-testid=similar-same-label]', 'title'))!, new RegExp(want.replace(/[`'-]/g, '.')));
        await wv.screenshot('same-label');
      } finally {
        await wv.close();
        session.close();
      }
    });
  }
});

/** A real JPEG of w×h whose colours depend on seed (the browser must decode it). */
function jpegOf(seed: number, w: number, h: number): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  const hue = (seed * 47) % 360;
  const [r0, g0, b0] = [Math.cos((hue * Math.PI) / 180), Math.cos(((hue + 120) * Math.PI) / 180), Math.cos(((hue + 240) * Math.PI) / 180)].map((c) => 128 + 100 * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      const ring = Math.hypot(x - w / 2, y - h / 2) % 24 < 12 ? 1 : 0.55;
      data[p] = Math.min(255, r0 * ring + (x * 60) / w);
      data[p + 1] = Math.min(255, g0 * ring + (y * 60) / h);
      data[p + 2] = Math.min(255, b0 * ring);
      data[p + 3] = 255;
    }
  }
  return encodeJpeg({ data, width: w, height: h }, 85);
}
