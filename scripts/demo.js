// npm run demo: build, generate the sample dataset (an ImageNet-val-like table of ~2,000 rows with real
// JPEGs, embeddings and indices) into sample-data/, and open it in VS Code with the extension.
//   - desktop VS Code when `code` is on PATH: development mode, nothing installed;
//   - otherwise code-server on 127.0.0.1 (installed locally by test/e2e/setup.sh) with the packaged
//     extension installed, printing the URL to open. Ctrl-C stops it.
// Build and install chatter is shown only when a step fails; each step says how long it took. Measured on
// 2 busy cores: build 4 s, sample 14 s (once), packaging 18 s, install into code-server 11 s.
// Options: --rows N (default 2000), --port P, --no-open (generate only).
const { execFileSync, spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const rows = Number(opt('--rows', '2000'));
const sampleDir = path.join(root, 'sample-data');
const dataset = path.join(sampleDir, 'imagenet_val.lance');
const run = (cmd, argv, extra = {}) => execFileSync(cmd, argv, { cwd: root, stdio: 'inherit', ...extra });
const log = (s) => console.log(`[demo] ${s}`);
// Steps whose output is only worth reading when they fail (the builds' size listings, the install's chatter).
function quiet(cmd, argv) {
  try {
    execFileSync(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (err) {
    process.stdout.write(err.stdout ?? '');
    process.stderr.write(err.stderr ?? '');
    throw err;
  }
}
const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
const NEXT_STEPS = [
  'Then, in VS Code: right-click imagenet_val.lance in the Explorer → "Open in Lance Inspector" (or F1 → "Lance: Open Dataset…").',
  'The Lance icon in the activity bar holds the Datasets view and the Row Preview: double-click a row (or select it and press Enter) to see it whole.',
  'F1 → "Welcome: Open Walkthrough..." → "Get Started with Lance Inspector" shows the rest.',
].join('\n[demo] ');

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function main() {
  log('building the extension and the sample generator');
  quiet(process.execPath, ['esbuild.js']);
  quiet(process.execPath, ['esbuild.js', '--tests']);

  // The stamp lives outside the sample folder, so the workspace shows only the dataset.
  const marker = path.join(root, '.vscode-test', `demo-sample-${rows}.stamp`);
  if (fs.existsSync(dataset) && fs.existsSync(marker)) {
    log(`sample dataset already there: ${dataset}`);
  } else {
    log(`generating a ${rows}-row ImageNet-like sample into ${sampleDir} (once; deterministic; about 10–20 s on 2 cores)`);
    const t0 = Date.now();
    fs.rmSync(sampleDir, { recursive: true, force: true });
    run(process.execPath, ['out/test/fixtures/generate.cli.js', '--kind', 'imagenet', '--rows', String(rows), '--out', sampleDir]);
    log(`sample generated in ${seconds(t0)}`);
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, new Date().toISOString());
  }
  if (args.includes('--no-open')) return;

  if (onPath('code') && !process.env.LANCE_DEMO_CODE_SERVER) {
    log('opening in desktop VS Code (extension in development mode)');
    run('code', ['--extensionDevelopmentPath', root, sampleDir]);
    log(NEXT_STEPS);
    return;
  }

  log('no `code` on PATH: using code-server (installed locally on first use)');
  run('bash', ['test/e2e/setup.sh']);
  log('packaging the extension');
  let t0 = Date.now();
  quiet(process.execPath, ['scripts/package.js']);
  log(`packaged in ${seconds(t0)}`);
  const pkg = require('../package.json');
  const vsix = path.join(root, `${pkg.name}-${pkg.version}-linux-x64.vsix`);
  const cs = path.join(root, '.vscode-test/code-server/node_modules/.bin/code-server');
  const home = path.join(root, '.vscode-test/demo');
  const userData = path.join(home, 'user-data');
  const extensions = path.join(home, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(home, 'config.yaml'), 'auth: none\ncert: false\n');
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    ),
  );
  t0 = Date.now();
  quiet(cs, ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix, '--force']);
  log(`installed into code-server in ${seconds(t0)}`);
  const port = Number(opt('--port', 0)) || (await freePort());
  const child = spawn(
    cs,
    [
      '--config',
      path.join(home, 'config.yaml'),
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      sampleDir,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => {
    log(`code-server exited (${code})`);
    process.exit(code ?? 0);
  });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(sampleDir)}`;
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`VS Code (code-server) with Lance Inspector is running. Open:\n\n    ${url}\n`);
  log(NEXT_STEPS);
  log('Ctrl-C stops code-server.');
  if (os.platform() === 'linux' && process.env.DISPLAY && onPath('xdg-open')) spawn('xdg-open', [url], { stdio: 'ignore', detached: true }).unref();
}

main().catch((err) => {
  console.error(`[demo] ${err.message}`);
  process.exit(1);
});
