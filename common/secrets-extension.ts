// A secret's SecretString, read through the AWS Parameters and Secrets Lambda extension (no Secrets Manager SDK client).
// The one reader of the extension: the GameDay's shop-auth header and the shop's database password both use it.

/** The extension's port unless PARAMETERS_SECRETS_EXTENSION_HTTP_PORT says otherwise. */
const DEFAULT_EXTENSION_PORT = 2773;

export interface ExtensionSecretOptions {
  /** ARN (or name) of the secret. */
  readonly secretId: string;
  /** Where the port and the session token are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** How long one read may take. @default 2000 */
  readonly timeoutMs?: number;
}

/** The secret could not be read, or does not hold what its reader needs. */
export class SecretUnreadable extends Error {
  override readonly name = 'SecretUnreadable';
  constructor(secretId: string, detail: string, options?: { cause?: unknown }) {
    super(`secret ${secretId} could not be read: ${detail}`, options);
  }
}

/** One read of the secret's SecretString; callers keep the value (see the secret header signer and the shop's password). */
export async function readExtensionSecretString(options: ExtensionSecretOptions): Promise<string> {
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
  if (typeof body.SecretString !== 'string' || body.SecretString === '')
    throw new SecretUnreadable(options.secretId, 'it holds no SecretString');
  return body.SecretString;
}
