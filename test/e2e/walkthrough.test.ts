// End to end, in a real VS Code (code-server + Chromium, see harness.ts): the "Get Started with Lance
// Inspector" walkthrough and the manifest's workspace conventions, as the installed VSIX carries them.
//
// Contract under test:
//   - the installed extension's package.json declares extensionKind ["workspace"], limited support of
//     untrusted workspaces (with the writing commands gated by isWorkspaceTrusted in the palette), no
//     virtual workspaces, and one walkthrough whose steps each have a markdown file (shipped in the VSIX),
//     a button running one of our commands and completion events;
//   - F1 → "Welcome: Open Walkthrough..." lists it, and it opens with every step and the step's markdown;
//   - a step's button runs its command, and the step is then checked (its onCommand completion event).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { EXTENSION_ID, removeOnExit, scenario, startVSCode, type VSCodeSession } from './harness';
import { buildVsix } from './vsix';
import { activeTabTitle, panelFrame, poll } from './util';

const WALKTHROUGH_TITLE = 'Get Started with Lance Inspector';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}
interface Manifest {
  extensionKind?: string[];
  capabilities?: {
    untrustedWorkspaces?: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces?: boolean | { supported: boolean; description?: string };
  };
  contributes: {
    commands: { command: string; title: string }[];
    menus: { commandPalette: { command: string; when?: string }[] };
    walkthroughs?: { id: string; title: string; steps: Step[] }[];
  };
}

let workspace = '';
let datasetPath = '';
let vsc: VSCodeSession | undefined;
let installedDir = '';
let manifest: Manifest;

function session(): VSCodeSession {
  if (!vsc) throw new Error('VS Code did not start (see the before() hook)');
  return vsc;
}

/** Our walkthrough's step buttons (the getting-started editor renders one `button.getting-started-step` per step). */
const stepButton = (v: VSCodeSession, title: string) =>
  v.page
    .locator('button.getting-started-step')
    .filter({ has: v.page.locator('.step-title', { hasText: title }) })
    .first();

async function openWalkthrough(v: VSCodeSession): Promise<void> {
  await v.runCommand('Welcome: Open Walkthrough...');
  await v.answerQuickInput(WALKTHROUGH_TITLE, () => v.screenshot('walkthrough-picker'));
  await poll('the walkthrough editor with our steps', async () => ((await stepButton(v, 'Open a dataset').count()) ? true : undefined));
}

/** The frame (the walkthrough's markdown is rendered in a webview) whose body contains `text`. */
async function frameWithText(v: VSCodeSession, text: string): Promise<Frame> {
  return poll(`a frame showing "${text}"`, async () => {
    for (const f of v.page.frames()) {
      if (f.isDetached()) continue;
      try {
        if (!(await f.evaluate(() => document.body?.innerText ?? '')).includes(text)) continue;
        // In the DOM is not on screen: wait for the webview's outer iframe in the workbench to show, and
        // give it a moment to paint, so the screenshot shows the text the test found.
        let top = f;
        while (top.parentFrame() && top.parentFrame() !== v.page.mainFrame()) top = top.parentFrame()!;
        await (await top.frameElement()).waitForElementState('visible', { timeout: 5_000 });
        await new Promise((r) => setTimeout(r, 500));
        return f;
      } catch {
        /* navigated or detached meanwhile */
      }
    }
    return undefined;
  });
}

before(
  async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-ws-'));
    removeOnExit(workspace);
    datasetPath = await generateImagenetLike({ dir: workspace, rows: 60 });
    const vsixPath = await buildVsix();
    vsc = await startVSCode({ workspaceFolder: workspace, vsixPath, name: 'walkthrough', waitForExplorerRow: path.basename(datasetPath) });
    const extensionsDir = path.join(path.dirname(vsc.userDataDir), 'extensions');
    const dir = fs.readdirSync(extensionsDir).find((d) => d.toLowerCase().startsWith(`${EXTENSION_ID.toLowerCase()}-`));
    assert.ok(dir, `no ${EXTENSION_ID}-* folder in ${extensionsDir}: ${fs.readdirSync(extensionsDir).join(', ')}`);
    installedDir = path.join(extensionsDir, dir);
    manifest = JSON.parse(fs.readFileSync(path.join(installedDir, 'package.json'), 'utf8')) as Manifest;
  },
  { timeout: 10 * 60_000 },
);

after(async () => {
  await vsc?.close();
});

