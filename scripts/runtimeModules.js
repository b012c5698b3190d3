// The node_modules the extension host loads at run time, and a check that .vscodeignore ships them.
//
// Why: esbuild leaves @lancedb/lancedb and apache-arrow outside the bundle (the native module and
// arrow's instanceof checks need the one installed copy), so the VSIX must carry them and everything
// they depend on. .vscodeignore ignores all of node_modules and lets named packages back in; a list
// kept by hand silently goes stale when an upgrade adds a dependency, and the VSIX then fails to load
// in VS Code while every test run from the source tree still passes. `node scripts/package.js` runs
// this check first and refuses to package when a module is missing.
//
// The runtime tree: the host's external packages (RUNTIME_ROOTS), then each package's `dependencies`,
// resolved the way Node resolves them (nested node_modules first), recursively. Left out:
//  - optional dependencies without a native module: lancedb's optional embedding providers (openai,
//    @huggingface/transformers) load only when an embedding function is registered, which the
//    inspector never does. Optional dependencies that carry a `.node` file (lancedb's per-platform
//    native package) are followed when installed;
//  - `@types/*`: declarations only, nothing Node loads.
//
// Usage: node scripts/runtimeModules.js          check; exit 1 with the lines to add when one is missing
//        node scripts/runtimeModules.js --list   print the runtime tree
const fs = require('fs');
const path = require('path');

/** What esbuild.js keeps external for the host bundle (besides `vscode`, which VS Code provides). */
const RUNTIME_ROOTS = ['@lancedb/lancedb', 'apache-arrow'];

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The folder of package `name` as Node finds it from `fromDir` (a package folder), or undefined. */
function resolvePackage(root, fromDir, name) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.relative(root, dir) === '' || dir === path.dirname(dir)) return undefined;
  }
}

function hasNativeModule(dir) {
  return fs.readdirSync(dir).some((f) => f.endsWith('.node'));
}

/**
 * The runtime tree under `root`: [{ name, dir (relative to root, '/'-separated), main }], sorted by dir,
 * plus the optional dependencies left out. Throws when a required dependency is not installed.
 */
function runtimeModules(root, roots = RUNTIME_ROOTS) {
  const found = new Map();
  const skippedOptional = new Set();
  const visit = (name, fromDir, requiredBy) => {
    if (name.startsWith('@types/')) return;
    const dir = resolvePackage(root, fromDir, name);
    if (!dir) throw new Error(`${name} (needed by ${requiredBy}) is not installed: run npm install`);
    const rel = path.relative(root, dir).split(path.sep).join('/');
    if (found.has(rel)) return;
    const pkg = readJson(path.join(dir, 'package.json'));
    found.set(rel, { name, dir: rel, main: pkg.main });
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, name);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
      if (pkg.dependencies?.[dep]) continue;
      const optDir = resolvePackage(root, dir, dep);
      if (optDir && hasNativeModule(optDir)) visit(dep, dir, name);
      else if (optDir) skippedOptional.add(dep);
    }
  };
  for (const name of roots) visit(name, root, 'the extension host');
  return { modules: [...found.values()].sort((a, b) => a.dir.localeCompare(b.dir)), skippedOptional: [...skippedOptional].sort() };
}

/** .vscodeignore lines as [{ negate, re }], in order (the last pattern that matches a path decides, as in vsce). */
function parseIgnore(text) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const glob = negate ? l.slice(1) : l;
      // Enough of minimatch for this file: `**` spans folders, `*` stays inside one, the rest is literal.
      const re = glob
        .split(/(\*\*\/?|\*)/)
        .map((part) => (part === '**/' ? '(?:.*/)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return { negate, re: new RegExp(`^${re}$`), line: l };
    });
}

function shipped(patterns, file) {
  let included = true;
  for (const p of patterns) if (p.re.test(file)) included = p.negate;
  return included;
}

/**
 * Runtime modules whose package.json or main file .vscodeignore leaves out of the VSIX, each with the
 * line that would let it in.
 */
function missingRuntimeModules(root, ignoreText = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8')) {
  const patterns = parseIgnore(ignoreText);
  const { modules } = runtimeModules(root);
  const missing = [];
  for (const m of modules) {
    const files = [`${m.dir}/package.json`];
    if (m.main) files.push(path.posix.normalize(`${m.dir}/${m.main}`));
    const lost = files.filter((f) => !shipped(patterns, f));
    if (lost.length) missing.push({ ...m, lost, line: `!${m.dir}/**` });
  }
  return missing;
}

/** Throws a message naming every missing module and the .vscodeignore lines to add. */
function checkVscodeignore(root) {
  const missing = missingRuntimeModules(root);
  if (missing.length) {
    throw new Error(
      `.vscodeignore leaves ${missing.length} runtime module(s) out of the VSIX, which would then fail to load in VS Code:\n` +
        missing.map((m) => `  ${m.dir} (${m.lost.join(', ')})`).join('\n') +
        // A nested module's line is not needed when its parent folder's line is added too.
        `\nAdd to .vscodeignore:\n${missing
          .filter((m) => !missing.some((o) => o !== m && m.dir.startsWith(`${o.dir}/`)))
          .map((m) => `  ${m.line}`)
          .join('\n')}`,
    );
  }
}

module.exports = { RUNTIME_ROOTS, runtimeModules, parseIgnore, missingRuntimeModules, checkVscodeignore };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  if (process.argv.includes('--list')) {
    const { modules, skippedOptional } = runtimeModules(root);
    for (const m of modules) console.log(m.dir);
    console.log(`(optional, not shipped: ${skippedOptional.join(', ') || 'none'})`);
  } else {
    try {
      checkVscodeignore(root);
      console.log(`.vscodeignore ships all ${runtimeModules(root).modules.length} runtime modules.`);
    } catch (err) {
      console.error(err.message);
      process.exit(1);
    }
  }
}
