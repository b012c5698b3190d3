// The AWS profile's static keys for the inspector's own S3 reads (awsProfile.ts): which file and
// section they come from, and that keys in the options or the environment come first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { awsProfileKeys, iniSection } from '../../src/extension/lance/awsProfile';
import { s3Target } from '../../src/extension/lance/s3Request';

test('INI sections: comments, spaces around =, the section asked for only', () => {
  const text = '# c\n[default]\naws_access_key_id = A\n; c\n[profile x]\n AWS_Access_Key_Id=B \nregion=eu-west-1\n';
  assert.deepEqual(iniSection(text, 'default'), { aws_access_key_id: 'A' });
  assert.deepEqual(iniSection(text, 'profile x'), { aws_access_key_id: 'B', region: 'eu-west-1' });
  assert.equal(iniSection(text, 'y'), undefined);
});

test('a profile from the credentials file, else from "[profile name]" of the config file; options and environment keys win', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'li-awsp-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'credentials'),
      '[default]\naws_access_key_id = DEF\naws_secret_access_key = s1\n[work]\naws_access_key_id = WORK\naws_secret_access_key = s2\naws_session_token = t2\n',
    );
    fs.writeFileSync(path.join(dir, 'config'), '[profile cfg]\naws_access_key_id = CFG\naws_secret_access_key = s3\n[profile sso]\nsso_start_url = https://x\n');
    const env = { AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'), AWS_CONFIG_FILE: path.join(dir, 'config') };
    assert.deepEqual(awsProfileKeys(env), { profile: 'default', keyId: 'DEF', secret: 's1' });
    assert.deepEqual(awsProfileKeys({ ...env, AWS_PROFILE: 'work' }), { profile: 'work', keyId: 'WORK', secret: 's2', token: 't2' });
    assert.deepEqual(awsProfileKeys({ ...env, AWS_PROFILE: 'cfg' }), { profile: 'cfg', keyId: 'CFG', secret: 's3' });
    assert.equal(awsProfileKeys({ ...env, AWS_PROFILE: 'sso' }), undefined, 'no static keys: left to the engine');
    assert.equal(awsProfileKeys({ AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'), AWS_CONFIG_FILE: path.join(dir, 'none') }), undefined);

    const work = { ...env, AWS_PROFILE: 'work' };
    assert.equal(s3Target('s3://b/p', {}, work).keyId, 'WORK');
    assert.equal(s3Target('s3://b/p', { aws_access_key_id: 'OPT', aws_secret_access_key: 'x' }, work).keyId, 'OPT');
    const fromEnv = s3Target('s3://b/p', {}, { ...work, AWS_ACCESS_KEY_ID: 'ENV', AWS_SECRET_ACCESS_KEY: 'y' });
    assert.equal(fromEnv.keyId, 'ENV');
    assert.equal(fromEnv.token, undefined, "the profile's token never mixes with the environment's keys");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
