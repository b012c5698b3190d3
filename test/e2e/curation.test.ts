// End to end, in a real VS Code (code-server + Chromium, see harness.ts): the Curation tab on a generated
// 2,000-row ImageNet-like dataset with planted near-duplicates, byte duplicates and mislabels. Compute
// (through the packaged extension's host, its vector index, its cache in the extension's global storage)
// shows the planted pairs as the near-duplicate groups with decoded thumbnails; "Show in Rows" shows the
// set in the Rows tab with its chip; the dataset's files are unchanged. Screenshots: test-results/e2e/curation-*/.
//
// Ground truth (which rows were planted, row id → id) comes from the fixture and @lancedb/lancedb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateImagenetLike, imagenetPlanted, type ImagenetLikeOptions, type PlantedRows } from '../fixtures/imagenetLike';
import { removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import { changedFiles, fmt, hashTree, openDataset, panelFrame, showTab, timing, timings, withTable } from './util';

const NAME = 'imagenet_val';
const OPTS: Omit<ImagenetLikeOptions, 'dir'> = { rows: 2000, seed: 9, minSide: 48, maxSide: 96, plant: true, name: NAME };

let workspace = '';
let datasetPath = '';
let planted: PlantedRows;
/** Engine row id → `id`. */
let idOf: Map<string, number>;
let hashesBefore: Map<string, string>;
let vsc: VSCodeSession | undefined;

function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-curation-'));
    removeOnExit(workspace);
    datasetPath = await generateImagenetLike({ dir: workspace, ...OPTS });
    planted = imagenetPlanted(OPTS);
    idOf = await withTable(datasetPath, async (t) => {
      const rows = (await t.query().select(['id']).withRowId().toArray()) as { id: bigint; _rowid: bigint }[];
      return new Map(rows.map((r) => [String(r._rowid), Number(r.id)]));
    });
    hashesBefore = hashTree(datasetPath);
    const vsixPath = await buildVsix();
    vsc = await startVSCode({ workspaceFolder: workspace, vsixPath, name: 'curation', waitForExplorerRow: path.basename(datasetPath) });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  if (timings.length) console.log(`[e2e] timings (curation):\n${timings.map((t) => `  ${t}`).join('\n')}`);
  await vsc?.close();
});

test('C1 Curation tab → Compute: the duplicates list shows the planted pairs with decoded thumbnails', { timeout: 180_000 }, async () => {
  const v = session();
  await scenario(v, 'curation-1-compute', async () => {
    await v.resetWorkbench();
    const frame = await openDataset(v, datasetPath);
    await showTab(frame, 'curation');
    await frame.waitForSelector('[data-testid=curation-compute]');
    await v.screenshot('curation-tab');
    const t0 = Date.now();
    await frame.locator('[data-testid=curation-compute]').click();
    await frame.waitForSelector('[data-testid=dup-group]', { timeout: 120_000 }).catch(async (e) => {
      await v.screenshot('no-groups');
      throw e;
    });
    timing('curation signals (Compute → groups shown)', Date.now() - t0);
    const groups = await frame.$$eval('[data-testid=dup-group]', (gs) =>
      gs.map((g) => [...g.querySelectorAll<HTMLElement>('[data-testid=cur-tile]')].map((t) => t.dataset.rowid!)),
    );
    const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);
    const truth = new Set([...planted.nearDuplicates, ...planted.byteDuplicates].map(([a, b]) => key(a, b)));
    const shown = new Set(groups.filter((g) => g.length === 2).map(([a, b]) => key(idOf.get(a)!, idOf.get(b)!)));
    const found = [...truth].filter((p) => shown.has(p)).length;
    console.log(`[e2e] planted pairs shown as near-duplicate groups: ${found}/${truth.size}; groups shown: ${groups.length}`);
    assert.ok(found / truth.size >= 0.9, `${found} of ${truth.size} planted pairs shown`);
    // The first groups' thumbnails are decoded inside the webview.
    await frame.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-testid=dup-group] img[data-testid=thumb]')].slice(0, 6);
        return imgs.length === 6 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      },
      undefined,
      { polling: 100, timeout: 30_000 },
    );
    const status = (await frame.locator('[data-testid=curation-status]').innerText()).trim();
    console.log(`[e2e] curation status: ${status}`);
    assert.match(status, /through the IvfPq index image_emb_idx/);
    const mis = new Set(planted.mislabels.map((m) => m.id));
    const labelTiles = await frame.$$eval('[data-testid=label-errors] [data-testid=cur-tile]', (ts) => ts.map((t) => (t as HTMLElement).dataset.rowid!));
    const topHits = labelTiles.slice(0, mis.size).filter((r) => mis.has(idOf.get(r)!)).length;
    console.log(`[e2e] planted mislabels among the top ${mis.size} label errors: ${topHits}`);
    assert.ok(topHits / mis.size >= 0.9);
    await v.screenshot('computed');
  });
});

test('C2 Show in Rows: the near-duplicates as a row set in the Rows tab; ✕ back to the table; the dataset unchanged', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'curation-2-show-in-rows', async () => {
    const frame = await panelFrame(v, NAME);
    await showTab(frame, 'curation');
    await frame.locator('[data-testid=show-in-rows-duplicates]').click();
    await frame.waitForSelector('[data-testid=rowset-chip]:not([hidden])', { timeout: 30_000 });
    const rows = (planted.nearDuplicates.length + planted.byteDuplicates.length) * 2;
    await frame.waitForFunction((t) => document.querySelector('[data-testid=row-count]')?.textContent?.trim() === t, `${fmt(rows)} rows`, { timeout: 30_000 });
    assert.equal((await frame.locator('[data-testid=rowset-text]').innerText()).trim(), `Near-duplicates of image_emb (distance ≤ 0.05) · ${rows} rows`);
    await frame.waitForSelector('[data-testid=grid-row][data-index="1"][data-rowid] img[data-testid=thumb]');
    await v.screenshot('rows-set');
    await frame.locator('[data-testid=clear-rowset]').click();
    await frame.waitForFunction((t) => document.querySelector('[data-testid=row-count]')?.textContent?.trim() === t, `${fmt(OPTS.rows)} rows`, { timeout: 30_000 });
    assert.deepEqual(changedFiles(hashesBefore, hashTree(datasetPath)), [], 'inspection wrote nothing into the dataset');
  });
});

test('C3 a click on a label-error tile: the Row Preview shows that row', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'curation-3-preview', async () => {
    const frame = await panelFrame(v, NAME);
    await showTab(frame, 'curation');
    const tile = frame.locator('[data-testid=label-errors] [data-testid=cur-tile]').first();
    const rowId = (await tile.getAttribute('data-rowid'))!;
    await tile.click();
    const preview = await v.webviewFrame('[data-testid=preview]');
    await preview.waitForFunction(
      (id) => document.querySelector<HTMLElement>('[data-testid=preview-field][data-name="id"] .pv-value')?.innerText.trim() === id,
      String(idOf.get(rowId)),
      { polling: 50, timeout: 30_000 },
    );
    assert.equal(await tile.getAttribute('aria-current'), 'true', 'the tile shows it is selected');
    await v.screenshot('preview');
  });
});
