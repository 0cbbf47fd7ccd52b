// Runs refused on purpose by the weekly controls: a change freeze, the halt lever.
import type { FaultCase } from '../matrix';
import { outcome, reasonsOf } from './support';

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
