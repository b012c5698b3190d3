// The whole dataset panel (src/webview/panel/main.ts) on an s3:// dataset served by s3rver through the
// fault-injecting proxy, answered by the real data layer: the busy line says where it reads while pages
// and thumbnails arrive and cancels what waits; a wrong key gives one clear message naming what was
// tried (and where the key came from), and another dataset still opens; a store that drops every
// connection ends in a clear message within the time limit. Skips with its reason when s3rver cannot start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { DATA_METHODS, DatasetSession } from '../../src/extension/host/session';
import { toErrorInfo } from '../../src/extension/lance/errors';
import { resolveStorageOptions } from '../../src/extension/lance/storageOptions';
import type { RequestMethod } from '../../src/shared/protocol';
import { generateImagenetLike } from '../fixtures/imagenetLike';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy';
import { s3StorageOptions, startS3, uploadDir, type S3Server } from '../helpers/s3';
import { launchBrowser, openWebview, type Handler, type Webview } from './harness';

const URI_PATH = 'db/imagenet_val.lance';
let s3: S3Server | undefined;
let proxy: FaultProxy | undefined;
let browser: Browser | undefined;
let dir = '';
let uri = '';
let skip: string | false = false;
const sessions: Promise<DatasetSession>[] = [];

before(async () => {
  const started = await startS3();
  if (typeof started === 'string') {
    skip = started;
    console.log(`# SKIP remote panel tests: ${started}`);
    return;
  }
  s3 = started;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-remote-panel-'));
  await uploadDir(s3, await generateImagenetLike({ dir, rows: 300, seed: 11 }), URI_PATH);
  proxy = await startFaultProxy(s3.endpoint);
  uri = `s3://${s3.bucket}/${URI_PATH}`;
  browser = await launchBrowser();
});

