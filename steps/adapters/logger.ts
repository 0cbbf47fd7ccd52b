// Structured JSON logs of the step functions (Powertools Logger), every line of a run keyed by its run id and execution ARN.
import { Logger, LogLevel } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** The keys that tie a log line to its GameDay run, across functions. */
export interface RunLogKeys {
  readonly runId?: string;
  readonly executionArn?: string;
}

/**
 * INFO on Lambda. Elsewhere silent, because the local runner runs the handlers in-process and prints
 * its own progress; `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL` sets the level anywhere.
 */
export function logLevelFor(env: NodeJS.ProcessEnv): LogLevelName {
  const asked = (env.POWERTOOLS_LOG_LEVEL?.trim() || env.LOG_LEVEL?.trim() || '').toUpperCase();
  const known = Object.values(LogLevel) as string[];
  if (known.includes(asked)) return asked as LogLevelName;
  return env.AWS_LAMBDA_FUNCTION_NAME ? LogLevel.INFO : LogLevel.SILENT;
}

type LogLevelName = (typeof LogLevel)[keyof typeof LogLevel];

/** The logger of one step's module, created once per execution environment. */
export function createStepLogger(step: string, env: NodeJS.ProcessEnv = process.env): Logger {
  return new Logger({ serviceName: 'gameday', logLevel: logLevelFor(env), persistentKeys: { step } });
}

/**
 * Starts one invocation's lines: the last invocation's run keys are dropped, this one's (those that
 * are strings) and the Lambda context's fields are added.
 */
export function logInvocation(logger: Logger, keys: RunLogKeys, context?: Context): void {
  logger.resetKeys();
  if (context) logger.addContext(context);
  logger.appendKeys({ ...runKeysOf(keys) });
}

/** The run keys of an event that may carry them (any event: fields that are not strings are left out). */
export function runKeysOf(event: unknown): RunLogKeys {
  if (typeof event !== 'object' || event === null) return {};
  const { runId, executionArn } = event as Record<string, unknown>;
  return {
    ...(typeof runId === 'string' && runId !== '' ? { runId } : {}),
    ...(typeof executionArn === 'string' && executionArn !== '' ? { executionArn } : {}),
  };
}
