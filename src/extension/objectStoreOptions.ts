// The storage options a dataset is opened with: the setting (per URI prefix, see
// lance/storageOptions.ts) plus the object-store secrets the user stored with "Lance: Set Object-Store
// Credentials…". Secrets live in VS Code's SecretStorage (the OS keychain where there is one), one
// entry per prefix; only the list of prefixes (no values) is kept in globalState, because
// SecretStorage cannot list its keys. Nothing here is ever written to a settings file.
import * as vscode from 'vscode';
import { isObjectStoreUri } from './lance/locate';
import { resolveStorageOptions, type SecretOptions, type StorageOptionsSetting } from './lance/storageOptions';

const PREFIXES_KEY = 'lanceInspector.credentialPrefixes';
const secretKey = (prefix: string) => `lanceInspector.objectStore:${prefix}`;

let context: vscode.ExtensionContext | undefined;

function ctx(): vscode.ExtensionContext {
  if (!context) throw new Error('Lance Inspector: credentials used before activation.');
  return context;
}

/** The prefixes with stored credentials. */
export function credentialPrefixes(): string[] {
  return context?.globalState.get<string[]>(PREFIXES_KEY, []) ?? [];
}

async function storedSecrets(): Promise<SecretOptions[]> {
  const out: SecretOptions[] = [];
  for (const prefix of credentialPrefixes()) {
    const raw = await ctx().secrets.get(secretKey(prefix));
    if (!raw) continue;
    try {
      out.push({ prefix, options: JSON.parse(raw) as Record<string, string> });
    } catch {
      // A damaged entry is skipped: the engine then says what it tried without it.
    }
  }
  return out;
}

/** Options for opening `uri`: setting (longest prefix over the default), then the stored secrets for object stores. */
export async function storageOptionsFor(uri: string): Promise<Record<string, string>> {
  const setting = vscode.workspace.getConfiguration('lanceInspector').get<StorageOptionsSetting>('storageOptions', {});
  return resolveStorageOptions(uri, setting, isObjectStoreUri(uri) && context ? await storedSecrets() : []).options;
}

async function storeSecret(prefix: string, options: Record<string, string>): Promise<void> {
  const c = ctx();
  const existing = (await storedSecrets()).find((s) => s.prefix === prefix)?.options ?? {};
  await c.secrets.store(secretKey(prefix), JSON.stringify({ ...existing, ...options }));
  await c.globalState.update(PREFIXES_KEY, [...new Set([...credentialPrefixes(), prefix])].sort());
}

async function forgetSecret(prefix: string): Promise<void> {
  const c = ctx();
  await c.secrets.delete(secretKey(prefix));
  await c.globalState.update(
    PREFIXES_KEY,
    credentialPrefixes().filter((p) => p !== prefix),
  );
}

interface Kind extends vscode.QuickPickItem {
  /** Asks for the values; undefined when the user cancelled. */
  ask: () => Promise<Record<string, string> | undefined>;
}

const input = (title: string, prompt: string, password = false, optional = false) =>
  vscode.window.showInputBox({
    title,
    prompt,
    password,
    ignoreFocusOut: true,
    validateInput: (v) => (optional || v.trim() ? undefined : 'A value is needed (Escape cancels).'),
  });

