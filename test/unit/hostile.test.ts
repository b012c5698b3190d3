// The data layer against hostile datasets (issue 10): awkward column names (mixed case, keywords,
// spaces, quotes, `__proto__`, a backtick), 2,000 columns, a damaged latest manifest, cancellation
// before any engine call, and datasets deleted or rewritten while open. Every dataset is
// byte-identical afterwards (the damaged one too: it is read through a view, never repaired).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Field, Int64, Utf8 } from 'apache-arrow';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { LanceError } from '../../src/extension/lance/errors';
import type { Cell } from '../../src/shared/types';
import { column, tableOf } from '../fixtures/arrowUtil';
import {
  DAMAGED_GOOD_VERSION,
  DAMAGED_LATEST_VERSION,
  DAMAGED_ROWS_PER_VERSION,
  generateHostile,
  HOSTILE_NAME_COLUMNS,
  NAMES_ROWS,
  wideValue,
  WIDE_COLUMNS,
  WIDE_ROWS,
  type HostileDatasets,
} from '../fixtures/hostile';
import { lancedb } from '../fixtures/lance';
import { treeChecksums } from '../helpers/corpus';

let dir: string;
let ds: Partial<HostileDatasets>;
let before_: Map<string, string>;
const opened: LanceDataset[] = [];

async function open(uri: string, opts: Parameters<typeof LanceDataset.open>[1] = {}): Promise<LanceDataset> {
  const d = await LanceDataset.open({ uri, name: path.basename(uri, '.lance') }, opts);
  opened.push(d);
  return d;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-hostile-'));
  ds = await generateHostile({ dir, only: ['names', 'wide', 'damaged', 'nonFinite', 'huge'] });
  before_ = treeChecksums(path.join(dir, 'hostile_db'));
});

