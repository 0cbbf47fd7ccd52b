// The database password from Secrets Manager, read through the AWS Parameters and Secrets Lambda extension.
import { DatabaseUnavailable } from '../core/errors';

/** The extension's port unless PARAMETERS_SECRETS_EXTENSION_HTTP_PORT says otherwise. */
const DEFAULT_EXTENSION_PORT = 2773;

export interface ExtensionSecretOptions {
  /** ARN (or name) of a secret whose SecretString is JSON with a `password` field, as RDS writes it. */
  readonly secretId: string;
  /** Where the port and the session token are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** How long one read may take. @default 2000 */
  readonly timeoutMs?: number;
}

/** The secret could not be read or holds no password. */
export class SecretUnreadable extends Error {
  override readonly name = 'SecretUnreadable';
  constructor(secretId: string, detail: string, options?: { cause?: unknown }) {
    super(`secret ${secretId} could not be read: ${detail}`, options);
  }
}

/**
 * A password source for the pg pool: the first successful read is kept for the life of the
 * execution environment (one read per cold start); a failed read is not kept, so the next
 * connection tries again. A failure surfaces as `DatabaseUnavailable`: without the password the
 * database cannot be reached, and the shop degrades exactly as for an outage.
 */
export function extensionSecretPassword(options: ExtensionSecretOptions): () => Promise<string> {
  let password: Promise<string> | null = null;
  return () => {
    password ??= readPassword(options).catch((error: unknown) => {
      password = null;
      throw new DatabaseUnavailable('unreachable', error instanceof Error ? error.message : String(error), { cause: error });
    });
    return password;
  };
}

/** The user name and password of a database secret, read once, for a caller that needs both (the schema setup). */
export async function readDatabaseCredentials(options: ExtensionSecretOptions): Promise<{ username: string; password: string }> {
  const secret = await readSecretJson(options);
  const username = secret.username;
  if (typeof username !== 'string' || username === '') throw new SecretUnreadable(options.secretId, 'its JSON has no "username"');
  return { username, password: passwordOf(options.secretId, secret) };
}

async function readPassword(options: ExtensionSecretOptions): Promise<string> {
  return passwordOf(options.secretId, await readSecretJson(options));
}

function passwordOf(secretId: string, secret: Record<string, unknown>): string {
  const value = secret.password;
  if (typeof value !== 'string' || value === '') throw new SecretUnreadable(secretId, 'its JSON has no "password"');
  return value;
}

async function readSecretJson(options: ExtensionSecretOptions): Promise<Record<string, unknown>> {
  const env = options.env ?? process.env;
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT?.trim() || String(DEFAULT_EXTENSION_PORT);
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(options.secretId)}`;
  // The extension only answers callers that show the function's own session token.
  const response = await fetch(url, {
    headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
    signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
  });
  if (!response.ok) throw new SecretUnreadable(options.secretId, `the extension answered ${response.status}`);
  const body = (await response.json()) as { SecretString?: unknown };
  if (typeof body.SecretString !== 'string') throw new SecretUnreadable(options.secretId, 'it holds no SecretString');
  let secret: unknown;
  try {
    secret = JSON.parse(body.SecretString);
  } catch {
    throw new SecretUnreadable(options.secretId, 'its SecretString is not JSON');
  }
  if (typeof secret !== 'object' || secret === null) throw new SecretUnreadable(options.secretId, 'its SecretString is not a JSON object');
  return secret as Record<string, unknown>;
}
