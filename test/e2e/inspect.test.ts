// End to end, in a real VS Code (code-server + Chromium, see harness.ts): the heart of the inspector on
// a generated 2,000-row ImageNet-like dataset: rows with decoded thumbnails, filter by class, the filter
// box (and its inline error), the side-panel Row Preview, find-similar (row context menu and palette),
// and go-to-row far down the table.
//
// Ground truth (counts, columns, the row at a position) comes from @lancedb/lancedb, never from the UI
// under test. Images count as shown only when decoded inside the webview (complete, naturalWidth > 0).
// Timings are printed ([e2e][timing]) for the issue notes; nothing asserts on them.
//
// The scenarios share one VS Code and run in order; each one opens the panel state it needs itself
// where that is cheap, so one failure does not hide the rest. Screenshots: test-results/e2e/inspect-*/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import {
  activeTabTitle,
  changedFiles,
  fmt,
  gridRows,
  hashTree,
  openDataset,
  panelFrame,
  poll,
  rowCountText,
  showTab,
  timing,
  timings,
  waitForGrid,
  waitForSimilar,
  withTable,
} from './util';

const ROWS = 2000;
const NAME = 'imagenet_val';
const CLASS = 'golden_retriever';
const LIKE_FILTER = "label_name LIKE 'tabby%'";
const BAD_FILTER = 'nosuch = 1';
const FAR_ROW = 1990;
const MIN_THUMBS = 10;
/** Of the 10 nearest neighbours, at least this many must share the query row's class (clustered embeddings). */
const MIN_SAME_CLASS = 7;

let workspace = '';
let datasetPath = '';
let truth: { columns: string[]; classCount: number; likeCount: number; idAtFarRow: string; labelOfId1234: string };
let hashesBefore: Map<string, string>;
let vsc: VSCodeSession | undefined;

function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

/** The panel of the dataset: the open one, or opened through the palette if a failed scenario closed it. */
async function ensurePanel(v: VSCodeSession): Promise<Frame> {
  try {
    return await panelFrame(v, NAME);
  } catch {
    return openDataset(v, datasetPath);
  }
}

/** Applies a filter through the Rows tab's filter box (Enter). */
async function typeFilter(frame: Frame, filter: string): Promise<void> {
  await showTab(frame, 'rows');
  const box = frame.locator('[data-testid=filter]');
  await box.fill(filter);
  await box.press('Enter');
}

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-inspect-'));
    removeOnExit(workspace);
    const t0 = Date.now();
    datasetPath = await generateImagenetLike({ dir: workspace, rows: ROWS, name: NAME });
    console.log(`[e2e] generated ${ROWS} rows in ${Date.now() - t0} ms`);
    truth = await withTable(datasetPath, async (t) => {
      const schema = await t.schema();
      const far = await t.query().select(['id']).offset(FAR_ROW).limit(1).toArray();
      const r1234 = await t.query().where('id = 1234').select(['label_name']).limit(1).toArray();
      return {
        columns: schema.fields.map((f) => f.name),
        classCount: await t.countRows(`label_name = '${CLASS}'`),
        likeCount: await t.countRows(LIKE_FILTER),
        idAtFarRow: String(far[0].id),
        labelOfId1234: String(r1234[0].label_name),
      };
    });
    hashesBefore = hashTree(datasetPath);
    const vsixPath = await buildVsix();
    vsc = await startVSCode({ workspaceFolder: workspace, vsixPath, name: 'inspect', waitForExplorerRow: path.basename(datasetPath) });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  if (timings.length) console.log(`[e2e] timings (inspect):\n${timings.map((t) => `  ${t}`).join('\n')}`);
  await vsc?.close();
});

test('A1 palette "Open Dataset…": the Rows tab shows the grid with decoded thumbnails', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-1-open', async () => {
    await v.resetWorkbench();
    const t0 = Date.now();
    const frame = await openDataset(v, datasetPath);
    await waitForGrid(frame, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: MIN_THUMBS }).catch(async (e) => {
      await v.screenshot('grid-not-ready');
      throw e;
    });
    timing('open dataset (typed path accepted → 10 thumbnails decoded)', Date.now() - t0);
    await v.screenshot('rows-grid');
    const rows = await gridRows(frame);
    const decoded = rows.flatMap((r) => r.thumbs).filter((t) => t.decoded);
    assert.ok(decoded.length >= MIN_THUMBS, `decoded thumbnails: ${decoded.length}`);
    assert.equal(await rowCountText(frame), `${fmt(ROWS)} rows`);
    // Table order from the first row: ids 0, 1, 2, …
    assert.deepEqual(
      rows.slice(0, 5).map((r) => [r.index, r.cells.id]),
      [0, 1, 2, 3, 4].map((i) => [i, String(i)]),
    );
    assert.deepEqual(Object.keys(rows[0].cells), truth.columns, 'grid columns');
  });
});

