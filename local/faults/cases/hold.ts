// Faults that strike during the hold: a failing or stopped execution, an alarm, a failed worker, a spent error budget.
import type { RunOverrides } from '../../runner/runner';
import type { StepHandler } from '../../runner/task-dispatcher';
import { type CaseContext, FAULT_RUN_INPUT, STOP_CONDITION_ALARM, type FaultCase } from '../matrix';
import {
  type CaseSpec,
  duringHold,
  endedEarly,
  familyCase,
  outcome,
  reasonsOf,
  rolledBack,
  runFault,
  runStoppedInHold,
  trafficAfterBaseline,
} from './support';

/**
 * A case whose traffic fails after the baseline: the Catch on the Experiment Parallel must roll back
 * (RollbackRegister, already registered is success), release the lock and fail the run naming the failure.
 */
function trafficFailureCase(
  spec: CaseSpec & {
    /** @default FAULT_RUN_INPUT */
    input?: RunOverrides;
    /** How the run must name the failure, and what it is called in a problem. */
    named: { pattern: RegExp; what: string };
    /** Runs each window after the baseline, given the real traffic step; it throws the failure. */
    afterBaseline: (ctx: CaseContext, event: unknown, traffic: StepHandler) => Promise<unknown>;
  },
): FaultCase {
  return familyCase(spec, 'failed', async (ctx) => {
    const traffic = await trafficAfterBaseline((event, real) => spec.afterBaseline(ctx, event, real));
    const { result, problems } = await runFault(ctx, {
      input: spec.input ?? FAULT_RUN_INPUT,
      stepOverrides: { traffic },
    });
    if (!spec.named.pattern.test(reasonsOf(result)))
      problems.push(`the run does not name ${spec.named.what}: ${reasonsOf(result)}`);
    rolledBack(result, problems);
    return { result, problems };
  });
}

export const trafficThrowsDuringHold = trafficFailureCase({
  name: '1. a traffic step throws during the hold',
  mechanism:
    'the Catch on the Experiment Parallel: RollbackRegister (already registered is success), release the lock, fail with the cause',
  named: { pattern: /TrafficCrashed|crashed mid-outage/, what: 'the crash' },
  async afterBaseline(ctx, event, traffic) {
    await ctx.whenTarget('DEREGISTERED');
    // Orders sent into the outage are queued, then the generator dies mid-hold.
    await traffic({ ...(event as object), durationSeconds: 2 });
    throw Object.assign(new Error('traffic generator crashed mid-outage'), { name: 'TrafficCrashed' });
  },
});

/**
 * A case whose execution ends during the hold without running its Catch (stopped, or timed out): no
 * rollback runs, so the EventBridge rule's safety net must register the target.
 */
function endedWithoutCatchCase(
  spec: CaseSpec & {
    /** The status the execution must end with. */
    status: 'ABORTED' | 'TIMED_OUT';
    /** Runs the GameDay so that it ends that way in the hold. */
    endInHold: (ctx: CaseContext) => ReturnType<typeof runFault>;
  },
): FaultCase {
  return familyCase(spec, 'aborted', async (ctx) => {
    const { result, problems } = await spec.endInHold(ctx);
    if (result.status !== spec.status) problems.push(`the execution ended ${result.status}, not ${spec.status}`);
    // Ended outside the hold, the run would have registered the target itself.
    if (result.safetyNet?.action !== 'registered')
      problems.push(
        `the run did not end in the hold, or the safety net did not register the target (${JSON.stringify(result.safetyNet)})`,
      );
    return { result, problems };
  });
}

export const abortedDuringHold = endedWithoutCatchCase({
  name: '2. the execution is aborted during the hold',
  mechanism:
    'no Catch runs for a stopped execution: the EventBridge rule on ABORTED invokes the safety net (register if missing, release the lock)',
  status: 'ABORTED',
  endInHold: (ctx) => runStoppedInHold(ctx),
  check(result, problems) {
    if (result.safetyNet?.lockReleased !== true)
      problems.push(`the safety net did not release the stopped run's lock (${JSON.stringify(result.safetyNet)})`);
  },
});

