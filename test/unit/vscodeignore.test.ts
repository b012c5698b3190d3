// .vscodeignore against the runtime dependency tree (scripts/runtimeModules.js): the VSIX must carry
// every module @lancedb/lancedb and apache-arrow load, or it installs and then fails to activate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script of scripts/, without types
const { runtimeModules, missingRuntimeModules, checkVscodeignore } = require('../../scripts/runtimeModules.js') as {
  runtimeModules: (root: string, roots?: string[]) => { modules: { name: string; dir: string }[]; skippedOptional: string[] };
  missingRuntimeModules: (root: string, ignoreText?: string) => { dir: string; line: string }[];
  checkVscodeignore: (root: string) => void;
};

/** Built tests run from out/test/unit/. */
const ROOT = path.resolve(__dirname, '../../..');

test('.vscodeignore lets in every module of the installed runtime tree', () => {
  const { modules, skippedOptional } = runtimeModules(ROOT);
  const dirs = modules.map((m) => m.dir);
  for (const must of ['node_modules/@lancedb/lancedb', 'node_modules/apache-arrow', 'node_modules/flatbuffers', 'node_modules/reflect-metadata'])
    assert.ok(dirs.includes(must), must);
  assert.ok(
    dirs.some((d) => /^node_modules\/@lancedb\/lancedb-/.test(d)),
    "this platform's native package",
  );
  assert.ok(!dirs.some((d) => /@types\/|openai|webview-ui-toolkit/.test(d)), `nothing that is never loaded: ${dirs.join(', ')}`);
  assert.ok(!skippedOptional.includes('@lancedb/lancedb-linux-x64-gnu'));
  assert.deepEqual(missingRuntimeModules(ROOT), [], 'run `node scripts/runtimeModules.js` for the lines to add');
});

/** A fake project: roots `a` → `b` (→ nested `c`), `a` optional `native` (has a .node file) and `feature` (plain JS). */
function fakeProject(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'li-ignore-'));
  const pkg = (dir: string, json: object, files: Record<string, string> = {}) => {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify(json));
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(root, dir, f), text);
  };
  pkg(
    'node_modules/a',
    { name: 'a', main: 'index.js', dependencies: { b: '1', '@types/x': '1' }, optionalDependencies: { native: '1', feature: '1', absent: '1' } },
    { 'index.js': '' },
  );
  pkg('node_modules/b', { name: 'b', main: 'lib/b.js', dependencies: { c: '2' } }, {});
  pkg('node_modules/b/node_modules/c', { name: 'c' });
  pkg('node_modules/c', { name: 'c' }); // another version, not the one b loads
  pkg('node_modules/native', { name: 'native' }, { 'x.linux.node': '' });
  pkg('node_modules/feature', { name: 'feature' });
  pkg('node_modules/@types/x', { name: '@types/x' });
  return root;
}

test('the runtime tree follows dependencies as Node resolves them, and native optional packages only', (t) => {
  const root = fakeProject();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const { modules, skippedOptional } = runtimeModules(root, ['a']);
  assert.deepEqual(
    modules.map((m) => m.dir),
    ['node_modules/a', 'node_modules/b', 'node_modules/b/node_modules/c', 'node_modules/native'],
  );
  assert.deepEqual(skippedOptional, ['feature']);
});

test('a module of the tree that .vscodeignore leaves out is reported, with the line to add', (t) => {
  const root = fakeProject();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const writeIgnore = (text: string) => fs.writeFileSync(path.join(root, '.vscodeignore'), text);
  // runtimeModules' default roots are the real ones; point them at the fake tree through a fake lancedb.
  fs.mkdirSync(path.join(root, 'node_modules/@lancedb/lancedb'), { recursive: true });
  fs.writeFileSync(path.join(root, 'node_modules/@lancedb/lancedb/package.json'), JSON.stringify({ name: '@lancedb/lancedb', dependencies: { a: '1' } }));
  fs.mkdirSync(path.join(root, 'node_modules/apache-arrow'), { recursive: true });
  fs.writeFileSync(path.join(root, 'node_modules/apache-arrow/package.json'), JSON.stringify({ name: 'apache-arrow', main: 'Arrow.node.js' }));
  const all = ['**', '!node_modules/@lancedb/lancedb/**', '!node_modules/apache-arrow/**', '!node_modules/a/**', '!node_modules/b/**', '!node_modules/native/**'];
  writeIgnore(all.join('\n'));
  assert.deepEqual(missingRuntimeModules(root), []);
  checkVscodeignore(root);

  // An upgrade adds `b`: the list lacks it (and its nested `c`): reported, one line to add.
  writeIgnore(all.filter((l) => l !== '!node_modules/b/**').join('\n'));
  assert.deepEqual(
    missingRuntimeModules(root).map((m) => m.dir),
    ['node_modules/b', 'node_modules/b/node_modules/c'],
  );
  assert.throws(
    () => checkVscodeignore(root),
    (e: Error) => /leaves 2 runtime module/.test(e.message) && /\n {2}!node_modules\/b\/\*\*$/.test(e.message),
  );

  // A later pattern that drops a package's main file counts as missing too (the last matching line wins).
  writeIgnore([...all, 'node_modules/apache-arrow/*.js'].join('\n'));
  assert.deepEqual(
    missingRuntimeModules(root).map((m) => m.dir),
    ['node_modules/apache-arrow'],
  );
});
