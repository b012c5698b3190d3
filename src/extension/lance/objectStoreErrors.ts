// Errors of object-store datasets (s3://, gs://, az://). The engine reports a refused credential, a
// missing bucket or an unreachable endpoint as one long `IO { source: Generic { store: "S3", … } }`
// text after its retries (2–5 s); the generic classifier would call them "not found" or "internal".
// Here they get one sentence that says what was tried — the URI, the endpoint and where the key came
// from (never the secret) — so a user can tell a typo in a key from a server that is down.
import { isObjectStoreUri } from '../../shared/objectStoreUri';
import { classify, LanceError } from './errors';
import { optionSource } from './storageOptions';

/** Where the engine takes the endpoint and credentials from, for the message (keys only by id). */
export function describeAttempt(uri: string, storageOptions: Record<string, string> | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const so = lowerKeys(storageOptions ?? {});
  /** " from SecretStorage "s3://bucket"" when resolveStorageOptions made the options, else " from the storage options". */
  const from = (...keys: string[]) => {
    const key = keys.find((k) => so[k] !== undefined);
    return ` from ${(key && optionSource(storageOptions, key)) ?? 'the storage options'}`;
  };
  const endpoint = so.aws_endpoint ?? so.endpoint ?? env.AWS_ENDPOINT ?? env.AWS_ENDPOINT_URL;
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  const parts = [uri];
  if (scheme.startsWith('s3')) {
    const endpointFrom = (so.aws_endpoint ?? so.endpoint) ? from('aws_endpoint', 'endpoint') : endpoint ? ' from AWS_ENDPOINT' : '';
    parts.push(endpoint ? `endpoint ${endpoint}${endpointFrom}` : 'the default AWS endpoint');
    const keyId = so.aws_access_key_id ?? so.access_key_id;
    if (keyId) parts.push(`access key ${maskKey(keyId)}${from('aws_access_key_id', 'access_key_id')}`);
    else if (env.AWS_ACCESS_KEY_ID) parts.push(`access key ${maskKey(env.AWS_ACCESS_KEY_ID)} from AWS_ACCESS_KEY_ID`);
    else parts.push(`AWS credentials from ${env.AWS_PROFILE ? `profile "${env.AWS_PROFILE}"` : 'the default chain (profile, instance role)'}`);
  } else if (scheme === 'gs') {
    parts.push(
      (so.google_service_account ?? so.service_account) ? `the service account${from('google_service_account', 'service_account')}` : 'Google application default credentials',
    );
  } else if (scheme === 'az' || scheme.startsWith('abfs')) {
    const account = so.azure_storage_account_name ?? so.account_name ?? env.AZURE_STORAGE_ACCOUNT_NAME;
    parts.push(account ? `storage account ${account}` : 'no storage account named');
    const sas = ['azure_storage_sas_token', 'sas_token', 'azure_storage_account_key', 'account_key'].find((k) => so[k] !== undefined);
    if (sas) parts.push(`${/sas/.test(sas) ? 'a SAS token' : 'an account key'}${from(sas)}`);
  }
  return parts.join(', ');
}

/**
 * A LanceError for an engine error about reaching an object store, or undefined when the error is
 * about something else (the caller's generic classify() applies then).
 */
export function classifyObjectStore(raw: string, uri: string, storageOptions?: Record<string, string>, env: NodeJS.ProcessEnv = process.env): LanceError | undefined {
  if (!/store: "|RetryError|object_store|HttpError|dispatch failure|Generic \w+ error/i.test(raw)) return undefined;
  const tried = `Tried ${describeAttempt(uri, storageOptions, env)}.`;
  const detail = raw.replace(/,?\s*location: Location \{[^}]*\}/g, '').replace(/,?\s*backtrace: MaybeBacktrace/g, '');
  const code = /<Code>([^<]+)<\/Code>/.exec(raw)?.[1];
  const status = Number(/status: (\d{3})/.exec(raw)?.[1] ?? /\bstatus code:? (\d{3})/i.exec(raw)?.[1] ?? 0);
  if (/BadScheme/.test(raw))
    return new LanceError('unreachable', `The endpoint is http:// but plain HTTP is not allowed: set allow_http to "true" in the storage options. ${tried}`, detail);
  if (
    /InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|AuthenticationFailed|AuthorizationFailure|NoCredentialProviders|Missing credentials|credential/i.test(
      raw,
    ) ||
    status === 401 ||
    status === 403
  ) {
    const why = code ? ` (${code})` : status ? ` (HTTP ${status})` : '';
    return new LanceError('access-denied', `The object store refused the credentials${why}. ${tried}`, detail);
  }
  if (code === 'NoSuchBucket' || /ContainerNotFound|bucket does not exist/i.test(raw)) {
    return new LanceError('not-found', `The bucket does not exist. ${tried}`, detail);
  }
  if (/kind: Connect|ConnectionRefused|tcp connect error|dns error|failed to lookup address|Connection reset|timed out|TimedOut|certificate|tls/i.test(raw)) {
    return new LanceError('unreachable', `The object store could not be reached. ${tried}`, detail);
  }
  // Seen through the fault proxy: hyper's IncompleteMessage when the server closes the connection unanswered.
  if (/IncompleteMessage|connection closed|ConnectionClosed|broken pipe|reset by peer|socket hang up/i.test(raw)) {
    return new LanceError('unreachable', `The object store closed the connection without answering${retried(raw)}. ${tried}`, detail);
  }
  if (status >= 500) return new LanceError('io', `The object store answered with an error (HTTP ${status}${code ? `, ${code}` : ''}) after retries. ${tried}`, detail);
  if (/RetryError/.test(raw)) return new LanceError('io', `Reading from the object store failed${retried(raw)}. ${tried}`, detail);
  return undefined;
}

/** An engine error of a read or write at `uri`: the object-store sentence when it is one, else the generic classification. */
export function classifyAt(err: unknown, uri: string, storageOptions?: Record<string, string>): LanceError {
  if (err instanceof LanceError) return err;
  const remote = isObjectStoreUri(uri) ? classifyObjectStore(err instanceof Error ? err.message : String(err), uri, storageOptions) : undefined;
  return remote ?? classify(err);
}

/** " (3 retries)" when the engine's text says how many. */
function retried(raw: string): string {
  const n = /retries: (\d+)/.exec(raw)?.[1];
  return n ? ` (${n} retries)` : '';
}

/** AKIA…XYZ: enough to recognise a key, not the whole id. Short test keys show as they are. */
function maskKey(id: string): string {
  return id.length > 12 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id;
}

function lowerKeys(o: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}
