// End to end, in a real VS Code: the "type zoo" LanceDB folder (every type the engine writes from Node,
// nulls everywhere, hostile strings, a LargeList table, an empty table). Opening the folder asks which
// table; odd types and markup-looking strings show as text, never break a page, never run.
// Ground truth comes from @lancedb/lancedb. Screenshots: test-results/e2e/zoo-*/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { generateTypeZoo } from '../fixtures/typeZoo';
import { removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import { activeTabTitle, changedFiles, firstNumber, hashTree, OPEN_COMMAND, panelFrame, poll, rowCountText, showTab, withTable } from './util';

let workspace = '';
let db = '';
let hashesBefore: Map<string, string>;
let vsc: VSCodeSession | undefined;

function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-zoo-'));
    removeOnExit(workspace);
    ({ db } = await generateTypeZoo({ dir: workspace }));
    hashesBefore = hashTree(db);
    vsc = await startVSCode({ workspaceFolder: workspace, vsixPath: await buildVsix(), name: 'zoo', waitForExplorerRow: path.basename(db) });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  await vsc?.close();
});

/** Opens a table of the zoo folder: the palette with the folder's path, then the table picker. */
async function openTable(v: VSCodeSession, table: string): Promise<Frame> {
  await v.runCommand(OPEN_COMMAND);
  await v.waitForQuickInput('Open Lance Dataset');
  await v.answerQuickInput(db);
  await v.waitForQuickInput(`Tables in ${path.basename(db)}`);
  await v.answerQuickInput(table, () => v.screenshot(`table-picker-${table}`));
  await poll(`an editor tab "Lance: ${table}"`, async () => ((await activeTabTitle(v)) === `Lance: ${table}` ? true : undefined));
  return panelFrame(v, table);
}

test('Z1 the zoo table: every column renders, markup stays text, the row count is the live rows', { timeout: 180_000 }, async () => {
  const v = session();
  await scenario(v, 'zoo-1-types', async () => {
    await v.resetWorkbench();
    const truth = await withTable(path.join(db, 'zoo.lance'), async (t) => ({ rows: await t.countRows(), columns: (await t.schema()).fields.length }));
    const frame = await openTable(v, 'zoo');
    await showTab(frame, 'rows');
    await frame.waitForFunction(() => document.querySelectorAll('[data-testid=grid-row][data-rowid]').length > 5, undefined, { timeout: 30_000 });
    await v.screenshot('grid');
    assert.equal(firstNumber(await frame.locator('[data-testid=header-row-count]').innerText()), truth.rows, 'header counts live rows (deleted ones excluded)');
    assert.match(await rowCountText(frame), new RegExp(`^${truth.rows} rows$`));
    const dom = await frame.evaluate(() => {
      const grid = document.querySelector('[data-testid=rows-grid]')!;
      const cells = Array.from(grid.querySelectorAll<HTMLElement>('.grid-cell'));
      return {
        text: cells.map((c) => c.innerText).join('\n'),
        scripts: grid.querySelectorAll('script').length,
        strayImages: Array.from(grid.querySelectorAll('img')).filter((i) => i.getAttribute('data-testid') !== 'thumb').length,
        headerColumns: grid.querySelectorAll('.grid-header [data-column]').length,
        rowsError: !!document.querySelector('[data-testid=rows-error]'),
        nulls: grid.querySelectorAll('.cell-null').length,
      };
    });
    assert.equal(dom.rowsError, false, 'no rows error');
    assert.equal(dom.scripts, 0, 'no <script> element made from data');
    assert.equal(dom.strayImages, 0, 'no <img> made from data (only our thumbnails)');
    assert.ok(dom.nulls > 10, `nulls are shown as such (${dom.nulls})`);
    assert.ok(dom.headerColumns >= Math.min(16, truth.columns), `columns shown (${dom.headerColumns} of ${truth.columns})`);
    // Markup-looking strings: filter to the row holding one and look at it whole in the Row Preview.
    await frame.locator('[data-testid=filter]').fill("text = '<script>alert(1)</script>'");
    await frame.locator('[data-testid=filter]').press('Enter');
    await poll('the filtered count', async () => (/^1 of \d+ rows$/.test(await rowCountText(frame)) ? true : undefined));
    await frame.locator('[data-testid=grid-row][data-rowid]').first().click();
    await frame.locator('[data-testid=grid-row][data-rowid]').first().press('Enter');
    const preview = await v.webviewFrame('[data-testid=preview-field][data-name=text]');
    await poll('the preview of the markup row', async () =>
      (await preview.locator('[data-testid=preview-field][data-name=text]').innerText()).includes('<script>alert(1)</script>') ? true : undefined,
    );
    await v.screenshot('markup-row-preview');
    assert.equal(await preview.locator('[data-testid=preview] script').count(), 0, 'no <script> element in the preview');
    assert.equal(await preview.locator('[data-testid=preview] img:not([data-testid=preview-image])').count(), 0, 'no <img> made from data in the preview');
    // The Schema tab lists every column.
    await showTab(frame, 'schema');
    const fields = await frame.locator('[data-testid=schema] [data-testid=schema-field]').count();
    assert.equal(fields, truth.columns, 'schema lists every column');
    await v.screenshot('schema');
  });
});

test('Z2 a LargeList table reads (through a cast), an empty table says it has no rows', { timeout: 180_000 }, async () => {
  const v = session();
  await scenario(v, 'zoo-2-largelist-empty', async () => {
    await v.resetWorkbench();
    const ll = await openTable(v, 'largelist');
    await showTab(ll, 'rows');
    await ll.waitForFunction(() => document.querySelectorAll('[data-testid=grid-row][data-rowid]').length > 0, undefined, { timeout: 30_000 });
    await v.screenshot('largelist');
    assert.equal(await ll.locator('[data-testid=rows-error]').count(), 0, 'no rows error for the LargeList table');
    const text = await ll.locator('[data-testid=rows-grid]').innerText();
    assert.match(text, /\[\d+\]/, 'list cells show their length');
    await v.resetWorkbench();
    const empty = await openTable(v, 'empty');
    await showTab(empty, 'rows');
    await poll('the empty table row count', async () => ((await rowCountText(empty)) === '0 rows' ? true : undefined));
    await v.screenshot('empty');
    assert.equal(await empty.locator('[data-testid=grid-row][data-rowid]').count(), 0);
  });
});

test('Z3 the zoo is byte-identical after inspection', () => {
  assert.deepEqual(changedFiles(hashesBefore, hashTree(db)), []);
});
