// A fault before the fault: the database stalls during the baseline, so the service already answers degraded, and the run must not pass.
import type { StepHandler } from '../../runner/task-dispatcher';
import { FAULT_RUN_INPUT, type FaultCase } from '../matrix';
import { outcome, realTraffic, reasonsOf, runFault } from './support';

/** Longer than the Chaos Shop's query timeout (statement 2 s + connect 1 s) and the example service's (1.5 s). */
const STALL_MS = 4_000;

export const databaseStallsInBaseline: FaultCase = {
  name: '19. the database stalls during the baseline, before the fault',
  expectedVerdict: 'failed',
  mechanism:
    "the steady-state check bounds the baseline's degraded share (maxDegradedBaselinePercent, default 0): reads served degraded or writes deferred before any fault are no steady state, and the run fails saying so",
  async run(ctx) {
    const real = await realTraffic();
    let stalled = false;
    // The first baseline window starts with the database stalling: its queries wait, time out, and the service degrades.
    const traffic: StepHandler = (event) => {
      if (!stalled && (event as { phase?: string }).phase === 'baseline') {
        stalled = true;
        ctx.lab.proxy.stall(STALL_MS);
      }
      return real(event);
    };
    const { result, problems } = await runFault(ctx, {
      input: { ...FAULT_RUN_INPUT, baselineSeconds: 6 },
      stepOverrides: { traffic },
    });
    const baseline = result.report.phases?.baseline;
    if (!stalled) problems.push('no baseline window ran: the database never stalled');
    if (!baseline || baseline.reads.cache + baseline.writes.queued === 0)
      problems.push('the baseline had no degraded answer: the stall proves nothing');
    if (!/no steady state before the fault/.test(reasonsOf(result)))
      problems.push(`the run does not say there was no steady state: ${reasonsOf(result)}`);
    return outcome(result, problems);
  },
};
