// npm run package → lance-inspector-<version>-<target>.vsix (default target: this machine's, e.g. linux-x64).
// The VSIX carries the native module of one platform, so it is built per platform:
//   npm run package -- --target darwin-arm64   (after installing that platform's @lancedb/lancedb-* package)
const { execFileSync, spawn } = require('child_process');
const path = require('path');
const pkg = require('../package.json');
const { VSCE_STDOUT, VSCE_STDERR, pipeFiltered } = require('./vsceOutput');

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

// vsce has no quiet option: its listing of the VSIX's files and its warning about their number are
// filtered out as they stream (scripts/vsceOutput.js); errors and other warnings pass, its exit code is ours.
const vsce = spawn(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--target', target, '--out', out, '--allow-missing-repository', '--skip-license'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const done = Promise.all([pipeFiltered(vsce.stdout, process.stdout, VSCE_STDOUT), pipeFiltered(vsce.stderr, process.stderr, VSCE_STDERR)]);
vsce.on('close', async (code, signal) => {
  await done;
  if (code !== 0) {
    console.error(`Not packaged: vsce ${signal ? `was killed (${signal})` : `exited with code ${code}`}`);
    process.exit(code || 1);
  }
  console.log(`VSIX: ${path.join(root, out)}`);
});
