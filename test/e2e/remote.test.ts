// End to end, in a real VS Code (code-server + Chromium, see harness.ts), on an object store: a
// 2,000-row ImageNet-like dataset uploaded to s3rver (test/helpers/s3.ts, in this test process on
// 127.0.0.1), opened by typing its s3:// URI into "Lance: Open Dataset…". The endpoint and keys reach
// the extension the way a user sets them: `lanceInspector.storageOptions` for the "s3://bucket" prefix,
// in the USER settings (a workspace value is ignored in Restricted Mode; the harness trusts the
// workspace anyway). Rows with decoded thumbnails, a filter, find similar, versions, a tag created on
// this test-only copy (read back through the engine), and the Datasets tree's Remote group.
//
// Ground truth comes from @lancedb/lancedb reading the same s3:// copy, never from the UI under test.
// Screenshots: test-results/e2e/remote-*/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { lancedb } from '../fixtures/lance';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { startS3, uploadDir, type S3Server } from '../helpers/s3';
import { removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import {
  activeTabTitle,
  fmt,
  OPEN_COMMAND,
  gridRows,
  openDataset,
  panelFrame,
  poll,
  rowCountText,
  showLanceContainer,
  showTab,
  timing,
  timings,
  treeRow,
  treeRows,
  waitForGrid,
  waitForSimilar,
} from './util';

const ROWS = 2000;
const NAME = 'imagenet_val';
const CLASS = 'golden_retriever';
const NEW_TAG = 'e2e-remote-tag';
const MIN_THUMBS = 10;

let s3: S3Server | undefined;
let uri = '';
let vsc: VSCodeSession | undefined;
let truth: { classCount: number; versions: number[]; tags: Record<string, number> };

function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

/** The same s3:// copy through the engine (ground truth). */
async function withRemoteTable<T>(fn: (t: import('@lancedb/lancedb').Table) => Promise<T>): Promise<T> {
  const db = await lancedb.connect(`s3://${s3!.bucket}/db`, { storageOptions: s3!.storageOptions });
  const t = await db.openTable(NAME, undefined, { storageOptions: s3!.storageOptions });
  try {
    return await fn(t);
  } finally {
    t.close();
    db.close();
  }
}

async function ensurePanel(v: VSCodeSession): Promise<Frame> {
  try {
    return await panelFrame(v, NAME);
  } catch {
    return openDataset(v, uri);
  }
}

before(
  async () => {
    const started = await startS3();
    // The e2e suite needs s3rver (a devDependency): fail loudly rather than skip a whole file silently.
    if (typeof started === 'string') throw new Error(started);
    s3 = started;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-remote-data-'));
    removeOnExit(dir);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-remote-ws-'));
    removeOnExit(workspace);
    fs.writeFileSync(path.join(workspace, 'README.txt'), 'The dataset of this workspace lives on s3rver.\n');
    let t0 = Date.now();
    const local = await generateImagenetLike({ dir, rows: ROWS, name: NAME });
    const files = await uploadDir(s3, local, `db/${NAME}.lance`);
    console.log(`[e2e] generated ${ROWS} rows and uploaded ${files} objects in ${Date.now() - t0} ms`);
    uri = `s3://${s3.bucket}/db/${NAME}.lance`;
    truth = await withRemoteTable(async (t) => ({
      classCount: await t.countRows(`label_name = '${CLASS}'`),
      versions: (await t.listVersions()).map((x) => x.version).sort((a, b) => a - b),
      tags: Object.fromEntries(Object.entries(await (await t.tags()).list()).map(([k, x]) => [k, x.version])),
    }));
    console.log(`[e2e] truth: ${JSON.stringify(truth)}`);
    t0 = Date.now();
    const vsixPath = await buildVsix();
    vsc = await startVSCode({
      workspaceFolder: workspace,
      vsixPath,
      name: 'remote',
      waitForExplorerRow: 'README.txt',
      settings: { 'lanceInspector.storageOptions': { [`s3://${s3.bucket}`]: s3.storageOptions } },
    });
    console.log(`[e2e] VS Code ready in ${Date.now() - t0} ms`);
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  if (timings.length) console.log(`[e2e] timings (remote):\n${timings.map((t) => `  ${t}`).join('\n')}`);
  await vsc?.close();
  await s3?.stop();
});

test('R1 "Open Dataset…" with an s3:// URI: rows with decoded thumbnails', { timeout: 180_000 }, async () => {
  const v = session();
  await scenario(v, 'remote-1-open', async () => {
    await v.resetWorkbench();
    const t0 = Date.now();
    const frame = await openDataset(v, uri);
    await waitForGrid(frame, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: MIN_THUMBS, timeoutMs: 60_000 }).catch(async (e) => {
      await v.screenshot('grid-not-ready');
      throw e;
    });
    timing('open s3:// dataset (URI typed → 10 thumbnails decoded)', Date.now() - t0);
    await v.screenshot('rows-grid');
    assert.equal(await rowCountText(frame), `${fmt(ROWS)} rows`);
    assert.equal((await frame.locator('.ds-header .path').innerText()).trim(), uri, 'the header says where the dataset is');
    const rows = await gridRows(frame);
    assert.deepEqual(
      rows.slice(0, 3).map((r) => r.cells.id),
      ['0', '1', '2'],
    );
    assert.ok(rows.flatMap((r) => r.thumbs).filter((t) => t.decoded).length >= MIN_THUMBS);
  });
});

