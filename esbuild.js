// One build script, three targets:
//   host    node/cjs bundle of src/extension (vscode, @lancedb/lancedb and apache-arrow stay external:
//           the native module and arrow's instanceof checks need the single installed copy)
//   webview browser/esm bundles of src/webview
//   tests   each test/**/*.test.ts and the fixture/bench CLIs as node/cjs files under out/
// Usage: node esbuild.js [--production] [--watch] [--tests]
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const nodeExternal = ['vscode', '@lancedb/lancedb', 'apache-arrow', 'playwright-core', 'jpeg-js', 's3rver'];

function listFiles(dir, pattern) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listFiles(p, pattern);
    return pattern.test(e.name) ? [p] : [];
  });
}

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    // The embedding map's worker thread (PCA, UMAP with umap-js bundled in) and the thumbnail worker: scripts of their own.
    entryPoints: { extension: 'src/extension/extension.ts', mapWorker: 'src/extension/lance/mapWorker.ts', thumbnailWorker: 'src/extension/lance/thumbnailWorker.ts' },
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternal,
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
  },
  {
    entryPoints: { panel: 'src/webview/panel/main.ts', preview: 'src/webview/preview/main.ts' },
    outdir: 'dist/webview',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
  },
];

if (tests) {
  const entries = [
    ...listFiles('test/unit', /\.test\.ts$/),
    ...listFiles('test/webview', /\.test\.ts$/),
    ...listFiles('test/e2e', /\.(test|cli)\.ts$/),
    ...listFiles('test/fixtures', /\.cli\.ts$/),
    ...listFiles('test/bench', /\.cli\.ts$/),
  ];
  targets.push({
    entryPoints: entries,
    outdir: 'out',
    outbase: '.',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternal,
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

async function main() {
  if (watch) {
    const ctxs = await Promise.all(targets.map((t) => esbuild.context(t)));
    await Promise.all(ctxs.map((c) => c.watch()));
    console.log('[esbuild] watching…');
    return;
  }
  await Promise.all(targets.map((t) => esbuild.build(t)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
