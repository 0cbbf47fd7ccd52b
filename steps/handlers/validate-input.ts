// Step ValidateInput: the execution input's overrides over the stack's defaults -> RunConfig (or InvalidRunConfig).
import type { Context } from 'aws-lambda';
import { createStepLogger, logInvocation } from '../adapters/logger';
import type { RunConfig, RunSettings } from '../core/contracts';
import { InvalidRunConfig, type RunLimits, type RunSchedule, validateRunInput } from '../core/run-config';

const logger = createStepLogger('validate-input');

export interface ValidateInputEvent {
  /** The execution input (overrides). */
  input: unknown;
  /** The stack's settings, poll intervals included. */
  defaults?: Partial<RunSettings>;
  /** `$$.Execution.Name`: the run id when the input names none. */
  executionName?: string;
  /** The deployed state machine's limits (its execution timeout). */
  limits?: RunLimits;
  /** The state machine's traffic functions by size (their ARNs): the config names the one the rates pick. */
  trafficFunctions?: unknown;
  /** The schedule's allowed window and time zone: a scheduled start outside it is skipped. */
  schedule?: RunSchedule;
  /** `$$.Execution.Id`, for the logs. */
  executionArn?: string;
}

export async function handler(event: ValidateInputEvent, context?: Context): Promise<RunConfig> {
  logInvocation(logger, { executionArn: event?.executionArn, runId: event?.executionName }, context);
  try {
    const config = validateRunInput(
      event?.input,
      event?.defaults ?? {},
      event?.executionName,
      event?.limits ?? {},
      event?.trafficFunctions,
      event?.schedule,
    );
    logInvocation(logger, { executionArn: event?.executionArn, runId: config.runId }, context);
    logger.info('run input accepted', { config });
    return config;
  } catch (error) {
    if (error instanceof InvalidRunConfig) logger.warn('run input refused', { problems: error.problems });
    throw error;
  }
}