test(`R2 a filter (label_name = '${CLASS}') on the remote dataset`, { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'remote-2-filter', async () => {
    const frame = await ensurePanel(v);
    await showTab(frame, 'rows');
    const box = frame.locator('[data-testid=filter]');
    await box.fill(`label_name = '${CLASS}'`);
    const t0 = Date.now();
    await box.press('Enter');
    await waitForGrid(frame, {
      count: new RegExp(`^${fmt(truth.classCount)} of ${fmt(ROWS)} rows$`),
      minThumbs: Math.min(MIN_THUMBS, truth.classCount),
      labelPrefix: CLASS,
      timeoutMs: 60_000,
    });
    timing('filter on s3:// (Enter → thumbnails decoded)', Date.now() - t0);
    await v.screenshot('filtered');
    for (const r of await gridRows(frame)) assert.equal(r.cells.label_name, CLASS);
  });
});

test('R3 find similar from the row menu on the remote dataset', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'remote-3-similar', async () => {
    const frame = await ensurePanel(v);
    await frame.waitForSelector('[data-testid=grid-row][data-index="1"][data-rowid]', { timeout: 60_000 });
    const query = (await gridRows(frame)).find((r) => r.index === 1)!;
    await frame.locator('[data-testid=grid-row][data-index="1"] .grid-cell.index').click({ button: 'right' });
    await frame.locator('[data-testid=row-menu]').waitFor({ state: 'visible' });
    const t0 = Date.now();
    await frame.locator('[data-testid=menu-find-similar]').click();
    await waitForSimilar(frame, query.cells.id, 60_000).catch(async (e) => {
      await v.screenshot('similar-not-ready');
      throw e;
    });
    timing('find similar on s3:// (click → 11 images decoded)', Date.now() - t0);
    await v.screenshot('similar');
    const labels = await frame.locator('[data-testid=similar-result]').evaluateAll((cards) =>
      cards.map((c) => {
        const dt = Array.from(c.querySelectorAll('dt')).find((d) => d.textContent?.trim() === 'label_name');
        return (dt?.nextElementSibling as HTMLElement | null)?.innerText.trim();
      }),
    );
    assert.equal(labels.length, 10);
    assert.ok(labels.filter((l) => l === CLASS).length >= 7, `neighbours of a ${CLASS}: ${labels.join(', ')}`);
  });
});

test('R4 versions of the remote dataset, then "Create Tag…" on it (this test-only copy): the modal says where it writes', { timeout: 150_000 }, async () => {
  const v = session();
  await scenario(v, 'remote-4-versions-tag', async () => {
    const frame = await ensurePanel(v);
    await showTab(frame, 'versions');
    await frame.waitForFunction((k) => document.querySelectorAll('[data-testid=version-row]').length >= k, truth.versions.length, { timeout: 60_000 });
    const shown = await frame.locator('[data-testid=version-row]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-version'))));
    assert.deepEqual(
      [...shown].sort((a, b) => a - b),
      truth.versions,
      'every version listed',
    );
    for (const [tag, ver] of Object.entries(truth.tags)) {
      assert.equal(await frame.locator(`[data-testid=version-row][data-version="${ver}"] [data-testid=tag-badge][data-tag="${tag}"]`).count(), 1, `badge ${tag}`);
    }
    await v.screenshot('versions');

    const target = truth.versions[1];
    await v.runCommand('Lance: Create Tag…');
    await v.waitForQuickInput('Create a tag on which version?');
    await v.answerQuickInput(`Version ${target}`);
    await v.waitForQuickInput(`Create a tag on version ${target}`);
    await v.answerQuickInput(NEW_TAG);
    const dialog = await v.clickDialogButton('Create Tag', () => v.screenshot('confirm-modal'));
    assert.ok(dialog.includes(uri), `the modal names the s3:// dataset it writes to: ${dialog}`);
    const note = await v.waitForNotification(`now points at version ${target}`);
    assert.ok(note.includes(uri), `the notification says where it wrote: ${note}`);
    await frame.locator(`[data-testid=version-row][data-version="${target}"] [data-testid=tag-badge][data-tag="${NEW_TAG}"]`).waitFor({ state: 'visible', timeout: 30_000 });
    await v.screenshot('tag-badge');
    const onStore = await withRemoteTable(async (t) => (await (await t.tags()).list())[NEW_TAG]?.version);
    assert.equal(onStore, target, 'the engine reads the new tag from the object store');
  });
});

