// The webviews' `command` request runs only the commands the webviews send, with checked arguments
// (webviewCommandPolicy.ts; webviewCommands.ts runs what it allows through vscode.commands).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { LanceError } from '../../src/extension/lance/errors';
import { checkWebviewCommand, WEBVIEW_COMMANDS } from '../../src/extension/panel/webviewCommandPolicy';

function refused(id: unknown, args: any, name: RegExp): void {
  assert.throws(
    () => checkWebviewCommand(id, args),
    (e: unknown) => e instanceof LanceError && e.kind === 'internal' && name.test(e.message),
    `${String(id)} ${String(args?.constructor?.name)} is refused`,
  );
}

test('the allowlist is exactly the commands the webviews send', () => {
  assert.deepEqual([...WEBVIEW_COMMANDS].sort(), ['exportRows', 'findSimilar', 'selectRelative', 'showPreview']);
  // Every command id a webview source sends is on the list, and nothing else is.
  const root = path.resolve(__dirname, '../../../src/webview');
  const sent = new Set<string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/request\('command',\s*\{\s*id:\s*'([A-Za-z]+)'/g)) sent.add(m[1]);
        for (const m of text.matchAll(/\bcommand\('([A-Za-z]+)'/g)) sent.add(m[1]);
      }
    }
  };
  walk(root);
  assert.deepEqual([...sent].sort(), [...WEBVIEW_COMMANDS].sort());
});

test('allowed commands with their arguments, rebuilt from the checked values', () => {
  assert.deepEqual(checkWebviewCommand('showPreview', undefined), { command: 'lanceInspector.showPreview', args: undefined });
  assert.deepEqual(checkWebviewCommand('showPreview', null), { command: 'lanceInspector.showPreview', args: undefined });
  assert.deepEqual(checkWebviewCommand('showPreview', {}), { command: 'lanceInspector.showPreview', args: undefined });
  assert.deepEqual(checkWebviewCommand('findSimilar', { rowId: '42' }), { command: 'lanceInspector.findSimilar', args: { rowId: '42' } });
  assert.deepEqual(checkWebviewCommand('findSimilar', { rowId: '0' }), { command: 'lanceInspector.findSimilar', args: { rowId: '0' } });
  assert.deepEqual(checkWebviewCommand('findSimilar', { rowId: '18446744073709551615' }).args, { rowId: '18446744073709551615' }, 'u64 max');
  // Extra keys are not passed on.
  assert.deepEqual(checkWebviewCommand('findSimilar', { rowId: '7', uri: '/etc' }).args, { rowId: '7' });
  assert.deepEqual(checkWebviewCommand('selectRelative', { delta: 1 }), { command: 'lanceInspector.selectRelative', args: { delta: 1 } });
  assert.deepEqual(checkWebviewCommand('selectRelative', { delta: -1 }).args, { delta: -1 });
  // JSON.parse makes objects with Object.prototype; a null-prototype object is as plain.
  const bare = Object.assign(Object.create(null), { delta: 2 });
  assert.deepEqual(checkWebviewCommand('selectRelative', bare).args, { delta: 2 });
});

test('any other command is refused, naming it', () => {
  for (const id of ['openDataset', 'openFolder', 'materializeSubset', 'exportRows', 'copyText', 'copyRowAsJson', 'createTag', 'reload', 'browseVersion', 'openVersion']) {
    refused(id, { text: 'x', uri: '/' }, new RegExp(`"${id}"`));
  }
  refused('lanceInspector.findSimilar', { rowId: '1' }, /"lanceInspector\.findSimilar"/); // the bare id, not the full one
  refused('__proto__', undefined, /"__proto__"/);
  refused('constructor', undefined, /"constructor"/);
  refused('toString', undefined, /"toString"/);
  refused('hasOwnProperty', undefined, /"hasOwnProperty"/);
  refused('', undefined, /""/);
  refused('workbench.action.terminal.new', undefined, /workbench\.action\.terminal\.new/);
  refused(undefined, undefined, /without a name/);
  refused(42, undefined, /without a name/);
  refused({ toString: () => 'showPreview' }, undefined, /without a name/);
  // A long or control-character id is named, shortened.
  assert.throws(
    () => checkWebviewCommand('x'.repeat(500) + '\n', undefined),
    (e: unknown) => e instanceof LanceError && e.message.length < 200 && !e.message.includes('\n'),
  );
});

test('allowed commands with arguments of the wrong shape are refused', () => {
  refused('showPreview', { rowId: '1' }, /"showPreview".*no arguments/);
  refused('showPreview', 'x', /"showPreview"/);
  for (const args of [
    undefined,
    null,
    'x',
    42,
    [],
    ['1'],
    { rowId: 42 },
    { rowId: 42n },
    { rowId: '' },
    { rowId: '-1' },
    { rowId: '1.5' },
    { rowId: '0x10' },
    { rowId: '01' },
    { rowId: ' 1' },
    { rowId: '1e3' },
    { rowId: '18446744073709551616' },
    { rowId: '9'.repeat(21) },
    { rowId: '1; rm -rf /' },
    { id: '1' },
    new Date(),
  ]) {
    refused('findSimilar', args, /"findSimilar"/);
  }
  for (const args of [undefined, null, 1, [1], { delta: '1' }, { delta: 1.5 }, { delta: NaN }, { delta: Infinity }, { delta: 1001 }, { delta: -1e9 }, {}]) {
    refused('selectRelative', args, /"selectRelative"/);
  }
});
