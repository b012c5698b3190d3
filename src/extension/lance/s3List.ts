// Listing under an s3:// prefix. The engine cannot list tables there: `connect('s3://bucket/db').tableNames()`
// returned [] on s3rver with the tables there (lancedb 0.37.1, manifestEnabled true, false or unset;
// it asks for `db/__manifest/_versions/`, the namespace manifest, and does not list folders).
import { rfc3986, s3ListXml, s3Target, xmlText } from './s3Request';

/** Folders found by the skip-scan at most (each costs one request). */
const MAX_SKIP_SCAN = 200;

/**
 * Names of the immediate "sub-folders" of an s3:// prefix (without the trailing "/"). One request with
 * delimiter "/" answers on S3 (up to 1,000). s3rver 3.7 answers it with no folders when they hold only
 * deeper objects (as a dataset's do), so when that comes back empty the folders are found one request
 * each: the first key after the last folder found ("<folder>0" sorts right after every "<folder>/…"),
 * so a prefix of N tables costs N + 2 requests, whatever the size of the tables.
 */
export async function listS3Folders(uri: string, options?: Record<string, string>, timeoutMs?: number): Promise<string[]> {
  const t = { ...s3Target(uri, options), timeoutMs };
  const body = await s3ListXml(t, `delimiter=%2F&list-type=2&max-keys=1000&prefix=${rfc3986(t.prefix)}`);
  const folders = [...body.matchAll(/<CommonPrefixes>\s*<Prefix>([^<]*)<\/Prefix>/g)].map((m) => xmlText(m[1]).slice(t.prefix.length).replace(/\/$/, ''));
  if (folders.length) return folders;
  let after = '';
  while (folders.length < MAX_SKIP_SCAN) {
    // ListObjects V1 (marker): s3rver 3.7 answers a truncated V2 listing with a 500 on Node 20 (its
    // continuation token uses a cipher OpenSSL 3 dropped); S3 answers both.
    const q = `${after ? `marker=${rfc3986(after)}&` : ''}max-keys=1&prefix=${rfc3986(t.prefix)}`;
    const key = /<Key>([^<]*)<\/Key>/.exec(await s3ListXml(t, q))?.[1];
    if (key === undefined) break;
    const rest = xmlText(key).slice(t.prefix.length);
    const cut = rest.indexOf('/');
    if (cut < 0) {
      after = xmlText(key); // an object directly under the prefix: not a folder, skip it
      continue;
    }
    folders.push(rest.slice(0, cut));
    after = `${t.prefix}${rest.slice(0, cut)}0`;
  }
  return folders;
}

/**
 * Every key under an s3:// prefix (names relative to it), 1,000 a request. For `_versions/`, which
 * holds one small file per version: listing names is what paging the version list needs, not reads.
 */
export async function listS3Keys(uri: string, options?: Record<string, string>, timeoutMs?: number): Promise<string[]> {
  const t = { ...s3Target(uri, options), timeoutMs };
  const out: string[] = [];
  let marker = '';
  for (;;) {
    // V1 with marker, as above: a truncated V2 listing fails on s3rver.
    const xml = await s3ListXml(t, `${marker ? `marker=${rfc3986(marker)}&` : ''}max-keys=1000&prefix=${rfc3986(t.prefix)}`);
    const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => xmlText(m[1]));
    for (const k of keys) out.push(k.slice(t.prefix.length));
    if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || !keys.length) return out;
    marker = keys[keys.length - 1];
  }
}

/** Whether anything is stored under an s3:// prefix (one request for one key). */
export async function hasS3Keys(uri: string, options?: Record<string, string>, timeoutMs?: number): Promise<boolean> {
  const t = { ...s3Target(uri, options), timeoutMs };
  return /<Key>/.test(await s3ListXml(t, `max-keys=1&prefix=${rfc3986(t.prefix)}`));
}
