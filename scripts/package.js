// npm run package → lance-inspector-<version>-<target>.vsix (default target: this machine's, e.g. linux-x64).
// The VSIX carries the native module of one platform, so it is built per platform:
//   npm run package -- --target darwin-arm64   (after installing that platform's @lancedb/lancedb-* package)
const { execFileSync, spawn } = require('child_process');
const path = require('path');
const pkg = require('../package.json');

const argTarget = process.argv.indexOf('--target');
const target = argTarget > 0 ? process.argv[argTarget + 1] : `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
const out = `${pkg.name}-${pkg.version}-${target}.vsix`;
const root = path.resolve(__dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

// vsce adds the production dependencies and .vscodeignore keeps only the runtime modules. Check first
// that it keeps every module of the runtime dependency tree: a VSIX missing one packages fine and then
// fails to load in VS Code (an upgrade of @lancedb/lancedb or apache-arrow can add a dependency).
try {
  require('./runtimeModules').checkVscodeignore(root);
} catch (err) {
  console.error(`Not packaging: ${err.message}`);
  process.exit(1);
}
run(process.execPath, ['esbuild.js', '--production']);

// vsce has no quiet option: it lists the VSIX's file tree (INFO, on stdout) and warns that the extension
// has "N files, out of which M are JavaScript files" (the runtime node_modules, which cannot be bundled:
// the native module and arrow stay external). Both are dropped line by line as they stream; everything
// else, errors and other warnings included, passes through, and vsce's exit code is ours.
const strip = (line) => line.replace(/\x1b\[[0-9;]*m/g, '');
const PREFIX = /^\s*(DONE|INFO|WARNING|ERROR)\s/;
function filtered(stream, dest, { startsBlock, blockEnds }) {
  let skipping = false;
  let pending = '';
  const onLine = (line) => {
    const plain = strip(line);
    if (skipping && blockEnds(plain)) skipping = false;
    if (!skipping && startsBlock(plain)) skipping = true;
    if (!skipping) dest.write(`${line}\n`);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    lines.forEach(onLine);
  });
  return new Promise((resolve) =>
    stream.on('end', () => {
      if (pending) onLine(pending);
      resolve();
    }),
  );
}
const vsce = spawn(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--target', target, '--out', out, '--allow-missing-repository', '--skip-license'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const done = Promise.all([
  // The file tree: from its INFO line to vsce's next message (its own lines, blank ones included, carry no prefix).
  filtered(vsce.stdout, process.stdout, { startsBlock: (l) => /^\s*INFO\s+Files included in the VSIX/.test(l), blockEnds: (l) => PREFIX.test(l) }),
  // The file-count warning: one line and the blank line after it.
  filtered(vsce.stderr, process.stderr, { startsBlock: (l) => /^\s*WARNING\s+This extension consists of \d+ files/.test(l), blockEnds: (l) => l.trim() !== '' }),
]);
vsce.on('close', async (code, signal) => {
  await done;
  if (code !== 0) {
    console.error(`Not packaged: vsce ${signal ? `was killed (${signal})` : `exited with code ${code}`}`);
    process.exit(code || 1);
  }
  console.log(`VSIX: ${path.join(root, out)}`);
});
