// The extension as users get it: the VSIX from `npm run package` (scripts/package.js), built once per
// test process and installed into each fresh code-server. Testing the package rather than the source
// tree catches what only packaging breaks (files left out, native module for the wrong platform, …).
//
// LANCE_E2E_VSIX=/path/to/x.vsix skips the build and uses that file (CI artefact, or a quick re-run).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './harness';

let building: Promise<string> | undefined;

/** Path of a freshly packaged VSIX (memoised: the first call builds, later calls share the result). */
export function buildVsix(): Promise<string> {
  const override = process.env.LANCE_E2E_VSIX;
  if (override) {
    const p = path.resolve(override);
    if (!fs.existsSync(p)) return Promise.reject(new Error(`LANCE_E2E_VSIX=${override} does not exist`));
    return Promise.resolve(p);
  }
  building ??= packageOnce();
  return building;
}

async function packageOnce(): Promise<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  // What scripts/package.js writes (vsce's --target linux-x64 naming).
  const vsix = path.join(repoRoot, `${pkg.name}-${pkg.version}-linux-x64.vsix`);
  const started = Date.now();
  const output = await new Promise<string>((resolve, reject) => {
    execFile('npm', ['run', 'package'], { cwd: repoRoot, maxBuffer: 64 << 20, timeout: 10 * 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`npm run package failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
  // mtime check: an old VSIX lying around must not pass for a fresh one (2 s slack for coarse clocks).
  if (!fs.existsSync(vsix) || fs.statSync(vsix).mtimeMs < started - 2_000) {
    throw new Error(`npm run package did not (re)write ${vsix}. Output:\n${output}`);
  }
  const mb = (fs.statSync(vsix).size / 1e6).toFixed(1);
  console.log(`[e2e] packaged ${path.basename(vsix)} (${mb} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return vsix;
}
