// Request/response plumbing shared by both sides. The webview side uses RpcClient; the host uses
// RpcServer. Unlike a bare postMessage bridge, every pending request settles: with a result, an error,
// a timeout, supersession by a newer request on the same channel, or disposal.
import type { Envelope, EventName, HostRequests, RequestMethod, WebviewEvents } from './protocol';
import type { ErrorInfo } from './types';

export class RpcError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'RpcError';
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer?: ReturnType<typeof setTimeout>;
  channel?: string;
}

export interface RequestOptions {
  /** A newer request on the same channel supersedes (rejects and cancels) an older one still pending. */
  channel?: string;
  timeoutMs?: number;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  constructor(private readonly post: (msg: Envelope) => void, private readonly defaultTimeoutMs = 60_000) {}

  request<M extends RequestMethod>(
    method: M,
    params: HostRequests[M]['params'],
    opts: RequestOptions = {},
  ): Promise<HostRequests[M]['result']> {
    return this.start(method, params, opts).result;
  }

  /** Like request(), but also gives the id (to match 'progress' events) and a cancel function. */
  start<M extends RequestMethod>(
    method: M,
    params: HostRequests[M]['params'],
    opts: RequestOptions = {},
  ): { id: number; result: Promise<HostRequests[M]['result']>; cancel: () => void } {
    if (opts.channel) {
      for (const [id, p] of this.pending) {
        if (p.channel === opts.channel) this.settle(id, { kind: 'superseded', message: 'Superseded by a newer request.' }, true);
      }
    }
    const id = this.nextId++;
    const result = new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, channel: opts.channel };
      const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
      if (timeoutMs > 0) {
        p.timer = setTimeout(
          () => this.settle(id, { kind: 'timeout', message: `No answer from the extension after ${Math.round(timeoutMs / 1000)} s.` }, true),
          timeoutMs,
        );
      }
      this.pending.set(id, p);
      this.post({ type: 'request', id, method, params, channel: opts.channel });
    }) as Promise<HostRequests[M]['result']>;
    return { id, result, cancel: () => this.settle(id, { kind: 'cancelled', message: 'Cancelled.' }, true) };
  }

  on<E extends EventName>(name: E, fn: (payload: WebviewEvents[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn as (payload: never) => void);
    return () => set!.delete(fn as (payload: never) => void);
  }

  /** Feed every message received from the host here. */
  handle(msg: Envelope): void {
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return; // late reply to a superseded or timed-out request: dropped on purpose
      this.pending.delete(msg.id);
      if (p.timer) clearTimeout(p.timer);
      if (msg.error) p.reject(new RpcError(msg.error));
      else p.resolve(msg.result);
    } else if (msg.type === 'event') {
      for (const fn of this.listeners.get(msg.name) ?? []) (fn as (p: unknown) => void)(msg.payload);
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'cancelled', message: 'The view was closed.' }, false);
  }

  private settle(id: number, error: ErrorInfo, tellHost: boolean): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    if (tellHost) this.post({ type: 'cancel', id });
    p.reject(new RpcError(error));
  }
}

/** Reports progress of a long request to the webview as 'progress' events carrying the request id. */
export type Progress = (done: number, total: number) => void;

export type Handler<M extends RequestMethod> = (params: HostRequests[M]['params'], signal: AbortSignal, progress: Progress) => Promise<HostRequests[M]['result']>;

export type Handlers = { [M in RequestMethod]: Handler<M> };

/** Host side: dispatches requests to handlers, answers each once, honours cancel messages. */
export class RpcServer {
  private readonly running = new Map<number, AbortController>();

  constructor(
    private readonly post: (msg: Envelope) => void,
    private readonly handlers: Handlers,
    private readonly toErrorInfo: (err: unknown) => ErrorInfo,
  ) {}

  async handle(msg: Envelope): Promise<void> {
    if (msg.type === 'cancel') {
      this.running.get(msg.id)?.abort();
      return;
    }
    if (msg.type !== 'request') return;
    const handler = this.handlers[msg.method] as ((p: unknown, s: AbortSignal, progress: Progress) => Promise<unknown>) | undefined;
    if (!handler) {
      this.post({ type: 'response', id: msg.id, error: { kind: 'internal', message: `Unknown request "${msg.method}".` } });
      return;
    }
    const ac = new AbortController();
    this.running.set(msg.id, ac);
    try {
      const progress: Progress = (done, total) => {
        if (!ac.signal.aborted) this.post({ type: 'event', name: 'progress', payload: { requestId: msg.id, done, total } });
      };
      const result = await handler(msg.params, ac.signal, progress);
      if (!ac.signal.aborted) this.post({ type: 'response', id: msg.id, result });
    } catch (err) {
      if (!ac.signal.aborted) this.post({ type: 'response', id: msg.id, error: this.toErrorInfo(err) });
    } finally {
      this.running.delete(msg.id);
    }
  }

  event<E extends EventName>(name: E, payload: WebviewEvents[E]): void {
    this.post({ type: 'event', name, payload });
  }

  dispose(): void {
    for (const ac of this.running.values()) ac.abort();
    this.running.clear();
  }
}
