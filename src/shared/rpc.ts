// Request/response plumbing shared by both sides. The webview side uses RpcClient; the host uses
// RpcServer. Unlike a bare postMessage bridge, every pending request settles: with a result, an error,
// a timeout, supersession by a newer request on the same channel, or disposal.
import { answerKey, type Envelope, type EventName, type HostRequests, type RequestMethod, type WebviewEvents } from './protocol';
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

/** An answer given or asked for ahead (see RpcClient.askAhead): `id`, `cancel` and `sentAt` while it is asked. */
interface Ahead {
  result: Promise<unknown>;
  id?: number;
  cancel?: () => void;
  sentAt?: number;
  timer?: ReturnType<typeof setTimeout>;
}

export interface RequestOptions {
  /** A newer request on the same channel supersedes (rejects and cancels) an older one still pending. */
  channel?: string;
  timeoutMs?: number;
}

/** A connection id that no earlier load of any webview used. */
export function newConnectionId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly pendingListeners = new Set<(count: number) => void>();

  /**
   * @param conn this load of the webview: every message carries it, and the host's replies to any other
   *   connection (an earlier load whose requests it was still running) are ignored.
   */
  constructor(
    private readonly post: (msg: Envelope) => void,
    private defaultTimeoutMs = 60_000,
    readonly conn: string = newConnectionId(),
  ) {}

  /** The host's own time limit plus a margin (the host answers "timeout" itself when it can). */
  setDefaultTimeout(ms: number): void {
    this.defaultTimeoutMs = ms;
  }

  /**
   * Answers given ahead (a new panel's HTML carries some) or asked for ahead (askAhead): the first
   * identical request takes one without asking, or joins it while it is on its way.
   */
  private readonly ahead = new Map<string, Ahead>();

  answerAhead(method: RequestMethod, params: unknown, result: unknown): void {
    this.ahead.set(answerKey(method, params), { result: Promise.resolve(result) });
  }

  /**
   * Asks now what is about to be asked (find similar while its menu item is pointed at: a person takes
   * 0.2–1 s to click it, about what the search takes). The first identical request within `ttlMs` takes
   * the answer or joins it; not taken by then, it is cancelled (the host stops it). `channel`: as for
   * request(), so a newer request on it with other parameters supersedes this one.
   */
  askAhead<M extends RequestMethod>(method: M, params: HostRequests[M]['params'], opts: { channel?: string; ttlMs: number }): void {
    const key = answerKey(method, params);
    if (this.ahead.has(key)) return;
    const asked = this.start(method, params, { channel: opts.channel });
    const entry: Ahead = { result: asked.result, id: asked.id, cancel: asked.cancel, sentAt: asked.sentAt };
    const drop = () => {
      if (this.ahead.get(key) !== entry) return false;
      this.ahead.delete(key);
      clearTimeout(entry.timer);
      return true;
    };
    // Failed or superseded before it was taken: the request, when it comes, asks for itself.
    asked.result.catch(drop);
    entry.timer = setTimeout(() => drop() && asked.cancel(), opts.ttlMs);
    this.ahead.set(key, entry);
  }

  /** Tell the host this connection is here (its earlier connections' work is then aborted). */
  ready(): void {
    this.post({ type: 'ready', conn: this.conn });
  }

  request<M extends RequestMethod>(method: M, params: HostRequests[M]['params'], opts: RequestOptions = {}): Promise<HostRequests[M]['result']> {
    return this.start(method, params, opts).result;
  }

  /**
   * Like request(), but also gives the id (to match 'progress' events), a cancel function, and when the
   * question went to the host (performance.now(); earlier than now when it was asked ahead).
   */
  start<M extends RequestMethod>(
    method: M,
    params: HostRequests[M]['params'],
    opts: RequestOptions = {},
  ): { id: number; result: Promise<HostRequests[M]['result']>; cancel: () => void; sentAt: number } {
    const key = this.ahead.size ? answerKey(method, params) : undefined;
    const given = key === undefined ? undefined : this.ahead.get(key);
    if (given) {
      this.ahead.delete(key!);
      clearTimeout(given.timer);
    }
    if (opts.channel) {
      for (const [id, p] of this.pending) {
        if (p.channel === opts.channel && id !== given?.id) this.settle(id, { kind: 'superseded', message: 'Superseded by a newer request.' }, true);
      }
    }
    if (given) {
      // Asked ahead and still on its way: it now belongs to this request's channel.
      const p = given.id === undefined ? undefined : this.pending.get(given.id);
      if (p) p.channel = opts.channel;
      return {
        id: given.id ?? this.nextId++,
        result: given.result as Promise<HostRequests[M]['result']>,
        cancel: given.cancel ?? (() => undefined),
        sentAt: given.sentAt ?? performance.now(),
      };
    }
    const id = this.nextId++;
    const sentAt = performance.now();
    const result = new Promise<HostRequests[M]['result']>((resolve, reject) => {
      const p: Pending = { resolve, reject, channel: opts.channel };
      const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => this.settle(id, { kind: 'timeout', message: `No answer from the extension after ${Math.round(timeoutMs / 1000)} s.` }, true), timeoutMs);
      }
      this.pending.set(id, p);
      this.pendingChanged();
      this.post({ type: 'request', conn: this.conn, id, method, params, channel: opts.channel });
    });
    return { id, result, cancel: () => this.settle(id, { kind: 'cancelled', message: 'Cancelled.' }, true), sentAt };
  }

  on<E extends EventName>(name: E, fn: (payload: WebviewEvents[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Feed every message received from the host here. */
  handle(msg: Envelope): void {
    // Replies and events meant for another load of this webview (same ids, other requests) are not ours.
    if ((msg.type === 'response' || msg.type === 'event') && msg.conn !== undefined && msg.conn !== this.conn) return;
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return; // late reply to a superseded or timed-out request: dropped on purpose
      this.pending.delete(msg.id);
      this.pendingChanged();
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

  /** Called with the number of requests waiting for an answer whenever it changes (a busy indicator). */
  onPendingChange(fn: (count: number) => void): () => void {
    this.pendingListeners.add(fn);
    return () => this.pendingListeners.delete(fn);
  }

  /** Cancels every request still waiting (the host stops them); returns how many. */
  cancelAll(): number {
    const ids = [...this.pending.keys()];
    for (const id of ids) this.settle(id, { kind: 'cancelled', message: 'Cancelled.' }, true);
    return ids.length;
  }

  private pendingChanged(): void {
    for (const fn of this.pendingListeners) fn(this.pending.size);
  }

  dispose(): void {
    for (const a of this.ahead.values()) clearTimeout(a.timer);
    this.ahead.clear();
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'cancelled', message: 'The view was closed.' }, false);
  }

  private settle(id: number, error: ErrorInfo, tellHost: boolean): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.pendingChanged();
    if (p.timer) clearTimeout(p.timer);
    if (tellHost) this.post({ type: 'cancel', conn: this.conn, id });
    p.reject(new RpcError(error));
  }
}

