// End to end, in a real VS Code (code-server + Chromium, see harness.ts), with the packaged VSIX (so the
// worker script dist/mapWorker.js must be in it): palette "Lance: Show Embedding Map" → the Map tab draws
// a point per row ("N points" equal to the table's row count), a Shift+drag lasso makes a selection that
// "Show in Rows" shows as a row set in the Rows tab, and the dataset stays byte-identical (the map is cached in the extension's global storage, never inside
// the dataset). Screenshots: test-results/e2e/map-*/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import { changedFiles, fmt, hashTree, openDataset, poll, timing, timings, withTable } from './util';

const ROWS = 1500;
const NAME = 'imagenet_val';

let workspace = '';
let datasetPath = '';
let rowCount = 0;
let hashesBefore: Map<string, string>;
let vsc: VSCodeSession | undefined;

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-map-'));
    removeOnExit(workspace);
    datasetPath = await generateImagenetLike({ dir: workspace, rows: ROWS, name: NAME, minSide: 48, maxSide: 96, ftsIndex: false });
    rowCount = await withTable(datasetPath, (t) => t.countRows());
    hashesBefore = hashTree(datasetPath);
    const vsixPath = await buildVsix();
    vsc = await startVSCode({ workspaceFolder: workspace, vsixPath, name: 'map', waitForExplorerRow: path.basename(datasetPath) });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  if (timings.length) console.log(`[e2e] timings (map):\n${timings.map((t) => `  ${t}`).join('\n')}`);
  await vsc?.close();
});

test('M1 palette "Show Embedding Map": the Map tab draws a point per row; a lasso selection shows in Rows', { timeout: 240_000 }, async () => {
  const v = vsc;
  assert.ok(v, 'VS Code started (see the before() hook)');
  await scenario(v, 'map-1-show', async () => {
    await v.resetWorkbench();
    const frame = await openDataset(v, datasetPath);
    const t0 = Date.now();
    await v.runCommand('Lance: Show Embedding Map');
    await frame.locator('[data-testid=tab-map][aria-selected=true]').waitFor({ timeout: 10_000 });
    await poll(
      'the map count',
      async () =>
        (
          await frame
            .locator('[data-testid=map-count]')
            .textContent()
            .catch(() => null)
        )?.trim() === `${fmt(rowCount)} points`
          ? true
          : undefined,
      120_000,
    );
    timing(`palette Show Embedding Map → ${fmt(rowCount)} points drawn (PCA)`, Date.now() - t0);
    const stage = frame.locator('[data-testid=map-stage]');
    assert.equal(await stage.getAttribute('data-points'), String(rowCount));
    const renderer = await stage.getAttribute('data-renderer');
    console.log(`[e2e] map renderer in code-server: ${renderer}`);
    assert.equal(await frame.locator('[data-testid=map-fallback]').count(), renderer === 'canvas' ? 1 : 0);
    await v.screenshot('map');

    // Lasso: Shift+drag a polygon over the middle of the map.
    const box = (await stage.boundingBox())!;
    const poly = [
      [0.3, 0.25],
      [0.7, 0.3],
      [0.75, 0.7],
      [0.5, 0.8],
      [0.25, 0.6],
      [0.3, 0.25],
    ].map(([x, y]) => [box.x + x * box.width, box.y + y * box.height]);
    await v.page.keyboard.down('Shift');
    await v.page.mouse.move(poly[0][0], poly[0][1]);
    await v.page.mouse.down();
    for (const [x, y] of poly.slice(1)) await v.page.mouse.move(x, y, { steps: 6 });
    await v.page.mouse.up();
    await v.page.keyboard.up('Shift');
    await frame.locator('[data-testid=map-selection]:not([hidden])').waitFor({ timeout: 10_000 });
    const selected = Number(await stage.getAttribute('data-selected'));
    console.log(`[e2e] lasso selected ${selected} of ${rowCount} points`);
    assert.ok(selected > 0 && selected < rowCount, `selection of ${selected}`);
    assert.equal((await frame.locator('[data-testid=map-selection-count]').textContent())?.trim(), `${fmt(selected)} points selected`);
    await v.screenshot('lasso');

    // "Show in Rows": the selection becomes a row set that the Rows tab shows (its chip names it).
    await frame.locator('[data-testid=map-show-in-rows]').click();
    await frame.locator('[data-testid=tab-rows][aria-selected=true]').waitFor({ timeout: 10_000 });
    await poll(
      'the row set chip',
      async () => ((await frame.locator('[data-testid=rowset-text]').textContent())?.trim() === `Map selection · ${fmt(selected)} rows` ? true : undefined),
      30_000,
    );
    await frame.locator('[data-testid=grid-row][data-index="0"][data-rowid]').waitFor({ timeout: 30_000 });
    await v.screenshot('selection-in-rows');

    // The dataset was only read.
    assert.deepEqual(changedFiles(hashesBefore, hashTree(datasetPath)), [], 'nothing written under the dataset');
  });
});