test(`A2 palette "Filter by Class…" → ${CLASS}: only that class, thumbnails decoded`, { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-2-filter-by-class', async () => {
    const frame = await ensurePanel(v);
    await v.runCommand('Lance: Filter by Class…');
    await v.waitForQuickInput('Filter by class');
    await v.screenshot('class-pick');
    let t0 = 0;
    await v.answerQuickInput(CLASS, async () => {
      const item = v.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
      const text = (await item.innerText()).replace(/\s+/g, ' ');
      await v.screenshot('class-typed');
      assert.ok(text.includes(CLASS) && text.includes(`${fmt(truth.classCount)} rows`), `first pick item "${text}" should name ${CLASS} with ${truth.classCount} rows`);
      t0 = Date.now();
    });
    const minThumbs = Math.min(MIN_THUMBS, truth.classCount);
    await waitForGrid(frame, { count: new RegExp(`^${fmt(truth.classCount)} of ${fmt(ROWS)} rows$`), minThumbs, labelPrefix: CLASS }).catch(async (e) => {
      await v.screenshot('grid-not-filtered');
      throw new Error(`${(e as Error).message}; row count "${await rowCountText(frame)}"`);
    });
    timing(`filter by class (pick ${CLASS} → ${minThumbs} thumbnails decoded)`, Date.now() - t0);
    await v.screenshot('filtered');
    assert.equal(await rowCountText(frame), `${fmt(truth.classCount)} of ${fmt(ROWS)} rows`);
    assert.equal(await frame.locator('[data-testid=filter]').inputValue(), `label_name = '${CLASS}'`, 'the filter box shows the filter applied');
    const rows = await gridRows(frame);
    assert.ok(rows.length >= minThumbs, `loaded rows in the DOM: ${rows.length}`);
    for (const r of rows) assert.equal(r.cells.label_name, CLASS, `label_name of row ${r.index}`);
    assert.ok(rows.flatMap((r) => r.thumbs).filter((t) => t.decoded).length >= minThumbs, 'decoded thumbnails');
  });
});

test('A3 filter box: a LIKE filter applies with Enter; a bad filter shows the inline error and keeps the rows', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-3-filter-box', async () => {
    const frame = await ensurePanel(v);
    const t0 = Date.now();
    await typeFilter(frame, LIKE_FILTER);
    await waitForGrid(frame, { count: new RegExp(`^${fmt(truth.likeCount)} of ${fmt(ROWS)} rows$`), minThumbs: Math.min(MIN_THUMBS, truth.likeCount), labelPrefix: 'tabby' });
    timing(`filter box (${LIKE_FILTER}, Enter → thumbnails decoded)`, Date.now() - t0);
    await v.screenshot('like-filter');
    const good = await gridRows(frame);
    assert.ok(good.length > 0);
    for (const r of good) assert.match(r.cells.label_name, /^tabby/, `label_name of row ${r.index}`);
    assert.equal(await frame.locator('[data-testid=filter-error]').innerText(), '', 'no error for a good filter');

    await typeFilter(frame, BAD_FILTER);
    const error = frame.locator('[data-testid=filter-error]');
    await poll('the inline filter error', async () => ((await error.innerText()).trim() ? true : undefined));
    await v.screenshot('bad-filter-error');
    const message = (await error.innerText()).trim();
    console.log(`[e2e] bad filter message: ${JSON.stringify(message)}`);
    assert.match(message, /nosuch/, 'the error names the unknown column');
    assert.equal(await frame.locator('[data-testid=filter]').getAttribute('aria-invalid'), 'true');
    assert.equal(await rowCountText(frame), `${fmt(truth.likeCount)} of ${fmt(ROWS)} rows`, 'the previous result stays');
    assert.equal(await frame.locator('[data-testid=filter]').inputValue(), BAD_FILTER, 'the bad filter stays in the box to be fixed');
    // The error line takes room above the grid, so a row or two fewer may be in the DOM: same rows, same order.
    const kept = await gridRows(frame);
    assert.ok(kept.length >= Math.min(good.length, 3), `rows still shown: ${kept.length}`);
    assert.deepEqual(
      kept.map((r) => r.rowId),
      good.slice(0, kept.length).map((r) => r.rowId),
      'the same rows stay on screen',
    );
    for (const r of kept) assert.match(r.cells.label_name, /^tabby/, `label_name of row ${r.index} after the bad filter`);
  });
});