/** Reports progress of a long request to the webview as 'progress' events carrying the request id. */
export type Progress = (done: number, total: number, stage?: string) => void;

export type Handler<M extends RequestMethod> = (params: HostRequests[M]['params'], signal: AbortSignal, progress: Progress) => Promise<HostRequests[M]['result']>;

export type Handlers = { [M in RequestMethod]: Handler<M> };

export interface ServerOptions {
  /** Requests of these methods read data: they wait in the queue and are bounded by the time limit. */
  queued?: ReadonlySet<RequestMethod>;
  /** At most this many queued-method requests run at once; the rest wait (and a cancel removes them unstarted). */
  maxRunning?: number;
  /** Time limit of one queued-method request once started (ms; 0: none). Read per request: settings change. */
  timeoutMs?: () => number;
}

interface Job {
  conn: string;
  id: number;
  method: RequestMethod;
  params: unknown;
  channel?: string;
  ac: AbortController;
  queued: boolean;
}

/** What the server remembers of ended connections (their late messages are dropped, never adopted). */
const ENDED_KEEP = 32;

/**
 * Host side: dispatches requests to handlers and answers each once, on the connection it came from.
 *
 * A connection is one load of a webview (its RpcClient's `conn`). A webview that is hidden is destroyed
 * and a new one numbers its requests from 1 again, so ids alone cannot tell an old request from a new
 * one: every message carries its connection, the newest connection wins (the others' work is aborted
 * and their late replies are never posted), and `endConnection()` aborts the live one's work when the
 * host knows its webview is gone.
 *
 * Data requests queue: a few run at once and the rest wait, so a fast scroll that supersedes 200 pages
 * starts none of the 199 cancelled ones; each running one is aborted at its time limit.
 */
export class RpcServer {
  private conn: string | undefined;
  private readonly ended: string[] = [];
  private readonly running = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private readonly queuedMethods: ReadonlySet<RequestMethod>;
  private readonly maxRunning: number;

  constructor(
    private readonly post: (msg: Envelope) => void,
    private readonly handlers: Handlers,
    private readonly toErrorInfo: (err: unknown) => ErrorInfo,
    private readonly opts: ServerOptions = {},
  ) {
    this.queuedMethods = opts.queued ?? new Set();
    this.maxRunning = Math.max(1, opts.maxRunning ?? 3);
  }

  /** The live connection, if a webview is there. */
  get connection(): string | undefined {
    return this.conn;
  }

  /** Requests started or waiting, for tests and diagnostics. */
  get load(): { running: number; waiting: number } {
    return { running: this.running.size, waiting: this.waiting.length };
  }

