// Scheduled start: one GameDay per scheduled time, however often the scheduler delivers it.
import type { Context } from 'aws-lambda';
import { createStepLogger, logInvocation } from '../adapters/logger';
import { createSfnExecutions, stateMachineArnFromEnv } from '../adapters/sfn-executions';
import { startScheduledRun } from '../core/schedule-start';
import type { ExecutionsPort } from '../ports';
import { InputReader } from './input';

export interface ScheduleStartEvent {
  /** `<aws.scheduler.scheduled-time>`, e.g. 2026-11-27T02:00:00Z. */
  scheduledTime: string;
}

const logger = createStepLogger('schedule-start');
let executions: ExecutionsPort | undefined;

export async function handler(
  event: ScheduleStartEvent,
  context?: Context,
): Promise<{ executionArn: string; duplicate: boolean }> {
  logInvocation(logger, {}, context);
  const input = new InputReader('schedule-start', event);
  const scheduledTime = input.string('scheduledTime');
  input.done();
  executions ??= createSfnExecutions(stateMachineArnFromEnv());
  const started = await startScheduledRun(scheduledTime, { executions });
  // The execution's name is the run id (a scheduled input names none).
  logInvocation(logger, { executionArn: started.executionArn, runId: started.executionArn.split(':').pop() }, context);
  logger.info(started.duplicate ? 'scheduled run already started' : 'scheduled run started', {
    scheduledTime,
    duplicate: started.duplicate,
  });
  return started;
}
