// Runs refused on purpose by the weekly controls: a change freeze, the halt lever, the allowed window.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDynamoDbHaltFlag } from '../../../steps/adapters/dynamodb-halt-flag';
import { HALT_STOP_ERROR } from '../../../steps/core/notification';
import { WEEKDAYS, type Weekday } from '../../../steps/core/run-window';
import { executionNameForScheduledTime } from '../../../steps/core/schedule-start';
import { fileHaltFlag } from '../../lab/halt-lever';
import { FAULT_RUN_INPUT, type FaultCase } from '../matrix';
import { duringHold, freshScheduledTime, outcome, reasonsOf, runFault } from './support';

export const changeFreezeSkips: FaultCase = {
  name: '21. a change calendar is CLOSED when the run starts',
  expectedVerdict: 'skipped',
  mechanism:
    "The preflight's gate asks the change calendars (ssm:GetCalendarState) before the lock: CLOSED ends the run skipped at its Succeed state, naming the calendar; the target is never touched",
  async run(ctx) {
    ctx.lab.changeCalendar.state = 'CLOSED';
    try {
      const result = await ctx.run();
      const problems: string[] = [];
      if (!reasonsOf(result).includes(ctx.lab.changeCalendar.name))
        problems.push(`the skip does not name the calendar: ${reasonsOf(result)}`);
      if (result.status !== 'SUCCEEDED')
        problems.push(`a skipped run must not fail its execution (it ended ${result.status})`);
      if (ctx.targetHistory().length > 0)
        problems.push(`a skipped run moved the target: ${ctx.targetHistory().join(' -> ')}`);
      return outcome(result, problems);
    } finally {
      ctx.lab.changeCalendar.state = 'OPEN';
    }
  },
};

export const haltedDuringOutage: FaultCase = {
  name: '22. gameday halt during the outage',
  expectedVerdict: 'aborted',
  mechanism:
    "the lab's halt flag stops the execution as StopExecution does (ABORTED, error GameDayHalted); the safety net registers the target; the next run's gate reads the flag and ends it skipped, naming who halted and why",
  async run(ctx) {
    const lever = { dir: mkdtempSync(path.join(tmpdir(), 'gameday-halt-')) };
    const flag = fileHaltFlag(lever.dir);
    const halt = { reason: 'incident 4711', haltedBy: 'the fault matrix', haltedAt: new Date().toISOString() };
    duringHold(ctx, 1_000, () => void flag.set({ ...halt, scheduleWasEnabled: false }));
    try {
      const { result, problems } = await runFault(ctx, { haltLever: lever });
      if (result.error?.Error !== HALT_STOP_ERROR)
        problems.push(`the run did not end as halted: ${JSON.stringify(result.error)}`);
      if (result.safetyNet?.action !== 'registered')
        problems.push(
          `the safety net did not register the target after the halt (${JSON.stringify(result.safetyNet)})`,
        );
      const moves = ctx.targetHistory().length;
      const next = await ctx.run({ haltLever: lever });
      if (next.verdict !== 'skipped' || !reasonsOf(next).includes('incident 4711'))
        problems.push(`the run after the halt was not skipped naming it: ${next.verdict}, ${reasonsOf(next)}`);
      if (ctx.targetHistory().length !== moves) problems.push('the run after the halt moved the target');
      return outcome(result, problems, [next.report]);
    } finally {
      // The shared lab's lock table holds the flag the gate read: the cases after this one run unhalted.
      await createDynamoDbHaltFlag(ctx.lab.tables.lockTable, { client: ctx.lab.tables.client }).clear();
    }
  },
};

/** A day of the week that is not today's (UTC): a window on it alone never holds now. */
function notToday(): Weekday {
  const today = WEEKDAYS[(new Date().getUTCDay() + 6) % 7];
  return today === 'MON' ? 'TUE' : 'MON';
}

export const scheduledStartOutsideWindow: FaultCase = {
  name: '23. a scheduled start outside the allowed window',
  expectedVerdict: 'skipped',
  mechanism:
    "ValidateInput reads the scheduled time in the schedule's zone against schedule.allowedWindow; outside it the gate ends the run skipped, naming the window, before the lock and the target",
  async run(ctx) {
    const scheduledTime = freshScheduledTime();
    const window = { days: [notToday()], startHour: 1, endHour: 5 };
    const result = await ctx.run({
      allowedWindow: window,
      executionName: executionNameForScheduledTime(scheduledTime),
      input: { ...FAULT_RUN_INPUT, scheduledTime },
    });
    const problems: string[] = [];
    const named = `outside the allowed window ${window.days[0]} 01:00-05:00 UTC`;
    if (!reasonsOf(result).includes(named)) problems.push(`the skip does not name the window: ${reasonsOf(result)}`);
    if (result.status !== 'SUCCEEDED')
      problems.push(`a skipped run must not fail its execution (it ended ${result.status})`);
    if (ctx.targetHistory().length > 0)
      problems.push(`a skipped run moved the target: ${ctx.targetHistory().join(' -> ')}`);
    return outcome(result, problems);
  },
};
