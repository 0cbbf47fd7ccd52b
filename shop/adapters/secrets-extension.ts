// The database password from Secrets Manager: the JSON secret RDS writes, read through the Parameters and Secrets extension.
import {
  type ExtensionSecretOptions,
  readExtensionSecretString,
  SecretUnreadable,
} from '../../common/secrets-extension';
import { DatabaseUnavailable } from '../core/errors';

export type { ExtensionSecretOptions };

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
      throw new DatabaseUnavailable('unreachable', error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    });
    return password;
  };
}

/** The user name and password of a database secret, read once, for a caller that needs both (the schema setup). */
export async function readDatabaseCredentials(
  options: ExtensionSecretOptions,
): Promise<{ username: string; password: string }> {
  const secret = await readSecretJson(options);
  const username = secret.username;
  if (typeof username !== 'string' || username === '')
    throw new SecretUnreadable(options.secretId, 'its JSON has no "username"');
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
  const text = await readExtensionSecretString(options);
  let secret: unknown;
  try {
    secret = JSON.parse(text);
  } catch {
    throw new SecretUnreadable(options.secretId, 'its SecretString is not JSON');
  }
  if (typeof secret !== 'object' || secret === null)
    throw new SecretUnreadable(options.secretId, 'its SecretString is not a JSON object');
  return secret as Record<string, unknown>;
}
