// The webview's end of the protocol: one RpcClient over acquireVsCodeApi(), announced with 'ready'.
import { isEnvelope, type Envelope } from '../shared/protocol';
import { RpcClient } from '../shared/rpc';

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

export function announceReady(): void {
  vscodeApi.postMessage({ type: 'ready' } satisfies Envelope);
}
