// End to end, in a real VS Code (code-server + Chromium, see harness.ts): schema, versions, tags, indices
// and export: the Lance activity-bar "Datasets" tree (a `<name>.lance` dataset, a dataset folder with
// another name, a LanceDB folder of two tables), the Versions tab (browse an older version read-only,
// back to latest), comparing versions (palette and in the tab), creating a tag (on a copy: the only
// write of inspection), and "Export Rows…" of a filter to JSON Lines with the images as files.
//
// Ground truth (versions, row counts per version, types, tags, indices, the rows a filter selects) comes
// from @lancedb/lancedb. The datasets the scenarios only read must be byte-identical at the end.
// Screenshots: test-results/e2e/versions-*/.
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
  expand,
  firstNumber,
  fmt,
  hashTree,
  openDataset,
  poll,
  rowCountText,
  showLanceContainer,
  showTab,
  timing,
  timings,
  treeRow,
  treeRows,
  withTable,
} from './util';

const ROWS = 600;
const NAME = 'imagenet_val';
const PLAIN = 'plain_folder';
const DB = 'warehouse';
const DB_TABLES = ['cats', 'dogs'];
const EXPORT_FILTER = "label_name LIKE 'tabby%'";
const NEW_TAG = 'e2e-reviewed';

let workspace = '';
let outside = '';
/** Datasets the scenarios must never write. */
let originals: string[] = [];
let datasetPath = '';
let plainPath = '';
let copyPath = '';
let hashesBefore: Map<string, Map<string, string>>;
let truth: {
  versions: number[];
  rowsAt: Map<number, number>;
  imageTypeAt: Map<number, string>;
  tags: Record<string, number>;
  indices: string[];
  columns: string[];
  exportIds: string[];
};
let vsc: VSCodeSession | undefined;

function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-versions-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-outside-'));
    removeOnExit(workspace);
    removeOnExit(outside);
    const t0 = Date.now();
    datasetPath = await generateImagenetLike({ dir: workspace, rows: ROWS, name: NAME });
    // A dataset folder whose name does not end in .lance, alone in its parent (not a LanceDB folder).
    plainPath = path.join(workspace, 'data', PLAIN);
    fs.cpSync(datasetPath, plainPath, { recursive: true });
    // A LanceDB folder: two tables side by side.
    for (const [i, name] of DB_TABLES.entries()) {
      await generateImagenetLike({ dir: path.join(workspace, DB), rows: 60, name, seed: 7 + i, classes: 6, indices: false });
    }
    // The copy that gets a tag, outside the workspace (so the tree and the hashes of the workspace stay put).
    copyPath = path.join(outside, 'tag_copy.lance');
    fs.cpSync(datasetPath, copyPath, { recursive: true });
    console.log(`[e2e] generated the datasets in ${Date.now() - t0} ms`);

    originals = [datasetPath, plainPath, ...DB_TABLES.map((n) => path.join(workspace, DB, `${n}.lance`))];
    hashesBefore = new Map(originals.map((d) => [d, hashTree(d)]));
    truth = await withTable(datasetPath, async (t) => {
      const versions = (await t.listVersions()).map((v) => v.version).sort((a, b) => a - b);
      const rowsAt = new Map<number, number>();
      const imageTypeAt = new Map<number, string>();
      const latest = versions.at(-1)!;
      for (const v of versions) {
        await t.checkout(v);
        rowsAt.set(v, await t.countRows());
        imageTypeAt.set(v, String((await t.schema()).fields.find((f) => f.name === 'image')!.type));
      }
      await t.checkoutLatest();
      const tagList = await (await t.tags()).list();
      const ids = await t.query().where(EXPORT_FILTER).select(['id']).toArray();
      void latest;
      return {
        versions,
        rowsAt,
        imageTypeAt,
        tags: Object.fromEntries(Object.entries(tagList).map(([k, v]) => [k, v.version])),
        indices: (await t.listIndices()).map((i) => i.name).sort(),
        columns: (await t.schema()).fields.map((f) => f.name),
        exportIds: ids.map((r) => String(r.id)).sort((a, b) => Number(a) - Number(b)),
      };
    });
    console.log(
      `[e2e] truth: versions ${truth.versions.join(',')}; rows ${[...truth.rowsAt].map(([v, n]) => `v${v}=${n}`).join(' ')}; image ${[...truth.imageTypeAt].map(([v, t]) => `v${v}=${t}`).join(' ')}; tags ${JSON.stringify(truth.tags)}; indices ${truth.indices.join(',')}`,
    );
    const vsixPath = await buildVsix();
    vsc = await startVSCode({ workspaceFolder: workspace, vsixPath, name: 'versions', waitForExplorerRow: path.basename(datasetPath) });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  if (timings.length) console.log(`[e2e] timings (versions):\n${timings.map((t) => `  ${t}`).join('\n')}`);
  await vsc?.close();
});

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