export const timedOutDuringHold = endedWithoutCatchCase({
  name: '3. the execution times out during the hold',
  mechanism: 'no Catch runs for a timed-out execution: the EventBridge rule on TIMED_OUT invokes the safety net',
  status: 'TIMED_OUT',
  // Preflight and the 2 s baseline take about 4 s: a 7 s timeout lands inside the 6 s hold.
  endInHold: (ctx) => runFault(ctx, { timeoutSeconds: 7 }),
});

export const stopConditionDuringHold: FaultCase = {
  name: '7. a stop-condition alarm fires during the hold',
  expectedVerdict: 'aborted',
  mechanism:
    'HoldCheckAlarms after every outage window: an alarm in ALARM ends the hold early, Register runs, the report names the alarm',
  async run(ctx) {
    duringHold(ctx, 1_500, () => ctx.lab.metrics.setAlarmState(STOP_CONDITION_ALARM, 'ALARM'));
    const { result, problems } = await runFault(ctx);
    const { fault } = result.report;
    if (!reasonsOf(result).includes(STOP_CONDITION_ALARM))
      problems.push(`the run does not say which alarm stopped it: ${reasonsOf(result)}`);
    if (JSON.stringify(fault.stoppedEarly) !== JSON.stringify([STOP_CONDITION_ALARM]))
      problems.push(`fault.stoppedEarly is ${JSON.stringify(fault.stoppedEarly)}`);
    const outageMs = (FAULT_RUN_INPUT.outageSeconds ?? 0) * 1000;
    endedEarly(fault, { withinMs: outageMs, outageMs }, problems);
    return outcome(result, problems);
  },
};

export const workerFailsMidWindow = trafficFailureCase({
  name: '17. one traffic worker fails in the middle of an outage window',
  mechanism:
    "the window's Map fails with the worker's error (its requests were not measured): the Catch on the Experiment rolls back, releases the lock and fails the run naming the worker",
  input: { ...FAULT_RUN_INPUT, trafficWorkers: 2 },
  named: { pattern: /TrafficWorkerDied|worker 1 died/, what: 'the failed worker' },
  async afterBaseline(_ctx, event, traffic) {
    if ((event as { worker?: number }).worker !== 1) return traffic(event);
    // Worker 1 sends for a second of its outage window, then its process dies.
    const sending = traffic(event).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    void sending;
    throw Object.assign(new Error('traffic worker 1 died mid-window'), { name: 'TrafficWorkerDied' });
  },
});

export const errorBudgetEndsHold: FaultCase = {
  name: '18. the error budget ends the hold',
  expectedVerdict: 'failed',
  mechanism:
    "after each outage window the tally compares its failed share with errorBudgetPercent: past it the hold ends, Register runs at once, the report says haltedBy errorBudget with the window's numbers",
  async run(ctx) {
    // Customers are hurt: during the outage every request fails (the shop is unreachable).
    const hurting = await trafficAfterBaseline((event, traffic) =>
      traffic({ ...(event as object), shopUrl: 'http://127.0.0.1:9' }),
    );
    const outageSeconds = 20;
    const { result, problems } = await runFault(ctx, {
      input: { ...FAULT_RUN_INPUT, outageSeconds, windowSeconds: 2, errorBudgetPercent: 20 },
      stepOverrides: { traffic: hurting },
    });
    const { fault } = result.report;
    if (fault.haltedBy !== 'errorBudget')
      problems.push(`fault.haltedBy is ${JSON.stringify(fault.haltedBy)}, not "errorBudget"`);
    if (!fault.haltWindow || fault.haltWindow.failedPercent <= 20)
      problems.push(`the report does not give the window that spent the budget: ${JSON.stringify(fault.haltWindow)}`);
    endedEarly(fault, { withinMs: (outageSeconds * 1000) / 2, outageMs: outageSeconds * 1000 }, problems);
    return outcome(result, problems);
  },
};