after(async () => {
  for (const s of sessions) await s.then((x) => x.close()).catch(() => undefined);
  await browser?.close();
  await proxy?.close();
  await s3?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The panel's data requests answered by a session that may still be opening (or fail to), as a DatasetPanel does. */
function panelHandlers(session: Promise<DatasetSession>): Partial<Record<RequestMethod, Handler>> {
  sessions.push(session);
  session.catch(() => undefined);
  const out: Partial<Record<RequestMethod, Handler>> = { viewState: async () => null, reload: async () => null };
  for (const m of DATA_METHODS) {
    out[m] = async (params) => {
      try {
        const h = (await session).handlers[m] as unknown as (p: unknown, s: AbortSignal, pr: () => void) => Promise<unknown>;
        return await h(params, new AbortController().signal, () => undefined);
      } catch (err) {
        throw toErrorInfo(err);
      }
    };
  }
  return out;
}

function openSession(storageOptions: Record<string, string>, timeoutMs = 20_000): Promise<DatasetSession> {
  return DatasetSession.open({ uri, name: 'imagenet_val' }, { storageOptions, timeoutMs }, { maxImageBytes: 4 << 20 });
}

/** The panel page, its body marked with the dataset's URI as panelHtml() marks an object-store dataset's. */
async function panel(name: string, handlers: Partial<Record<RequestMethod, Handler>>): Promise<Webview> {
  const initScript = `new MutationObserver((_, o) => { if (document.body) { document.body.dataset.remoteUri = ${JSON.stringify(uri)}; o.disconnect(); } }).observe(document, { childList: true, subtree: true });`;
  return openWebview({
    entry: { path: 'src/webview/panel/main.ts' },
    css: ['panel.css', 'grid.css', 'tabs.css', 'similar.css'],
    name,
    browser,
    handlers,
    initScript,
    viewport: { width: 1200, height: 800 },
  });
}

describe('the dataset panel on s3:// (s3rver behind the fault proxy)', () => {
  test('slow store: the busy line names the URI while pages and thumbnails arrive, then goes', { skip }, async () => {
    proxy!.set({ latencyMs: 150 });
    const wv = await panel('remote-slow', panelHandlers(openSession(s3StorageOptions(proxy!.endpoint))));
    try {
      const line = wv.page.locator('[data-testid=remote-activity]');
      await line.waitFor({ state: 'visible', timeout: 30_000 });
      const said = await line.innerText();
      assert.match(said, new RegExp(`Reading from ${uri.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} · \\d+ requests? waiting`));
      await wv.screenshot('busy');
      await wv.page.waitForSelector('[data-testid=grid-row][data-index="0"][data-rowid]', { timeout: 60_000 });
      await wv.page.waitForSelector('[data-testid=thumb]', { timeout: 60_000 });
      await line.waitFor({ state: 'hidden', timeout: 60_000 });
      assert.equal(await wv.page.locator('[data-testid=dataset-name]').innerText(), 'imagenet_val');
      await wv.screenshot('rows');
      assert.deepEqual(wv.consoleErrors(), []);
    } finally {
      proxy!.set({});
      await wv.close();
    }
  });

  test('Cancel stops what waits (the host is told), says so, and Read Again reads', { skip }, async () => {
    proxy!.set({ latencyMs: 4000 });
    const wv = await panel('remote-cancel', panelHandlers(openSession(s3StorageOptions(proxy!.endpoint))));
    try {
      const describeReq = await wv.host.waitForRequest('describe');
      await wv.page.locator('[data-testid=remote-activity]').waitFor({ state: 'visible', timeout: 10_000 });
      await wv.page.click('[data-testid=remote-activity-cancel]');
      await wv.host.waitForCancel(describeReq.id);
      await wv.page.locator('[data-testid=remote-cancelled]').waitFor({ state: 'visible' });
      assert.match(await wv.page.locator('[data-testid=remote-cancelled]').innerText(), /Stopped reading from the object store/);
      assert.ok(await wv.page.locator('[data-testid=remote-activity]').isHidden());
      await wv.screenshot('cancelled');
      proxy!.set({});
      await wv.page.getByText('Read Again').click();
      await wv.page.waitForSelector('[data-testid=grid-row][data-index="0"][data-rowid]', { timeout: 60_000 });
      assert.ok(await wv.page.locator('[data-testid=remote-cancelled]').isHidden());
    } finally {
      proxy!.set({});
      await wv.close();
    }
  });

  test('a wrong key: one clear message naming what was tried and where the key came from; another dataset still opens', { skip }, async () => {
    const options = resolveStorageOptions(uri, { [`s3://${s3!.bucket}`]: { ...s3StorageOptions(s3!.endpoint), aws_access_key_id: 'SETTINGKEY' } }, [
      { prefix: `s3://${s3!.bucket}/db`, options: { aws_access_key_id: 'WRONGKEY', aws_secret_access_key: 'TOPSECRET' } },
    ]).options;
    const bad = await panel('remote-wrong-key', panelHandlers(openSession(options)));
    const good = await panel('remote-after-error', panelHandlers(openSession(s3StorageOptions(s3!.endpoint))));
    try {
      const banner = bad.page.locator('[data-testid=error]');
      await banner.waitFor({ timeout: 60_000 });
      const text = await banner.innerText();
      assert.match(text, /The object store refused the credentials \(InvalidAccessKeyId\)/);
      assert.ok(text.includes(`Tried ${uri}`), text);
      assert.ok(text.includes(`endpoint ${s3!.endpoint} from lanceInspector.storageOptions "s3://${s3!.bucket}"`), text);
      assert.ok(text.includes(`access key WRONGKEY from SecretStorage "s3://${s3!.bucket}/db"`), text);
      assert.ok(!text.includes('TOPSECRET'), 'the secret is never shown');
      assert.equal((text.match(/refused the credentials/g) ?? []).length, 1, 'one message');
      await bad.screenshot('error');
      await good.page.waitForSelector('[data-testid=thumb]', { timeout: 60_000 });
      await good.screenshot('rows');
    } finally {
      await bad.close();
      await good.close();
    }
  });

  test('every connection dropped: a clear message within the time limit, no hang', { skip }, async () => {
    proxy!.set({ drop: 1 });
    const limitMs = 4000;
    const t0 = Date.now();
    const wv = await panel('remote-dropped', panelHandlers(openSession(s3StorageOptions(proxy!.endpoint), limitMs)));
    try {
      const banner = wv.page.locator('[data-testid=error]');
      await banner.waitFor({ timeout: limitMs + 30_000 });
      const ms = Date.now() - t0;
      const text = await banner.innerText();
      console.log(`dropped connections: "${text.split('\n')[0]}" after ${ms} ms (limit ${limitMs} ms)`);
      assert.match(text, /could not be reached|did not answer|timed? ?out|answered with an error/i);
      assert.ok(text.includes(uri), text);
      assert.ok(await wv.page.locator('[data-testid=remote-activity]').isHidden(), 'the busy line goes when the answer came');
      await wv.screenshot('error');
    } finally {
      proxy!.set({});
      await wv.close();
    }
  });
});