test('R5 the Datasets tree: a Remote group lists the s3:// dataset; clicking opens it; Remove forgets it', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'remote-5-tree', async () => {
    await showLanceContainer(v);
    await poll('the Remote group with the dataset', async () => {
      const labels = (await treeRows(v)).map((r) => r.label);
      return labels.includes('Remote') && labels.includes(NAME) ? true : undefined;
    });
    await v.screenshot('remote-group');
    const rows = await treeRows(v);
    console.log(`[e2e] tree: ${rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label} (${r.description})`).join(' | ')}`);
    const remote = rows.find((r) => r.label === 'Remote')!;
    const ds = rows.find((r) => r.label === NAME)!;
    assert.equal(remote.level, 1);
    assert.equal(ds.level, 2, 'the dataset is under Remote');
    assert.equal(ds.description, `s3://${s3!.bucket}/db`, 'it says where it is');

    // Expanding it reads its details from the object store (the tree's own open, with the same settings).
    const row = treeRow(v, NAME, 2);
    await row.locator('.monaco-tl-twistie').click();
    await poll('the four groups under the remote dataset', async () => ((await treeRows(v)).some((r) => r.label === 'Versions' && r.level === 3) ? true : undefined), 60_000);
    const versions = (await treeRows(v)).find((r) => r.label === 'Versions' && r.level === 3);
    assert.equal(versions?.description, String(truth.versions.length));
    await v.screenshot('remote-expanded');

    // A click on the row opens the dataset (no editor open first, so the tab is the tree's doing).
    await v.runCommand('View: Close All Editors');
    await poll('no editor open', async () => ((await activeTabTitle(v)) === '' ? true : undefined));
    await row.locator('.label-name').click();
    await poll(`an editor tab "Lance: ${NAME}"`, async () => ((await activeTabTitle(v)) === `Lance: ${NAME}` ? true : undefined), 30_000);
    await waitForGrid(await panelFrame(v, NAME), { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: MIN_THUMBS, timeoutMs: 60_000 });
    await v.screenshot('opened-from-tree');

    await row.click({ button: 'right' });
    const item = v.page.locator('.context-view .monaco-menu .action-item', { hasText: /^Remove$/ });
    await item.waitFor({ state: 'visible' });
    await v.page.waitForTimeout(400);
    await item.hover();
    await v.screenshot('remove-menu');
    await item.locator('a.action-menu-item').click();
    await poll('the Remote group gone', async () => ((await treeRows(v)).some((r) => r.label === 'Remote') ? undefined : true));
    await v.screenshot('removed');
  });
});

test(
  'R6 "Set Object-Store Credentials…": a wrong key kept in SecretStorage gives one clear message naming it; "Forget" and Reload open the dataset',
  { timeout: 150_000 },
  async () => {
    const v = session();
    await scenario(v, 'remote-6-credentials', async () => {
      await v.resetWorkbench();
      const prefix = `s3://${s3!.bucket}/db`;
      await v.runCommand('Lance: Set Object-Store Credentials…');
      await v.waitForQuickInput('Object-store credentials: for which URI prefix?');
      await v.answerQuickInput(prefix, () => v.screenshot('prefix'));
      await v.waitForQuickInput(`Credentials for ${prefix}`);
      await v.answerQuickInput('S3 access key');
      await v.waitForQuickInput('S3 access key id');
      await v.answerQuickInput('WRONGKEY');
      await v.waitForQuickInput('S3 secret access key');
      await v.answerQuickInput('TOPSECRET', () => v.screenshot('secret-typed'));
      await v.waitForQuickInput('S3 session token (optional)');
      await v.answerQuickInput('');
      const stored = await v.waitForNotification(`for ${prefix} in VS Code's SecretStorage`);
      assert.match(stored, /Stored aws_access_key_id, aws_secret_access_key/);
      const settingsText = fs.readFileSync(path.join(v.userDataDir, 'User', 'settings.json'), 'utf8');
      assert.ok(!settingsText.includes('TOPSECRET') && !settingsText.includes('WRONGKEY'), 'nothing of it in the settings file');

      await v.runCommand(OPEN_COMMAND);
      await v.waitForQuickInput('Open Lance Dataset');
      await v.answerQuickInput(uri);
      const frame = await v.webviewFrame('[data-testid=error]', 60_000);
      const message = (await frame.locator('[data-testid=error]').innerText()).trim();
      console.log(`[e2e] wrong key message: ${message.split('\n')[0]}`);
      await v.screenshot('wrong-key');
      assert.match(message, /^The object store refused the credentials \(InvalidAccessKeyId\)\. Tried /);
      assert.ok(message.includes(`access key WRONGKEY from SecretStorage "${prefix}"`), message);
      assert.ok(message.includes(`endpoint ${s3!.endpoint} from lanceInspector.storageOptions "s3://${s3!.bucket}"`), message);
      assert.ok(!message.includes('TOPSECRET'), 'the secret is never shown');

      await v.runCommand('Lance: Forget Object-Store Credentials…');
      await v.waitForQuickInput('Forget the object-store credentials stored for…');
      await v.answerQuickInput(prefix);
      await v.waitForNotification(`Forgot the credentials stored for ${prefix}`);
      await v.runCommand('Lance: Reload');
      const reopened = await panelFrame(v, NAME);
      await waitForGrid(reopened, { count: new RegExp(`^${fmt(ROWS)} rows$`), minThumbs: MIN_THUMBS, timeoutMs: 60_000 });
      await v.screenshot('after-forget');
    });
  },
);
