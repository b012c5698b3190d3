// A real VS Code for end-to-end tests, on machines without internet.
//
// code-server (VS Code 1.99 served to a browser, with a real Node extension host, installed by
// test/e2e/setup.sh from npm) is driven by playwright-core through Debian's Chromium. Neither
// @vscode/test-electron nor Playwright's own browsers can be downloaded here, which is why.
// Recipe and measurements: /work/shared/notes/vscode-e2e-offline.md.
//
// One `startVSCode()` = one code-server process group + one Chromium, each with fresh state
// (user-data-dir, extensions dir, browser profile), all removed again by `close()`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

// ---------------------------------------------------------------------------------------------------------
// Paths and constants
// ---------------------------------------------------------------------------------------------------------

/** Repo root: walk up from this file (bundled to out/test/e2e/*.js, or run from test/e2e/) to our package.json. */
export const repoRoot: string = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'lance-inspector') return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
})();

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
/** `publisher.name`, as VS Code logs it and puts into the webview iframe URL. */
export const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;

const CODE_SERVER_BIN = path.join(repoRoot, '.vscode-test/code-server/node_modules/.bin/code-server');
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots and copied logs land here (git-ignored). */
export const RESULTS_DIR = path.join(repoRoot, 'test-results/e2e');

/**
 * Chromium flags. No sandbox: CI runs as root in a container. The rest stop Chromium from reaching
 * the network on its own (updates, sync, QUIC probes) and from needing a GPU or a big /dev/shm.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Console errors that are NOT ours: the workbench is served offline, without Microsoft's proprietary bits.
 * Everything else logged at level "error" (page, workbench, any webview frame, uncaught exceptions)
 * fails the scenario. An entry matches when all its given parts match (message text, source URL).
 * Keep each entry explicit and say why it is harmless; close() prints how often each one matched.
 */
export const HARMLESS_CONSOLE_ERRORS: { text?: RegExp; url?: RegExp; why: string }[] = [
  { text: /vsda/i, why: 'vsda is a Microsoft-only signing module code-server does not ship; loading it fails' },
  { text: /Failed to load resource/, url: /vsda/i, why: "vsda.js / vsda_bg.wasm 404 (same module, reported with the resource's URL)" },
  { text: /open-vsx\.org|openvsx/i, why: 'extension gallery (Open VSX) lookups fail offline' },
  { text: /sandbox attribute can escape its sandboxing/i, why: "Chromium's warning about VS Code's own webview iframe sandbox flags" },
  {
    text: /^Failed to load resource: net::ERR_/,
    url: /^(?!https?:\/\/127\.0\.0\.1[:/])[a-z+-]+:\/\//i,
    why: 'the workbench fetching something from the internet (not from our 127.0.0.1 server) fails offline',
  },
];

function isHarmless(e: ConsoleEntry): (typeof HARMLESS_CONSOLE_ERRORS)[number] | undefined {
  return HARMLESS_CONSOLE_ERRORS.find((h) => (h.text || h.url) && (!h.text || h.text.test(e.text)) && (!h.url || h.url.test(e.url)));
}

// ---------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------

export interface StartOptions {
  /** Absolute folder to open as the workspace. */
  workspaceFolder: string;
  /** A .vsix to install into the fresh extensions dir before starting (`code-server --install-extension`). */
  vsixPath?: string;
  /** Load an unpacked extension folder in development mode instead (page-URL `payload`; code-server rejects the CLI flag). */
  extensionDevelopmentPath?: string;
  /** Name used for the results folder of this session (logs) and the first scenario's screenshots. */
  name?: string;
  /** Wait for this explorer row (exact label) before returning; default: any explorer row. */
  waitForExplorerRow?: string;
  /** Extra user settings merged over the defaults below. */
  settings?: Record<string, unknown>;
}

export interface ConsoleEntry {
  type: string;
  text: string;
  /** Script or resource URL the message came from, when Chromium tells. */
  url: string;
}

