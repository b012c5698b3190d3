// The webview's end of the protocol: one RpcClient over acquireVsCodeApi(), announced with 'ready'.
import { FIRST_ANSWERS_ID, isEnvelope, type Envelope, type FirstAnswers } from '../shared/protocol';
import { RpcClient } from '../shared/rpc';
import type { UiSettings } from '../shared/types';
import { applySettings } from './settings';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi: VsCodeApi = acquireVsCodeApi();

export const rpc = new RpcClient((msg: Envelope) => vscodeApi.postMessage(msg));

window.addEventListener('message', (e: MessageEvent) => {
  if (isEnvelope(e.data)) rpc.handle(e.data);
});

/**
 * The user's settings for this webview. Requests wait for the host up to twice its own query time limit
 * (a request may queue behind others before it runs) plus a margin: the host normally answers "timeout"
 * itself, so this only catches a host that stopped answering.
 */
export function useSettings(s: UiSettings): void {
  applySettings(s);
  rpc.setDefaultTimeout((2 * s.queryTimeoutSeconds + 5) * 1000);
}

/** Tell the host this load of the webview is here: a new connection, its predecessors' work aborted. */
export function announceReady(): void {
  rpc.ready();
}

/** The first answers the host wrote into this document (see panel/html.ts), once: undefined when none or already taken. */
export function takeFirstAnswers(): FirstAnswers | undefined {
  const el = document.getElementById(FIRST_ANSWERS_ID);
  if (!el) return undefined;
  el.remove();
  try {
    return JSON.parse(el.textContent ?? '') as FirstAnswers;
  } catch {
    return undefined;
  }
}
