// The real data layer as the webview tests' fake host: a DatasetSession's handlers (the ones a panel
// serves), errors turned into the ErrorInfo the protocol carries. `json`: every answer goes through
// JSON first, as VS Code's webview messages do for numbers (NaN and ±Infinity become null, -0 becomes
// 0), so renderers are tested on what really arrives; without it answers are structured-cloned, which
// keeps image bytes as Uint8Array (as VS Code transfers typed arrays).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DatasetSession } from '../../src/extension/host/session';
import { toErrorInfo } from '../../src/extension/lance/errors';
import type { RequestMethod } from '../../src/shared/protocol';
import { generateImagenetLike, type ImagenetLikeOptions } from '../fixtures/imagenetLike';
import { launchBrowser, openWebview, type Handler, type Webview } from './harness';

export function sessionHandlers(session: DatasetSession, opts: { json?: boolean } = {}): Partial<Record<RequestMethod, Handler>> {
  const out: Partial<Record<RequestMethod, Handler>> = {};
  for (const [m, h] of Object.entries(session.handlers)) {
    out[m as RequestMethod] = async (params) => {
      try {
        const result = await (h as (p: unknown, s: AbortSignal, progress: () => void) => Promise<unknown>)(params, new AbortController().signal, () => undefined);
        return opts.json ? JSON.parse(JSON.stringify(result)) : result;
      } catch (err) {
        throw toErrorInfo(err);
      }
    };
  }
  return out;
}

/** The Rows view (test/webview/rowsEntry.ts) over a generated ImageNet-like dataset and the real data layer. */
export interface RealRows {
  dir: string;
  session: DatasetSession;
  browser: Browser;
  wv: Webview;
  page: Page;
  close(): Promise<void>;
}

/** Generates the dataset, opens its session, mounts the Rows view and waits for its first row. */
export async function openRealRows(name: string, gen: Omit<ImagenetLikeOptions, 'dir'>, viewport = { width: 1200, height: 900 }): Promise<RealRows> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `li-${name}-`));
  const uri = await generateImagenetLike({ dir, ...gen });
  const session = await DatasetSession.open({ uri, name: 'imagenet_val' }, {}, { maxImageBytes: 4 * 1024 * 1024 });
  const browser = await launchBrowser();
  const wv = await openWebview({ entry: { path: 'test/webview/rowsEntry.ts' }, css: ['panel.css', 'grid.css'], name, viewport, browser, handlers: sessionHandlers(session) });
  const page = wv.page;
  await page.waitForFunction(() => (window as unknown as { __mounted?: boolean }).__mounted === true);
  await page.waitForSelector('[data-testid=grid-row][data-index="0"][data-rowid]');
  return {
    dir,
    session,
    browser,
    wv,
    page,
    async close() {
      await wv.close();
      await browser.close();
      session.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
