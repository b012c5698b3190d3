// The real data layer as the webview tests' fake host: a DatasetSession's handlers (the ones a panel
// serves), errors turned into the ErrorInfo the protocol carries. `json`: every answer goes through
// JSON first, as VS Code's webview messages do for numbers (NaN and ±Infinity become null, -0 becomes
// 0), so renderers are tested on what really arrives; without it answers are structured-cloned, which
// keeps image bytes as Uint8Array (as VS Code transfers typed arrays).
import type { DatasetSession } from '../../src/extension/host/session';
import { toErrorInfo } from '../../src/extension/lance/errors';
import type { RequestMethod } from '../../src/shared/protocol';
import type { Handler } from './harness';

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
