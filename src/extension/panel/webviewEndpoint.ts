// The host's end of one webview (a dataset panel or the preview view): the one place where webview
// messages meet the protocol server. It knows what only VS Code can tell: when the webview is there
// (it said 'ready'), and when it is gone (hidden views are destroyed; disposed ones too), so work for
// a webview that no longer exists is aborted and its replies never reach the next one.
import * as vscode from 'vscode';
import { isEnvelope, type Envelope, type EventName, type RequestMethod, type WebviewEvents } from '../../shared/protocol';
import { RpcServer, type Handlers } from '../../shared/rpc';
import { DATA_METHODS } from '../host/session';
import { toErrorInfo } from '../lance/errors';
import { collectEngineBuffersIfDue } from '../lance/engineBuffers';
import { readSettings } from '../settings';
import { runWebviewCommand } from './webviewCommands';

/** Requests that read the dataset: they queue (a few at a time) and stop at the query time limit. */
const QUEUED: ReadonlySet<RequestMethod> = new Set<RequestMethod>(DATA_METHODS);

const LATEST_ONLY: ReadonlySet<EventName> = new Set<EventName>(['select', 'datasetChanged', 'reset']);

/** Data requests running at once per webview: enough for a screenful of pages plus a count. */
const MAX_RUNNING = 3;

export class WebviewEndpoint implements vscode.Disposable {
  private readonly server: RpcServer;
  private ready = false;
  /** Events wait until the webview has said it is ready (a hidden webview loses what is posted to it). */
  private readonly queued: Envelope[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  /** `settings` and `command` are the same for every webview, so they are answered here. */
  constructor(
    private readonly webview: vscode.Webview,
    handlers: Omit<Handlers, 'settings' | 'command'>,
  ) {
    const all: Handlers = {
      ...handlers,
      settings: async () => readSettings().ui,
      // Only the few commands the webviews need, with checked arguments (webviewCommandPolicy.ts).
      command: async ({ id, args }) => {
        await runWebviewCommand(id, args);
        return null;
      },
    };
    this.server = new RpcServer(
      (m) => this.post(m),
      all,
      (err) => toErrorInfo(err),
      {
        queued: QUEUED,
        maxRunning: MAX_RUNNING,
        timeoutMs: () => readSettings().queryTimeoutSeconds * 1000,
      },
    );
    webview.onDidReceiveMessage((m: unknown) => this.receive(m), undefined, this.disposables);
  }

  /** The webview went away (hidden or disposed): abort its work; it asks again when it is back. */
  gone(): void {
    this.ready = false;
    this.server.endConnection();
  }

  event<E extends EventName>(name: E, payload: WebviewEvents[E]): void {
    this.server.event(name, payload);
  }

  private receive(m: unknown): void {
    if (!isEnvelope(m)) return;
    void this.server.handle(m).then(() => {
      if (m.type !== 'ready') return;
      this.ready = true;
      // Queued events go to the connection that is live now, whatever was live when they were made.
      for (const q of this.queued.splice(0)) this.post({ ...q, conn: this.server.connection } as Envelope);
    });
  }

  private post(msg: Envelope): void {
    if (this.ready || msg.type === 'response') {
      void this.webview.postMessage(msg);
      // The answer is serialised by now: the engine's batches it came from are garbage.
      if (msg.type === 'response') setImmediate(collectEngineBuffersIfDue);
      return;
    }
    // While hidden, only the newest of a state-like event matters (a hundred selections made meanwhile
    // are one selection when the view comes back).
    if (msg.type === 'event' && LATEST_ONLY.has(msg.name)) {
      const i = this.queued.findIndex((q) => q.type === 'event' && q.name === msg.name);
      if (i >= 0) this.queued.splice(i, 1);
    }
    this.queued.push(msg);
  }

  dispose(): void {
    this.server.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
