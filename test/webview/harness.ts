// Webview code in headless Chromium against a FAKE host, without VS Code.
//
//   openWebview({ entry, css, ... })
//     - bundles a test entry (a file, or source text) with esbuild's in-process API, browser/esm, the
//       same way esbuild.js bundles the real webviews;
//     - serves it to a fresh Chromium page at http://webview.test/ (page.route; nothing listens on a
//       port) with media/*.css, a dark theme's --vscode-* variables and the production CSP's image and
//       script rules (blob: images, no inline scripts);
//     - injects a fake acquireVsCodeApi(): postMessage goes to Node through page.exposeBinding, the
//       fake host answers with the test's handlers (async: they may wait, sleep, or answer late and out
//       of order — a reply is sent even after the webview cancelled, which is what a slow host does),
//       and answers reach the page as 'message' events with Uint8Arrays intact;
//     - logs every request, cancel and response so tests can assert on them.
//
// Chromium is Debian's (/usr/bin/chromium, installed by test/e2e/setup.sh), driven by playwright-core,
// which never downloads a browser of its own.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { EventName, RequestMethod, WebviewEvents } from '../../src/shared/protocol';

/** Repo root: walk up from this file (bundled to out/test/webview/*.js, or run from test/webview/) to our package.json. */
export const repoRoot: string = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'lance-inspector') return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
})();
export const RESULTS_DIR = path.join(repoRoot, 'test-results/webview');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'];
const ORIGIN = 'http://webview.localhost';

export interface RequestEnvelope {
  type: 'request';
  id: number;
  method: RequestMethod;
  params: unknown;
  channel?: string;
  /** Date.now() when it reached the fake host. */
  at?: number;
}

/** Answers one request. Throw an ErrorInfo-shaped object ({kind, message, detail?}) to answer with an error. */
export type Handler = (params: unknown, req: RequestEnvelope) => Promise<unknown>;

export interface FakeHost {
  /** Answers by method. */
  handlers: Partial<Record<RequestMethod, Handler>>;
  requests(method?: RequestMethod): RequestEnvelope[];
  /** The request of `method` number `index` (0-based, in arrival order), waiting for it. */
  waitForRequest(method: RequestMethod, index?: number): Promise<RequestEnvelope>;
  /** Ids the webview cancelled. */
  cancelled(): number[];
  waitForCancel(id: number): Promise<void>;
  /** Ids answered so far (including answers sent after a cancel). */
  answered(): number[];
  waitForResponseSent(id: number): Promise<void>;
  readonly ready: boolean;
  /** Sends a host → webview event. */
  event<E extends EventName>(name: E, payload: WebviewEvents[E]): Promise<void>;
}

export interface Webview {
  page: Page;
  host: FakeHost;
  /** Saves test-results/webview/<name>/<file>.png (full page) and returns its path. */
  screenshot(file: string): Promise<string>;
  /** console.error output and uncaught exceptions of the page. */
  consoleErrors(): string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A file to bundle, or source text (resolved from resolveDir). */
  entry: { path: string } | { contents: string; resolveDir: string };
  /** Stylesheets from media/. */
  css: string[];
  /** Set on window before any script runs (JSON values). */
  globals?: Record<string, unknown>;
  /** More script to run before the page's own (e.g. wrappers that count calls). */
  initScript?: string;
  viewport?: { width: number; height: number };
  /** Device pixel ratio of the page (default 1). */
  deviceScaleFactor?: number;
  /** Screenshots go to test-results/webview/<name>/. */
  name: string;
  /** Handlers to install before the page loads (requests sent on load need them). */
  handlers?: Partial<Record<RequestMethod, Handler>>;
  /** Use this browser instead of launching one (close() then closes only the page). */
  browser?: Browser;
}

