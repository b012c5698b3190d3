// The Schema, Versions and Indices & stats tabs in headless Chromium against a fake host.
//
// Each view is bundled (esbuild, in-process) into a small page that mounts it with a fake PanelContext
// whose rpc is the real one from src/webview/host.ts over a fake acquireVsCodeApi: every request the
// view posts reaches this Node process (exposeBinding), where a FakeHost answers it, holds it (the test
// answers later, e.g. after progress events), or records a cancel. Screenshots: test-results/webview/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RequestMethod } from '../../src/shared/protocol';
import type { ColumnStats, DatasetDescription, ErrorInfo, SchemaField, VersionDiff, VersionInfo } from '../../src/shared/types';
import { launchBrowser, openWebview, repoRoot, RESULTS_DIR, until, type FakeHost, type Handler, type RequestEnvelope } from './harness';

// ---------------------------------------------------------------------------------------------------------
// Mounting a view (test/webview/harness.ts does the page, the bundle and the fake host)
// ---------------------------------------------------------------------------------------------------------

type ViewName = 'schema' | 'versions' | 'indices';

/** The page's entry: mounts one view with a fake PanelContext; calls and state are kept on window. */
const ENTRY = `
import { rpc } from '../../src/webview/host';
import { registerToolkit } from '../../src/webview/ui/toolkit';
import { schemaView } from '../../src/webview/panel/schemaView';
import { versionsView } from '../../src/webview/panel/versionsView';
import { indicesView } from '../../src/webview/panel/indicesView';
registerToolkit();
const w = window as any;
w.__calls = [];
w.__state = w.__state ?? {};
const ctx = {
  rpc,
  description: w.__description,
  showTab(id: string) { w.__calls.push({ showTab: id }); },
  setFilter(filter: string) { w.__calls.push({ setFilter: filter }); },
  findSimilar(rowId: string) { w.__calls.push({ findSimilar: rowId }); },
  reportView(v: unknown) { w.__calls.push({ reportView: v }); },
  getState(k: string) { return w.__state[k]; },
  setState(k: string, v: unknown) { w.__state[k] = JSON.parse(JSON.stringify(v)); },
};
// When the first version row appears, timed in the page (no test-runner latency in it).
new MutationObserver((_, obs) => {
  if (document.querySelector('[data-testid=version-row]')) { w.__firstRowAt = performance.now(); obs.disconnect(); }
}).observe(document.body, { childList: true, subtree: true });
w.__t0 = performance.now();
const view = w.__view === 'schema' ? schemaView(ctx as any) : w.__view === 'versions' ? versionsView(ctx as any) : indicesView(ctx as any);
document.getElementById('app')!.append(view.element);
view.onShow?.();
w.__api = view;
`;

/** VS Code's Light Modern colours for the variables these tabs use (the harness's theme is dark). */
const LIGHT_THEME = `
:root {
  --vscode-foreground: #3b3b3b; --vscode-descriptionForeground: #717171; --vscode-editor-background: #ffffff; --vscode-focusBorder: #005fb8;
  --vscode-panel-border: #e5e5e5; --vscode-widget-border: #e5e5e5; --vscode-list-hoverBackground: #f2f2f2; --vscode-list-inactiveSelectionBackground: #e4e6f1;
  --vscode-charts-blue: #1a85ff; --vscode-badge-background: #cccccc; --vscode-badge-foreground: #3b3b3b; --vscode-button-background: #005fb8;
  --vscode-button-foreground: #ffffff; --vscode-button-secondaryBackground: #e5e5e5; --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-input-background: #ffffff; --vscode-input-foreground: #3b3b3b; --vscode-input-border: #cecece; --vscode-dropdown-background: #ffffff;
  --vscode-dropdown-foreground: #3b3b3b; --vscode-dropdown-border: #cecece; --vscode-editorWidget-background: #f8f8f8; --vscode-textLink-foreground: #005fb8;
  --vscode-textCodeBlock-background: #f2f2f2; --vscode-editorWarning-foreground: #bf8803; --vscode-progressBar-background: #005fb8;
  --vscode-symbolIcon-typeParameterForeground: #267f99; --vscode-toolbar-hoverBackground: #b8b8b850;
}`;

/** A handler from a plain function of the request's parameters. */
const answer =
  (fn: (params: any, req: RequestEnvelope) => unknown): Handler =>
  async (params, req) =>
    fn(params, req);

/** Requests the test answers itself, later (after progress events, or to check a loading state). */
class Held {
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  readonly handler: Handler = (_params, req) => new Promise((resolve, reject) => this.pending.set(req.id, { resolve, reject }));
  respond(id: number, result: unknown): void {
    this.pending.get(id)!.resolve(result);
  }
  fail(id: number, error: ErrorInfo): void {
    this.pending.get(id)!.reject(error);
  }
}

