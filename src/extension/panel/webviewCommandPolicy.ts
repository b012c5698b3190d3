// Which VS Code commands a webview may run through its `command` request, and with what arguments.
// The webviews are a less trusted side (they render dataset contents: text, images, metadata), so
// a `command` request is not a way to run any `lanceInspector.*` command with any arguments: only
// the commands the dataset panel and the preview really send are accepted, each with its
// arguments checked for shape and type and rebuilt from the checked values (extra keys dropped).
// Pure (no `vscode` import), so it is tested in plain Node; webviewCommands.ts runs what this allows.
import { LanceError } from '../lance/errors';

/** A command a webview may run: the full VS Code command id and the arguments to pass (none when undefined). */
export interface AllowedCommand {
  command: string;
  args: unknown;
}

/** Row ids travel as decimal strings (they are u64 in Lance). */
const ROW_ID = /^(0|[1-9]\d{0,19})$/;
const U64_MAX = (1n << 64n) - 1n;
/** How far one selectRelative may move (the preview sends ±1). */
const MAX_DELTA = 1000;

type Check = (args: unknown) => unknown;

/** The allowlist: command id (without the `lanceInspector.` prefix) → argument check returning what is passed on. */
const POLICY: ReadonlyMap<string, Check> = new Map<string, Check>([
  // Dataset panel: Enter on a row (panel/main.ts openPreview). No arguments.
  [
    'showPreview',
    (args) => {
      if (args !== undefined && args !== null && !(isPlainObject(args) && Object.keys(args).length === 0)) throw refuse('showPreview', 'takes no arguments');
      return undefined;
    },
  ],
  // Map tab: "Export…" of a lasso selection, after it was kept as a row set and shown in Rows (the panel's
  // view then names the set). No arguments; the command asks for trust and a destination itself.
  [
    'exportRows',
    (args) => {
      if (args !== undefined && args !== null && !(isPlainObject(args) && Object.keys(args).length === 0)) throw refuse('exportRows', 'takes no arguments');
      return undefined;
    },
  ],
  // Preview: "Find similar" ({ rowId }).
  [
    'findSimilar',
    (args) => {
      if (!isPlainObject(args)) throw refuse('findSimilar', 'needs { rowId }');
      const rowId = args.rowId;
      if (typeof rowId !== 'string' || !ROW_ID.test(rowId) || BigInt(rowId) > U64_MAX) throw refuse('findSimilar', 'needs a row id as a decimal string');
      return { rowId };
    },
  ],
  // Preview: Previous / Next and ←/→ ({ delta }).
  [
    'selectRelative',
    (args) => {
      if (!isPlainObject(args)) throw refuse('selectRelative', 'needs { delta }');
      const delta = args.delta;
      if (typeof delta !== 'number' || !Number.isInteger(delta) || Math.abs(delta) > MAX_DELTA)
        throw refuse('selectRelative', `needs a whole-number delta between -${MAX_DELTA} and ${MAX_DELTA}`);
      return { delta };
    },
  ],
]);

/** The command ids (without prefix) a webview may run. */
export const WEBVIEW_COMMANDS: readonly string[] = [...POLICY.keys()];

/**
 * Check a webview's `command` request: the full command id and the arguments to run it with, or a
 * LanceError('internal') naming the refused command (unknown command, or arguments of the wrong shape).
 */
export function checkWebviewCommand(id: unknown, args: unknown): AllowedCommand {
  if (typeof id !== 'string') throw new LanceError('internal', `The view asked to run a command without a name (${describe(id)}); refused.`);
  const check = POLICY.get(id); // a Map: '__proto__' or 'constructor' are just unknown names
  if (!check) throw new LanceError('internal', `The view may not run the command "${shortId(id)}"; refused.`, `Allowed from a view: ${WEBVIEW_COMMANDS.join(', ')}.`);
  return { command: `lanceInspector.${id}`, args: check(args) };
}

function refuse(id: string, why: string): LanceError {
  return new LanceError('internal', `The view's request to run "${id}" was refused: it ${why}.`);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function shortId(id: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const s = id.replace(/[\u0000-\u001f\u007f]/g, '?');
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

function describe(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
}