test('A4 click a row + Enter: the Row Preview view in the Lance container shows it', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-4-preview', async () => {
    const frame = await ensurePanel(v);
    await showTab(frame, 'rows');
    // Whatever filter A3 left: this scenario needs loaded rows only.
    await frame.waitForSelector('[data-testid=grid-row][data-index="2"][data-rowid]');
    const sidebarTitle = () =>
      v.page
        .locator('.part.sidebar .composite.title')
        .innerText()
        .then((t) => t.trim());

    // The first selection in the panel shows the Row Preview, even with the Explorer in the side bar
    // (lanceInspector.preview.revealOnSelect).
    await v.runCommand('View: Show Explorer');
    await poll('the Explorer in the side bar', async () => (/^EXPLORER/i.test(await sidebarTitle()) ? true : undefined));
    const first = frame.locator('[data-testid=grid-row][data-index="1"]');
    const firstRow = (await gridRows(frame)).find((r) => r.index === 1)!;
    await first.locator('.grid-cell.index').click();
    await poll('the Lance container in the side bar', async () => (/^LANCE/i.test(await sidebarTitle()) ? true : undefined), 30_000);
    const revealed = await v.webviewFrame('[data-testid=preview]');
    await revealed.waitForFunction(
      (id) => document.querySelector<HTMLElement>('[data-testid=preview-field][data-name="id"] .pv-value')?.innerText.trim() === id,
      firstRow.cells.id,
      { polling: 50, timeout: 30_000 },
    );
    await v.screenshot('preview-revealed-on-first-click');
    // Once per panel: with the Explorer back, another click leaves the side bar alone.
    await v.runCommand('View: Show Explorer');
    await poll('the Explorer in the side bar', async () => (/^EXPLORER/i.test(await sidebarTitle()) ? true : undefined));
    await frame.locator('[data-testid=grid-row][data-index="4"] .grid-cell.index').click();
    await new Promise((r) => setTimeout(r, 1500));
    assert.match(await sidebarTitle(), /^EXPLORER/i, 'the preview is revealed once per panel, not on every click');
    await v.screenshot('second-click-explorer-stays');

    const target = frame.locator('[data-testid=grid-row][data-index="2"]');
    await target.locator('.grid-cell.index').click();
    const selected = (await gridRows(frame)).find((r) => r.index === 2)!;
    assert.equal(await target.getAttribute('aria-selected'), 'true', 'the clicked row is selected');
    await v.screenshot('row-selected');
    const t0 = Date.now();
    await frame.locator('[data-testid=rows-grid]').press('Enter');

    const preview = await v.webviewFrame('[data-testid=preview]');
    await preview
      .waitForFunction(
        (id) => {
          const field = document.querySelector<HTMLElement>('[data-testid=preview-field][data-name="id"] .pv-value');
          const img = document.querySelector<HTMLImageElement>('[data-testid=preview-image]');
          return field?.innerText.trim() === id && !!img && img.complete && img.naturalWidth > 0;
        },
        selected.cells.id,
        { polling: 50, timeout: 30_000 },
      )
      .catch(async (e) => {
        await v.screenshot('preview-not-ready');
        throw e;
      });
    timing('row preview (Enter → image decoded in the side view)', Date.now() - t0);
    await v.screenshot('preview');

    // The view is the Lance container's "Row Preview", shown in the side bar.
    const sidebar = v.page.locator('.part.sidebar');
    assert.match((await sidebar.locator('.composite.title').innerText()).trim(), /^LANCE/i, 'side bar shows the Lance container');
    assert.ok(await sidebar.locator('.pane-header', { hasText: 'Row Preview' }).isVisible(), 'a "Row Preview" pane');
    const fields = await preview.$$eval('[data-testid=preview-field]', (els) => els.map((e) => e.getAttribute('data-name')));
    assert.deepEqual(fields, truth.columns, 'one preview-field per column, in schema order');
    const value = async (name: string) => (await preview.locator(`[data-testid=preview-field][data-name="${name}"] .pv-value`).innerText()).trim();
    assert.equal(await value('label_name'), selected.cells.label_name);
    const width = await preview.locator('[data-testid=preview-image]').evaluate((img: HTMLImageElement) => img.naturalWidth);
    assert.ok(width > 0, `preview image naturalWidth ${width}`);

    // Warm: the view is there now; ArrowDown in the grid moves the selection and the preview follows.
    const next = (await gridRows(frame)).find((r) => r.index === 3)!;
    const t1 = Date.now();
    await frame.locator('[data-testid=rows-grid]').press('ArrowDown');
    await preview.waitForFunction(
      (id) => {
        const field = document.querySelector<HTMLElement>('[data-testid=preview-field][data-name="id"] .pv-value');
        const img = document.querySelector<HTMLImageElement>('[data-testid=preview-image]');
        return field?.innerText.trim() === id && !!img && img.complete && img.naturalWidth > 0;
      },
      next.cells.id,
      { polling: 50, timeout: 30_000 },
    );
    timing('row preview follows the selection (ArrowDown → next image decoded)', Date.now() - t1);
    await v.screenshot('preview-follows-selection');
    assert.match(await preview.locator('[data-testid=preview-subtitle]').innerText(), /^row 3\b/, 'the preview names the row position');
  });
});

