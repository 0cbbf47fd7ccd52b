// A secret's SecretString, read through the AWS Parameters and Secrets Lambda extension (no Secrets Manager SDK client).

/** The extension's port unless PARAMETERS_SECRETS_EXTENSION_HTTP_PORT says otherwise. */
const DEFAULT_EXTENSION_PORT = 2773;

export interface ExtensionSecretOptions {
  /** ARN of the secret. */
  readonly secretId: string;
  /** Where the port and the session token are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** How long one read may take. @default 2000 */
  readonly timeoutMs?: number;
}

/** The secret could not be read, or holds no string. */
export class SecretUnreadable extends Error {
  override readonly name = 'SecretUnreadable';
}

/** One read of the secret's SecretString; callers keep the value (see the secret header signer). */
export async function readExtensionSecretString(options: ExtensionSecretOptions): Promise<string> {
  const env = options.env ?? process.env;
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT?.trim() || String(DEFAULT_EXTENSION_PORT);
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(options.secretId)}`;
  // The extension only answers callers that show the function's own session token.
  const response = await fetch(url, {
    headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
    signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
  });
  if (!response.ok) throw new SecretUnreadable(`secret ${options.secretId} could not be read: the extension answered ${response.status}`);
  const body = (await response.json()) as { SecretString?: unknown };
  if (typeof body.SecretString !== 'string' || body.SecretString === '') throw new SecretUnreadable(`secret ${options.secretId} holds no SecretString`);
  return body.SecretString;
}
