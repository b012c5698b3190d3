// npm run package → lance-inspector-<version>-<target>.vsix (default target: this machine's, e.g. linux-x64).
// The VSIX carries the native module of one platform, so it is built per platform:
//   npm run package -- --target darwin-arm64   (after installing that platform's @lancedb/lancedb-* package)
const { execFileSync } = require('child_process');
const path = require('path');
const pkg = require('../package.json');

const argTarget = process.argv.indexOf('--target');
const target = argTarget > 0 ? process.argv[argTarget + 1] : `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
const out = `${pkg.name}-${pkg.version}-${target}.vsix`;
const root = path.resolve(__dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, ['esbuild.js', '--production']);
// vsce adds the production dependencies; .vscodeignore keeps only the runtime modules (not the webview
// toolkit, which is bundled, nor lancedb's optional embedding providers, which the inspector never loads).
run(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--target', target, '--out', out, '--allow-missing-repository', '--skip-license']);
console.log(`VSIX: ${path.join(root, out)}`);
