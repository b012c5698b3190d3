// Workspace discovery (src/extension/discoveryWalk.ts): a bounded breadth-first walk that finds dataset
// folders (a `_versions/` holding a `.manifest`), never follows links out of the workspace, ends link
// loops, skips dependency and hidden folders, does not descend into datasets, and stops on depth, time,
// folder count, result count and abort, saying so. The datasets here are fake (`_versions/1.manifest`):
// the walker only looks at names.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeStop, findDatasets, skipFolder } from '../../src/extension/discoveryWalk';

let root: string; // the temp folder holding the workspace and an "outside" folder
let ws: string; // the workspace folder

function dataset(p: string, manifests = ['1.manifest']): string {
  fs.mkdirSync(path.join(p, '_versions'), { recursive: true });
  for (const m of manifests) fs.writeFileSync(path.join(p, '_versions', m), '');
  fs.mkdirSync(path.join(p, 'data'), { recursive: true });
  return p;
}

const rel = (ps: string[]) => ps.map((p) => path.relative(ws, p).split(path.sep).join('/'));

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'li-discovery-'));
  ws = path.join(root, 'ws');
  fs.mkdirSync(ws);
  // Datasets at several depths, any folder name.
  dataset(path.join(ws, 'top.lance'));
  dataset(path.join(ws, 'a', 'plain_name'));
  dataset(path.join(ws, 'a', 'b', 'c', 'deep.lance'));
  dataset(path.join(ws, 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'at8.lance')); // depth 8: found
  dataset(path.join(ws, 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'at9.lance')); // depth 9: too deep
  // A LanceDB database: a folder of tables.
  dataset(path.join(ws, 'db', 'one.lance'));
  dataset(path.join(ws, 'db', 'two.lance'));
  // Not datasets: _versions without a manifest; a dataset's insides are not walked (a "dataset" in data/).
  fs.mkdirSync(path.join(ws, 'empty_versions', '_versions'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'empty_versions', '_versions', 'notes.txt'), '');
  dataset(path.join(ws, 'top.lance', 'data', 'nested.lance'));
  dataset(path.join(ws, 'top.lance', '_indices', 'x.lance'));
  // Skipped folders.
  dataset(path.join(ws, 'node_modules', 'pkg', 'in_deps.lance'));
  dataset(path.join(ws, '.git', 'in_git.lance'));
  dataset(path.join(ws, '.cache', 'in_cache.lance'));
  // Links: to `/`, a loop back up, a dataset elsewhere inside the workspace, one outside, a broken one.
  const outside = path.join(root, 'outside');
  dataset(path.join(outside, 'outside.lance'));
  fs.symlinkSync('/', path.join(ws, 'a', 'to_root'));
  fs.symlinkSync('..', path.join(ws, 'a', 'b', 'loop_up'));
  fs.symlinkSync(ws, path.join(ws, 'a', 'b', 'c', 'loop_ws'));
  fs.mkdirSync(path.join(ws, 'hidden_place', 'x', 'y', 'z', 'w', 'v', 'u', 'q'), { recursive: true });
  dataset(path.join(ws, 'hidden_place', 'x', 'y', 'z', 'w', 'v', 'u', 'q', 'real_target.lance')); // depth 9 by its own path
  fs.symlinkSync(path.join(ws, 'hidden_place', 'x', 'y', 'z', 'w', 'v', 'u', 'q', 'real_target.lance'), path.join(ws, 'linked.lance'));
  fs.symlinkSync(path.join(ws, 'a', 'plain_name'), path.join(ws, 'also_plain')); // same dataset as a/plain_name
  fs.symlinkSync(outside, path.join(ws, 'to_outside'));
  fs.symlinkSync(path.join(outside, 'outside.lance'), path.join(ws, 'outside_link.lance'));
  fs.symlinkSync(path.join(root, 'nowhere'), path.join(ws, 'broken'));
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

test('finds the datasets of the workspace, and only those', async () => {
  const r = await findDatasets({ roots: [ws] });
  assert.deepEqual(rel(r.datasets), ['a/b/c/deep.lance', 'a/plain_name', 'd1/d2/d3/d4/d5/d6/d7/at8.lance', 'db/one.lance', 'db/two.lance', 'linked.lance', 'top.lance']);
  // Not: at9 (depth 9), anything under a dataset, node_modules/.git/.cache, outside links, `/`.
  assert.equal(r.stoppedBy, undefined, 'it looked everywhere it may');
  assert.ok(r.tooDeep >= 2, `folders below depth 8 are counted: ${r.tooDeep}`);
  assert.ok(r.linksOutside >= 4, `links to /, outside and nowhere not followed: ${r.linksOutside}`);
  assert.ok(r.elapsedMs < 5000, `took ${r.elapsedMs} ms`);
  assert.ok(r.foldersRead < 100, `a small tree, read once each (loops end): ${r.foldersRead}`);
  assert.equal(describeStop(r), undefined);
});

test('a linked dataset folder inside the workspace is listed once, under its own path when that is reached', async () => {
  const r = await findDatasets({ roots: [ws], maxDepth: 12 });
  const names = rel(r.datasets);
  assert.ok(names.includes('a/plain_name') && !names.includes('also_plain'), 'the real path wins over the link');
  assert.ok(names.includes('hidden_place/x/y/z/w/v/u/q/real_target.lance') && !names.includes('linked.lance'), 'reached by its real path when deep enough');
  assert.ok(names.includes('e1/e2/e3/e4/e5/e6/e7/e8/at9.lance'));
});