after(() => {
  for (const d of opened) d.close();
  if (before_) assert.deepEqual([...treeChecksums(path.join(dir, 'hostile_db')).entries()], [...before_.entries()], 'reading wrote nothing');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('awkward column names', () => {
  test('every column reads its own values, `__proto__` and `constructor` included', async () => {
    const d = await open(ds.names!);
    const desc = await d.describe();
    assert.deepEqual(
      desc.schema.map((f) => f.name),
      ['id', ...HOSTILE_NAME_COLUMNS],
    );
    assert.equal(desc.rowsError, undefined);
    const page = await d.rows({ offset: 0, limit: NAMES_ROWS });
    assert.deepEqual(page.columns, ['id', ...HOSTILE_NAME_COLUMNS]);
    assert.equal(page.rows.length, NAMES_ROWS);
    const at = (name: string, r: number): Cell => page.rows[r][page.columns.indexOf(name)];
    assert.equal(at('Label', 4), 'L1');
    assert.equal(at('__proto__', 2), '__proto__ 2');
    assert.equal(at('constructor', 3), 'constructor 3');
    assert.equal(at('with space', 5), 'with space 5');
    for (const name of HOSTILE_NAME_COLUMNS) assert.notEqual(at(name, 7), null, `${name} read`);
  });

  test('a page of chosen awkward columns reads only those, in that order', async () => {
    const d = await open(ds.names!);
    const page = await d.rows({ offset: 3, limit: 2, columns: ['__proto__', 'Label', 'select'] });
    assert.deepEqual(page.rows, [
      ['__proto__ 3', 'L0', 'select 3'],
      ['__proto__ 4', 'L1', 'select 4'],
    ]);
  });

  test('a filter on a mixed-case column through backticks', async () => {
    const d = await open(ds.names!);
    assert.equal(await d.count("`Label` = 'L1'"), 7);
    const page = await d.rows({ offset: 0, limit: 50, filter: "`Label` = 'L1'", columns: ['id'] });
    assert.deepEqual(
      page.rows.map((r) => r[0]),
      [1, 4, 7, 10, 13, 16, 19],
    );
  });

  test('a column whose name holds a backtick is a placeholder; the other columns read', async () => {
    const db = await lancedb.connect(path.join(dir, 'tick_db'));
    const fields = [new Field('id', new Int64(), false), new Field('back`tick', new Utf8(), true)];
    await db.createTable('tick', tableOf(fields, [column(new Int64(), [1n, 2n]), column(new Utf8(), ['a', 'b'])]));
    const d = await open(path.join(dir, 'tick_db', 'tick.lance'));
    const desc = await d.describe();
    assert.equal(desc.rowsError, undefined, 'rows are readable');
    const page = await d.rows({ offset: 0, limit: 10 });
    assert.deepEqual(
      page.rows.map((r) => r[0]),
      [1, 2],
    );
    const cell = page.rows[0][1] as { t: string; reason: string };
    assert.equal(cell.t, 'unsupported');
    assert.match(cell.reason, /backtick/);
    const full = await d.fullRow(page.rowIds[1], undefined, 0);
    assert.equal(full.row[0], 2);
  });
});

describe('a 2,000-column table', () => {
  test('a page of every column reads every value (projection by bare names)', async () => {
    const d = await open(ds.wide!);
    const desc = await d.describe();
    assert.equal(desc.schema.length, WIDE_COLUMNS + 1);
    const started = Date.now();
    const page = await d.rows({ offset: WIDE_ROWS - 50, limit: 50 });
    const ms = Date.now() - started;
    console.log(`# wide table: a page of 50 rows × ${WIDE_COLUMNS + 1} columns in ${ms} ms`);
    assert.equal(page.rows.length, 50);
    assert.equal(page.columns.length, WIDE_COLUMNS + 1);
    const r = 10;
    for (const c of [0, 1, 999, 1998, 1999]) {
      const v = page.rows[r][page.columns.indexOf(`c${c}`)] as number;
      assert.ok(Math.abs(v - wideValue(WIDE_ROWS - 50 + r, c)) <= Math.abs(wideValue(WIDE_ROWS - 50 + r, c)) * 1e-6, `c${c}`);
    }
    const taken = await d.fullRow(page.rowIds[0], undefined, 0);
    assert.equal(taken.row.length, WIDE_COLUMNS + 1);
  });
});

describe('a damaged latest manifest', () => {
  test('the dataset opens at its newest readable version, read-only, and says why', async () => {
    const d = await open(ds.damaged!);
    assert.equal(d.version, DAMAGED_GOOD_VERSION);
    assert.equal(d.pinned, true);
    const desc = await d.describe();
    assert.ok(desc.damage, 'the description reports the damage');
    assert.deepEqual(desc.damage.damagedVersions, [DAMAGED_LATEST_VERSION]);
    assert.match(desc.damage.message, new RegExp(`Version ${DAMAGED_LATEST_VERSION}'s manifest is damaged`));
    assert.match(desc.damage.message, new RegExp(`shows version ${DAMAGED_GOOD_VERSION}, the newest readable one`));
    assert.equal(desc.stats.rows, DAMAGED_GOOD_VERSION * DAMAGED_ROWS_PER_VERSION);
    assert.equal(desc.rowsError, undefined);
    const page = await d.rows({ offset: 0, limit: 100 });
    assert.equal(page.rows.length, DAMAGED_GOOD_VERSION * DAMAGED_ROWS_PER_VERSION);
  });

  test('older versions open by number; the damaged one is named', async () => {
    const v1 = await open(ds.damaged!, { version: 1 });
    assert.equal(await v1.count(), DAMAGED_ROWS_PER_VERSION);
    await assert.rejects(open(ds.damaged!, { version: DAMAGED_LATEST_VERSION }), (e: unknown) => {
      assert.ok(e instanceof LanceError);
      assert.equal(e.kind, 'unreadable-data');
      assert.match(e.message, new RegExp(`^Version ${DAMAGED_LATEST_VERSION}'s manifest is damaged.*Version ${DAMAGED_GOOD_VERSION} is the newest readable one`));
      return true;
    });
  });

  test('the version history lists the damaged version as damaged', async () => {
    const d = await open(ds.damaged!);
    const page = await d.versions(0, 10);
    assert.equal(page.total, DAMAGED_LATEST_VERSION);
    assert.equal(page.versions[0].version, DAMAGED_LATEST_VERSION);
    assert.match(page.versions[0].damaged ?? '', /cannot be read/);
    assert.equal(page.versions[1].damaged, undefined);
    assert.equal(page.versions[1].rows, DAMAGED_GOOD_VERSION * DAMAGED_ROWS_PER_VERSION);
  });
});

describe('bounded work', () => {
  test('a cancelled request never reaches the engine', async () => {
    const d = await open(ds.names!);
    const ac = new AbortController();
    ac.abort();
    const cancelled = (e: unknown) => e instanceof LanceError && e.kind === 'cancelled';
    await assert.rejects(d.count('id > 3', ac.signal), cancelled);
    await assert.rejects(d.rows({ offset: 0, limit: 5 }, ac.signal), cancelled);
    await assert.rejects(d.rows({ offset: 0, limit: 5, filter: 'id > 3' }, ac.signal), cancelled);
    await assert.rejects(d.fullRow('0', undefined, 0, ac.signal), cancelled);
    // Statistics answer a cancel with the figures so far (none here), not an error.
    const stats = await d.columnStats({ column: 'Label' }, ac.signal);
    assert.deepEqual([stats.partial, stats.rows], [true, 0]);
  });

  test('a filtered count streams ids and agrees with the engine’s own count', async () => {
    const d = await open(ds.names!);
    assert.equal(await d.count('id >= 5'), NAMES_ROWS - 5);
    assert.equal(await d.count('id >= 5'), await d.engineTable().countRows('id >= 5'));
    assert.equal(await d.count(), NAMES_ROWS);
    await assert.rejects(d.count('nope = 1'), (e: unknown) => e instanceof LanceError && e.kind === 'bad-filter');
  });

  test('a tiny time limit stops a filtered count with a timeout error', async () => {
    const d = await open(ds.huge!, { timeoutMs: 1 });
    // The engine's own timeout: matching a pattern in five 20 MB strings takes far longer than 1 ms
    // (a scan of the 300-row wide table sometimes finished within it: a flaky test).
    await assert.rejects(d.count("text LIKE '%no such text%'"), (e: unknown) => e instanceof LanceError && e.kind === 'timeout' && /took too long/i.test(e.message));
  });
});

describe('datasets changed under an open view', () => {
  test('a dataset deleted while open answers with an error, not a crash', async () => {
    const copy = path.join(dir, 'copies', 'gone.lance');
    fs.cpSync(ds.names!, copy, { recursive: true });
    const d = await open(copy);
    await d.describe();
    fs.rmSync(copy, { recursive: true, force: true });
    await assert.rejects(d.rows({ offset: 0, limit: 5 }), (e: unknown) => e instanceof LanceError && /missing|not found|could not be read/i.test(e.message));
  });

  test('a dataset rewritten while open keeps showing the version it opened', async () => {
    const copyDir = path.join(dir, 'copies2');
    fs.cpSync(ds.names!, path.join(copyDir, 'names.lance'), { recursive: true });
    const d = await open(path.join(copyDir, 'names.lance'));
    const before = await d.rows({ offset: 0, limit: 3, columns: ['id', 'Label'] });
    const db = await lancedb.connect(copyDir);
    const fields = [new Field('id', new Int64(), false)];
    await db.createTable('names', tableOf(fields, [column(new Int64(), [99n])]), { mode: 'overwrite' });
    const again = await d.rows({ offset: 0, limit: 3, columns: ['id', 'Label'] });
    assert.deepEqual(again.rows, before.rows);
    const latest = await open(path.join(copyDir, 'names.lance'));
    assert.equal(await latest.count(), 1);
  });
});