/** The similar-result cards (and the query card) as the Similar tab shows them. */
async function similarCards(frame: Frame) {
  return frame.evaluate(() => {
    const label = (card: Element, name: string) => {
      const dts = Array.from(card.querySelectorAll('dt'));
      const dt = dts.find((d) => d.textContent?.trim() === name);
      return (dt?.nextElementSibling as HTMLElement | null)?.innerText.trim();
    };
    const imgOk = (card: Element) => {
      const img = card.querySelector<HTMLImageElement>('img');
      return !!img && img.complete && img.naturalWidth > 0;
    };
    const q = document.querySelector('[data-testid=similar-query]');
    return {
      query: q ? { rowId: q.getAttribute('data-rowid'), id: label(q, 'id'), label: label(q, 'label_name'), image: imgOk(q) } : undefined,
      results: Array.from(document.querySelectorAll('[data-testid=similar-result]')).map((c) => ({
        rowId: c.getAttribute('data-rowid'),
        distance: Number(c.getAttribute('data-distance')),
        id: label(c, 'id'),
        label: label(c, 'label_name'),
        image: imgOk(c),
      })),
      answeredBy: document.querySelector<HTMLElement>('[data-testid=similar-answered-by]')?.innerText.trim() ?? '',
      answeredKind: document.querySelector<HTMLElement>('[data-testid=similar-answered-by]')?.dataset.kind,
      time: document.querySelector<HTMLElement>('[data-testid=similar-time]')?.innerText.trim() ?? '',
    };
  });
}

function assertNeighbours(cards: Awaited<ReturnType<typeof similarCards>>, queryLabel: string): void {
  assert.equal(cards.results.length, 10, 'k = 10 results');
  const same = cards.results.filter((r) => r.label === queryLabel).length;
  console.log(`[e2e] neighbours of a ${queryLabel}: ${same}/10 same class; ${cards.answeredBy} ${cards.time}; labels ${cards.results.map((r) => r.label).join(', ')}`);
  assert.ok(same >= MIN_SAME_CLASS, `${same} of 10 neighbours share the class ${queryLabel} (want ≥ ${MIN_SAME_CLASS}): ${cards.results.map((r) => r.label).join(', ')}`);
  const d = cards.results.map((r) => r.distance);
  assert.ok(
    d.every((x) => Number.isFinite(x)),
    `distances ${d}`,
  );
  assert.ok(
    d.every((x, i) => i === 0 || x >= d[i - 1] - 1e-6),
    `distances ascending: ${d}`,
  );
  assert.equal(cards.answeredKind, 'index', `answered by "${cards.answeredBy}"`);
  assert.match(cards.answeredBy, /IVF_?PQ/i, 'answered-by names the IVF-PQ index');
  assert.ok(cards.query?.image && cards.results.every((r) => r.image), 'every card shows its decoded image');
}

