// Which storage options an object-store URI gets. The setting `lanceInspector.storageOptions` holds
// options per URI prefix plus a default:
//   { "default": { "aws_region": "eu-west-1" }, "s3://bucket": { "aws_endpoint": "http://…" } }
// and the older flat form `{ "aws_region": "…" }` still reads as the default, so existing settings keep
// working. Secrets (keys, SAS tokens) come from VS Code's SecretStorage, per prefix, and are merged
// last. Pure: the caller reads the setting and the secrets; nothing here imports vscode.
//
// Each resolved key remembers where it came from, so an error can say "access key AKIA…XYZ from
// SecretStorage (s3://bucket)" — a typo in a setting and a stale secret look alike otherwise.

export type StorageOptionsSetting = Record<string, unknown>;

/** Options for one prefix from SecretStorage. */
export interface SecretOptions {
  prefix: string;
  options: Record<string, string>;
}

export interface ResolvedStorageOptions {
  options: Record<string, string>;
  /** Where each key came from, in words (no values). */
  sources: Record<string, string>;
}

const DEFAULT_KEY = 'default';
const SOURCES = new WeakMap<object, Record<string, string>>();

/** True when `uri` is `prefix` itself or lies under it (s3://bucket matches s3://bucket/x, not s3://bucket2). */
export function prefixMatches(prefix: string, uri: string): boolean {
  const p = prefix.trim().replace(/\/+$/, '').toLowerCase();
  const u = uri.trim().replace(/\/+$/, '').toLowerCase();
  if (!p) return false;
  // "s3://" alone is a scheme-wide prefix.
  if (p.endsWith(':/')) return u.startsWith(`${p}/`);
  return u === p || u.startsWith(`${p}/`);
}

/** The prefixes (and `default`) of a setting value, each with its options; the flat form is the default. */
export function parseStorageSetting(setting: StorageOptionsSetting | undefined): { defaults: Record<string, string>; prefixes: Map<string, Record<string, string>> } {
  const defaults: Record<string, string> = {};
  const prefixes = new Map<string, Record<string, string>>();
  for (const [key, value] of Object.entries(setting ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') defaults[key] = String(value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const opts = stringValues(value as Record<string, unknown>);
      if (key === DEFAULT_KEY) Object.assign(defaults, opts);
      else prefixes.set(key, opts);
    }
  }
  return { defaults, prefixes };
}

/**
 * The options for `uri`: the default, then the longest matching prefix of the setting over it, then the
 * longest matching prefix's secrets over both. A local path gets the default only (the engine ignores
 * object-store keys there).
 */
export function resolveStorageOptions(uri: string, setting: StorageOptionsSetting | undefined, secrets: SecretOptions[] = []): ResolvedStorageOptions {
  const { defaults, prefixes } = parseStorageSetting(setting);
  const options: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const put = (opts: Record<string, string>, source: string) => {
    for (const [k, v] of Object.entries(opts)) {
      options[k] = v;
      sources[k.toLowerCase()] = source;
    }
  };
  put(defaults, 'the lanceInspector.storageOptions default');
  const prefix = longest([...prefixes.keys()], uri);
  if (prefix !== undefined) put(prefixes.get(prefix)!, `lanceInspector.storageOptions "${prefix}"`);
  const secret = longest(
    secrets.map((s) => s.prefix),
    uri,
  );
  if (secret !== undefined) put(secrets.find((s) => s.prefix === secret)!.options, `SecretStorage "${secret}"`);
  SOURCES.set(options, sources);
  return { options, sources };
}

/** Where a resolved option came from ("SecretStorage "s3://bucket""), when the object came from resolveStorageOptions. */
export function optionSource(options: Record<string, string> | undefined, key: string): string | undefined {
  return options ? SOURCES.get(options)?.[key.toLowerCase()] : undefined;
}

/** Keeps the sources of `from` for a derived object (e.g. the few keys an error message names). */
export function withSourcesOf<T extends Record<string, string>>(derived: T, from: Record<string, string> | undefined): T {
  const s = from && SOURCES.get(from);
  if (s) SOURCES.set(derived, s);
  return derived;
}

function longest(prefixes: string[], uri: string): string | undefined {
  return prefixes.filter((p) => prefixMatches(p, uri)).sort((a, b) => b.replace(/\/+$/, '').length - a.replace(/\/+$/, '').length)[0];
}

function stringValues(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  return out;
}