export interface VSCodeSession {
  page: Page;
  browser: Browser;
  port: number;
  userDataDir: string;
  /** Screenshots go to test-results/e2e/<scenario>/NN-step.png; this switches the folder and restarts NN at 01. */
  setScenario(name: string): void;
  screenshot(step: string): Promise<string>;
  /** Run a command through the F1 palette by its full title, e.g. "Lance: Open Dataset…". */
  runCommand(title: string): Promise<void>;
  /** Type into the quick input a command has just opened and press Enter; `beforeEnter` runs in between. */
  answerQuickInput(text: string, beforeEnter?: () => Promise<unknown>): Promise<void>;
  /**
   * Waits for the quick input (pick, input box, simple file dialog) whose title matches. A command that
   * opens several in a row reuses one widget: wait for the next one's title before answering it.
   */
  waitForQuickInput(title: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Clicks a button (exact label) of the modal dialog (showWarningMessage with modal: true); returns the dialog text. */
  clickDialogButton(label: string, onDialogOpen?: () => Promise<unknown>): Promise<string>;
  /**
   * Right-click an explorer row (exact label) and pick a context menu item (exact title).
   * `onMenuOpen` runs while the menu is shown (e.g. to screenshot it).
   */
  explorerContextMenu(rowName: string, itemTitle: string, onMenuOpen?: () => Promise<unknown>): Promise<void>;
  /** The webview frame of our extension that holds `selector` (newest first), waiting up to `timeoutMs`. */
  webviewFrame(selector: string, timeoutMs?: number): Promise<Frame>;
  /** Waits for a notification toast whose message contains `text`; returns its message. */
  waitForNotification(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Close editors and notifications so a scenario starts from an empty workbench. */
  resetWorkbench(): Promise<void>;
  /** Console errors (minus HARMLESS_CONSOLE_ERRORS) seen since the last call; clears the list. */
  takeConsoleErrors(): ConsoleEntry[];
  /** Text of the extension host log(s): activation, errors thrown by extensions. */
  exthostLog(): string;
  /** Text of our extension's own LogOutputChannel(s) (`exthost1/<extension id>/*.log`). */
  extensionLog(): string;
  /** Kill Chromium and the whole code-server process group; copy logs to the results folder. Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// Process hygiene: whatever happens (failed assertion, crash, Ctrl-C), no code-server is left behind.
// ---------------------------------------------------------------------------------------------------------

const liveGroups = new Set<number>();
/** Temporary folders to remove on the way out (close() removes its own; this is for interrupted runs). */
const liveTmpDirs = new Set<string>();

/** Remove `dir` when the process exits, even when interrupted (unless LANCE_E2E_KEEP is set). */
export function removeOnExit(dir: string): void {
  installExitHooks();
  liveTmpDirs.add(dir);
}

function killGroupSync(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal); // negative pid = the whole process group (code-server + extension host + …)
  } catch {
    /* already gone */
  }
}

let exitHooksInstalled = false;
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const g of liveGroups) killGroupSync(g, 'SIGKILL');
    if (!process.env.LANCE_E2E_KEEP) for (const d of liveTmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });
  // On a signal, 'exit' handlers only run if we exit ourselves. (Playwright kills its Chromium in its own hooks.)
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(sig, () => {
      for (const g of liveGroups) killGroupSync(g, 'SIGKILL');
      process.exit(code);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      if (err) reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed: ${err.message}\n${out}`));
      else resolve(out);
    });
  });
}

/**
 * Environment for code-server: ours minus anything that would make it talk to another VS Code
 * (VSCODE_IPC_HOOK_CLI from a VS Code terminal makes the CLI open files in *that* window) or pick up
 * someone's password/config.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|CODE_SERVER_|ELECTRON_)/.test(k) || k === 'PASSWORD' || k === 'HASHED_PASSWORD') continue;
    env[k] = v;
  }
  return env;
}

function slug(s: string): string {
  return (
    s
      .replace(/[^a-zA-Z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'step'
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const exact = (s: string) => new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`);

/** All files under `dir` whose name matches, recursively (no symlink following). */
function findFiles(dir: string, name: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return findFiles(p, name);
    return name.test(e.name) ? [p] : [];
  });
}