test('the installed manifest: extensionKind, workspace trust, virtual workspaces, the walkthrough and its files', () => {
  assert.deepEqual(manifest.extensionKind, ['workspace']);
  const untrusted = manifest.capabilities?.untrustedWorkspaces;
  assert.equal(untrusted?.supported, 'limited');
  assert.match(untrusted?.description ?? '', /Restricted Mode/);
  assert.deepEqual(untrusted?.restrictedConfigurations, ['lanceInspector.storageOptions']);
  const virtual = manifest.capabilities?.virtualWorkspaces;
  assert.ok(typeof virtual === 'object' && virtual.supported === false && /real files/.test(virtual.description ?? ''), JSON.stringify(virtual));

  // The writing commands are hidden from the palette in Restricted Mode.
  for (const cmd of ['lanceInspector.createTag', 'lanceInspector.exportRows', 'lanceInspector.materializeSubset']) {
    const entry = manifest.contributes.menus.commandPalette.find((m) => m.command === cmd);
    assert.match(entry?.when ?? '', /\bisWorkspaceTrusted\b/, `commandPalette when clause of ${cmd}`);
  }

  const walkthroughs = manifest.contributes.walkthroughs ?? [];
  assert.equal(walkthroughs.length, 1);
  const w = walkthroughs[0];
  assert.equal(w.title, WALKTHROUGH_TITLE);
  assert.deepEqual(
    w.steps.map((s) => s.id),
    ['open', 'schema', 'preview', 'similar', 'versions'],
  );
  const ours = new Set(manifest.contributes.commands.map((c) => c.command));
  for (const s of w.steps) {
    assert.ok(s.media.markdown, `step ${s.id} has markdown media`);
    const md = path.join(installedDir, s.media.markdown);
    assert.ok(fs.existsSync(md), `step ${s.id}: ${s.media.markdown} is in the installed extension`);
    assert.match(fs.readFileSync(md, 'utf8'), /^# /, `${s.media.markdown} starts with a heading`);
    const button = s.description.match(/\]\(command:([\w.]+)\)/)?.[1];
    assert.ok(button && ours.has(button), `step ${s.id}'s button runs one of our commands (${button})`);
    assert.ok(s.completionEvents?.length, `step ${s.id} has completion events`);
    for (const e of s.completionEvents) {
      const m = e.match(/^(onCommand|onView):(.+)$/);
      assert.ok(m, `step ${s.id}: completion event ${e}`);
      if (m[1] === 'onCommand') assert.ok(ours.has(m[2]), `step ${s.id}: ${e} names one of our commands`);
      else assert.equal(m[2], 'lanceInspector.preview');
    }
  }
});

test('the walkthrough opens from "Welcome: Open Walkthrough..." with its steps and markdown', { timeout: 120_000 }, async () => {
  const v = session();
  await scenario(v, 'walkthrough-open', async () => {
    await v.resetWorkbench();
    await openWalkthrough(v);
    for (const title of ['Open a dataset', 'See the schema', 'Browse rows with the preview', 'Find similar rows', 'Version history']) {
      assert.equal(await stepButton(v, title).count(), 1, `step "${title}" shown`);
    }
    await stepButton(v, 'Open a dataset').click();
    await frameWithText(v, 'A Lance dataset is a folder holding');
    await v.screenshot('step-open');
    await stepButton(v, 'Browse rows with the preview').click();
    await frameWithText(v, 'Double-click a row');
    await v.screenshot('step-preview');
  });
});

test("a step's button runs its command and checks the step", { timeout: 180_000 }, async () => {
  const v = session();
  await scenario(v, 'walkthrough-complete', async () => {
    await v.resetWorkbench();
    await openWalkthrough(v);
    const step = stepButton(v, 'Open a dataset');
    assert.equal(await step.getAttribute('aria-checked'), 'false', 'not done before its command ran');
    await step.click();
    await v.page.locator('.getting-started-step.expanded a:has-text("Open Dataset…"), .getting-started-step.expanded .monaco-button:has-text("Open Dataset…")').first().click();
    await v.waitForQuickInput('Open Lance Dataset');
    await v.screenshot('button-ran-open-dataset');
    await v.answerQuickInput(datasetPath);
    const name = path.basename(datasetPath).replace(/\.lance$/, '');
    await poll(`an editor tab "Lance: ${name}"`, async () => ((await activeTabTitle(v)) === `Lance: ${name}` ? true : undefined));
    const frame = await panelFrame(v, name);
    await v.screenshot('dataset-opened');

    // "Lance: Show Schema" from the palette completes the schema step (and shows the Schema tab: wait for
    // it, so the panel taking focus cannot close the walkthrough picker opened next).
    await v.runCommand('Lance: Show Schema');
    await frame.waitForFunction(() => document.querySelector('[data-testid=tab-schema]')?.getAttribute('aria-selected') === 'true', undefined, { timeout: 10_000 });
    await v.screenshot('schema-shown');
    await openWalkthrough(v);
    await poll('the open step checked', async () => ((await stepButton(v, 'Open a dataset').getAttribute('aria-checked')) === 'true' ? true : undefined), 10_000);
    await poll('the schema step checked', async () => ((await stepButton(v, 'See the schema').getAttribute('aria-checked')) === 'true' ? true : undefined), 10_000);
    assert.equal(await stepButton(v, 'Find similar rows').getAttribute('aria-checked'), 'false', 'a step whose command never ran stays unchecked');
    await frameWithText(v, 'Double-click a row'); // the next step, expanded, with its markdown
    await v.screenshot('steps-checked');
  });
});