function kindsFor(prefix: string): Kind[] {
  const scheme = prefix.slice(0, prefix.indexOf(':')).toLowerCase();
  const s3: Kind = {
    label: 'S3 access key',
    description: 'access key id and secret access key (and a session token, if any)',
    ask: async () => {
      const id = await input('S3 access key id', `For ${prefix}`);
      if (!id) return undefined;
      const secret = await input('S3 secret access key', `For ${prefix} (kept in SecretStorage)`, true);
      if (!secret) return undefined;
      const token = await input('S3 session token (optional)', 'Leave empty for long-lived keys', true, true);
      if (token === undefined) return undefined;
      return { aws_access_key_id: id.trim(), aws_secret_access_key: secret.trim(), ...(token.trim() ? { aws_session_token: token.trim() } : {}) };
    },
  };
  const sas: Kind = {
    label: 'Azure SAS token',
    ask: async () => {
      const v = await input('Azure SAS token', `For ${prefix} (kept in SecretStorage)`, true);
      return v ? { azure_storage_sas_token: v.trim() } : undefined;
    },
  };
  const accountKey: Kind = {
    label: 'Azure storage account key',
    ask: async () => {
      const v = await input('Azure storage account key', `For ${prefix} (kept in SecretStorage)`, true);
      return v ? { azure_storage_account_key: v.trim() } : undefined;
    },
  };
  const gcs: Kind = {
    label: 'Google service account',
    description: 'the path of a service-account JSON key file',
    ask: async () => {
      const v = await input('Service-account key file', `Absolute path of the JSON key for ${prefix}`);
      return v ? { google_service_account: v.trim() } : undefined;
    },
  };
  const other: Kind = {
    label: 'Another storage option',
    description: 'name and value, e.g. aws_session_token',
    ask: async () => {
      const name = await input('Storage option name', 'As Lance names it, e.g. aws_session_token');
      if (!name) return undefined;
      const value = await input(`Value of ${name.trim()}`, `For ${prefix} (kept in SecretStorage)`, true);
      return value ? { [name.trim()]: value.trim() } : undefined;
    },
  };
  if (scheme === 's3') return [s3, other];
  if (scheme === 'az' || scheme.startsWith('abfs')) return [sas, accountKey, other];
  if (scheme === 'gs') return [gcs, other];
  return [s3, sas, accountKey, gcs, other];
}

/** "s3://bucket" of the dataset in front, as the prefix to offer. */
function suggestedPrefix(uri: string | undefined): string {
  const m = uri && /^([a-z0-9+]+:\/\/[^/]+)/i.exec(uri);
  return m ? m[1] : 's3://';
}

export function registerCredentialCommands(c: vscode.ExtensionContext, currentUri: () => string | undefined): void {
  context = c;
  c.subscriptions.push(
    vscode.commands.registerCommand('lanceInspector.setCredentials', async (prefixArg?: string) => {
      const prefix = (
        prefixArg ??
        (await vscode.window.showInputBox({
          title: 'Object-store credentials: for which URI prefix?',
          prompt: 'Datasets under this prefix get them (the longest matching prefix wins), e.g. s3://bucket or az://container/path',
          value: suggestedPrefix(currentUri()),
          ignoreFocusOut: true,
          validateInput: (v) => (/^[a-z][a-z0-9+]*:\/\/\S*$/i.test(v.trim()) ? undefined : 'A URI prefix such as s3://bucket'),
        }))
      )
        ?.trim()
        .replace(/\/+$/, '');
      if (!prefix) return;
      const kind = await vscode.window.showQuickPick(kindsFor(prefix), { title: `Credentials for ${prefix}`, ignoreFocusOut: true });
      const values = await kind?.ask();
      if (!values) return;
      await storeSecret(prefix, values);
      void vscode.window.showInformationMessage(
        `Stored ${Object.keys(values).join(', ')} for ${prefix} in VS Code's SecretStorage (not in settings). Datasets opened from now on use them; Lance: Reload reopens one that is open.`,
      );
    }),
    vscode.commands.registerCommand('lanceInspector.forgetCredentials', async () => {
      const prefixes = credentialPrefixes();
      if (!prefixes.length) return void vscode.window.showInformationMessage('No object-store credentials are stored.');
      const pick = await vscode.window.showQuickPick(prefixes, { title: 'Forget the object-store credentials stored for…', ignoreFocusOut: true });
      if (!pick) return;
      await forgetSecret(pick);
      void vscode.window.showInformationMessage(`Forgot the credentials stored for ${pick}.`);
    }),
  );
}