test('A5 find similar: row context menu "Find similar", then palette "Find Similar to Row…" with an id', { timeout: 150_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-5-similar', async () => {
    const frame = await ensurePanel(v);
    await typeFilter(frame, `label_name = '${CLASS}'`);
    await waitForGrid(frame, { count: new RegExp(`^${fmt(truth.classCount)} of`), minThumbs: 1, labelPrefix: CLASS });
    const row = frame.locator('[data-testid=grid-row][data-index="1"]');
    const query = (await gridRows(frame)).find((r) => r.index === 1)!;
    await row.locator('.grid-cell.index').click({ button: 'right' });
    const menu = frame.locator('[data-testid=row-menu]');
    await menu.waitFor({ state: 'visible' });
    await frame.locator('[data-testid=menu-find-similar]').hover();
    await v.screenshot('row-context-menu');
    assert.notEqual(await frame.locator('[data-testid=menu-find-similar]').getAttribute('aria-disabled'), 'true', '"Find similar" is enabled');
    let t0 = Date.now();
    await frame.locator('[data-testid=menu-find-similar]').click();
    await waitForSimilar(frame, query.cells.id).catch(async (e) => {
      await v.screenshot('similar-not-ready');
      throw e;
    });
    timing('find similar from the row menu (click → 11 images decoded)', Date.now() - t0);
    await v.screenshot('similar-from-menu');
    assert.equal(await frame.locator('[data-testid=tab-similar]').getAttribute('aria-selected'), 'true', 'the Similar tab is shown');
    const cards = await similarCards(frame);
    assert.equal(cards.query?.rowId, query.rowId, 'the query card is the right-clicked row');
    assert.equal(cards.query?.label, CLASS);
    assertNeighbours(cards, CLASS);

    // The palette command with an id typed.
    await v.runCommand('Lance: Find Similar to Row…');
    await v.waitForQuickInput('Find similar to row');
    t0 = 0;
    await v.answerQuickInput('1234', async () => {
      await v.screenshot('id-typed');
      t0 = Date.now();
    });
    await waitForSimilar(frame, '1234').catch(async (e) => {
      await v.screenshot('similar-by-id-not-ready');
      throw e;
    });
    timing('find similar to row (id typed → 11 images decoded)', Date.now() - t0);
    await v.screenshot('similar-by-id');
    const byId = await similarCards(frame);
    assert.equal(byId.query?.label, truth.labelOfId1234, 'query card of id 1234 shows its class');
    assertNeighbours(byId, truth.labelOfId1234);

    // "Find similar" from a neighbour: the Row Preview's header follows that row (named by its id, since
    // it has no position in the Rows tab), not the row selected in the grid before.
    const neighbour = byId.results[2];
    await frame.locator(`[data-testid=similar-result][data-rowid="${neighbour.rowId}"] [data-testid=similar-again]`).click();
    await waitForSimilar(frame, neighbour.id!);
    const preview = await v.webviewFrame('[data-testid=preview]');
    await preview
      .waitForFunction(
        (id) =>
          document.querySelector<HTMLElement>('[data-testid=preview-field][data-name="id"] .pv-value')?.innerText.trim() === id &&
          /^id /.test(document.querySelector<HTMLElement>('[data-testid=preview-subtitle]')?.innerText ?? ''),
        neighbour.id!,
        { polling: 50, timeout: 30_000 },
      )
      .catch(async (e) => {
        await v.screenshot('preview-header-not-following');
        throw e;
      });
    assert.match(await preview.locator('[data-testid=preview-subtitle]').innerText(), new RegExp(`^id ${neighbour.id}( · version \\d+)?$`));
    await v.screenshot('preview-follows-similar');
  });
});

