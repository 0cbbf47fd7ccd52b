// Scheduled start: one GameDay per scheduled time, however often the scheduler delivers it.
import { createSfnExecutions, stateMachineArnFromEnv } from '../adapters/sfn-executions';
import { startScheduledRun } from '../core/schedule-start';
import type { ExecutionsPort } from '../ports';
import { InputReader } from './input';

export interface ScheduleStartEvent {
  /** `<aws.scheduler.scheduled-time>`, e.g. 2026-11-27T02:00:00Z. */
  scheduledTime: string;
}

let executions: ExecutionsPort | undefined;

export async function handler(event: ScheduleStartEvent): Promise<{ executionArn: string; duplicate: boolean }> {
  const input = new InputReader('schedule-start', event);
  const scheduledTime = input.string('scheduledTime');
  input.done();
  executions ??= createSfnExecutions(stateMachineArnFromEnv());
  return startScheduledRun(scheduledTime, { executions });
}