async function collapse(v: VSCodeSession, label: string, level?: number): Promise<void> {
  const row = treeRow(v, label, level);
  await row.waitFor({ state: 'visible' });
  if ((await row.getAttribute('aria-expanded')) !== 'true') return;
  await row.locator('.monaco-tl-twistie').click();
  await poll(`tree row "${label}" collapsed`, async () => ((await row.getAttribute('aria-expanded')) === 'false' ? true : undefined));
}

async function headerRowCount(frame: Frame): Promise<number | undefined> {
  return firstNumber(await frame.locator('[data-testid=header-row-count]').innerText());
}

/** Version numbers listed in the Versions tab, in order. */
async function listedVersions(frame: Frame): Promise<number[]> {
  return frame.$$eval('[data-testid=version-row]', (els) => els.map((e) => Number(e.getAttribute('data-version'))));
}

async function waitForVersionRows(frame: Frame, n: number): Promise<void> {
  await frame.waitForFunction((k) => document.querySelectorAll('[data-testid=version-row]').length >= k, n, { timeout: 20_000 });
}

async function diffText(frame: Frame): Promise<Record<string, string>> {
  const box = frame.locator('[data-testid=version-diff]');
  await frame.waitForFunction(
    () => {
      const d = document.querySelector<HTMLElement>('[data-testid=version-diff]');
      return !!d && !d.hidden && !d.querySelector('[data-testid=diff-loading]') && (!!d.querySelector('[data-testid=diff-rows]') || !!d.querySelector('.error-inline'));
    },
    undefined,
    { timeout: 60_000 },
  );
  const out: Record<string, string> = { head: (await box.locator('h3').innerText()).trim() };
  for (const k of ['rows', 'fragments', 'schema', 'indices', 'metadata']) {
    const row = box.locator(`[data-testid=diff-${k}]`);
    out[k] = (await row.count()) ? (await row.innerText()).replace(/\s+/g, ' ').trim() : '';
  }
  const err = box.locator('.error-inline');
  if (await err.count()) out.error = (await err.innerText()).trim();
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------------------

test('B1 the Lance "Datasets" tree: .lance dataset, plain dataset folder, LanceDB folder; expand to columns/versions/tags/indices', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'versions-1-tree', async () => {
    await v.resetWorkbench();
    await showLanceContainer(v);
    const wanted = [NAME, PLAIN, DB, ...DB_TABLES];
    const t0 = Date.now();
    await poll('the tree to list every dataset', async () => {
      const labels = (await treeRows(v)).map((r) => r.label);
      return wanted.every((w) => labels.includes(w)) ? true : undefined;
    });
    timing('Datasets tree lists the workspace datasets (after the container showed)', Date.now() - t0);
    await v.screenshot('tree-roots');
    const rows = await treeRows(v);
    console.log(`[e2e] tree: ${rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label} (${r.description})`).join(' | ')}`);
    const row = (label: string) => rows.find((r) => r.label === label)!;
    assert.equal(row(NAME).level, 1, `${NAME} is a top-level dataset`);
    assert.equal(row(NAME).description, '', `${NAME} sits at the workspace root: no location shown (not an absolute path)`);
    assert.equal(row(PLAIN).level, 1, `${PLAIN} (no .lance suffix) is a top-level dataset`);
    assert.equal(row(PLAIN).description, 'data', `${PLAIN} says where it is`);
    assert.equal(row(DB).level, 1, `${DB} is a top-level group`);
    assert.equal(row(DB).description, `${DB_TABLES.length} tables`);
    assert.equal(row(DB).expanded, 'true', 'a LanceDB folder starts expanded');
    for (const t of DB_TABLES) {
      assert.equal(row(t).level, 2, `${t} is under ${DB}`);
      assert.equal(row(t).description, '', `${t} does not repeat its database's name`);
    }
    assert.equal(rows.filter((r) => r.level === 1).length, 3, 'three top-level entries, nothing else');

    // Expand the .lance dataset: four groups with their counts.
    await expand(v, NAME, 1);
    await poll('the four groups under the dataset', async () => ((await treeRows(v)).some((r) => r.label === 'Indices') ? true : undefined));
    await v.screenshot('dataset-expanded');
    const groups = Object.fromEntries(
      (await treeRows(v)).filter((r) => r.level === 2 && ['Columns', 'Versions', 'Tags', 'Indices'].includes(r.label)).map((r) => [r.label, r.description]),
    );
    assert.deepEqual(groups, {
      Columns: String(truth.columns.length),
      Versions: String(truth.versions.length),
      Tags: String(Object.keys(truth.tags).length),
      Indices: String(truth.indices.length),
    });
    await expand(v, 'Tags', 2);
    await expand(v, 'Indices', 2);
    await expand(v, 'Columns', 2);
    await poll('tags, indices and columns listed', async () => {
      const labels = (await treeRows(v)).map((r) => r.label);
      return [...Object.keys(truth.tags), ...truth.indices, ...truth.columns].every((x) => labels.includes(x)) ? true : undefined;
    });
    await v.screenshot('groups-expanded');
    const after = await treeRows(v);
    for (const [tag, ver] of Object.entries(truth.tags)) {
      assert.equal(after.find((r) => r.label === tag && r.level === 3)?.description, `version ${ver}`, `tag ${tag}`);
    }
    assert.match(after.find((r) => r.label === 'image_emb_idx')?.description ?? '', /IVF_?PQ/i, 'the vector index shows its type');

    // The plain folder expands too, and a click on it opens its panel. The first dataset is folded
    // first: expanded, its six columns, four indices and two tags fill the view, and the tree only
    // renders the rows in view, so the plain folder's groups would not be in the page at all.
    await collapse(v, NAME, 1);
    await expand(v, PLAIN, 1);
    await poll(`groups under ${PLAIN}`, async () => ((await treeRows(v)).some((r) => r.label === 'Versions' && r.level === 2) ? true : undefined));
    await treeRow(v, PLAIN, 1).locator('.label-name').click();
    await poll(`an editor tab "Lance: ${PLAIN}"`, async () => ((await activeTabTitle(v)) === `Lance: ${PLAIN}` ? true : undefined));
    const frame = await v.webviewFrame('[data-testid=header-row-count]');
    await poll('the plain folder panel row count', async () => ((await headerRowCount(frame)) === ROWS ? true : undefined));
    await v.screenshot('plain-folder-opened');
  });
});

