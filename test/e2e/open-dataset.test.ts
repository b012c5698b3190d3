// End to end, in a real VS Code (code-server + Chromium, see harness.ts): opening a Lance dataset.
//
// Contract under test:
//   - a workspace holding `<name>.lance/_versions/*.manifest` activates the extension by itself;
//   - explorer context menu "Open in Lance Inspector" on the .lance folder, and the palette command
//     "Lance: Open Dataset…" with a typed path, open a panel titled "Lance: …" whose webview shows
//     [data-testid=dataset-name], [data-testid=header-row-count] and one [data-testid=schema-field] per column;
//   - a folder that is not a dataset gives an error notification ("not a Lance dataset") and the
//     extension keeps working;
//   - nothing is ever written into the dataset.
// Ground truth (columns, types, row count) comes from @lancedb/lancedb, not from the UI under test.
//
// The scenarios share one VS Code (start-up plus VSIX install costs ~10 s) and run in order; each one
// starts from a workbench without editors or notifications. Screenshots: test-results/e2e/<scenario>/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import type { Frame } from 'playwright-core';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { EXTENSION_ID, removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import { activeTabTitle, hashTree, poll } from './util';

const ROWS = 300;
const MENU_ITEM = 'Open in Lance Inspector';
const OPEN_COMMAND = 'Lance: Open Dataset…';

let workspace = '';
let datasetPath = '';
let notADatasetPath = '';
let truth: { name: string; rows: number; fields: { name: string; type: string }[] };
let hashesBefore: Map<string, string>;
let vsc: VSCodeSession | undefined;

/** The session, or a clear failure when before() could not start it. */
function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/** What the panel must show, read with LanceDB itself. Type text is arrow-js's toString, as the UI promises. */
async function readTruth(dataset: string): Promise<typeof truth> {
  const name = path.basename(dataset).replace(/\.lance$/, '');
  const db = await lancedb.connect(path.dirname(dataset));
  const table = await db.openTable(name);
  try {
    const schema = await table.schema();
    return { name, rows: await table.countRows(), fields: schema.fields.map((f) => ({ name: f.name, type: String(f.type) })) };
  } finally {
    table.close();
    db.close();
  }
}

interface PanelState {
  name: string;
  rowCount: string;
  /** Top-level schema fields only (a struct's children may be schema-fields too, nested inside it). */
  fields: { name: string; text: string }[];
}

async function readPanel(frame: Frame): Promise<PanelState> {
  return frame.evaluate(() => {
    const text = (sel: string) => document.querySelector<HTMLElement>(sel)?.innerText.trim() ?? '';
    const fields = Array.from(document.querySelectorAll<HTMLElement>('[data-testid=schema] [data-testid=schema-field]'))
      .filter((el) => !el.parentElement?.closest('[data-testid=schema-field]'))
      .map((el) => ({ name: el.getAttribute('data-name') ?? '', text: el.innerText.replace(/\s+/g, ' ').trim() }));
    return { name: text('[data-testid=dataset-name]'), rowCount: text('[data-testid=header-row-count]'), fields };
  });
}

/** The first number in `text` with its thousands separators (",", ".", thin/no-break spaces) removed. */
function firstNumber(text: string): string | undefined {
  return text.match(/\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+|\d+/)?.[0].replace(/\D/g, '');
}

/** Asserts the open dataset panel shows `truth` (tab title, name, row count, schema) and screenshots it. */
async function assertDatasetPanel(v: VSCodeSession, step: string): Promise<void> {
  const title = await poll('an active editor tab titled "Lance: …"', async () => {
    const t = await activeTabTitle(v);
    return t.startsWith('Lance: ') ? t : undefined;
  });
  const frame = await v.webviewFrame('[data-testid=dataset-name]');
  // A tab's view is made when the tab is first shown: the schema's fields are on the Schema tab.
  await frame.click('[data-testid=tab-schema]');
  // The panel may render in stages (name first, schema and count once the dataset is read): wait for it
  // to be complete, then assert on that one state so failures say what was on screen.
  let state: PanelState | undefined;
  try {
    await poll('the panel to show name, row count and schema', async () => {
      state = await readPanel(frame);
      return state.name && firstNumber(state.rowCount) && state.fields.length >= truth.fields.length ? state : undefined;
    });
  } catch {
    /* assert below on the last state seen */
  }
  await v.screenshot(step);
  assert.ok(state, 'panel state never read');
  assert.equal(state.name, truth.name, `[data-testid=dataset-name] (tab "${title}")`);
  assert.equal(firstNumber(state.rowCount), String(truth.rows), `[data-testid=header-row-count] text "${state.rowCount}"`);
  assert.match(state.rowCount, /rows?/i, `[data-testid=header-row-count] text "${state.rowCount}"`);
  if (truth.rows >= 1000) {
    assert.ok(state.rowCount.includes(truth.rows.toLocaleString('en-US')), `thousands separators in "${state.rowCount}"`);
  }
  assert.deepEqual(
    state.fields.map((f) => f.name),
    truth.fields.map((f) => f.name),
    '[data-testid=schema-field] data-name attributes, in schema order',
  );
  for (const f of truth.fields) {
    const shown = state.fields.find((s) => s.name === f.name)!;
    assert.ok(shown.text.includes(f.type), `schema-field "${f.name}" should show type "${f.type}", shows "${shown.text}"`);
  }
  // Not part of the contract, but worth a look: the panel once its other sections stopped loading.
  const settled = await frame
    .waitForFunction(() => !document.body.innerText.includes('Loading…'), undefined, { timeout: 15_000 })
    .then(
      () => true,
      () => false,
    );
  await v.screenshot(settled ? `${step}-settled` : `${step}-still-loading`);
}