test(`A6 go-to box: row ${fmt(FAR_ROW)} renders with its thumbnail decoded`, { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-6-goto', async () => {
    const frame = await ensurePanel(v);
    await typeFilter(frame, '');
    await waitForGrid(frame, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: 1 });
    await v.screenshot('all-rows');
    const t0 = Date.now();
    const go = frame.locator('[data-testid=goto]');
    await go.fill(fmt(FAR_ROW));
    await go.press('Enter');
    await frame
      .waitForFunction(
        (i) => {
          const r = document.querySelector(`[data-testid=grid-row][data-index="${i}"][data-rowid]`);
          const img = r?.querySelector<HTMLImageElement>('img[data-testid=thumb]');
          return !!img && img.complete && img.naturalWidth > 0;
        },
        FAR_ROW,
        { polling: 50, timeout: 30_000 },
      )
      .catch(async (e) => {
        await v.screenshot('far-row-not-ready');
        throw e;
      });
    timing(`go to row ${fmt(FAR_ROW)} (Enter → its thumbnail decoded)`, Date.now() - t0);
    await v.screenshot('far-row');
    const rows = await gridRows(frame);
    const far = rows.find((r) => r.index === FAR_ROW);
    assert.ok(far, `row ${FAR_ROW} rendered (rendered: ${rows.map((r) => r.index).join(', ')})`);
    assert.equal(far.cells.id, truth.idAtFarRow, `id of the row at position ${FAR_ROW}`);
    assert.equal(await frame.locator(`[data-testid=grid-row][data-index="${FAR_ROW}"]`).getAttribute('aria-selected'), 'true', 'the row jumped to is selected');
    assert.ok(
      far.thumbs.some((t) => t.decoded),
      'its thumbnail is decoded',
    );
    const box = await frame.locator(`[data-testid=grid-row][data-index="${FAR_ROW}"]`).boundingBox();
    const grid = await frame.locator('[data-testid=rows-grid]').boundingBox();
    assert.ok(box && grid && box.y >= grid.y && box.y + box.height <= grid.y + grid.height + 1, 'the row is inside the visible grid');
  });
});

test(`A7 switching to another editor and back: the panel (kept loaded) is where it was, row ${fmt(FAR_ROW)} still selected`, { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-7-switch-back', async () => {
    const frame = await ensurePanel(v);
    const go = frame.locator('[data-testid=goto]');
    await go.fill(fmt(FAR_ROW));
    await go.press('Enter');
    await frame.locator(`[data-testid=grid-row][data-index="${FAR_ROW}"][aria-selected=true]`).waitFor({ timeout: 30_000 });
    await v.runCommand('File: New Untitled Text File');
    await poll('the untitled editor', async () => ((await activeTabTitle(v)).startsWith('Untitled') ? true : undefined));
    await v.screenshot('other-editor');
    const t0 = Date.now();
    await v.page
      .locator('.tabs-container .tab', { hasText: `Lance: ${NAME}` })
      .first()
      .click();
    await frame.locator(`[data-testid=grid-row][data-index="${FAR_ROW}"][aria-selected=true]`).waitFor({ timeout: 30_000 });
    timing('switch back to the panel (tab click → the selected row shown)', Date.now() - t0);
    await v.screenshot('back');
    assert.ok(!frame.isDetached(), 'the same webview (kept loaded), not a reload');
    const far = (await gridRows(frame)).find((r) => r.index === FAR_ROW);
    assert.equal(far?.cells.id, truth.idAtFarRow, 'the same row, with its own id');
    await v.runCommand('View: Close Other Editors in Group');
  });
});

test('A8 sorting: header click and Shift+click, palette "Sort Rows…", go to row in the sorted view, "Clear Sort"', { timeout: 150_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-8-sort', async () => {
    const frame = await ensurePanel(v);
    await typeFilter(frame, '');
    await waitForGrid(frame, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: 1 });
    // Ground truth from the engine's rows, sorted here: label_name by its UTF-8 bytes, then id.
    const all = await withTable(datasetPath, (t) => t.query().select(['id', 'label_name']).toArray());
    const byLabelThenId = all
      .map((r) => ({ id: String(r.id), label: String(r.label_name) }))
      .sort((a, b) => Buffer.compare(Buffer.from(a.label), Buffer.from(b.label)) || Number(a.id) - Number(b.id));
    const firstIds = async (n: number) =>
      (await gridRows(frame))
        .filter((r) => r.index < n)
        .sort((a, b) => a.index - b.index)
        .map((r) => r.cells.id);
    const waitFirstIds = (want: string[], what: string) =>
      poll(what, async () => {
        const got = await firstIds(want.length);
        return got.join(',') === want.join(',') ? got : undefined;
      });

    let t0 = Date.now();
    await frame.locator('[data-testid=sort-label_name]').click();
    await frame.locator('[data-testid=sort-id]').click({ modifiers: ['Shift'] });
    await waitFirstIds(
      byLabelThenId.slice(0, 5).map((r) => r.id),
      'the rows sorted by label_name, then id',
    );
    timing('sort by label_name, then id (clicks → first rows)', Date.now() - t0);
    assert.equal((await frame.locator('[data-testid=sort-text]').textContent())?.trim(), 'Sorted by label_name ↑, id ↑');
    assert.equal(await frame.locator('.grid-header [data-column=label_name]').getAttribute('aria-sort'), 'ascending');
    await v.screenshot('header-sorted');

    await v.runCommand('Lance: Sort Rows…');
    await v.waitForQuickInput(/^Sort .* by…$/);
    await v.answerQuickInput('id');
    await v.waitForQuickInput('Sort by id');
    await v.screenshot('palette-direction');
    t0 = Date.now();
    await v.answerQuickInput('Descending');
    const desc = all
      .map((r) => Number(r.id))
      .sort((a, b) => b - a)
      .map(String);
    await waitFirstIds(desc.slice(0, 5), 'the rows sorted by id, descending');
    timing('palette Sort Rows… id descending (Enter → first rows)', Date.now() - t0);

    const go = frame.locator('[data-testid=goto]');
    await go.fill(fmt(FAR_ROW));
    await go.press('Enter');
    const far = await poll(`row ${FAR_ROW} of the sorted view`, async () => (await gridRows(frame)).find((r) => r.index === FAR_ROW && r.cells.id));
    assert.equal(far.cells.id, desc[FAR_ROW], `id at position ${FAR_ROW} of the view sorted by id descending`);
    await v.screenshot('sorted-far-row');

    await v.runCommand('Lance: Clear Sort');
    await waitFirstIds(
      all.slice(0, 5).map((r) => String(r.id)),
      'table order again',
    );
    assert.equal(await frame.locator('[data-testid=sort-chip]').isHidden(), true);
    await v.screenshot('sort-cleared');
  });
});

