// scripts/vsceOutput.js: what `npm run package` leaves out of vsce's output (the VSIX file tree and the
// "N files" warning) and what it must keep (errors, other warnings, the DONE line), on vsce 3.x's real
// text, with and without colours, whole or split into arbitrary chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { VSCE_STDOUT, VSCE_STDERR, lineFilter, stripAnsi } = require('../../scripts/vsceOutput.js') as {
  VSCE_STDOUT: object;
  VSCE_STDERR: object;
  lineFilter: (rules: object) => { push(chunk: string): string; end(): string };
  stripAnsi: (s: string) => string;
};

const STDOUT = [
  ' INFO  Files included in the VSIX:',
  'lance-inspector-0.1.0-linux-x64.vsix',
  '├─ [Content_Types].xml ',
  '├─ extension.vsixmanifest ',
  '└─ extension/',
  '   ├─ LICENSE [1.06 KB]',
  '   ├─ dist/ (3 files) [443.49 KB]',
  '   └─ node_modules/ (2187 files) [65.9 MB]',
  '',
  '=> Run vsce ls --tree to see all included files.',
  '',
  ' DONE  Packaged: /work/lance-inspector-0.1.0-linux-x64.vsix (2206 files, 66.35 MB)',
  '',
].join('\n');

const STDERR = [
  ' WARNING  This extension consists of 2206 files, out of which 363 are JavaScript files. For performance reasons, you should bundle your extension: https://aka.ms/vscode-bundle-extension. You should also exclude unnecessary files by adding them to your .vscodeignore: https://aka.ms/vscode-vscodeignore.',
  '',
  ' WARNING  LICENSE not found',
  ' ERROR  Make sure to edit the README.md file before you package or publish your extension.',
  'Error: something thrown',
  '    at Object.<anonymous> (/x/vsce.js:1:1)',
  '',
].join('\n');

/** vsce's colours as chalk writes them to a terminal. */
function coloured(text: string): string {
  return text
    .replace(/^ (INFO|DONE|WARNING|ERROR) /gm, (_m, p: string) => `\x1b[104m\x1b[30m ${p} \x1b[39m\x1b[49m`)
    .replace(/Files included in the VSIX:/, '\x1b[1m\x1b[34mFiles included in the VSIX:\x1b[39m\x1b[22m')
    .replace(/consists of (\d+) files/, 'consists of \x1b[1m$1\x1b[22m files');
}

function run(rules: object, text: string, chunk = Infinity): string {
  const f = lineFilter(rules);
  let out = '';
  for (let i = 0; i < text.length; i += chunk === Infinity ? text.length : chunk) out += f.push(text.slice(i, i + (chunk === Infinity ? text.length : chunk)));
  return out + f.end();
}

for (const [name, paint] of [
  ['plain', (s: string) => s],
  ['coloured', coloured],
] as const) {
  for (const chunk of [Infinity, 1, 7]) {
    test(`vsce stdout (${name}, chunks of ${chunk}): the file tree goes, the DONE line stays`, () => {
      const out = stripAnsi(run(VSCE_STDOUT, paint(STDOUT), chunk));
      assert.equal(out, ' DONE  Packaged: /work/lance-inspector-0.1.0-linux-x64.vsix (2206 files, 66.35 MB)\n');
    });
    test(`vsce stderr (${name}, chunks of ${chunk}): the file-count warning goes, other warnings and errors stay`, () => {
      const out = stripAnsi(run(VSCE_STDERR, paint(STDERR), chunk));
      assert.equal(
        out,
        [
          ' WARNING  LICENSE not found',
          ' ERROR  Make sure to edit the README.md file before you package or publish your extension.',
          'Error: something thrown',
          '    at Object.<anonymous> (/x/vsce.js:1:1)',
          '',
        ].join('\n'),
      );
    });
  }
}

test('output without the two messages passes unchanged, a last line without a newline included', () => {
  const text = " ERROR  \x1b[31m'bogus-x64' is not a valid VS Code target.\x1b[39m\nsecond line\nno newline at the end";
  assert.equal(run(VSCE_STDOUT, text, 5), text);
  assert.equal(run(VSCE_STDERR, text, 3), text);
});
