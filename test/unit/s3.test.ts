// The data layer on an s3:// copy of the ImageNet-like fixture, served by a real S3-compatible server
// (s3rver, in-process): the key assertions of dataLayer.test.ts against the remote copy, plus the
// object-store errors. Skips with a visible message when s3rver cannot start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LanceDataset } from '../../src/extension/lance/dataset';
import { LanceError } from '../../src/extension/lance/errors';
import { locate } from '../../src/extension/lance/locate';
import { createTag, deleteTag } from '../../src/extension/lance/tags';
import type { Cell } from '../../src/shared/types';
import { generateImagenetLike, IMAGENET_INITIAL_TAG } from '../fixtures/imagenetLike';
import { putObject, s3StorageOptions, startS3, uploadDir, type S3Server } from '../helpers/s3';

const ROWS = 400;
let dir: string;
let s3: S3Server | undefined;
let skip: string | false = false;
let uri: string;
let ds: LanceDataset;
let so: Record<string, string>;

before(async () => {
  const started = await startS3();
  if (typeof started === 'string') {
    skip = started;
    console.log(`# SKIP s3 tests: ${started}`);
    return;
  }
  s3 = started;
  so = s3.storageOptions;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-s3-'));
  const local = await generateImagenetLike({ dir, rows: ROWS, seed: 7 });
  await uploadDir(s3, local, 'db/imagenet_val.lance');
  // A second table under the same prefix (listing) and a copy for the tag test (writes).
  await uploadDir(s3, local, 'db/copy.lance');
  // A copy whose newest manifest was cut short (a half-finished upload): in another prefix, so the listing test does not see it.
  await uploadDir(s3, local, 'damaged/broken.lance');
  const newest = fs
    .readdirSync(path.join(local, '_versions'))
    .filter((f) => f.endsWith('.manifest'))
    .sort((a, b) => parseInt(b) - parseInt(a))[0];
  const bytes = fs.readFileSync(path.join(local, '_versions', newest));
  await putObject(s3, `damaged/broken.lance/_versions/${newest}`, bytes.subarray(0, bytes.length >> 1));
  uri = `s3://${s3.bucket}/db/imagenet_val.lance`;
  ds = await LanceDataset.open({ uri, name: 'imagenet_val' }, { storageOptions: so });
});