test('B2 Versions tab: timeline, browse an older version read-only, back to latest', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'versions-2-browse', async () => {
    await v.resetWorkbench();
    const frame = await openDataset(v, datasetPath);
    await showTab(frame, 'versions');
    await waitForVersionRows(frame, truth.versions.length);
    await v.screenshot('timeline');
    assert.deepEqual(await listedVersions(frame), [...truth.versions].reverse(), 'versions newest first');
    for (const ver of truth.versions) {
      const text = await frame.locator(`[data-testid=version-row][data-version="${ver}"]`).innerText();
      assert.ok(text.includes(`${fmt(truth.rowsAt.get(ver)!)} rows`), `version ${ver} row says ${truth.rowsAt.get(ver)} rows: ${text.replace(/\s+/g, ' ')}`);
    }
    for (const [tag, ver] of Object.entries(truth.tags)) {
      assert.equal(
        await frame.locator(`[data-testid=version-row][data-version="${ver}"] [data-testid=tag-badge][data-tag="${tag}"]`).count(),
        1,
        `tag badge ${tag} on version ${ver}`,
      );
    }

    const old = truth.versions[0];
    const t0 = Date.now();
    await frame.locator(`[data-testid=version-row][data-version="${old}"] [data-testid=version-browse]`).click();
    await frame.locator('[data-testid=pinned-banner]').waitFor({ state: 'visible' });
    await poll(`the header to count version ${old}'s rows`, async () => ((await headerRowCount(frame)) === truth.rowsAt.get(old) ? true : undefined));
    timing(`browse version ${old} (click → pinned header with its row count)`, Date.now() - t0);
    await v.screenshot('pinned-old-version');
    assert.match(await frame.locator('[data-testid=pinned-banner]').innerText(), new RegExp(`version ${old}.*read-only`, 'i'));
    assert.match(await frame.locator('[data-testid=pinned-header]').innerText(), /read-only/i);
    assert.match(await frame.locator('header.ds-header').innerText(), /read-only/i, 'the header badge says read-only');
    assert.equal(await activeTabTitle(v), `Lance: ${NAME} @ v${old}`, 'the editor tab names the version');
    await showTab(frame, 'rows');
    await poll('the Rows tab to count the old version', async () => ((await rowCountText(frame)) === `${fmt(truth.rowsAt.get(old)!)} rows` ? true : undefined));
    await v.screenshot('pinned-rows');

    await showTab(frame, 'versions');
    await frame.locator('[data-testid=back-to-latest]').click();
    await frame.locator('[data-testid=pinned-banner]').waitFor({ state: 'detached' });
    const latest = truth.versions.at(-1)!;
    await poll('the header back at the latest count', async () => ((await headerRowCount(frame)) === truth.rowsAt.get(latest) ? true : undefined));
    await v.screenshot('back-to-latest');
    assert.equal(await frame.locator('[data-testid=pinned-header]').count(), 0, 'no read-only header at the latest version');
    assert.equal(await activeTabTitle(v), `Lance: ${NAME}`);
  });
});