  async handle(msg: Envelope): Promise<void> {
    if (msg.type !== 'ready' && msg.type !== 'request' && msg.type !== 'cancel') return;
    if (!this.adopt(msg.conn)) return;
    if (msg.type === 'cancel') return this.cancel(msg.conn, msg.id);
    if (msg.type !== 'request') return;
    if (!(msg.method in this.handlers)) {
      this.post({ type: 'response', conn: msg.conn, id: msg.id, error: { kind: 'internal', message: `Unknown request "${msg.method}".` } });
      return;
    }
    const job: Job = {
      conn: msg.conn,
      id: msg.id,
      method: msg.method,
      params: msg.params,
      channel: msg.channel,
      ac: new AbortController(),
      queued: this.queuedMethods.has(msg.method),
    };
    // The client cancels what a newer request on the same channel supersedes; do it here too, so a lost
    // or late cancel cannot leave superseded work queued.
    if (job.channel) {
      for (const j of [...this.running.values(), ...this.waiting]) if (j.conn === job.conn && j.channel === job.channel) this.cancel(j.conn, j.id);
    }
    if (job.queued && this.runningQueued() >= this.maxRunning) {
      this.waiting.push(job);
      return;
    }
    await this.run(job);
  }

  /** The webview of the live connection is gone (hidden or disposed): abort its work, drop its replies. */
  endConnection(): void {
    if (this.conn === undefined) return;
    this.end(this.conn);
    this.conn = undefined;
  }

  event<E extends EventName>(name: E, payload: WebviewEvents[E]): void {
    this.post({ type: 'event', conn: this.conn, name, payload });
  }

  dispose(): void {
    this.endConnection();
    for (const j of [...this.running.values(), ...this.waiting.splice(0)]) j.ac.abort();
    this.running.clear();
  }

  /** Messages of a new connection make it the live one; those of an ended one are refused. */
  private adopt(conn: string): boolean {
    if (conn === this.conn) return true;
    if (typeof conn !== 'string' || this.ended.includes(conn)) return false;
    if (this.conn !== undefined) this.end(this.conn);
    this.conn = conn;
    return true;
  }

  private end(conn: string): void {
    this.ended.push(conn);
    if (this.ended.length > ENDED_KEEP) this.ended.shift();
    for (const j of [...this.running.values(), ...this.waiting]) if (j.conn === conn) this.cancel(conn, j.id);
  }

  private cancel(conn: string, id: number): void {
    const w = this.waiting.findIndex((j) => j.conn === conn && j.id === id);
    if (w >= 0) this.waiting.splice(w, 1);
    this.running.get(key(conn, id))?.ac.abort();
  }

  private runningQueued(): number {
    let n = 0;
    for (const j of this.running.values()) if (j.queued) n++;
    return n;
  }

  private async run(job: Job): Promise<void> {
    const { conn, id, ac } = job;
    this.running.set(key(conn, id), job);
    const limit = job.queued ? (this.opts.timeoutMs?.() ?? 0) : 0;
    let timedOut = false;
    // At the limit the caller gets its "timeout" answer at once, even from a handler that cannot stop (an
    // engine call waiting on a slow object store): measured on s3rver at +4 s a request, a describe
    // answered after 38 s instead of 1.5 s when the answer waited for the handler.
    let stopWaiting: (() => void) | undefined;
    const limitHit = new Promise<never>((_, reject) => (stopWaiting = () => reject(new Error('Query timeout'))));
    limitHit.catch(() => undefined);
    const timer =
      limit > 0
        ? setTimeout(() => {
            timedOut = true;
            ac.abort();
            stopWaiting?.();
          }, limit)
        : undefined;
    // Only the live connection hears anything: a reply to an ended one would land in a newer webview.
    const live = () => this.conn === conn && (!ac.signal.aborted || timedOut);
    let work: Promise<unknown> | undefined;
    try {
      const progress: Progress = (done, total, stage) => {
        if (!ac.signal.aborted && this.conn === conn) this.post({ type: 'event', conn, name: 'progress', payload: { requestId: id, done, total, ...(stage ? { stage } : {}) } });
      };
      const handler = this.handlers[job.method] as (p: unknown, s: AbortSignal, progress: Progress) => Promise<unknown>;
      work = Promise.resolve().then(() => handler(job.params, ac.signal, progress));
      const result = await Promise.race([work, limitHit]);
      if (timedOut) throw new Error('Query timeout');
      if (live()) this.post({ type: 'response', conn, id, result });
    } catch (err) {
      if (live()) {
        const error = timedOut
          ? {
              kind: 'timeout' as const,
              message: `The request took longer than the time limit (${Math.round(limit / 1000)} s, setting lanceInspector.queryTimeoutSeconds) and was stopped.`,
            }
          : this.toErrorInfo(err);
        this.post({ type: 'response', conn, id, error });
      }
    } finally {
      clearTimeout(timer);
      // The slot stays taken until the handler really ends, so work that outlives its answer still counts
      // against maxRunning and the queue stays bounded.
      if (timedOut) await work?.catch(() => undefined);
      this.running.delete(key(conn, id));
      this.next();
    }
  }

  private next(): void {
    while (this.waiting.length && this.runningQueued() < this.maxRunning) void this.run(this.waiting.shift()!);
  }
}

function key(conn: string, id: number): string {
  return `${conn}#${id}`;
}