test('a workspace that is itself a dataset, a root that is a link, several roots, a missing root', async () => {
  const r = await findDatasets({ roots: [path.join(ws, 'top.lance')] });
  assert.deepEqual(r.datasets, [path.join(ws, 'top.lance')], 'not walked into');
  const linkRoot = path.join(root, 'ws_link');
  fs.symlinkSync(ws, linkRoot);
  const viaLink = await findDatasets({ roots: [linkRoot, path.join(root, 'missing')] });
  assert.equal(viaLink.datasets.length, 7);
  assert.ok(
    viaLink.datasets.every((d) => d.startsWith(linkRoot + path.sep)),
    'paths as the workspace names them',
  );
  const two = await findDatasets({ roots: [path.join(ws, 'db'), path.join(ws, 'a')] });
  assert.deepEqual(rel(two.datasets), ['a/b/c/deep.lance', 'a/plain_name', 'db/one.lance', 'db/two.lance']);
});

test('a link to / inside the workspace is not followed, even with generous limits (the reported 30 s case)', async () => {
  const small = fs.mkdtempSync(path.join(os.tmpdir(), 'li-discovery-root-'));
  try {
    fs.symlinkSync('/', path.join(small, 'slash'));
    fs.symlinkSync('/usr', path.join(small, 'usr'));
    const t0 = Date.now();
    const r = await findDatasets({ roots: [small], maxDepth: 50, timeBudgetMs: 30_000, maxFolders: 1e9 });
    assert.deepEqual(r.datasets, []);
    assert.equal(r.stoppedBy, undefined);
    assert.equal(r.foldersRead, 1);
    assert.ok(Date.now() - t0 < 1000);
  } finally {
    fs.rmSync(small, { recursive: true, force: true });
  }
});

test('the time budget bounds the call, and says so', async () => {
  // A wide tree: 40 × 40 folders, read one at a time, with a budget far too small for it.
  const wide = fs.mkdtempSync(path.join(os.tmpdir(), 'li-discovery-wide-'));
  try {
    for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) fs.mkdirSync(path.join(wide, `f${i}`, `g${j}`), { recursive: true });
    dataset(path.join(wide, 'f0', 'first.lance'));
    const t0 = Date.now();
    const r = await findDatasets({ roots: [wide], timeBudgetMs: 30, concurrency: 1 });
    const took = Date.now() - t0;
    assert.ok(took < 500, `returned in ${took} ms`);
    if (r.stoppedBy === 'time') {
      assert.ok(r.foldersRead < 1 + 40 + 1600, `cut short: ${r.foldersRead} folders`);
      assert.match(describeStop(r)!, /^The search for datasets stopped after 30 ms \([\d,]+ folders read\); some may be missing\.$/);
    } else {
      // A very fast disk may read everything within 30 ms: then it found all there is.
      assert.equal(r.stoppedBy, undefined);
      assert.deepEqual(r.datasets, [path.join(wide, 'f0', 'first.lance')]);
    }
    // The folder budget, deterministic.
    const f = await findDatasets({ roots: [wide], maxFolders: 10 });
    assert.equal(f.stoppedBy, 'folders');
    assert.equal(f.foldersRead, 10);
    assert.match(describeStop(f)!, /stopped after 10 folders/);
    // The result budget.
    const one = await findDatasets({ roots: [ws], maxResults: 1 });
    assert.equal(one.stoppedBy, 'results');
    assert.deepEqual(rel(one.datasets), ['top.lance'], 'breadth-first: the shallowest first');
  } finally {
    fs.rmSync(wide, { recursive: true, force: true });
  }
});

test('an AbortSignal stops it at once, before or during the walk', async () => {
  const pre = new AbortController();
  pre.abort();
  const r0 = await findDatasets({ roots: [ws], signal: pre.signal });
  assert.equal(r0.stoppedBy, 'aborted');
  assert.equal(r0.foldersRead, 0);
  assert.match(describeStop(r0)!, /cancelled/);

  const deep = fs.mkdtempSync(path.join(os.tmpdir(), 'li-discovery-abort-'));
  try {
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) fs.mkdirSync(path.join(deep, `f${i}`, `g${j}`, 'h'), { recursive: true });
    const ac = new AbortController();
    const t0 = Date.now();
    const p = findDatasets({ roots: [deep], signal: ac.signal, concurrency: 1 });
    setImmediate(() => ac.abort());
    const r = await p;
    assert.equal(r.stoppedBy, 'aborted');
    assert.ok(r.foldersRead < 1 + 30 + 900 + 900, `stopped early: ${r.foldersRead}`);
    assert.ok(Date.now() - t0 < 1000);
  } finally {
    fs.rmSync(deep, { recursive: true, force: true });
  }
});

test('skipped folder names', () => {
  for (const n of ['node_modules', '.git', '.cache', '.venv', '__pycache__', 'site-packages', '.vscode-test']) assert.ok(skipFolder(n), n);
  for (const n of ['data', 'datasets', 'my.lance', '_versions_backup', 'node_modules_old']) assert.ok(!skipFolder(n), n);
});
