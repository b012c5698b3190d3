// End to end, in a real VS Code (code-server + Chromium, see harness.ts): Restricted Mode, a workspace
// the user has not trusted (workspace trust on, no startup prompt: the folder opens untrusted).
//
// Contract under test (package.json `capabilities.untrustedWorkspaces: limited`):
//   - the extension still activates and a dataset opens and reads (reading is allowed);
//   - the writing commands (Create Tag…, Export Rows…, Materialize Subset…) are not in the palette,
//     while the reading ones are;
//   - the panel's tag buttons, which reach the writing code anyway, say why nothing is written
//     ("… Restricted Mode …") and write nothing: the dataset is byte-identical afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { EXTENSION_ID, removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import { changedFiles, hashTree, openDataset, poll, showTab } from './util';

let workspace = '';
let datasetPath = '';
let hashesBefore: Map<string, string>;
let vsc: VSCodeSession | undefined;

function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

/** The palette's rows for `typed` (after the list settles). */
async function paletteRows(v: VSCodeSession, typed: string): Promise<string[]> {
  await v.page.keyboard.press('Escape');
  await v.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  await v.page.keyboard.press('F1');
  const input = v.page.locator('.quick-input-widget .quick-input-box input');
  // As the harness's runCommand: when F1 lands nowhere (focus in no part), an empty status-bar spot takes it.
  await input.waitFor({ state: 'visible', timeout: 2_000 }).catch(async () => {
    await v.page.locator('.part.statusbar').click({ position: { x: 600, y: 5 } });
    await v.page.keyboard.press('F1');
  });
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${typed}`);
  await new Promise((r) => setTimeout(r, 800));
  const rows = await v.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allInnerTexts();
  return rows.map((r) => r.trim());
}

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-ws-'));
    removeOnExit(workspace);
    datasetPath = await generateImagenetLike({ dir: workspace, rows: 60 });
    hashesBefore = hashTree(datasetPath);
    const vsixPath = await buildVsix();
    vsc = await startVSCode({
      workspaceFolder: workspace,
      vsixPath,
      name: 'restricted-mode',
      waitForExplorerRow: path.basename(datasetPath),
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' },
    });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  await vsc?.close();
});

test('Restricted Mode: datasets open and read, writing commands are hidden and refused with the reason', { timeout: 180_000 }, async () => {
  const v = session();
  await scenario(v, 'restricted-mode', async () => {
    // The workspace really is untrusted: VS Code says "Restricted Mode" in the status bar.
    await v.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 20_000 });
    const re = new RegExp(`_doActivateExtension ${EXTENSION_ID.replace(/\./g, '\\.')}, startup: \\w+, activationEvent: '([^']+)'`);
    await poll('the extension host to log our activation', async () => v.exthostLog().match(re)?.[1], 30_000);
    await v.screenshot('restricted-mode-workbench');

    // Reading works.
    const frame = await openDataset(v, datasetPath);
    await v.screenshot('dataset-open-in-restricted-mode');

    // The palette offers the reading commands, not the writing ones.
    // Each title typed whole: the palette's list is virtualised, so a long list shows only its first rows.
    await paletteRows(v, 'Lance: ');
    await v.screenshot('palette-lance-commands');
    await v.page.keyboard.press('Escape');
    for (const reading of ['Lance: Show Schema', 'Lance: Show Versions', 'Lance: Compare Versions…']) {
      const rows = await paletteRows(v, reading);
      assert.ok(rows.includes(reading), `"${reading}" in the palette: ${JSON.stringify(rows)}`);
    }
    for (const writing of ['Lance: Create Tag…', 'Lance: Export Rows…', 'Lance: Materialize Subset…']) {
      const rows = await paletteRows(v, writing);
      assert.ok(!rows.includes(writing), `"${writing}" hidden from the palette in Restricted Mode: ${JSON.stringify(rows)}`);
    }
    await v.page.keyboard.press('Escape');

    // The panel's Tag… button reaches the host's writing code: it explains instead of asking for a name.
    await showTab(frame, 'versions');
    await frame.locator('[data-testid=create-tag]').first().click();
    const message = await v.waitForNotification('Restricted Mode');
    await v.screenshot('create-tag-refused');
    assert.match(message, /Creating a tag writes to the dataset, which Lance Inspector does not do in Restricted Mode/);
    assert.ok(
      await v.page.locator('.notification-toast .monaco-button', { hasText: 'Manage Workspace Trust' }).first().isVisible(),
      'the notification offers "Manage Workspace Trust"',
    );
    assert.ok(!(await v.page.locator('.quick-input-widget .quick-input-box input').isVisible()), 'no tag-name input box opened');

    const del = frame.locator('[data-testid=delete-tag]');
    if (await del.count()) {
      await v.runCommand('Notifications: Clear All Notifications');
      await del.first().click();
      const delMessage = await v.waitForNotification('Restricted Mode');
      await v.screenshot('delete-tag-refused');
      assert.match(delMessage, /Deleting a tag writes to the dataset/);
    }

    assert.deepEqual(changedFiles(hashesBefore, hashTree(datasetPath)), [], 'nothing written to the dataset');
  });
});
