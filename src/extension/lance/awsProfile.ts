// Static keys of an AWS profile (the shared credentials and config files), for the inspector's own S3
// reads (table listing, manifests a page at a time). The engine resolves profiles itself (checked: with
// AWS_PROFILE and AWS_SHARED_CREDENTIALS_FILE and no keys in the storage options, lancedb 0.37.1 opened a
// table on s3rver), so without this a profile-only user's own reads went unsigned and were refused while
// the engine's worked. Only static keys: SSO, assumed roles and credential_process are left to the engine.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface ProfileKeys {
  profile: string;
  keyId: string;
  secret: string;
  token?: string;
}

/** The profile named by AWS_PROFILE (else "default") with static keys, or undefined. */
export function awsProfileKeys(env: NodeJS.ProcessEnv = process.env): ProfileKeys | undefined {
  const profile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  const home = os.homedir();
  const files: [string, string][] = [
    [env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'), profile],
    // In the config file a profile's section is "[profile name]", except "[default]".
    [env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'), profile === 'default' ? 'default' : `profile ${profile}`],
  ];
  for (const [file, section] of files) {
    const keys = iniSection(readText(file), section);
    if (keys?.aws_access_key_id && keys.aws_secret_access_key) {
      return { profile, keyId: keys.aws_access_key_id, secret: keys.aws_secret_access_key, ...(keys.aws_session_token ? { token: keys.aws_session_token } : {}) };
    }
  }
  return undefined;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The `key = value` pairs of one `[section]` of an INI text (keys lower-cased), or undefined. */
export function iniSection(text: string, section: string): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  let inside = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      inside = head[1].trim() === section;
      if (inside) out ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (inside && eq > 0) out![line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}