/** Our webview frames: the outer iframe's URL carries `extensionId=<ours>`; the inner active-frame is its child. */
function isOurWebviewFrame(frame: Frame): boolean {
  const marker = `extensionId=${encodeURIComponent(EXTENSION_ID)}`;
  for (let f: Frame | null = frame; f; f = f.parentFrame()) {
    if (f.url().includes(marker) || f.url().includes(`extensionId=${EXTENSION_ID}`)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// startVSCode
// ---------------------------------------------------------------------------------------------------------

export async function startVSCode(opts: StartOptions): Promise<VSCodeSession> {
  if (!fs.existsSync(CODE_SERVER_BIN)) throw new Error(`${CODE_SERVER_BIN} missing: run bash test/e2e/setup.sh`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run bash test/e2e/setup.sh`);
  installExitHooks();

  const name = slug(opts.name ?? 'session');
  const workspace = path.resolve(opts.workspaceFolder);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lance-e2e-'));
  removeOnExit(tmp);
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const configPath = path.join(tmp, 'config.yaml');
  const serverLog = path.join(tmp, 'code-server.log');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // Our own config, so code-server never reads ~/.config/code-server/config.yaml (password auth).
  fs.writeFileSync(configPath, 'auth: none\ncert: false\n');
  fs.writeFileSync(
    path.join(userDataDir, 'User/settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false, // no "Do you trust the authors" dialog; restricted mode would block activation
        'workbench.startupEditor': 'none', // no Welcome page stealing the editor area
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false, // no gallery traffic (offline) and no surprise versions
        'extensions.autoCheckUpdates': false,
        'update.mode': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'window.restoreWindows': 'none',
        ...opts.settings,
      },
      null,
      2,
    ),
  );

  const env = cleanEnv();
  const common = ['--config', configPath, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (opts.vsixPath) {
    const t0 = Date.now();
    const out = await run(CODE_SERVER_BIN, [...common, '--install-extension', path.resolve(opts.vsixPath)], env, 180_000);
    if (!/successfully installed/i.test(out)) throw new Error(`VSIX install did not confirm success:\n${out}`);
    console.log(`[e2e] installed ${path.basename(opts.vsixPath)} in ${Date.now() - t0} ms`);
  }

  const port = await freePort();
  const logFd = fs.openSync(serverLog, 'a');
  const child: ChildProcess = spawn(
    CODE_SERVER_BIN,
    [
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.settings?.['security.workspace.trust.enabled'] === true ? [] : ['--disable-workspace-trust']), // a test of Restricted Mode turns trust on
      workspace,
    ],
    // detached = own process group, so close() can kill code-server *and* its extension host / pty host.
    { env, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  fs.closeSync(logFd);
  const pgid = child.pid!;
  liveGroups.add(pgid);
  let exited: string | undefined;
  child.on('exit', (code, sig) => {
    exited = `code-server exited (code ${code}, signal ${sig})`;
  });

  let browser: Browser | undefined;
  let closed = false;
  let scenario = name;
  let shotNo = 0;
  const consoleErrors: ConsoleEntry[] = [];
  /** How often each harmless pattern matched, printed at close so the filter list stays honest. */
  const ignored = new Map<string, number>();

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const [why, n] of ignored) console.log(`[e2e] ignored ${n}× harmless console error: ${why}`);
    await browser?.close().catch(() => undefined);
    killGroupSync(pgid, 'SIGTERM');
    for (let i = 0; i < 30 && !exited; i++) await sleep(100);
    killGroupSync(pgid, 'SIGKILL'); // stragglers in the group (extension host, file watcher) even if the leader exited
    liveGroups.delete(pgid);
    // Keep the evidence: code-server's own log and the workbench/extension host logs.
    try {
      const dest = path.join(RESULTS_DIR, name, 'logs');
      fs.rmSync(dest, { recursive: true, force: true });
      fs.mkdirSync(dest, { recursive: true });
      fs.copyFileSync(serverLog, path.join(dest, 'code-server.log'));
      const logs = path.join(userDataDir, 'logs');
      if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dest, 'vscode'), { recursive: true });
    } catch (e) {
      console.log(`[e2e] could not copy logs: ${(e as Error).message}`);
    }
    if (!process.env.LANCE_E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  };

  try {
    // 1. code-server answers /healthz (~0.5 s).
    const t0 = Date.now();
    for (;;) {
      if (exited) throw new Error(`${exited} before it was ready:\n${fs.readFileSync(serverLog, 'utf8').slice(-3000)}`);
      if (Date.now() - t0 > 30_000) throw new Error(`code-server not healthy after 30 s:\n${fs.readFileSync(serverLog, 'utf8').slice(-3000)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) break;
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }

    // 2. Chromium. launch() gives every run a fresh temporary profile; it never downloads anything
    //    because we name the executable.
    const ownOrigin = process.env.LANCE_E2E_WEBVIEW_ORIGIN === 'own';
    // (A page fulfilled by the route below does not count as loaded from the loopback address, so
    // Chromium's Local Network Access checks would block its websocket to code-server.)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ownOrigin ? [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'] : CHROMIUM_ARGS,
      headless: true,
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);

    // Console messages of every frame (workbench + webview iframes) arrive on the page.
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const entry: ConsoleEntry = { type: 'console.error', text: msg.text(), url: msg.location().url ?? '' };
      const harmless = isHarmless(entry);
      if (harmless) {
        ignored.set(harmless.why, (ignored.get(harmless.why) ?? 0) + 1);
        return;
      }
      consoleErrors.push(entry);
    });
    page.on('pageerror', (err) => {
      consoleErrors.push({ type: 'uncaught', text: `${err.name}: ${err.message}\n${err.stack ?? ''}`, url: '' });
    });

    // 3. The workbench: localhost (a secure context) so webviews get their service worker.
    const url = new URL(`http://127.0.0.1:${port}/`);
    // LANCE_E2E_WEBVIEW_ORIGIN=own (a diagnostic): webviews from http://<id>.localhost:<port>, another site
    // than the workbench, so Chromium gives them their own renderer process, as desktop VS Code does
    // (code-server serves them from its own origin: one process and one JS heap with the workbench).
    // The workbench's HTML is rewritten on its way: its webview endpoint and its CSP's frame-src.
    if (ownOrigin) {
      await page.route(
        (u) => u.host === url.host && u.pathname === '/',
        async (route) => {
          const res = await route.fetch();
          const text = (await res.text()).replace(/(&quot;webviewEndpoint&quot;:&quot;)([^&]*)/, (_m, k: string, v: string) => {
            const abs = new URL(v, url).pathname;
            console.log(`[e2e] webview endpoint ${v} -> http://{{uuid}}.localhost:${port}${abs}`);
            return `${k}http://{{uuid}}.localhost:${port}${abs}`;
          });
          // The workbench's CSP allows frames from itself and *.vscode-cdn.net: and now from *.localhost.
          const csp = (v: string) => v.replace(/frame-src 'self'/g, `frame-src 'self' http://*.localhost:${port}`);
          const headers = Object.fromEntries(Object.entries(res.headers()).map(([k, v]) => [k, csp(v)]));
          await route.fulfill({ response: res, body: csp(text), headers });
        },
      );
    }
    url.searchParams.set('folder', workspace);
    if (opts.extensionDevelopmentPath) {
      const dev = `vscode-remote://127.0.0.1:${port}${path.resolve(opts.extensionDevelopmentPath)}`;
      url.searchParams.set('payload', JSON.stringify([['extensionDevelopmentPath', dev]]));
    }
    await page.goto(url.toString());
    const rows = page.locator('.explorer-folders-view .monaco-list-row');
    const ready = opts.waitForExplorerRow ? rows.filter({ has: page.locator('.label-name', { hasText: exact(opts.waitForExplorerRow) }) }) : rows;
    await ready.first().waitFor({ state: 'visible', timeout: 60_000 });
    // The explorer shows before the remote extension host has registered the extensions' contributions:
    // a right-click that early gets a menu without our items. "Eager extensions activated" is logged
    // once extensions are scanned and the startup/workspaceContains activations are done.
    const exthostReady = () => findFiles(path.join(userDataDir, 'logs'), /^(remote)?exthost\.log$/).some((f) => fs.readFileSync(f, 'utf8').includes('Eager extensions activated'));
    while (!exthostReady()) {
      if (Date.now() - t0 > 60_000) throw new Error('extension host did not log "Eager extensions activated" within 60 s');
      await sleep(100);
    }
    console.log(`[e2e] workbench ready on :${port} in ${Date.now() - t0} ms`);

    const quickInput = page.locator('.quick-input-widget');
    const quickInputBox = quickInput.locator('.quick-input-box input');

    const session: VSCodeSession = {
      page,
      browser,
      port,
      userDataDir,

      setScenario(n: string) {
        scenario = slug(n);
        shotNo = 0;
        fs.rmSync(path.join(RESULTS_DIR, scenario), { recursive: true, force: true });
      },

      async screenshot(step: string) {
        shotNo++;
        const file = path.join(RESULTS_DIR, scenario, `${String(shotNo).padStart(2, '0')}-${slug(step)}.png`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await page.screenshot({ path: file });
        return file;
      },

      async runCommand(title: string) {
        // Keyboard focus must be in the workbench, not inside a webview iframe or a menu: blur whatever
        // has it (clicking could hit the title-bar menu or the webview).
        await page.keyboard.press('Escape');
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
        // F1 can be swallowed while a webview still holds focus (seen after the 2,000-column table's
        // panel): then F1 again from an empty status-bar spot, then the title bar's command center.
        const attempts: (() => Promise<unknown>)[] = [
          () => page.keyboard.press('F1'),
          async () => {
            await page.locator('.part.statusbar').click({ position: { x: 600, y: 5 } }); // empty status-bar spot
            await page.keyboard.press('F1');
          },
          () => page.locator('.command-center .search-label, .command-center-center').first().click(),
        ];
        // The palette can also close again before it is typed into, when focus moves on (once in a
        // clean-clone run, right after the tree had opened a panel), or not open within any attempt's
        // wait (once, right after go to row in the 2,000-column panel, whose renderer the workbench
        // shares in code-server): then all attempts again, each waiting longer, three rounds at most.
        for (let round = 1; ; round++) {
          let shown = await quickInput.isVisible();
          for (const attempt of attempts) {
            if (shown) break;
            await attempt();
            shown = await quickInput.waitFor({ state: 'visible', timeout: 3_000 * round }).then(
              () => true,
              () => false,
            );
          }
          if (!shown) {
            if (round === 3) throw new Error(`the command palette did not open for "${title}" (F1, status bar then F1, command center; three rounds)`);
            console.log(`[e2e] the command palette did not open for "${title}" (round ${round}): trying again`);
            continue;
          }
          const typed = await quickInputBox.fill(`>${title}`, { timeout: 5_000 }).then(
            () => true,
            (err: Error) => {
              if (round === 3) throw err;
              console.log(`[e2e] the command palette closed before "${title}" was typed (round ${round}): opening it again`);
              return false;
            },
          );
          if (typed) break;
        }
        const row = quickInput
          .locator('.quick-input-list .monaco-list-row')
          .filter({ has: page.locator('.label-name', { hasText: exact(title) }) })
          .first();
        await row.waitFor({ state: 'visible', timeout: 10_000 });
        await row.click();
        // The palette is done when it hides or another quick input (the command's own) replaces it.
        await page.waitForFunction((typed) => {
          const w = document.querySelector<HTMLElement>('.quick-input-widget');
          const input = w?.querySelector<HTMLInputElement>('.quick-input-box input');
          return !w || w.style.display === 'none' || !input || input.value !== typed;
        }, `>${title}`);
      },

      async answerQuickInput(text: string, beforeEnter?: () => Promise<unknown>) {
        // Wait for the command's own quick input (not the palette, whose value starts with ">").
        await page.waitForFunction(() => {
          const w = document.querySelector<HTMLElement>('.quick-input-widget');
          const input = w?.querySelector<HTMLInputElement>('.quick-input-box input');
          return !!w && w.style.display !== 'none' && !!input && !input.value.startsWith('>');
        });
        await quickInputBox.fill(text);
        await sleep(200); // let onDidChangeValue reach the extension host before accepting
        await beforeEnter?.();
        await quickInputBox.press('Enter');
      },

      async waitForQuickInput(title: string | RegExp, timeoutMs = 20_000) {
        const t = typeof title === 'string' ? { source: escapeRegExp(title), flags: '' } : { source: title.source, flags: title.flags };
        await page.waitForFunction(
          ({ source, flags }) => {
            const w = document.querySelector<HTMLElement>('.quick-input-widget');
            const titleEl = w?.querySelector<HTMLElement>('.quick-input-title');
            return !!w && w.style.display !== 'none' && !!titleEl && new RegExp(source, flags).test(titleEl.textContent ?? '');
          },
          t,
          { timeout: timeoutMs },
        );
      },

      async clickDialogButton(label: string, onDialogOpen?: () => Promise<unknown>) {
        const dialog = page.locator('.monaco-dialog-box').first();
        await dialog.waitFor({ state: 'visible' });
        const button = dialog.locator('.dialog-buttons .monaco-button', { hasText: exact(label) }).first();
        await button.waitFor({ state: 'visible' });
        const text = (await dialog.innerText()).trim();
        await onDialogOpen?.();
        await button.click();
        await dialog.waitFor({ state: 'hidden' });
        return text;
      },

      async explorerContextMenu(rowName: string, itemTitle: string, onMenuOpen?: () => Promise<unknown>) {
        const row = page
          .locator('.explorer-folders-view .monaco-list-row')
          .filter({ has: page.locator('.label-name', { hasText: exact(rowName) }) })
          .first();
        const item = page
          .locator('.context-view .monaco-menu .action-item')
          .filter({ has: page.locator('.action-label', { hasText: exact(itemTitle) }) })
          .first();
        // A menu opened while contributions are still being registered lacks the item: close and retry.
        for (let attempt = 1; ; attempt++) {
          await row.click({ button: 'right' });
          try {
            await item.waitFor({ state: 'visible', timeout: 3_000 });
            break;
          } catch (e) {
            if (attempt === 3) throw e;
            await page.keyboard.press('Escape');
            await sleep(1_000);
          }
        }
        await sleep(400); // the menu fades in and ignores clicks until it has
        await item.hover();
        await onMenuOpen?.();
        await item.locator('a.action-menu-item').click();
      },

      async webviewFrame(selector: string, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          // Newest frames last in page.frames(); prefer them (an older panel may show the same selector).
          for (const f of [...page.frames()].reverse()) {
            if (f.isDetached() || !isOurWebviewFrame(f)) continue;
            try {
              if ((await f.locator(selector).count()) > 0) return f;
            } catch {
              /* frame navigated or detached while we looked */
            }
          }
          if (Date.now() > deadline) {
            const ours = page
              .frames()
              .filter(isOurWebviewFrame)
              .map((f) => f.url());
            throw new Error(`no webview frame of ${EXTENSION_ID} holds ${selector} after ${timeoutMs} ms; our frames: ${JSON.stringify(ours)}`);
          }
          await sleep(150);
        }
      },

      async waitForNotification(text: string | RegExp, timeoutMs = 15_000) {
        // Toasts fade in; wait for the end of it so screenshots show the message, not a ghost.
        const toast = page
          .locator('.notifications-toasts .notification-toast.notification-fade-in-done')
          .filter({ has: page.locator('.notification-list-item-message', { hasText: text }) })
          .first();
        await toast.waitFor({ state: 'visible', timeout: timeoutMs });
        return (await toast.locator('.notification-list-item-message').innerText()).trim();
      },

      async resetWorkbench() {
        await session.runCommand('View: Close All Editors');
        await session.runCommand('Notifications: Clear All Notifications');
      },

      takeConsoleErrors() {
        return consoleErrors.splice(0, consoleErrors.length);
      },

      exthostLog() {
        return findFiles(path.join(userDataDir, 'logs'), /^(remote)?exthost\.log$/)
          .sort()
          .map((f) => fs.readFileSync(f, 'utf8'))
          .join('\n');
      },

      extensionLog() {
        return findFiles(path.join(userDataDir, 'logs'), /\.log$/)
          .filter((f) => path.basename(path.dirname(f)) === EXTENSION_ID)
          .sort()
          .map((f) => fs.readFileSync(f, 'utf8'))
          .join('\n');
      },

      close,
    };
    return session;
  } catch (e) {
    await close();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Scenario wrapper
// ---------------------------------------------------------------------------------------------------------

/**
 * Runs one scenario: screenshots into its own folder, a FAILED screenshot (and the log tails) when it throws,
 * and no unexplained console errors when it passes.
 */
export async function scenario(
  vsc: VSCodeSession,
  name: string,
  fn: () => Promise<void>,
  opts: {
    /**
     * Console errors this scenario provokes on purpose. The workbench logs every error notification
     * (`showErrorMessage`) with console.error, so a scenario that expects one must say so here.
     */
    expectedConsoleErrors?: RegExp[];
  } = {},
): Promise<void> {
  vsc.setScenario(name);
  vsc.takeConsoleErrors(); // errors from before this scenario belong to someone else
  try {
    await fn();
  } catch (e) {
    const shot = await vsc.screenshot('FAILED').catch(() => '(screenshot failed)');
    const errors = vsc.takeConsoleErrors();
    console.log(`[e2e] ${name} FAILED, screenshot: ${shot}`);
    if (errors.length) console.log(`[e2e] console errors:\n${errors.map((c) => `  ${c.type}: ${c.text} @ ${c.url}`).join('\n')}`);
    console.log(
      `[e2e] exthost log tail:\n${vsc
        .exthostLog()
        .split('\n')
        .slice(-30)
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
    throw e;
  }
  const errors = vsc.takeConsoleErrors().filter((c) => !opts.expectedConsoleErrors?.some((re) => re.test(c.text)));
  if (errors.length) {
    await vsc.screenshot('console-errors').catch(() => undefined);
    throw new Error(`console errors during "${name}":\n${errors.map((c) => `  ${c.type}: ${c.text} @ ${c.url}`).join('\n')}`);
  }
}
