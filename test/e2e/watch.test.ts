// End to end, in a real VS Code (code-server + Chromium, see harness.ts): a dataset written by someone
// else while its panel is open. The panel watches `_versions/*.manifest`; a new version on disk shows
// the "Version N is available" banner while the view keeps showing the version it opened (header and
// Rows tab still count the old rows); the banner's Reload button moves the panel to the new version.
//
// The writer is this test process: @lancedb/lancedb appends rows (five existing rows again, with new
// ids) to a COPY of a generated dataset inside the workspace. Ground truth (the version the write made,
// the row count after it) comes from lancedb. Screenshots: test-results/e2e/watch-*/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import { firstNumber, fmt, openDataset, poll, rowCountText, showTab, timing, timings, waitForGrid, withTable } from './util';

const ROWS = 300;
const ADDED = 5;
const NAME = 'watched';

let workspace = '';
let outside = '';
let datasetPath = '';
let openedVersion = 0;
let vsc: VSCodeSession | undefined;

function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-watch-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-watch-src-'));
    removeOnExit(workspace);
    removeOnExit(outside);
    const t0 = Date.now();
    const generated = await generateImagenetLike({ dir: outside, rows: ROWS, name: NAME });
    // The copy is what gets written; the generated original stays outside, untouched.
    datasetPath = path.join(workspace, path.basename(generated));
    fs.cpSync(generated, datasetPath, { recursive: true });
    console.log(`[e2e] generated ${ROWS} rows and copied them into the workspace in ${Date.now() - t0} ms`);
    openedVersion = await withTable(datasetPath, async (t) => {
      assert.equal(await t.countRows(), ROWS, 'fixture row count');
      return t.version();
    });
    const vsixPath = await buildVsix();
    vsc = await startVSCode({ workspaceFolder: workspace, vsixPath, name: 'watch', waitForExplorerRow: path.basename(datasetPath) });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  if (timings.length) console.log(`[e2e] timings (watch):\n${timings.map((t) => `  ${t}`).join('\n')}`);
  await vsc?.close();
});

async function headerRowCount(frame: Frame): Promise<number | undefined> {
  return firstNumber(await frame.locator('[data-testid=header-row-count]').innerText());
}

async function headerVersion(frame: Frame): Promise<string> {
  return (await frame.locator('[data-testid=version]').innerText()).trim();
}

test('C1 rows appended on disk: the banner names the new version, the view stays put; Reload shows the new rows', { timeout: 180_000 }, async () => {
  const v = session();
  await scenario(v, 'watch-1-new-version', async () => {
    await v.resetWorkbench();
    const frame = await openDataset(v, datasetPath);
    await showTab(frame, 'rows');
    await waitForGrid(frame, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: 10 });
    await v.screenshot('opened');
    assert.equal(await headerRowCount(frame), ROWS, 'header row count when opened');
    assert.equal(await headerVersion(frame), `version ${openedVersion}`, 'header version when opened');
    const banner = frame.locator('[data-testid=version-available]');
    assert.equal(await banner.isVisible(), false, 'no banner before anything changed');

    // Someone else appends rows: five existing rows again, with new ids (one new version).
    const t0 = Date.now();
    const written = await withTable(datasetPath, async (t) => {
      const rows = await t.query().limit(ADDED).toArray();
      await t.add(
        rows.map((r, i) => ({
          ...r,
          id: ROWS + i,
          // The query returns the vector as an Arrow vector; add() wants plain numbers.
          image_emb: Array.from((r.image_emb as { toArray(): Float32Array }).toArray()),
        })),
      );
      return { version: await t.version(), rows: await t.countRows() };
    });
    console.log(`[e2e] appended ${ADDED} rows: version ${openedVersion} → ${written.version}, ${written.rows} rows`);
    assert.equal(written.rows, ROWS + ADDED, 'lancedb counts the appended rows');
    assert.ok(written.version > openedVersion, `a new version (${written.version} > ${openedVersion})`);

    await banner.waitFor({ state: 'visible', timeout: 30_000 }).catch(async (e) => {
      await v.screenshot('no-banner');
      throw e;
    });
    timing('append on disk → "version available" banner shown', Date.now() - t0);
    await v.screenshot('banner');
    const text = (await banner.innerText()).replace(/\s+/g, ' ').trim();
    console.log(`[e2e] banner: ${JSON.stringify(text)}`);
    assert.match(text, new RegExp(`^Version ${written.version} is available\\b`), `the banner names version ${written.version}`);
    // The view stays consistent: still the version it opened, with its row count.
    assert.equal(await headerRowCount(frame), ROWS, 'the header still counts the rows of the version shown');
    assert.equal(await headerVersion(frame), `version ${openedVersion}`, 'the header still names the version shown');
    assert.equal(await rowCountText(frame), `${fmt(ROWS)} rows`, 'the Rows tab still counts the version shown');

    const reload = banner.getByRole('button', { name: 'Reload' });
    await reload.hover();
    await v.screenshot('reload-hovered');
    const t1 = Date.now();
    await reload.click();
    await poll(`the header to count ${written.rows} rows`, async () => ((await headerRowCount(frame)) === written.rows ? true : undefined), 30_000).catch(async (e) => {
      await v.screenshot('not-reloaded');
      throw e;
    });
    timing('Reload → header shows the new row count', Date.now() - t1);
    await waitForGrid(frame, { count: new RegExp(`^${fmt(written.rows)} rows$`), minThumbs: 10 });
    await v.screenshot('reloaded');
    assert.equal(await headerVersion(frame), `version ${written.version}`, 'the header names the new version');
    assert.equal(await banner.isVisible(), false, 'the banner is gone after Reload');
    assert.equal(await rowCountText(frame), `${fmt(written.rows)} rows`, 'the Rows tab counts the new rows');

    // The appended rows are there: go to the last one.
    const last = written.rows - 1;
    const go = frame.locator('[data-testid=goto]');
    await go.fill(String(last));
    await go.press('Enter');
    await frame.waitForFunction(
      (i) => {
        const r = document.querySelector(`[data-testid=grid-row][data-index="${i}"][data-rowid]`);
        const img = r?.querySelector<HTMLImageElement>('img[data-testid=thumb]');
        return !!img && img.complete && img.naturalWidth > 0;
      },
      last,
      { polling: 50, timeout: 30_000 },
    );
    await v.screenshot('last-appended-row');
    const idCell = await frame.evaluate((i) => {
      const grid = document.querySelector('[data-testid=rows-grid]')!;
      const names = Array.from(grid.querySelectorAll<HTMLElement>('.grid-header [data-column]')).map((c) => c.dataset.column);
      const row = grid.querySelector(`[data-testid=grid-row][data-index="${i}"]`);
      return row?.querySelector<HTMLElement>(`.grid-cell[data-col="${names.indexOf('id')}"]`)?.innerText.trim();
    }, last);
    assert.equal(idCell, String(ROWS + ADDED - 1), `row ${last} is the last appended row`);
  });
});
