// One-line errors of the AWS commands: what went wrong and what to do, never a stack trace.

/** An error the gameday command reports in one line and exits 2 for. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const e = error as { name?: unknown; Code?: unknown };
  return typeof e.name === 'string' ? e.name : typeof e.Code === 'string' ? e.Code : '';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Error codes of Node's sockets and of undici (fetch) that mean the network, not AWS, failed. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const NETWORK_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
]);

/** The network failure in `error` or its causes (fetch wraps the socket's error as its cause), as one line; null when it is none. */
export function networkFailure(error: unknown): string | null {
  const messages: string[] = [];
  let network = false;
  let at: unknown = error;
  for (let depth = 0; depth < 5 && typeof at === 'object' && at !== null; depth += 1) {
    const e = at as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (
      (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) ||
      (typeof e.name === 'string' && NETWORK_NAMES.has(e.name))
    )
      network = true;
    if (typeof e.message === 'string' && /fetch failed|socket hang up|getaddrinfo/i.test(e.message)) network = true;
    if (typeof e.message === 'string' && e.message && !messages.includes(e.message))
      messages.push(e.message.split('\n')[0]);
    at = e.cause;
  }
  return network ? messages.join(': ') || 'the connection failed' : null;
}

/** An error an AWS SDK client raised for an answer of the service (it carries the response's metadata). */
function isServiceError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ('$metadata' in error || '$fault' in error);
}

/**
 * The one-line explanation of an AWS SDK error, `about` naming what was asked for
 * (an execution ARN, a stack name, a schedule). Any error of an AWS service, of the credentials or
 * of the network is one; anything else (a bug) passes through unchanged.
 */
export function explainAwsError(error: unknown, about = ''): Error {
  if (error instanceof CliError) return error;
  const name = errorName(error);
  const message = errorMessage(error);
  const subject = about ? ` ${about}` : '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CliError(
      'no AWS credentials found: set AWS_PROFILE (then `aws sso login` if needed) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
  if (/Region is missing|Region not accepted/i.test(message))
    return new CliError('no AWS region: pass --region or set AWS_REGION');
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken')
    return new CliError('the AWS credentials have expired: refresh them (e.g. `aws sso login`) and try again');
  if (name === 'ExecutionDoesNotExist')
    return new CliError(
      `unknown execution${subject}: it does not exist in this account and region (Step Functions keeps ended executions 90 days)`,
    );
  if (name === 'StateMachineDoesNotExist') return new CliError(`unknown state machine${subject}`);
  if (name === 'InvalidArn') return new CliError(`not a valid ARN${subject}: ${message}`);
  if (name === 'ExecutionAlreadyExists') return new CliError(`an execution with this name already exists${subject}`);
  if (name === 'ExecutionLimitExceeded')
    return new CliError(`Step Functions refuses more running executions: ${message}`);
  if (name === 'ValidationError' && /does not exist/.test(message))
    return new CliError(`unknown stack${subject}: ${message}`);
  if (name === 'ResourceNotFoundException') return new CliError(`not found${subject}: ${message}`);
  if (name === 'NoSuchBucket') return new CliError(`unknown bucket${subject}`);
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'UnauthorizedOperation') {
    return new CliError(`access denied${subject}: ${message}`);
  }
  if (
    name === 'UnrecognizedClientException' ||
    name === 'InvalidClientTokenId' ||
    name === 'InvalidSignatureException' ||
    name === 'SignatureDoesNotMatch'
  ) {
    return new CliError(`AWS refused the credentials${about ? ` (${about})` : ''}: ${message}`);
  }
  if (/Credential|ProviderError/.test(name))
    return new CliError(`the AWS credentials could not be read: ${message.split('\n')[0]}`);
  const asking = about ? ` for ${about}` : '';
  const network = networkFailure(error);
  if (network) return new CliError(`network error reaching AWS${asking}: ${network}`);
  if (isServiceError(error)) return new CliError(`AWS error${asking}: ${name || 'error'}: ${message.split('\n')[0]}`);
  return error instanceof Error ? error : new Error(message);
}