after(async () => {
  ds?.close();
  await s3?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function bin(c: Cell): Extract<Cell, { t: 'bin' }> {
  assert.ok(c && typeof c === 'object' && 't' in c && c.t === 'bin', `a binary cell, got ${JSON.stringify(c)}`);
  return c;
}

describe('ImageNet-like fixture on s3:// (s3rver)', () => {
  test('describe: reference schema, metadata, indices, stats', { skip }, async () => {
    const d = await ds.describe();
    assert.deepEqual(
      d.schema.map((f) => [f.name, f.type, f.kind]),
      [
        ['id', 'Int64', 'int'],
        ['image', 'LargeBinary', 'binary'],
        ['label', 'Int32', 'int'],
        ['label_name', 'Utf8', 'string'],
        ['image_emb', 'FixedSizeList[512]<Float32>', 'vector'],
        ['caption', 'Utf8', 'string'],
      ],
    );
    assert.ok(d.classNames?.includes('golden_retriever'));
    const byCol = Object.fromEntries(d.indices.map((i) => [i.columns[0], i]));
    assert.equal(byCol.image_emb.type, 'IvfPq');
    assert.match(byCol.image_emb.metric ?? '', /cosine/i);
    assert.equal(byCol.label.type, 'BTree');
    assert.equal(byCol.label_name.type, 'Bitmap');
    assert.equal(d.stats.rows, ROWS);
    assert.ok(d.stats.fragments >= 1);
    assert.ok((d.stats.bytes ?? 0) > ROWS * 1000, 'size known and plausible');
    // From the manifest, read by range requests (the engine does not report the format).
    assert.match(d.stats.dataFormat ?? '', /^2\.\d/);
    assert.equal(d.stats.deletedRows, 0);
    assert.equal(d.rowsError, undefined);
    assert.equal(d.pinned, false);
    assert.equal(d.version, d.latestVersion);
  });

  test('versions: newest first, paged, with tags and row counts', { skip }, async () => {
    const all = await ds.versions(0, 100);
    assert.ok(all.total >= 3);
    assert.equal(all.versions[0].version, all.latest);
    assert.ok(all.versions.every((v, i) => i === 0 || v.version < all.versions[i - 1].version));
    assert.ok(
      all.versions.find((v) => v.tags.includes(IMAGENET_INITIAL_TAG)),
      'the initial tag sits beside its version',
    );
    assert.ok(all.versions.every((v) => v.timestamp && !Number.isNaN(Date.parse(v.timestamp))));
    assert.equal(all.versions[0].rows, ROWS);
    assert.ok(all.versions.some((v) => v.rows !== undefined && v.rows < ROWS));
    // What each commit did, from its transaction file, as for local datasets.
    const ops = all.versions.map((v) => v.metadata.operation);
    assert.equal(ops.at(-1), 'overwrite');
    assert.ok(ops.includes('append') && ops.includes('create index'), ops.join(', '));
    const page2 = await ds.versions(1, 1);
    assert.equal(page2.versions.length, 1);
    assert.equal(page2.versions[0].version, all.versions[1].version);
  });

  test('an older version and a tag open read-only with their own row count', { skip }, async () => {
    const old = await LanceDataset.open({ uri, name: 'imagenet_val' }, { tag: IMAGENET_INITIAL_TAG, storageOptions: so });
    try {
      const d = await old.describe();
      assert.equal(d.pinned, true);
      assert.equal(d.tag, IMAGENET_INITIAL_TAG);
      assert.ok(d.stats.rows < ROWS);
    } finally {
      old.close();
    }
    await assert.rejects(LanceDataset.open({ uri, name: 'imagenet_val' }, { version: 999, storageOptions: so }), (e: unknown) => e instanceof LanceError && e.kind === 'not-found');
    await assert.rejects(
      LanceDataset.open({ uri, name: 'imagenet_val' }, { tag: 'no-such-tag', storageOptions: so }),
      (e: unknown) => e instanceof LanceError && e.kind === 'not-found',
    );
  });

  test('rows: a filtered page carries exact JPEG bytes, only when asked', { skip }, async () => {
    const n = await ds.count("label_name = 'golden_retriever'");
    assert.ok(n > 0 && n < ROWS);
    const page = await ds.rows({ filter: "label_name = 'golden_retriever'", offset: 0, limit: 8, withImages: true, maxImageBytes: 1 << 20 });
    assert.equal(page.rows.length, Math.min(8, n));
    assert.deepEqual(page.columns, ['id', 'image', 'label', 'label_name', 'image_emb', 'caption']);
    for (const r of page.rows) {
      assert.equal(r[3], 'golden_retriever');
      const img = bin(r[1]);
      assert.equal(img.media, 'image/jpeg');
      assert.equal(img.bytes?.byteLength, img.size);
      assert.deepEqual([...(img.bytes ?? []).slice(0, 3)], [0xff, 0xd8, 0xff]);
    }
    const noImages = await ds.rows({ offset: 0, limit: 3 });
    assert.equal(bin(noImages.rows[0][1]).bytes, undefined, 'no bytes unless asked');
  });

  test('rows: chosen columns, LIKE / IN filters, sort, last page', { skip }, async () => {
    const filter = "label_name LIKE 'tabby%' OR label_name IN ('goldfish', 'tench')";
    const page = await ds.rows({ filter, columns: ['label_name', 'id'], offset: 0, limit: 100 });
    assert.deepEqual(page.columns, ['label_name', 'id']);
    assert.ok(page.rows.every((r) => /^(tabby.*|goldfish|tench)$/.test(r[0] as string)));
    assert.equal(page.rows.length, Math.min(100, await ds.count(filter)));
    const sorted = await ds.rows({ columns: ['id'], sort: [{ column: 'id', descending: true }], offset: 0, limit: 5 });
    assert.deepEqual(
      sorted.rows.map((r) => r[0]),
      [ROWS - 1, ROWS - 2, ROWS - 3, ROWS - 4, ROWS - 5],
    );
    assert.equal((await ds.rows({ columns: ['id'], offset: ROWS - 5, limit: 50 })).rows.length, 5);
  });

  test('text search through the FTS index', { skip }, async () => {
    const sum = await ds.search({ search: { column: 'caption', text: 'retriever' } });
    assert.ok(sum.count > 0);
    assert.equal(sum.answeredBy.kind, 'fts-index');
    const page = await ds.rows({ search: { column: 'caption', text: 'retriever' }, columns: ['caption'], offset: 0, limit: 5 });
    assert.ok(page.rows.length > 0 && page.rows.every((r) => /retriever/i.test(r[0] as string)));
  });

  test('a bad filter is a structured bad-filter error', { skip }, async () => {
    await assert.rejects(ds.count('no_such_column = 1'), (e: unknown) => e instanceof LanceError && e.kind === 'bad-filter' && /no_such_column/.test(e.message));
    assert.equal(await ds.count(), ROWS);
  });

  test('find similar: through the IVF_PQ index with cosine, neighbours share the class', { skip }, async () => {
    const page = await ds.rows({ filter: "label_name = 'golden_retriever'", columns: ['id', 'label'], offset: 0, limit: 1 });
    const res = await ds.similar({
      rowId: page.rowIds[0],
      vectorColumn: 'image_emb',
      k: 10,
      nprobes: 16,
      refineFactor: 2,
      columns: ['id', 'label', 'image'],
      withImages: true,
      maxImageBytes: 1 << 20,
    });
    assert.equal(res.answeredBy.kind, 'index');
    assert.equal(res.metric, 'cosine');
    assert.equal(res.rows.length, 10);
    const same = res.rows.filter((r) => r[1] === page.rows[0][1]).length;
    assert.ok(same >= 7, `most neighbours share the class (${same}/10)`);
    assert.equal(bin(res.rows[0][2]).media, 'image/jpeg');
  });

  test('column statistics and a version diff', { skip }, async () => {
    const st = await ds.columnStats({ column: 'label' });
    assert.equal(st.rows, ROWS);
    assert.equal(st.nulls, 0);
    assert.equal(typeof st.min, 'number');
    const vs = await ds.versions(0, 100);
    const d = await ds.compareVersions(1, vs.latest);
    // The same answer as for the local folder (versionDiff.test.ts), fragment ids included (read from the manifests).
    assert.deepEqual(d.schema.changed, [{ name: 'image', from: 'Binary', to: 'LargeBinary' }]);
    assert.deepEqual(d.rows, { from: ROWS / 2, to: ROWS });
    assert.deepEqual(d.fragments, { added: [1], removed: [], from: 1, to: 2 });
    assert.deepEqual(d.indices, { added: ['caption_idx', 'image_emb_idx', 'label_idx', 'label_name_idx'], removed: [] });
    assert.deepEqual(d.metadata, { added: [], removed: [], changed: [] });
  });

  test('tags: create and delete on a copy', { skip }, async () => {
    const loc = { uri: `s3://${s3!.bucket}/db/copy.lance`, name: 'copy' };
    assert.equal(await createTag(loc, 'remote-tag', 1, so), 'created');
    // Asking again for the same version (a retry) writes nothing; another version is refused.
    assert.equal(await createTag(loc, 'remote-tag', 1, so), 'existed');
    await assert.rejects(createTag(loc, 'remote-tag', 2, so), /already exists \(on version 1\)/);
    const copy = await LanceDataset.open(loc, { storageOptions: so });
    try {
      const vs = await copy.versions(0, 100);
      assert.ok(vs.versions.find((v) => v.version === 1)?.tags.includes('remote-tag'));
    } finally {
      copy.close();
    }
    await deleteTag(loc, 'remote-tag', so);
    const after = await LanceDataset.open(loc, { tag: 'remote-tag', storageOptions: so }).catch((e: unknown) => e);
    assert.ok(after instanceof LanceError && after.kind === 'not-found');
  });

  test('a damaged newest manifest is named, not reported as a generic engine error', { skip }, async () => {
    const e = await LanceDataset.open({ uri: `s3://${s3!.bucket}/damaged/broken.lance`, name: 'broken' }, { storageOptions: so }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(e instanceof LanceError && e.kind === 'unreadable-data', String(e));
    assert.match(e.message, /^Version \d+'s manifest is damaged/);
  });

  test('a prefix of tables lists them', { skip }, async () => {
    const found = await locate(`s3://${s3!.bucket}/db`, so);
    assert.equal(found.kind, 'database');
    assert.deepEqual(found.kind === 'database' && found.tables.map((t) => t.name), ['copy', 'imagenet_val']);
  });

  test("an AWS profile signs our own reads as it does the engine's: the listing works with its keys, and a wrong key in it is refused naming the profile", { skip }, async () => {
    const noKeys = Object.fromEntries(Object.entries(so).filter(([k]) => !/^aws_(access_key_id|secret_access_key)$/.test(k)));
    const aws = fs.mkdtempSync(path.join(os.tmpdir(), 'li-aws-'));
    fs.writeFileSync(
      path.join(aws, 'credentials'),
      '[good]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n\n[bad]\naws_access_key_id=WRONGKEY\naws_secret_access_key=S3RVER\n',
    );
    const saved = { ...process.env };
    try {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[k];
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(aws, 'credentials');
      process.env.AWS_CONFIG_FILE = path.join(aws, 'config-none');
      process.env.AWS_PROFILE = 'good';
      const found = await locate(`s3://${s3!.bucket}/db`, noKeys);
      assert.equal(found.kind, 'database');
      process.env.AWS_PROFILE = 'bad';
      const refused = await locate(`s3://${s3!.bucket}/db`, noKeys).then(
        () => undefined,
        (e: unknown) => e,
      );
      // Refused, so the key was sent: s3rver answers unsigned requests.
      assert.ok(refused instanceof LanceError && refused.kind === 'access-denied', String(refused));
      assert.match(refused.message, /profile "bad"/);
      assert.ok(!refused.message.includes('S3RVER'), 'the secret is never shown');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      fs.rmSync(aws, { recursive: true, force: true });
    }
  });

  test('a wrong key, a missing bucket and an unreachable endpoint say what was tried', { skip }, async () => {
    const open = (u: string, opts: Record<string, string>) =>
      LanceDataset.open({ uri: u, name: 'x' }, { storageOptions: opts }).then(
        () => undefined,
        (e: unknown) => e,
      );
    const wrongKey = await open(uri, s3StorageOptions(s3!.endpoint, { id: 'WRONGKEY', secret: 'S3RVER' }));
    assert.ok(wrongKey instanceof LanceError && wrongKey.kind === 'access-denied', String(wrongKey));
    assert.match(wrongKey.message, /refused the credentials \(InvalidAccessKeyId\)/);
    assert.ok(wrongKey.message.includes(uri) && wrongKey.message.includes(s3!.endpoint) && /access key WRONGKEY from the storage options/.test(wrongKey.message));
    assert.ok(!wrongKey.message.includes('S3RVER'), 'the secret is never shown');
    const noBucket = await open('s3://nobucket/db/imagenet_val.lance', so);
    assert.ok(noBucket instanceof LanceError && noBucket.kind === 'not-found' && /bucket does not exist/.test(noBucket.message), String(noBucket));
    const down = await open(uri, { ...so, aws_endpoint: 'http://127.0.0.1:1' });
    assert.ok(down instanceof LanceError && down.kind === 'unreachable' && /could not be reached.*http:\/\/127\.0\.0\.1:1/.test(down.message), String(down));
    const noHttp = await open(uri, { ...so, allow_http: 'false' });
    assert.ok(noHttp instanceof LanceError && noHttp.kind === 'unreachable' && /allow_http/.test(noHttp.message), String(noHttp));
  });
});