test('B3 compare versions: palette "Compare Versions…" shows Binary → LargeBinary and rows added; Compare in the tab', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'versions-3-compare', async () => {
    await v.resetWorkbench();
    const frame = await openDataset(v, datasetPath);
    const first = truth.versions[0];
    const latest = truth.versions.at(-1)!;
    await v.runCommand('Lance: Compare Versions…');
    await v.waitForQuickInput('Compare: the older version');
    await v.answerQuickInput(`Version ${first}`, () => v.screenshot('pick-older'));
    await v.waitForQuickInput(`Compare version ${first} with`);
    const t0 = Date.now();
    await v.answerQuickInput(`Version ${latest}`, () => v.screenshot('pick-newer'));
    const diff = await diffText(frame);
    timing(`compare versions ${first} → ${latest} (pick → diff shown)`, Date.now() - t0);
    await v.screenshot('diff');
    console.log(`[e2e] diff ${JSON.stringify(diff)}`);
    assert.equal(diff.error, undefined, `no error: ${diff.error}`);
    assert.equal(diff.head, `Version ${first} → version ${latest}`);
    const [fromType, toType] = [truth.imageTypeAt.get(first)!, truth.imageTypeAt.get(latest)!];
    assert.notEqual(fromType, toType, 'fixture: the image type changed between the versions');
    assert.ok(diff.schema.includes(`image: ${fromType} → ${toType}`), `schema row shows "image: ${fromType} → ${toType}": ${diff.schema}`);
    const [r0, r1] = [truth.rowsAt.get(first)!, truth.rowsAt.get(latest)!];
    assert.ok(diff.rows.includes(`${fmt(r0)} → ${fmt(r1)}`) && diff.rows.includes(`+${fmt(r1 - r0)}`), `rows row shows ${r0} → ${r1} (+${r1 - r0}): ${diff.rows}`);
    for (const idx of truth.indices) assert.ok(diff.indices.includes(idx), `index ${idx} added: ${diff.indices}`);
    assert.equal(await frame.locator('[data-testid=tab-versions]').getAttribute('aria-selected'), 'true', 'the Versions tab is shown');

    // In the tab: "Compare" on a middle version compares it with the latest.
    const mid = truth.versions.find((x) => x > first && truth.rowsAt.get(x) === r1 && x < latest) ?? truth.versions[1];
    await waitForVersionRows(frame, truth.versions.length);
    await frame.locator(`[data-testid=version-row][data-version="${mid}"] [data-testid=version-compare]`).click();
    await frame.waitForFunction((m) => document.querySelector('[data-testid=version-diff] h3')?.textContent?.startsWith(`Version ${m} `), mid);
    const diff2 = await diffText(frame);
    await v.screenshot('diff-in-tab');
    console.log(`[e2e] diff in tab ${JSON.stringify(diff2)}`);
    assert.equal(diff2.head, `Version ${mid} → version ${latest}`);
    assert.ok(diff2.rows.includes(`${fmt(truth.rowsAt.get(mid)!)} → ${fmt(r1)}`), diff2.rows);
    assert.ok(diff2.schema.includes(truth.imageTypeAt.get(mid) === toType ? 'No schema changes' : '→'), diff2.schema);
  });
});