test('A8b text search from the palette (full-text index), its plan, and back', { timeout: 150_000 }, async () => {
  const v = session();
  await scenario(v, 'inspect-8b-search', async () => {
    const frame = await ensurePanel(v);
    await typeFilter(frame, '');
    await waitForGrid(frame, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: 1 });
    const want = await withTable(datasetPath, (t) =>
      t
        .query()
        .fullTextSearch('golden retriever', { columns: ['caption'] })
        .select([])
        .withRowId()
        .limit(10_001)
        .toArray(),
    );
    assert.ok(want.length > 0, 'the engine finds captions with the words');
    await v.runCommand('Lance: Search Text…');
    await v.waitForQuickInput(/which column\?$/);
    await v.screenshot('column-pick');
    await v.answerQuickInput('caption');
    await v.waitForQuickInput('Search caption');
    const t0 = Date.now();
    await v.answerQuickInput('golden retriever');
    const count = `${fmt(want.length)} ${want.length === 1 ? 'match' : 'matches'} of ${fmt(ROWS)} rows`;
    await poll('the search count', async () => ((await rowCountText(frame)) === count ? true : undefined), 30_000);
    await frame.locator('[data-testid=grid-row][data-index="0"][data-rowid] mark.search-hit').first().waitFor({ timeout: 20_000 });
    timing('palette Search Text… "golden retriever" (Enter → count and marked rows)', Date.now() - t0);
    assert.match((await frame.locator('[data-testid=search-note]').textContent()) ?? '', /Full-text index .* on caption/);
    assert.equal(await frame.locator('.grid-header [data-column=_score]').count(), 1, 'the score column is shown');
    await v.screenshot('search-results');
    await frame.locator('[data-testid=rows-plan] > summary').click();
    await frame.locator('[data-testid=rows-plan-analyze]').click();
    await frame.locator('[data-testid=rows-plan-summary] li').first().waitFor({ timeout: 30_000 });
    assert.match((await frame.locator('[data-testid=rows-plan-summary]').textContent()) ?? '', /Full-text index/);
    await v.screenshot('search-plan');
    await frame.locator('[data-testid=rows-plan] > summary').click();
    await v.runCommand('Lance: Search Text…');
    await v.waitForQuickInput(/which column\?$/);
    await v.answerQuickInput('caption');
    await v.waitForQuickInput('Search caption');
    await v.page.locator('.quick-input-widget .quick-input-box input').fill('');
    await v.page.keyboard.press('Enter');
    await poll('all rows again', async () => ((await rowCountText(frame)) === `${fmt(ROWS)} rows` ? true : undefined), 30_000);
  });
});

test('A9 the dataset is byte-identical after all scenarios', async () => {
  const changed = changedFiles(hashesBefore, hashTree(datasetPath));
  assert.deepEqual(changed, [], `files written, created or deleted under ${datasetPath}`);
});