/** A dark theme's worth of VS Code variables, so screenshots look like the editor (names as VS Code sets them). */
export const THEME_CSS = `
:root {
  --vscode-font-family: system-ui, "Segoe UI", Ubuntu, sans-serif; --vscode-font-size: 13px; --vscode-font-weight: normal;
  --vscode-editor-font-family: "DejaVu Sans Mono", monospace; --vscode-editor-font-size: 13px;
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-errorForeground: #f85149;
  --vscode-editor-background: #1f1f1f; --vscode-sideBar-background: #181818; --vscode-editorWidget-background: #202020;
  --vscode-editorWidget-border: #313131; --vscode-widget-shadow: #0000005c; --vscode-contrastBorder: transparent;
  --vscode-focusBorder: #0078d4; --vscode-panel-border: #2b2b2b; --vscode-widget-border: #313131; --vscode-editorGroup-border: #ffffff17;
  --vscode-list-hoverBackground: #2a2d2e; --vscode-list-inactiveSelectionBackground: #37373d;
  --vscode-list-activeSelectionBackground: #04395e; --vscode-list-activeSelectionForeground: #ffffff; --vscode-list-focusOutline: #0078d4;
  --vscode-menu-background: #1f1f1f; --vscode-menu-foreground: #cccccc; --vscode-menu-border: #454545;
  --vscode-menu-selectionBackground: #0078d4; --vscode-menu-selectionForeground: #ffffff;
  --vscode-editorSuggestWidget-background: #202020; --vscode-editorSuggestWidget-border: #454545;
  --vscode-editorSuggestWidget-foreground: #cccccc; --vscode-editorSuggestWidget-selectedBackground: #04395e;
  --vscode-toolbar-hoverBackground: #5a5d5e50;
  --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8;
  --vscode-inputValidation-errorBorder: #be1100; --vscode-inputValidation-errorBackground: #5a1d1d; --vscode-editorWarning-foreground: #cca700;
  --vscode-input-background: #313131; --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c; --vscode-input-placeholderForeground: #989898;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #026ec1; --vscode-button-border: #ffffff12;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc; --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-checkbox-background: #313131; --vscode-checkbox-border: #3c3c3c; --vscode-checkbox-foreground: #cccccc;
  --vscode-dropdown-background: #313131; --vscode-dropdown-border: #3c3c3c; --vscode-dropdown-foreground: #cccccc;
  --vscode-textLink-foreground: #4daafc; --vscode-textLink-activeForeground: #4daafc; --vscode-charts-blue: #3794ff; --vscode-textCodeBlock-background: #2b2b2b;
  --vscode-editor-selectionHighlightBackground: #add6ff26; --vscode-sideBarSectionHeader-border: #2b2b2b;
  --vscode-progressBar-background: #0078d4; --vscode-debugTokenExpression-string: #ce9178;
}
body { background: var(--vscode-editor-background); margin: 0; }
`;

const bundles = new Map<string, Promise<string>>();

/** Bundles the entry with esbuild's in-process API (required at run time: esbuild's API cannot itself be bundled). */
export function bundle(entry: OpenOptions['entry']): Promise<string> {
  const key = JSON.stringify(entry);
  let p = bundles.get(key);
  if (!p) {
    const esbuild = createRequire(path.join(repoRoot, 'package.json'))('esbuild') as typeof import('esbuild');
    p = esbuild
      .build({
        ...('path' in entry
          ? { entryPoints: [path.resolve(repoRoot, entry.path)] }
          : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' as const, sourcefile: 'entry.ts' } }),
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        sourcemap: 'inline',
        absWorkingDir: repoRoot,
        logLevel: 'silent',
      })
      .then((res) => res.outputFiles[0].text);
    bundles.set(key, p);
  }
  return p;
}

/** Uint8Arrays survive the trip into the page as base64 (page.evaluate arguments are JSON-like). */
export function encodeBytes(x: unknown): unknown {
  if (x instanceof Uint8Array) return { __u8: Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64') };
  if (Array.isArray(x)) return x.map(encodeBytes);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, encodeBytes(v)]));
  return x;
}