test('B4 "Create Tag…" on a copy: pick version, name, confirm the modal; the badge shows and _refs/tags/ holds it', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'versions-4-create-tag', async () => {
    await v.resetWorkbench();
    const frame = await openDataset(v, copyPath);
    await showTab(frame, 'versions');
    await waitForVersionRows(frame, truth.versions.length);
    const target = truth.versions[2];
    await v.runCommand('Lance: Create Tag…');
    await v.waitForQuickInput('Create a tag on which version?');
    await v.answerQuickInput(`Version ${target}`, () => v.screenshot('pick-version'));
    await v.waitForQuickInput(`Create a tag on version ${target}`);
    await v.answerQuickInput(NEW_TAG, () => v.screenshot('tag-name-typed'));
    const dialog = await v.clickDialogButton('Create Tag', () => v.screenshot('confirm-modal'));
    assert.match(dialog, new RegExp(`Create tag "${NEW_TAG}" on version ${target}\\?`));
    assert.ok(dialog.includes('_refs/tags/'), `the modal says what it writes: ${dialog}`);
    const note = await v.waitForNotification(`now points at version ${target}`);
    assert.match(note, new RegExp(NEW_TAG));
    await frame.locator(`[data-testid=version-row][data-version="${target}"] [data-testid=tag-badge][data-tag="${NEW_TAG}"]`).waitFor({ state: 'visible', timeout: 20_000 });
    await v.screenshot('tag-badge');

    const refs = path.join(copyPath, '_refs', 'tags');
    const files = fs.readdirSync(refs);
    console.log(`[e2e] ${refs}: ${files.join(', ')}`);
    assert.ok(
      files.some((f) => f.startsWith(NEW_TAG)),
      `a file for ${NEW_TAG} under _refs/tags/`,
    );
    const onDisk = await withTable(copyPath, async (t) => (await (await t.tags()).list())[NEW_TAG]?.version);
    assert.equal(onDisk, target, 'lancedb reads the new tag at the version picked');
  });
});