/** Opens the palette command and types `folder` into its quick input. */
async function openThroughPalette(v: VSCodeSession, folder: string): Promise<void> {
  await v.runCommand(OPEN_COMMAND);
  await v.page.locator('.quick-input-widget').waitFor({ state: 'visible' });
  await v.screenshot('quick-pick-open');
  await v.answerQuickInput(folder, () => v.screenshot('path-typed'));
}

// ---------------------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------------------

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-ws-'));
    removeOnExit(workspace); // also when the run is interrupted and after() never runs
    datasetPath = await generateImagenetLike({ dir: workspace, rows: ROWS });
    notADatasetPath = path.join(workspace, 'not_a_dataset');
    fs.mkdirSync(notADatasetPath);
    fs.writeFileSync(path.join(notADatasetPath, 'notes.txt'), 'just a folder with a text file\n');
    truth = await readTruth(datasetPath);
    hashesBefore = hashTree(datasetPath);
    const vsixPath = await buildVsix();
    vsc = await startVSCode({ workspaceFolder: workspace, vsixPath, name: 'open-dataset', waitForExplorerRow: path.basename(datasetPath) });
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  await vsc?.close(); // the workspace itself goes in removeOnExit's exit hook
});

// ---------------------------------------------------------------------------------------------------------
// Scenarios (in order: activation must be observed before any command could activate the extension)
// ---------------------------------------------------------------------------------------------------------

test('activation: a workspace holding a .lance dataset activates the extension', { timeout: 60_000 }, async () => {
  const v = session();
  await scenario(v, 'activation', async () => {
    const re = new RegExp(`_doActivateExtension ${EXTENSION_ID.replace(/\./g, '\\.')}, startup: \\w+, activationEvent: '([^']+)'`);
    const event = await poll('the extension host to log our activation', async () => v.exthostLog().match(re)?.[1], 30_000);
    await v.screenshot('workbench-after-activation');
    assert.match(event, /^workspaceContains:/, `activated by ${event}, expected the workspaceContains event`);
    // Before any dataset is opened: the engine is loaded ahead of the first open (extension.ts warmUp).
    const warmed = await poll('the engine to be loaded ahead', async () => /Lance engine loaded in \d+ ms/.exec(v.extensionLog())?.[0], 20_000);
    assert.doesNotMatch(v.extensionLog(), /Opened /, `${warmed}, with no dataset opened yet`);
    const ourErrors = v
      .exthostLog()
      .split('\n')
      .filter((l) => /\[error\]/.test(l) && l.includes(EXTENSION_ID));
    assert.deepEqual(ourErrors, [], 'extension host errors mentioning our extension');
  });
});

test(`explorer context menu "${MENU_ITEM}" opens the dataset panel`, { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'context-menu', async () => {
    await v.resetWorkbench();
    await v.screenshot('before');
    await v.explorerContextMenu(path.basename(datasetPath), MENU_ITEM, () => v.screenshot('context-menu'));
    await assertDatasetPanel(v, 'panel');
  });
});

test(`palette "${OPEN_COMMAND}" with a typed path opens the dataset panel`, { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'palette', async () => {
    await v.resetWorkbench();
    await openThroughPalette(v, datasetPath);
    await assertDatasetPanel(v, 'panel');
  });
});

test('a folder that is not a dataset gives an error, and the extension keeps working', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(
    v,
    'not-a-dataset',
    async () => {
      await v.resetWorkbench();
      await openThroughPalette(v, notADatasetPath);
      const message = await v.waitForNotification('not a Lance dataset');
      await v.screenshot('error-notification');
      assert.match(message, /not a Lance dataset/);
      assert.ok(!(await activeTabTitle(v)).startsWith('Lance: '), 'no dataset panel for a folder that is not a dataset');

      // Still alive: the real dataset opens after the failure.
      await v.resetWorkbench();
      await openThroughPalette(v, datasetPath);
      await assertDatasetPanel(v, 'panel-after-error');
    },
    { expectedConsoleErrors: [/not a Lance dataset/] },
  );
});

test('the dataset is byte-identical after all scenarios', async () => {
  const after = hashTree(datasetPath);
  const changed = [...new Set([...hashesBefore.keys(), ...after.keys()])].filter((k) => hashesBefore.get(k) !== after.get(k));
  assert.deepEqual(changed, [], `files written, created or deleted under ${datasetPath}`);
  assert.ok(after.size > 0, 'dataset has files');
});
