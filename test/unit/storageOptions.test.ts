// The storage-options resolver: per-prefix options over a default, the old flat form read as the
// default, secrets merged last, and error messages that name where each key came from (never a secret).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { optionSource, prefixMatches, resolveStorageOptions } from '../../src/extension/lance/storageOptions';
import { classifyObjectStore, describeAttempt } from '../../src/extension/lance/objectStoreErrors';

describe('storage options per URI prefix', () => {
  test('prefixes match whole path segments', () => {
    assert.ok(prefixMatches('s3://bucket', 's3://bucket/db/t.lance'));
    assert.ok(prefixMatches('s3://bucket/', 's3://bucket'));
    assert.ok(prefixMatches('S3://Bucket', 's3://bucket/x'));
    assert.ok(prefixMatches('s3://', 's3://anything/x'));
    assert.ok(!prefixMatches('s3://bucket', 's3://bucket2/x'));
    assert.ok(!prefixMatches('s3://bucket/db', 's3://bucket/dbx/t.lance'));
    assert.ok(!prefixMatches('', 's3://bucket'));
  });

  test('the old flat form is the default, for every URI', () => {
    const r = resolveStorageOptions('s3://b/t.lance', { aws_region: 'eu-west-1', allow_http: 'true' });
    assert.deepEqual(r.options, { aws_region: 'eu-west-1', allow_http: 'true' });
    assert.equal(r.sources.aws_region, 'the lanceInspector.storageOptions default');
  });

  test('the longest matching prefix wins over the default and over shorter prefixes', () => {
    const setting = {
      default: { aws_region: 'us-east-1', allow_http: 'false' },
      's3://bucket': { aws_endpoint: 'http://a', allow_http: 'true' },
      's3://bucket/db': { aws_endpoint: 'http://b' },
      's3://other': { aws_endpoint: 'http://c' },
    };
    const deep = resolveStorageOptions('s3://bucket/db/t.lance', setting);
    assert.deepEqual(deep.options, { aws_region: 'us-east-1', allow_http: 'false', aws_endpoint: 'http://b' });
    assert.equal(deep.sources.aws_endpoint, 'lanceInspector.storageOptions "s3://bucket/db"');
    const shallow = resolveStorageOptions('s3://bucket/x.lance', setting);
    assert.deepEqual(shallow.options, { aws_region: 'us-east-1', allow_http: 'true', aws_endpoint: 'http://a' });
    const none = resolveStorageOptions('s3://elsewhere/x.lance', setting);
    assert.deepEqual(none.options, { aws_region: 'us-east-1', allow_http: 'false' });
  });

  test('flat keys and a "default" object combine; non-string values are ignored or stringified', () => {
    const r = resolveStorageOptions('gs://g/x.lance', { aws_region: 'r', default: { timeout: 30, bad: { x: 1 } }, 'gs://g': ['not', 'an', 'object'] });
    assert.deepEqual(r.options, { aws_region: 'r', timeout: '30' });
  });

  test('secrets merge last, by their own longest prefix', () => {
    const r = resolveStorageOptions('s3://bucket/db/t.lance', { 's3://bucket': { aws_access_key_id: 'FROM_SETTINGS', aws_endpoint: 'http://e' } }, [
      { prefix: 's3://', options: { aws_access_key_id: 'WIDE' } },
      { prefix: 's3://bucket/db', options: { aws_access_key_id: 'AKIAEXAMPLEKEY12345', aws_secret_access_key: 'very-secret' } },
    ]);
    assert.equal(r.options.aws_access_key_id, 'AKIAEXAMPLEKEY12345');
    assert.equal(r.options.aws_endpoint, 'http://e');
    assert.equal(optionSource(r.options, 'AWS_ACCESS_KEY_ID'), 'SecretStorage "s3://bucket/db"');
    assert.equal(optionSource(r.options, 'aws_endpoint'), 'lanceInspector.storageOptions "s3://bucket"');
    assert.equal(optionSource({ ...r.options }, 'aws_endpoint'), undefined, 'a copy has no sources');
  });

  test('an error names where the endpoint and the key came from, never the secret', () => {
    const r = resolveStorageOptions('s3://bucket/t.lance', { 's3://bucket': { aws_endpoint: 'http://127.0.0.1:9' } }, [
      { prefix: 's3://bucket', options: { aws_access_key_id: 'AKIAEXAMPLEKEY12345', aws_secret_access_key: 'very-secret' } },
    ]);
    const said = describeAttempt('s3://bucket/t.lance', r.options, {});
    assert.match(said, /endpoint http:\/\/127\.0\.0\.1:9 from lanceInspector\.storageOptions "s3:\/\/bucket"/);
    assert.match(said, /access key AKIA…2345 from SecretStorage "s3:\/\/bucket"/);
    const e = classifyObjectStore('IO { source: Generic { store: "S3", source: ... status: 403 <Code>InvalidAccessKeyId</Code> } }', 's3://bucket/t.lance', r.options, {});
    assert.equal(e?.kind, 'access-denied');
    assert.match(e.message, /SecretStorage "s3:\/\/bucket"/);
    assert.doesNotMatch(`${e.message} ${e.detail ?? ''}`, /very-secret/);
  });

  test('Azure: a SAS token is named by where it came from, not shown', () => {
    const r = resolveStorageOptions('az://c/t.lance', { default: { azure_storage_account_name: 'acct' } }, [
      { prefix: 'az://c', options: { azure_storage_sas_token: 'sv=2024&sig=SECRET' } },
    ]);
    const said = describeAttempt('az://c/t.lance', r.options, {});
    assert.match(said, /storage account acct, a SAS token from SecretStorage "az:\/\/c"/);
    assert.doesNotMatch(said, /SECRET/);
  });
});

describe('object-store errors seen through the fault proxy', () => {
  test('a connection closed without an answer (every request dropped) is named, with the retries', () => {
    const raw =
      'Invalid input, Failed to connect to namespace: IO { source: Generic { store: "S3", source: ListRequest { source: RetryError(RetryErrorImpl { method: GET, uri: Some(http://127.0.0.1:44513/bucket?list-type=2), retries: 3, max_retries: 3, elapsed: 484.797458ms, retry_timeout: 180s, inner: Http(HttpError { kind: Request, source: reqwest::Error { kind: Request, source: hyper_util::client::legacy::Error(SendRequest, hyper::Error(IncompleteMessage)) } }) }) } }, location: Location { file: "x.rs", line: 905, column: 92 }, backtrace: MaybeBacktrace }';
    const e = classifyObjectStore(raw, 's3://bucket/db/t.lance', { aws_endpoint: 'http://127.0.0.1:44513' }, {});
    assert.equal(e?.kind, 'unreachable');
    assert.match(e.message, /^The object store closed the connection without answering \(3 retries\)\. Tried s3:\/\/bucket\/db\/t\.lance, endpoint http:\/\/127\.0\.0\.1:44513/);
  });
});