test('B5 "Export Rows…" of a filter to JSON Lines with images as files', { timeout: 150_000 }, async () => {
  const v = session();
  await scenario(v, 'versions-5-export', async () => {
    await v.resetWorkbench();
    const frame = await openDataset(v, datasetPath);
    await showTab(frame, 'rows');
    const box = frame.locator('[data-testid=filter]');
    await box.fill(EXPORT_FILTER);
    await box.press('Enter');
    await poll('the filter to apply', async () => ((await rowCountText(frame)).startsWith(`${fmt(truth.exportIds.length)} of`) ? true : undefined));
    await v.screenshot('filtered');

    const out = path.join(workspace, 'exports', 'tabby.jsonl');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await v.runCommand('Lance: Export Rows…');
    await v.waitForQuickInput(/^Export rows where/);
    const title = (await v.page.locator('.quick-input-widget .quick-input-title').innerText()).trim();
    assert.ok(title.includes(EXPORT_FILTER), `the format pick names the filter: ${title}`);
    await v.answerQuickInput('JSON Lines', () => v.screenshot('format'));
    await v.waitForQuickInput('Export rows to');
    // The simple file dialog fills in the proposed path a moment after it shows: wait for it, so the
    // path typed below is not overwritten, and check what is proposed (the workspace, <name>.jsonl).
    const proposed = await poll('the save dialog to propose a path', async () => {
      const value = await v.page.locator('.quick-input-widget .quick-input-box input').inputValue();
      return value.endsWith('.jsonl') ? value : undefined;
    });
    await v.screenshot('save-dialog');
    assert.equal(proposed, path.join(workspace, `${NAME}.jsonl`), 'proposed export path');
    await v.answerQuickInput(out, () => v.screenshot('save-path-typed'));
    await v.waitForQuickInput('Image and binary columns');
    const t0 = Date.now();
    await v.answerQuickInput('Write images as files', () => v.screenshot('images-choice'));
    const note = await v.waitForNotification(/Exported/, 60_000);
    timing(`export ${truth.exportIds.length} rows with images (choice → notification)`, Date.now() - t0);
    await v.screenshot('exported');
    console.log(`[e2e] export notification: ${note}`);
    // The progress toast ("Exporting …", with its Cancel button) ends with the export, not when the
    // "Exported" message is dismissed.
    const progressToast = v.page.locator('.notifications-toasts .notification-toast', { hasText: `Exporting ${NAME}` });
    const progressGone = await progressToast.waitFor({ state: 'hidden', timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (!progressGone) await v.screenshot('progress-still-shown');
    assert.ok(progressGone, 'the "Exporting …" progress notification closes when the export is done');
    // It says where it wrote: the file's and the images folder's full paths.
    assert.ok(note.includes(`Exported ${fmt(truth.exportIds.length)} rows to ${out} and ${truth.exportIds.length} images to ${out.replace(/\.jsonl$/, '_images')}`), note);

    const lines = fs
      .readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    assert.equal(lines.length, truth.exportIds.length, 'one line per row of the filter');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(Object.keys(records[0]), truth.columns, 'every column, in schema order');
    assert.deepEqual(
      records.map((r) => String(r.id)).sort((a, b) => Number(a) - Number(b)),
      truth.exportIds,
      'the rows of the filter',
    );
    for (const r of records) {
      assert.match(String(r.label_name), /^tabby/);
      assert.equal(typeof r.image, 'string', `image of row ${r.id} is a path`);
      const img = path.resolve(path.dirname(out), r.image as string);
      assert.ok(img.startsWith(path.join(path.dirname(out), 'tabby_images') + path.sep), `image path ${r.image} in tabby_images/`);
      const head = fs.readFileSync(img).subarray(0, 3);
      assert.deepEqual([...head], [0xff, 0xd8, 0xff], `${img} is a JPEG`);
      assert.equal((r.image_emb as number[]).length, 512, 'the vector in full');
    }
    assert.equal(fs.readdirSync(path.join(path.dirname(out), 'tabby_images')).length, truth.exportIds.length, 'one image file per row');
  });
});

test('B6 every original dataset is byte-identical after the run', async () => {
  for (const d of originals) {
    const changed = changedFiles(hashesBefore.get(d)!, hashTree(d));
    assert.deepEqual(changed, [], `files written, created or deleted under ${d}`);
  }
});