export async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A promise opened from outside: `await gate.wait` inside a handler holds its reply until `gate.open()`. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function openWebview(opts: OpenOptions): Promise<Webview> {
  const script = await bundle(opts.entry);
  const css = opts.css.map((f) => fs.readFileSync(path.join(repoRoot, 'media', f), 'utf8')).join('\n');
  const ownBrowser = !opts.browser;
  const browser: Browser = opts.browser ?? (await launchBrowser());
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1000, height: 800 }, deviceScaleFactor: opts.deviceScaleFactor ?? 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));

  const log: RequestEnvelope[] = [];
  const cancels: number[] = [];
  const answered: number[] = [];
  let ready = false;
  let closed = false;
  const post = async (msg: unknown) => {
    if (closed) return;
    // One JSON string is far cheaper for Playwright to carry than a deep object.
    await page.evaluate((json) => (window as unknown as { __fromHost(m: unknown): void }).__fromHost(JSON.parse(json)), JSON.stringify(encodeBytes(msg)));
  };
  const host: FakeHost = {
    handlers: { ...opts.handlers },
    requests: (method) => log.filter((r) => !method || r.method === method),
    async waitForRequest(method, index = 0) {
      await until(`request "${method}" #${index}`, () => host.requests(method).length > index);
      return host.requests(method)[index];
    },
    cancelled: () => [...cancels],
    waitForCancel: (id) => until(`cancel of request ${id}`, () => cancels.includes(id)),
    answered: () => [...answered],
    waitForResponseSent: (id) => until(`response to request ${id}`, () => answered.includes(id)),
    get ready() {
      return ready;
    },
    event: (name, payload) => post({ type: 'event', name, payload }),
  };
  await page.exposeBinding('__toHost', async (_src, msg: { type: string; id?: number }) => {
    if (msg.type === 'ready') ready = true;
    else if (msg.type === 'cancel') cancels.push(msg.id!);
    else if (msg.type === 'request') {
      const req = { ...(msg as RequestEnvelope), at: Date.now() };
      log.push(req);
      // Answer asynchronously: a slow handler must not hold up the next request.
      void (async () => {
        const handler = host.handlers[req.method];
        let reply: unknown;
        try {
          if (!handler) throw { kind: 'internal', message: `The fake host has no handler for "${req.method}".` };
          reply = { type: 'response', id: req.id, result: await handler(req.params, req) };
        } catch (err) {
          const info = err && typeof err === 'object' && 'kind' in err ? err : { kind: 'internal', message: String(err) };
          reply = { type: 'response', id: req.id, error: info };
        }
        await post(reply).catch(() => undefined); // the page may be closed by now
        answered.push(req.id);
      })();
    }
  });
  await page.addInitScript({
    content: `
      window.__vscodeState = undefined;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__toHost(JSON.parse(JSON.stringify(m, (k, v) => (v instanceof Uint8Array ? Array.from(v) : v)))),
        getState: () => window.__vscodeState,
        setState: (s) => { window.__vscodeState = s; },
      });
      window.__fromHost = (m) => {
        const revive = (x) => {
          if (Array.isArray(x)) return x.map(revive);
          if (x && typeof x === 'object') {
            if (typeof x.__u8 === 'string') {
              const s = atob(x.__u8);
              const b = new Uint8Array(s.length);
              for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
              return b;
            }
            return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, revive(v)]));
          }
          return x;
        };
        window.postMessage(revive(m), '*');
      };
      ${Object.entries(opts.globals ?? {})
        .map(([k, v]) => `window[${JSON.stringify(k)}] = ${JSON.stringify(v)};`)
        .join('\n')}
      ${opts.initScript ?? ''}
    `,
  });
  // The production CSP's rules for images (blob: only) and scripts (no inline); styles as in production.
  const csp = `default-src 'none'; img-src ${ORIGIN} blob: data:; style-src ${ORIGIN} 'unsafe-inline'; font-src ${ORIGIN}; script-src ${ORIGIN}`;
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style>${THEME_CSS}</style><style>${css}</style></head>
<body><div id="app" aria-busy="true"></div><script type="module" src="/bundle.js"></script></body></html>`;
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/bundle.js') return route.fulfill({ contentType: 'text/javascript', body: script });
    return route.fulfill({ contentType: 'text/html', body: html });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForLoadState('load');

  const dir = path.join(RESULTS_DIR, opts.name);
  fs.mkdirSync(dir, { recursive: true });
  return {
    page,
    host,
    async screenshot(file) {
      const p = path.join(dir, `${file}.png`);
      await page.screenshot({ path: p, fullPage: true });
      return p;
    },
    consoleErrors: () => [...errors],
    async close() {
      closed = true;
      await context.close().catch(() => undefined);
      if (ownBrowser) await browser.close().catch(() => undefined);
    },
  };
}