interface Mounted {
  page: Page;
  host: FakeHost;
  errors(): string[];
  /** The request of `method` that `pred` picks, waiting for it. */
  request(method: RequestMethod, pred?: (r: RequestEnvelope & { params: any }) => boolean): Promise<RequestEnvelope & { params: any }>;
  requests(method: RequestMethod): (RequestEnvelope & { params: any })[];
  /** A screenshot of the viewport (the harness's are full-page; 2,500 versions make a very tall page). */
  screenshot(name: string): Promise<void>;
  calls(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function mount(
  view: ViewName,
  desc: DatasetDescription,
  opts: { handlers?: Partial<Record<RequestMethod, Handler>>; width?: number; height?: number; theme?: 'dark' | 'light' } = {},
): Promise<Mounted> {
  const wv = await openWebview({
    entry: { contents: ENTRY, resolveDir: path.join(repoRoot, 'test/webview') },
    css: ['panel.css', 'tabs.css'],
    globals: { __description: desc, __view: view },
    // "Copy schema as JSON" writes here (the test page is no secure context: no real clipboard).
    initScript: `
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t) => { window.__clip = t; } } });
      ${opts.theme === 'light' ? `document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style'); s.textContent = ${JSON.stringify(LIGHT_THEME)}; document.head.append(s); });` : ''}
    `,
    viewport: { width: opts.width ?? 1200, height: opts.height ?? 800 },
    name: 'tabs',
    handlers: opts.handlers,
    browser,
  });
  await wv.page.waitForFunction(() => (window as unknown as { __api?: unknown }).__api !== undefined);
  const dir = path.join(RESULTS_DIR, 'tabs');
  fs.mkdirSync(dir, { recursive: true });
  return {
    page: wv.page,
    host: wv.host,
    errors: () => wv.consoleErrors(),
    request: async (method, pred = () => true) => {
      const reqs = () => wv.host.requests(method) as (RequestEnvelope & { params: any })[];
      await until(`a "${method}" request`, () => reqs().some(pred), 5000);
      return reqs().find(pred)!;
    },
    requests: (method) => wv.host.requests(method),
    screenshot: async (name) => {
      await wv.page.screenshot({ path: path.join(dir, `${name}.png`) });
    },
    calls: () => wv.page.evaluate(() => (window as unknown as { __calls: Record<string, unknown>[] }).__calls),
    close: () => wv.close(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Fake datasets
// ---------------------------------------------------------------------------------------------------------

const field = (name: string, type: string, kind: SchemaField['kind'], extra: Partial<SchemaField> = {}): SchemaField => ({
  name,
  type,
  kind,
  nullable: true,
  metadata: {},
  children: [],
  ...extra,
});

const CLASSES = [
  'tench',
  'goldfish',
  'great_white_shark',
  "jack-o'-lantern",
  'tabby_cat',
  'tiger_cat',
  'Persian_cat',
  '<b>bold</b>',
  ...Array.from({ length: 92 }, (_, i) => `class_${String(i + 8).padStart(3, '0')}`),
];
const EVIL = '<img src=x onerror="window.__pwned=1">';

function imagenetDescription(over: Partial<DatasetDescription> = {}): DatasetDescription {
  const schema: SchemaField[] = [
    field('id', 'Int64', 'int', { nullable: false, indices: [{ name: 'id_idx', type: 'BTree' }] }),
    field('image', 'LargeBinary', 'binary', { nullable: false, metadata: { 'lance-encoding:compression': 'zstd' } }),
    field('label', 'Int32', 'int', { nullable: false, indices: [{ name: 'label_idx', type: 'BTree' }] }),
    field('label_name', 'Utf8', 'string', { nullable: false, indices: [{ name: 'label_name_idx', type: 'Bitmap' }] }),
    field('image_emb', 'FixedSizeList[512]<Float32>', 'vector', {
      nullable: false,
      dimension: 512,
      indices: [{ name: 'image_emb_idx', type: 'IvfPq', metric: 'COSINE' }],
      metadata: { model: 'clip-vit-b32', note: 'x'.repeat(400) },
    }),
    field('annotations', 'Struct<bbox: FixedSizeList[4]<Float32>, meta: Struct<source: Utf8, score: Float64>>', 'struct', {
      children: [
        field('bbox', 'FixedSizeList[4]<Float32>', 'vector', { dimension: 4 }),
        field('meta', 'Struct<source: Utf8, score: Float64>', 'struct', { children: [field('source', 'Utf8', 'string'), field('score', 'Float64', 'float')] }),
      ],
    }),
    field('tags', 'List<Utf8>', 'list', { children: [field('item', 'Utf8', 'string')] }),
    field(EVIL, 'Utf8', 'string'),
    field('weird', 'Map<Utf8, Int32>', 'other', { unsupported: 'Map columns cannot be read yet.' }),
  ];
  return {
    location: { uri: '/data/imagenet_val.lance', name: 'imagenet_val' },
    version: 6,
    latestVersion: 6,
    pinned: false,
    schema,
    schemaMetadata: {
      'lance:class_names': JSON.stringify(CLASSES),
      'lance:source_modality': 'image',
      description: `ImageNet validation subset. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8)}`,
      huggingface: JSON.stringify({
        info: {
          description: 'ImageNet-like validation images',
          features: { image: { _type: 'Image' }, label: { _type: 'ClassLabel', num_classes: 100 } },
          splits: { validation: { num_examples: 5000, num_bytes: 6_400_000_000 } },
        },
      }),
    },
    classNames: CLASSES,
    indices: [
      {
        name: 'image_emb_idx',
        type: 'IvfPq',
        columns: ['image_emb'],
        metric: 'COSINE',
        indexedRows: 4800,
        unindexedRows: 200,
        details: { compression: { num_bits: 8, num_sub_vectors: 16, type: 'pq' }, metric_type: 'COSINE', runtime_hints: { 'lance.ivf.max_iters': '50' } },
      },
      { name: 'label_idx', type: 'BTree', columns: ['label'], indexedRows: 5000, unindexedRows: 0, details: {} },
      { name: 'label_name_idx', type: 'Bitmap', columns: ['label_name'], indexedRows: 5000, unindexedRows: 0, details: {} },
    ],
    indexMetadataMissing: false,
    stats: { rows: 5000, deletedRows: 12, fragments: 3, bytes: 123_456_789, dataFormat: '2.1' },
    ...over,
  };
}

/** Class counts as the host's `distinct` would answer them: most frequent first. */
const CLASS_COUNTS = CLASSES.map((c, i) => ({ value: c, count: 100 - i + (i === 3 ? 50 : 0) })).sort((a, b) => b.count - a.count);

// ---------------------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------------------

describe('Schema tab', () => {
  let m: Mounted;
  before(async () => {
    m = await mount('schema', imagenetDescription(), {
      height: 480,
      handlers: { distinct: answer((p: { column: string }) => (p.column === 'label_name' ? CLASS_COUNTS : [])) },
    });
  });
  after(async () => {
    assert.deepEqual(m?.errors(), [], 'no page errors');
    await m?.close();
  });

  test('one schema-field per top-level column, in order, each showing its type; dataset strings stay text', async () => {
    const fields = await m.page.$$eval('[data-testid=schema] [data-testid=schema-field]', (els) =>
      els
        .filter((el) => !el.parentElement?.closest('[data-testid=schema-field]'))
        .map((el) => ({ name: el.getAttribute('data-name'), text: (el as HTMLElement).innerText.replace(/\s+/g, ' ') })),
    );
    const desc = imagenetDescription();
    assert.deepEqual(
      fields.map((f) => f.name),
      desc.schema.map((f) => f.name),
    );
    for (const f of desc.schema) assert.ok(fields.find((x) => x.name === f.name)!.text.includes(f.type), `${f.name} shows ${f.type}`);
    assert.equal(await m.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await m.page.locator('[data-testid=schema] img').count(), 0, 'a field named like markup creates no element');
    assert.ok((await m.page.textContent('[data-testid=schema]'))!.includes(EVIL));
    assert.ok((await m.page.textContent('[data-name=weird]'))!.includes('unreadable'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(m.requests('distinct').length, 0, 'no distinct request while the class list is off screen');
    await m.page.setViewportSize({ width: 1200, height: 760 });
    await m.screenshot('schema-01-tree');
    await m.page.setViewportSize({ width: 1200, height: 480 });
  });

  test('nested fields: the top-level struct is open, deeper ones closed; click and keyboard open and close them', async () => {
    const visible = (p: string) => m.page.isVisible(`[data-testid=schema-subfield][data-path="${p}"] > .field-line`);
    assert.equal(await visible('annotations.bbox'), true);
    assert.equal(await visible('annotations.meta'), true);
    assert.equal(await visible('annotations.meta.source'), false, 'a nested struct starts closed');
    assert.equal(await visible('tags.item'), false, 'lists start closed');
    assert.equal(await m.page.getAttribute('[data-name=annotations]', 'aria-expanded'), 'true');

    // Click on the name toggles.
    await m.page.click('[data-path="annotations.meta"] > .field-line .field-name');
    assert.equal(await visible('annotations.meta.source'), true);
    await m.page.click('[data-path="annotations.meta"] > .field-line .field-name');
    assert.equal(await visible('annotations.meta.source'), false);

    // Keyboard: one tab stop, arrows move, Right opens / enters, Left closes / goes up.
    const active = () => m.page.evaluate(() => document.activeElement?.getAttribute('data-name') ?? document.activeElement?.getAttribute('data-path'));
    await m.page.focus('[data-name=id]');
    assert.equal(await m.page.$$eval('[role=treeitem][tabindex="0"]', (e) => e.length), 1);
    await m.page.keyboard.press('End');
    assert.equal(await active(), 'weird');
    await m.page.keyboard.press('Home');
    assert.equal(await active(), 'id');
    for (let i = 0; i < 5; i++) await m.page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'annotations');
    await m.page.keyboard.press('ArrowRight');
    assert.equal(await active(), 'annotations.bbox', 'Right on an open item enters it');
    await m.page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'annotations.meta');
    await m.page.keyboard.press('ArrowRight');
    assert.equal(await visible('annotations.meta.source'), true, 'Right opens');
    await m.page.keyboard.press('ArrowRight');
    assert.equal(await active(), 'annotations.meta.source');
    await m.page.keyboard.press('ArrowLeft');
    assert.equal(await active(), 'annotations.meta', 'Left on a leaf goes to its parent');
    await m.page.keyboard.press('ArrowLeft');
    assert.equal(await visible('annotations.meta.source'), false, 'Left closes');
    await m.page.keyboard.press('ArrowLeft');
    assert.equal(await active(), 'annotations');
    await m.page.keyboard.press('ArrowLeft');
    assert.equal(await m.page.getAttribute('[data-name=annotations]', 'aria-expanded'), 'false');
    await m.page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'tags', 'closed children are skipped');
    await m.page.keyboard.press('Enter');
    assert.equal(await visible('tags.item'), true, 'Enter toggles');
    // Remembered across reloads of the webview (ctx state).
    const state = await m.page.evaluate(() => (window as unknown as { __state: Record<string, unknown> }).__state['schema.expanded']);
    assert.deepEqual(state, { 'annotations/meta': false, annotations: false, tags: true });
    await m.page.click('[data-testid=schema-expand-all]');
    assert.equal(await visible('annotations.meta.score'), true);
    await m.screenshot('schema-02-expanded');
  });

  test('index badges on indexed columns: type and metric', async () => {
    const badges = await m.page.$$eval('[data-testid=schema-field]', (els) =>
      Object.fromEntries(
        els.map((el) => [el.getAttribute('data-name'), Array.from(el.querySelectorAll(':scope > .field-line [data-testid=index-badge]')).map((b) => b.textContent)]),
      ),
    );
    assert.deepEqual(badges.image_emb, ['IvfPq · cosine']);
    assert.deepEqual(badges.label_name, ['Bitmap']);
    assert.deepEqual(badges.id, ['BTree']);
    assert.deepEqual(badges.image, []);
  });

  test('field and schema metadata in full; long values folded behind a disclosure', async () => {
    const meta = m.page.locator('[data-name=image_emb] > [data-testid=field-metadata]');
    assert.ok((await meta.innerText()).includes('clip-vit-b32'));
    const rows = await m.page.$$eval('[data-testid=schema-metadata] tr', (els) => els.map((e) => e.getAttribute('data-key')));
    assert.deepEqual(rows, ['lance:class_names', 'lance:source_modality', 'description', 'huggingface']);
    const hf = m.page.locator('[data-testid=schema-metadata] tr[data-key=huggingface] details');
    assert.equal(await hf.locator('pre').isVisible(), false);
    await hf.locator('summary').click();
    const pre = await hf.locator('pre').innerText();
    assert.ok(pre.includes('"num_classes": 100'), 'JSON values are pretty-printed in full');
    assert.ok((await m.page.innerText('[data-testid=schema-metadata] tr[data-key="lance:class_names"]')).includes('100 class names'));
    await m.page.locator('[data-testid=schema-metadata]').scrollIntoViewIfNeeded();
    await m.screenshot('schema-03-metadata');
  });

  test('class names: counts asked for only once the list is on screen, from the label column; search; click filters with quotes doubled', async () => {
    await m.page.locator('[data-testid=class-names]').scrollIntoViewIfNeeded();
    const req = await m.request('distinct');
    assert.deepEqual(req.params, { column: 'label_name', limit: 5000 });
    await m.page.waitForFunction(() => document.querySelector('[data-testid=class-status]')?.textContent?.includes('Row counts from column'));
    assert.equal(await m.page.locator('[data-testid=class-item]').count(), 100);
    const count = (name: string) => m.page.locator(`[data-testid=class-item][data-class="${name}"] .class-count`).textContent();
    assert.equal(await count('tench'), '100');
    assert.equal(await count("jack-o'-lantern"), '147');

    await m.page.fill('[data-testid=class-search]', 'cat');
    const shown = await m.page.$$eval('[data-testid=class-item]', (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getAttribute('data-class')));
    assert.deepEqual(shown, ['tabby_cat', 'tiger_cat', 'Persian_cat']);
    await m.screenshot('schema-04-classes-search');
    await m.page.fill('[data-testid=class-search]', '');

    await m.page.selectOption('[data-testid=class-sort]', 'count');
    const first = await m.page.$$eval('[data-testid=class-item]', (els) => els.slice(0, 2).map((e) => e.getAttribute('data-class')));
    assert.deepEqual(first, ["jack-o'-lantern", 'tench']);
    await m.page.locator('[data-testid=class-names]').scrollIntoViewIfNeeded();
    await m.screenshot('schema-05-classes-by-count');

    await m.page.click(`[data-testid=class-item][data-class="jack-o'-lantern"]`);
    await m.page.click('[data-testid=class-item][data-class="<b>bold</b>"]');
    assert.deepEqual(await m.calls(), [{ setFilter: "label_name = 'jack-o''-lantern'" }, { setFilter: "label_name = '<b>bold</b>'" }]);
    assert.equal(await m.page.locator('[data-testid=class-names] b').count(), 0);
    // Keyboard: the items are buttons.
    await m.page.focus('[data-testid=class-item][data-class=tench]');
    await m.page.keyboard.press('Enter');
    assert.deepEqual((await m.calls()).at(-1), { setFilter: "label_name = 'tench'" });
  });

  test('Copy schema as JSON', async () => {
    await m.page.click('[data-testid=copy-schema]');
    await m.page.waitForFunction(() => (window as unknown as { __clip?: string }).__clip !== undefined);
    const json = JSON.parse(await m.page.evaluate(() => (window as unknown as { __clip: string }).__clip));
    assert.equal(json.fields.length, 9);
    assert.deepEqual(json.fields[5].children[1], {
      name: 'meta',
      type: 'Struct<source: Utf8, score: Float64>',
      nullable: true,
      children: [
        { name: 'source', type: 'Utf8', nullable: true },
        { name: 'score', type: 'Float64', nullable: true },
      ],
    });
    assert.equal(json.metadata['lance:source_modality'], 'image');
    assert.equal(await m.page.textContent('[data-testid=copy-status]'), 'Schema copied to the clipboard.');
  });
});

describe('Schema tab: classes indexed by an int label column; no class names', () => {
  test('an int "label" column indexing into the names: counts by position, click filters label = N', async () => {
    const d = imagenetDescription();
    d.schema = d.schema.filter((f) => f.name !== 'label_name');
    const m = await mount('schema', d, {
      height: 3000,
      handlers: {
        distinct: answer((p: { column: string }) =>
          p.column === 'label'
            ? [
                { value: 3, count: 7 },
                { value: 0, count: 5 },
              ]
            : [],
        ),
      },
    });
    try {
      const req = await m.request('distinct');
      assert.deepEqual(req.params, { column: 'label', limit: 5000 });
      await m.page.waitForFunction(() => document.querySelector('[data-testid=class-status]')?.textContent?.includes('Row counts from column'));
      assert.equal(await m.page.textContent(`[data-testid=class-item][data-class="jack-o'-lantern"] .class-count`), '7');
      assert.equal(await m.page.textContent('[data-testid=class-item][data-class=goldfish] .class-count'), '0');
      await m.page.click(`[data-testid=class-item][data-class="jack-o'-lantern"]`);
      assert.deepEqual(await m.calls(), [{ setFilter: 'label = 3' }]);
      assert.deepEqual(m.errors(), []);
    } finally {
      await m.close();
    }
  });

  test('no class names, no metadata: no class list, "None."; the light theme', async () => {
    const d = imagenetDescription({ classNames: undefined, schemaMetadata: {} });
    const m = await mount('schema', d, { theme: 'light', height: 500 });
    try {
      assert.equal(await m.page.locator('[data-testid=class-names]').count(), 0);
      assert.equal(await m.page.textContent('[data-testid=schema-metadata]'), 'None.');
      await m.screenshot('schema-06-light');
      assert.deepEqual(m.errors(), []);
    } finally {
      await m.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------------------------

const N_VERSIONS = 2500;
const NOW = Date.now();

function makeVersions(): VersionInfo[] {
  const out: VersionInfo[] = [];
  let rows = 0;
  let frags = 0;
  let deleted = 0;
  for (let v = 1; v <= N_VERSIONS; v++) {
    if (v % 7 === 3) deleted += 5;
    else if (v % 5 !== 0) {
      rows += 100;
      frags += 1;
    }
    if (v % 500 === 0) frags = Math.ceil(frags / 10); // compaction
    out.push({
      version: v,
      // Newest: 2 hours ago; one version every 37 minutes before that.
      timestamp: new Date(NOW - 2 * 3600_000 - (N_VERSIONS - v) * 37 * 60_000).toISOString(),
      rows: rows - deleted,
      metadata: { total_rows: String(rows - deleted), total_fragments: String(frags), total_files_size: String(rows * 2000), total_deletion_file_rows: String(deleted) },
      tags: [],
    });
  }
  return out.reverse();
}

function versionsHost(tags: Map<string, number>): Partial<Record<RequestMethod, Handler>> {
  const all = makeVersions();
  return {
    versions: answer(({ offset, limit }: { offset: number; limit: number }) => ({
      total: all.length,
      latest: N_VERSIONS,
      versions: all.slice(offset, offset + limit).map((v) => ({ ...v, tags: [...tags].filter(([, tv]) => tv === v.version).map(([n]) => n) })),
    })),
    createTag: answer(({ version }: { version: number }) => {
      tags.set('my-tag', version);
      return { created: true };
    }),
    deleteTag: answer(({ name }: { name: string }) => ({ deleted: tags.delete(name) })),
    browse: answer(() => null),
  };
}

const DIFF: VersionDiff = {
  from: 2490,
  to: 2500,
  rows: { from: 240_000, to: 240_700 },
  schema: { added: [{ name: 'caption', type: 'Utf8' }], removed: [{ name: 'old_score', type: 'Float32' }], changed: [{ name: 'label', from: 'Int32', to: 'Int64' }] },
  fragments: { added: [101, 102, 103], removed: [7], from: 40, to: 42 },
  indices: { added: ['caption_fts'], removed: ['old_idx'] },
  metadata: { added: ['lance:source_modality'], removed: [], changed: ['lance:class_names'] },
};

describe('Versions tab', () => {
  let m: Mounted;
  const tags = new Map<string, number>([
    ['v1-initial', 1],
    ['release-2024', 2498],
    ['<script>alert(1)</script>', 2498],
  ]);
  const compare = new Held();
  let firstPageMs = 0;
  before(async () => {
    m = await mount('versions', imagenetDescription({ version: N_VERSIONS, latestVersion: N_VERSIONS }), {
      handlers: { ...versionsHost(tags), compareVersions: compare.handler },
      height: 900,
    });
    await m.page.waitForSelector('[data-testid=version-row]');
    // From the view's creation to its first row on screen, in the page: includes the trip to the host and back.
    firstPageMs = await m.page.evaluate(() => (window as unknown as { __firstRowAt: number; __t0: number }).__firstRowAt - (window as unknown as { __t0: number }).__t0);
  });
  after(async () => {
    assert.deepEqual(m?.errors(), [], 'no page errors');
    await m?.close();
  });

  test('2,500 versions: the first page of 100 shows quickly, newest first, the current version marked', async () => {
    assert.deepEqual(
      m.requests('versions').map((r) => r.params),
      [{ offset: 0, limit: 100 }],
    );
    assert.equal(await m.page.locator('[data-testid=version-row]').count(), 100);
    assert.ok(firstPageMs < 1500, `first page after ${Math.round(firstPageMs)} ms`);
    const first = await m.page.$$eval('[data-testid=version-row]', (els) => els.slice(0, 3).map((e) => Number(e.getAttribute('data-version'))));
    assert.deepEqual(first, [2500, 2499, 2498]);
    const top = m.page.locator('[data-testid=version-row][data-version="2500"]');
    assert.equal(await top.getAttribute('aria-current'), 'true');
    assert.equal(await top.locator('[data-testid=version-current]').textContent(), 'current');
    assert.equal(await top.locator('.v-rel').textContent(), '2 hours ago');
    assert.ok((await top.locator('.v-time').getAttribute('title'))!.startsWith(new Date(NOW - 2 * 3600_000).toISOString().slice(0, 16)));
    assert.ok((await top.locator('.v-abs').textContent())!.length > 8, 'absolute time on a second line');
    assert.equal(await top.locator('[data-testid=version-browse]').isDisabled(), true, 'the shown version cannot be browsed again');
    assert.match((await m.page.textContent('[data-testid=versions-summary]'))!, /2,500 versions · latest 2500/);
    assert.equal(await m.page.locator('[data-testid=pinned-banner]').count(), 0);
    // What changed: rows delta against the version before; deletions; no data change.
    const row = (v: number) => m.page.locator(`[data-testid=version-row][data-version="${v}"]`);
    assert.equal(await row(2499).locator('.v-delta').textContent(), '+100');
    assert.ok((await row(2495).locator('.v-what').innerText()).includes('5 rows deleted'), await row(2495).locator('.v-what').innerText());
    assert.equal(await row(2495).locator('.v-delta').textContent(), '−5');
    assert.ok((await row(2490).locator('.v-what').innerText()).includes('rows and files unchanged'));
    assert.ok((await row(2500).locator('.v-what').innerText()).includes('fragments 383 → 39'), await row(2500).locator('.v-what').innerText());
    await m.screenshot('versions-01-first-page');
  });

  test('tags beside their versions, as text', async () => {
    const t = await m.page.$$eval('[data-testid=version-row][data-version="2498"] [data-testid=tag-badge]', (els) => els.map((e) => e.getAttribute('data-tag')));
    assert.deepEqual(t, ['release-2024', '<script>alert(1)</script>']);
    assert.equal(await m.page.locator('[data-testid=versions] script').count(), 0);
  });

  test('more pages: scrolling to the end loads the next 100, "Load more" too; the oldest version ends the list', async () => {
    await m.page.locator('[data-testid=versions-more]').scrollIntoViewIfNeeded();
    await m.request('versions', (r) => r.params.offset === 100);
    await m.page.waitForFunction(() => document.querySelectorAll('[data-testid=version-row]').length === 200);
    // The row at a page boundary gets its delta once the older page is there.
    assert.equal(await m.page.locator('[data-testid=version-row][data-version="2401"] .v-delta').textContent(), '+100');
    // "Load more", timed in the page: click to 100 more rows on screen.
    const ms = await m.page.evaluate(async () => {
      window.scrollTo(0, 0);
      const t = performance.now();
      (document.querySelector('[data-testid=versions-load-more]') as HTMLElement).click();
      while (document.querySelectorAll('[data-testid=version-row]').length < 300) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t;
    });
    assert.ok(ms < 1000, `a page after ${Math.round(ms)} ms`);
    const offsets = m.requests('versions').map((r) => r.params.offset);
    assert.deepEqual(offsets.slice(0, 3), [0, 100, 200]);
    assert.ok(
      offsets.every((o, i) => o === i * 100),
      'each page asked for once',
    );
    // Load the rest with the button, pressed from the page (scrolling it into view would also load by itself).
    await m.page.evaluate(async () => {
      const more = document.querySelector('[data-testid=versions-more]')!;
      while (!more.textContent.includes('All 2,500 versions shown')) {
        more.querySelector<HTMLElement>('[data-testid=versions-load-more]')?.click();
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    assert.equal(await m.page.locator('[data-testid=version-row]').count(), N_VERSIONS);
    assert.ok((await m.page.textContent('[data-testid=versions-more]'))!.includes('All 2,500 versions shown'));
    const oldest = m.page.locator('[data-testid=version-row][data-version="1"]');
    assert.ok((await oldest.locator('.v-what').textContent())!.includes('first version'), (await oldest.locator('.v-what').textContent())!);
    assert.equal(await m.page.locator('[data-testid=version-row][data-version="1"] [data-testid=tag-badge]').getAttribute('data-tag'), 'v1-initial');
    // Scrolling the whole list stays smooth enough to use: time a jump to the end and back.
    const jump = await m.page.evaluate(async () => {
      const t = performance.now();
      window.scrollTo(0, document.body.scrollHeight);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      window.scrollTo(0, 0);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t;
    });
    assert.ok(jump < 1000, `scroll to end and back: ${Math.round(jump)} ms`);
  });

  test('keyboard: arrows move between versions, Space ticks one for comparison', async () => {
    await m.page.focus('[data-testid=version-row][data-version="2500"]');
    await m.page.keyboard.press('ArrowDown');
    await m.page.keyboard.press('ArrowDown');
    assert.equal(await m.page.evaluate(() => document.activeElement?.getAttribute('data-version')), '2498');
    await m.page.keyboard.press('Space');
    assert.equal(await m.page.isChecked('[data-testid=version-row][data-version="2498"] [data-testid=version-select]'), true);
    await m.page.keyboard.press('Space');
    assert.equal(await m.page.isChecked('[data-testid=version-row][data-version="2498"] [data-testid=version-select]'), false);
    await m.page.keyboard.press('Home');
    assert.equal(await m.page.evaluate(() => document.activeElement?.getAttribute('data-version')), '2500');
  });

  test('Browse opens a version read-only; the latest is browsed as "latest"', async () => {
    await m.page.click('[data-testid=version-row][data-version="2497"] [data-testid=version-browse]');
    const r = await m.request('browse');
    assert.deepEqual(r.params, { version: 2497 });
  });

  test('compare: tick two versions → compareVersions(older, newer) → the diff', async () => {
    assert.equal(await m.page.getAttribute('[data-testid=compare-selected]', 'disabled'), '');
    await m.page.check('[data-testid=version-row][data-version="2500"] [data-testid=version-select]');
    await m.page.check('[data-testid=version-row][data-version="2490"] [data-testid=version-select]');
    assert.ok((await m.page.textContent('.compare-hint'))!.includes('2490 → 2500'));
    await m.page.click('[data-testid=compare-selected]');
    const req = await m.request('compareVersions');
    assert.deepEqual(req.params, { from: 2490, to: 2500 });
    assert.equal(await m.page.isVisible('[data-testid=diff-loading]'), true);
    compare.respond(req.id, DIFF);
    await m.page.waitForSelector('[data-testid=diff-rows]');
    const text = (id: string) => m.page.innerText(`[data-testid=version-diff] [data-testid=${id}]`);
    assert.match(await text('diff-rows'), /240,000 → 240,700 \(\+700\)/);
    assert.match(await text('diff-fragments'), /40 → 42: \+3 added, −1 removed/);
    const schema = await text('diff-schema');
    for (const s of ['caption', 'Utf8', 'old_score', 'Int32 → Int64']) assert.ok(schema.includes(s), `schema diff shows ${s}: ${schema}`);
    assert.match(await text('diff-indices'), /caption_fts[\s\S]*old_idx \(dropped\)/);
    assert.match(await text('diff-metadata'), /lance:source_modality[\s\S]*lance:class_names \(value changed\)/);
    assert.ok((await m.page.textContent('[data-testid=version-diff] h3'))!.includes('Version 2490 → version 2500'));
    await m.page.evaluate(() => window.scrollTo(0, 0));
    await m.screenshot('versions-02-diff');
    // A third tick drops the oldest pick.
    await m.page.check('[data-testid=version-row][data-version="2480"] [data-testid=version-select]');
    assert.equal(await m.page.isChecked('[data-testid=version-row][data-version="2500"] [data-testid=version-select]'), false);
    assert.ok((await m.page.textContent('.compare-hint'))!.includes('2480 → 2490'));
  });

  test('compare on one version compares it with the latest; compare(from, to) from the API; errors show in place', async () => {
    m.host.handlers.compareVersions = answer((p: { from: number; to: number }) => ({
      ...DIFF,
      ...p,
      schema: { added: [], removed: [], changed: [] },
      indices: { added: [], removed: [] },
      metadata: { added: [], removed: [], changed: [] },
    }));
    await m.page.click('[data-testid=version-row][data-version="2400"] [data-testid=version-compare]');
    await m.request('compareVersions', (r) => r.params.from === 2400);
    assert.deepEqual(m.requests('compareVersions').at(-1)!.params, { from: 2400, to: 2500 });
    await m.page.waitForFunction(() => document.querySelector('[data-testid=version-diff] h3')?.textContent?.includes('2400'));
    assert.equal(await m.page.innerText('[data-testid=diff-schema] td'), 'No schema changes.');
    await m.page.click('[data-testid=version-row][data-version="2500"] [data-testid=version-compare]');
    await m.request('compareVersions', (r) => r.params.from === 2499 && r.params.to === 2500);
    await m.page.evaluate(() => (window as unknown as { __api: { compare(a: number, b: number): void } }).__api.compare(3, 7));
    await m.request('compareVersions', (r) => r.params.from === 3 && r.params.to === 7);
    await m.page.waitForFunction(() => document.querySelector('[data-testid=version-diff] h3')?.textContent?.includes('Version 3 → version 7'));
    m.host.handlers.compareVersions = async () => {
      throw { kind: 'not-found', message: 'Version 9 has no manifest.' };
    };
    await m.page.evaluate(() => (window as unknown as { __api: { compare(a: number, b: number): void } }).__api.compare(9, 10));
    await m.page.waitForSelector('[data-testid=version-diff] .error-inline');
    assert.match(await m.page.innerText('[data-testid=version-diff] .error-inline'), /Version 9 has no manifest/);
    await m.page.click('[data-testid=diff-close]');
    assert.equal(await m.page.isVisible('[data-testid=version-diff]'), false);
  });

  test('tags: create on a version (the list refreshes), delete from its badge', async () => {
    await m.page.click('[data-testid=version-row][data-version="2499"] [data-testid=create-tag]');
    const req = await m.request('createTag');
    assert.deepEqual(req.params, { version: 2499 });
    await m.page.waitForSelector('[data-testid=version-row][data-version="2499"] [data-testid=tag-badge][data-tag=my-tag]');
    assert.equal(m.requests('versions').at(-1)!.params.offset, 0, 're-reads the page holding the version');
    await m.page.evaluate(() => window.scrollTo(0, 0));
    await m.screenshot('versions-03-tagged');
    await m.page.click('[data-testid=version-row][data-version="2499"] [data-tag=my-tag] [data-testid=delete-tag]');
    const del = await m.request('deleteTag');
    assert.deepEqual(del.params, { name: 'my-tag' });
    await m.page.waitForFunction(() => !document.querySelector('[data-tag=my-tag]'));
    assert.equal(await m.page.textContent('[data-testid=versions-status]'), 'Tag “my-tag” deleted.');
    // A cancelled prompt changes nothing.
    m.host.handlers.createTag = answer(() => ({ created: false }));
    const n = m.requests('versions').length;
    await m.page.click('[data-testid=version-row][data-version="2498"] [data-testid=create-tag]');
    await m.request('createTag', (r) => r.params.version === 2498);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(m.requests('versions').length, n);
  });
});

describe('Versions tab: pinned to an older version', () => {
  test('banner "Viewing version N (read-only)", Back to latest; the shown version marked; the latest browsed as latest', async () => {
    const tags = new Map<string, number>();
    const m = await mount('versions', imagenetDescription({ version: 2497, latestVersion: N_VERSIONS, pinned: true }), { handlers: versionsHost(tags), width: 860, height: 640 });
    try {
      await m.page.waitForSelector('[data-testid=version-row]');
      assert.match((await m.page.innerText('[data-testid=pinned-banner]')).replace(/\s+/g, ' '), /Viewing version 2497 \(read-only\) — Back to latest/);
      const shown = m.page.locator('[data-testid=version-row][data-version="2497"]');
      assert.equal(await shown.getAttribute('aria-current'), 'true');
      assert.equal(await shown.locator('[data-testid=version-current]').textContent(), 'shown');
      assert.equal(await m.page.textContent('[data-testid=version-row][data-version="2500"] [data-testid=version-latest]'), 'latest');
      await m.screenshot('versions-04-pinned-narrow');
      await m.page.click('[data-testid=back-to-latest]');
      assert.deepEqual((await m.request('browse')).params, {});
      await m.page.click('[data-testid=version-row][data-version="2500"] [data-testid=version-browse]');
      await until('a second browse', () => m.requests('browse').length > 1);
      assert.deepEqual(m.requests('browse')[1].params, {}, 'browsing the latest unpins');
      assert.deepEqual(m.errors(), []);
    } finally {
      await m.close();
    }
  });

  test('a failing versions request shows the error and a retry', async () => {
    let fail = true;
    const base = versionsHost(new Map());
    const m = await mount('versions', imagenetDescription(), {
      handlers: {
        ...base,
        versions: async (p, r) => {
          if (fail) throw { kind: 'io', message: '_versions/ is not readable' };
          return base.versions!(p, r);
        },
      },
    });
    try {
      await m.page.waitForSelector('[data-testid=versions-more] .error-inline');
      assert.match(await m.page.innerText('[data-testid=versions-more]'), /Could not list versions: _versions\/ is not readable/);
      fail = false;
      await m.page.click('[data-testid=versions-more] vscode-button');
      await m.page.waitForSelector('[data-testid=version-row]');
      assert.equal(await m.page.locator('[data-testid=version-row]').count(), 100);
    } finally {
      await m.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Indices & stats
// ---------------------------------------------------------------------------------------------------------

const LABEL_STATS: ColumnStats = {
  column: 'label_name',
  type: 'Utf8',
  rows: 50_000,
  nulls: 250,
  distinct: 1000,
  distinctCapped: true,
  top: [
    { value: "jack-o'-lantern", count: 900 },
    { value: 'tabby_cat', count: 700 },
    { value: '<b>bold</b>', count: 400 },
    { value: '', count: 120 },
    ...Array.from({ length: 16 }, (_, i) => ({ value: `class_${i}`, count: 100 - i * 5 })),
  ],
  partial: false,
};

describe('Indices & stats tab', () => {
  let m: Mounted;
  const stats = new Held();
  before(async () => {
    m = await mount('indices', imagenetDescription(), { height: 900, handlers: { columnStats: stats.handler } });
  });
  after(async () => {
    assert.deepEqual(m?.errors(), [], 'no page errors');
    await m?.close();
  });

  test('every index with type, columns, metric, parameters and coverage; dataset statistics', async () => {
    const rows = await m.page.$$eval('[data-testid=indices] [data-testid=index-row]', (els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ')));
    assert.equal(rows.length, 3);
    assert.match(rows[0], /image_emb_idx IvfPq image_emb cosine .*compression PQ.*sub-vectors 16.*bits 8.*4,800 indexed · 200 unindexed/);
    assert.match(rows[1], /label_idx BTree label — — 5,000 indexed · 0 unindexed/);
    const stats = await m.page.innerText('[data-testid=stats]');
    for (const s of ['5,000', '12', '117.7 MB', '2.1']) assert.ok(stats.includes(s), `stats show ${s}`);
    await m.screenshot('indices-01-overview');
  });

  test('column stats: progress from "progress" events, then figures and a chart of the top values', async () => {
    assert.equal(await m.page.inputValue('[data-testid=stats-column]'), 'label_name', 'a label-like column is offered first');
    await m.page.click('[data-testid=stats-run]');
    const req = await m.request('columnStats');
    assert.deepEqual(req.params, { column: 'label_name', topK: 20 });
    assert.equal(await m.page.isVisible('[data-testid=stats-progress]'), true);
    await m.host.event('progress', { requestId: req.id + 1000, done: 1, total: 2 }); // someone else's: ignored
    await m.host.event('progress', { requestId: req.id, done: 20_000, total: 50_000 });
    await m.page.waitForFunction(() => document.querySelector('[data-testid=stats-progress]')?.textContent?.includes('20,000 of 50,000 rows (40%)'));
    assert.equal(await m.page.$eval('[data-testid=stats-progress] progress', (p) => (p as HTMLProgressElement).value), 20_000);
    await m.screenshot('indices-02-progress');
    stats.respond(req.id, LABEL_STATS);
    await m.page.waitForSelector('[data-testid=stats-bar]');
    assert.equal(await m.page.isVisible('[data-testid=stats-progress]'), false);
    assert.equal(await m.page.locator('[data-testid=stats-bar]').count(), 20);
    assert.equal(await m.page.innerText('[data-testid=stats-distinct] .fig-v'), '≥ 1,000');
    assert.equal(await m.page.innerText('[data-testid=stats-nulls] .fig-v'), '250 (0.50%)');
    const widths = await m.page.$$eval('[data-testid=stats-bar] .bar-fill', (els) => els.slice(0, 2).map((e) => (e as HTMLElement).getBoundingClientRect().width));
    assert.ok(Math.abs(widths[1] / widths[0] - 700 / 900) < 0.02, `bars proportional to counts: ${widths}`);
    assert.equal(await m.page.locator('[data-testid=column-stats] b').count(), 0, 'values are text');
    await m.page.locator('[data-testid=column-stats]').scrollIntoViewIfNeeded();
    await m.screenshot('indices-03-chart');
  });

  test('a bar click filters the rows, quotes doubled; keyboard works too', async () => {
    await m.page.click(`[data-testid=stats-bar][data-value="jack-o'-lantern"]`);
    await m.page.click('[data-testid=stats-bar][data-value=""]');
    await m.page.focus('[data-testid=stats-bar] >> nth=0');
    await m.page.keyboard.press('ArrowDown');
    await m.page.keyboard.press('Enter');
    assert.deepEqual(await m.calls(), [{ setFilter: "label_name = 'jack-o''-lantern'" }, { setFilter: "label_name = ''" }, { setFilter: "label_name = 'tabby_cat'" }]);
  });

  test('Cancel stops the scan: the host is told, the view says so', async () => {
    await m.page.selectOption('[data-testid=stats-column]', 'label');
    await m.page.click('[data-testid=stats-run]');
    const req = await m.request('columnStats', (r) => r.params.column === 'label');
    await m.host.event('progress', { requestId: req.id, done: 5000, total: 50_000 });
    await m.page.waitForFunction(() => document.querySelector('[data-testid=stats-progress]')?.textContent?.includes('(10%)'));
    await m.page.click('[data-testid=stats-cancel]');
    await m.host.waitForCancel(req.id);
    await m.page.waitForSelector('[data-testid=stats-cancelled]');
    assert.equal(await m.page.isVisible('[data-testid=stats-progress]'), false);
    stats.respond(req.id, LABEL_STATS); // a late answer is dropped
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await m.page.locator('[data-testid=stats-bar]').count(), 0);
  });

  test('numbers: min/max/mean, a filter in force is kept, a bar filters label = N AND the filter; errors inline', async () => {
    await m.page.fill('[data-testid=stats-filter]', "split = 'val'");
    await m.page.press('[data-testid=stats-filter]', 'Enter');
    const req = await m.request('columnStats', (r) => r.params.filter !== undefined);
    assert.deepEqual(req.params, { column: 'label', filter: "split = 'val'", topK: 20 });
    stats.respond(req.id, {
      column: 'label',
      type: 'Int32',
      rows: 5000,
      nulls: 0,
      min: 0,
      max: 999,
      mean: 499.51234567,
      distinct: 1000,
      distinctCapped: false,
      top: [
        { value: 3, count: 9 },
        { value: 1.5, count: 3 },
      ],
      partial: false,
    } satisfies ColumnStats);
    await m.page.waitForSelector('[data-testid=stats-mean]');
    assert.equal(await m.page.innerText('[data-testid=stats-mean] .fig-v'), '499.512');
    assert.equal(await m.page.innerText('[data-testid=stats-distinct] .fig-v'), '1,000');
    assert.equal(await m.page.innerText('[data-testid=stats-max] .fig-v'), '999');
    await m.page.click('[data-testid=stats-bar][data-value="3"]');
    assert.deepEqual((await m.calls()).at(-1), { setFilter: "(split = 'val') AND label = 3" });
    // An error from the host (e.g. a bad filter) shows where the result would be.
    await m.page.click('[data-testid=stats-run]');
    const bad = await m.request('columnStats', (r) => r.id > req.id);
    stats.fail(bad.id, { kind: 'bad-filter', message: 'No column named "split".', detail: 'Schema error: No field named split' });
    await m.page.waitForSelector('[data-testid=stats-error]');
    assert.match(await m.page.innerText('[data-testid=stats-error]'), /No column named "split"/);
    assert.equal(await m.page.evaluate(() => (window as unknown as { __state: Record<string, unknown> }).__state['stats.column']), 'label');
  });
});

describe('Indices & stats tab: no indices', () => {
  test('"No index metadata" when _indices/ holds files the manifest does not describe; "No indices" otherwise; unknown size', async () => {
    const m = await mount('indices', imagenetDescription({ indices: [], indexMetadataMissing: true, stats: { rows: 10, fragments: 1 } }), { height: 500, theme: 'light' });
    try {
      assert.match(await m.page.innerText('[data-testid=indices]'), /^No index metadata: _indices\/ holds files/);
      const stats = await m.page.innerText('[data-testid=stats]');
      assert.match(stats, /Size on disk\s+unknown/);
      assert.match(stats, /Deleted rows\s+unknown/);
      await m.screenshot('indices-04-no-metadata-light');
    } finally {
      await m.close();
    }
    const m2 = await mount('indices', imagenetDescription({ indices: [], indexMetadataMissing: false }));
    try {
      assert.equal(await m2.page.innerText('[data-testid=indices]'), 'No indices.');
    } finally {
      await m2.close();
    }
  });
});
