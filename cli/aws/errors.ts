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

/**
 * The one-line explanation of an AWS SDK error, `about` naming what was asked for
 * (an execution ARN, a stack name, a schedule); unknown errors pass through unchanged.
 */
export function explainAwsError(error: unknown, about = ''): Error {
  if (error instanceof CliError) return error;
  const name = errorName(error);
  const message = errorMessage(error);
  const subject = about ? ` ${about}` : '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CliError('no AWS credentials found: set AWS_PROFILE (then `aws sso login` if needed) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  if (/Region is missing|Region not accepted/i.test(message)) return new CliError('no AWS region: pass --region or set AWS_REGION');
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') return new CliError('the AWS credentials have expired: refresh them (e.g. `aws sso login`) and try again');
  if (name === 'ExecutionDoesNotExist') return new CliError(`unknown execution${subject}: it does not exist in this account and region (Step Functions keeps ended executions 90 days)`);
  if (name === 'StateMachineDoesNotExist') return new CliError(`unknown state machine${subject}`);
  if (name === 'InvalidArn') return new CliError(`not a valid ARN${subject}: ${message}`);
  if (name === 'ExecutionAlreadyExists') return new CliError(`an execution with this name already exists${subject}`);
  if (name === 'ExecutionLimitExceeded') return new CliError(`Step Functions refuses more running executions: ${message}`);
  if (name === 'ValidationError' && /does not exist/.test(message)) return new CliError(`unknown stack${subject}: ${message}`);
  if (name === 'ResourceNotFoundException') return new CliError(`not found${subject}: ${message}`);
  if (name === 'NoSuchBucket') return new CliError(`unknown bucket${subject}`);
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'UnauthorizedOperation') {
    return new CliError(`access denied${subject}: ${message}`);
  }
  return error instanceof Error ? error : new Error(message);
}
