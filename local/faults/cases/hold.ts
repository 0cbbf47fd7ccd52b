// Faults that strike during the hold: a failing or stopped execution, an alarm, a failed worker, a spent error budget.
import type { StepHandler } from '../../task-dispatcher';
import { FAULT_RUN_INPUT, STOP_CONDITION_ALARM, type FaultCase } from '../matrix';
import { abortDuringHold, duringHold, heldMs, outcome, realTraffic, reasonsOf, rolledBack, runFault } from './support';

export const trafficThrowsDuringHold: FaultCase = {
  name: '1. a traffic step throws during the hold',
  expectedVerdict: 'failed',
  mechanism: 'the Catch on the Experiment Parallel: RollbackRegister (already registered is success), release the lock, fail with the cause',
  async run(ctx) {
    const traffic = await realTraffic();
    const crashing: StepHandler = async (event) => {
      if ((event as { phase?: string }).phase === 'baseline') return traffic(event);
      await ctx.whenTarget('DEREGISTERED');
      // Orders sent into the outage are queued, then the generator dies mid-hold.
      await traffic({ ...(event as object), durationSeconds: 2 });
      throw Object.assign(new Error('traffic generator crashed mid-outage'), { name: 'TrafficCrashed' });
    };
    const { result, problems } = await runFault(ctx, { stepOverrides: { traffic: crashing } });
    if (!/TrafficCrashed|crashed mid-outage/.test(reasonsOf(result))) problems.push(`the run does not name the crash: ${reasonsOf(result)}`);
    rolledBack(result, problems);
    return outcome(result, problems);
  },
};

export const abortedDuringHold: FaultCase = {
  name: '2. the execution is aborted during the hold',
  expectedVerdict: 'aborted',
  mechanism: 'no Catch runs for a stopped execution: the EventBridge rule on ABORTED invokes the safety net (register if missing, release the lock)',
  async run(ctx) {
    const signal = abortDuringHold(ctx, 1_000);
    const { result, problems } = await runFault(ctx, { signal });
    if (result.status !== 'ABORTED') problems.push(`the execution ended ${result.status}, not ABORTED`);
    if (result.safetyNet?.action !== 'registered') problems.push(`the safety net did not register the target (${JSON.stringify(result.safetyNet)})`);
    if (result.safetyNet?.lockReleased !== true) problems.push(`the safety net did not release the stopped run's lock (${JSON.stringify(result.safetyNet)})`);
    return outcome(result, problems);
  },
};

export const timedOutDuringHold: FaultCase = {
  name: '3. the execution times out during the hold',
  expectedVerdict: 'aborted',
  mechanism: 'no Catch runs for a timed-out execution: the EventBridge rule on TIMED_OUT invokes the safety net',
  async run(ctx) {
    // Preflight and the 2 s baseline take about 4 s: a 7 s timeout lands inside the 6 s hold.
    const { result, problems } = await runFault(ctx, { timeoutSeconds: 7 });
    if (result.status !== 'TIMED_OUT') problems.push(`the execution ended ${result.status}, not TIMED_OUT`);
    if (result.safetyNet?.action !== 'registered') problems.push(`the timeout did not fall in the hold, or the safety net did not register (${JSON.stringify(result.safetyNet)})`);
    return outcome(result, problems);
  },
};

export const stopConditionDuringHold: FaultCase = {
  name: '7. a stop-condition alarm fires during the hold',
  expectedVerdict: 'aborted',
  mechanism: 'HoldCheckAlarms after every outage window: an alarm in ALARM ends the hold early, Register runs, the report names the alarm',
  async run(ctx) {
    duringHold(ctx, 1_500, () => ctx.lab.metrics.setAlarmState(STOP_CONDITION_ALARM, 'ALARM'));
    const { result, problems } = await runFault(ctx);
    const { fault } = result.report;
    if (!reasonsOf(result).includes(STOP_CONDITION_ALARM)) problems.push(`the run does not say which alarm stopped it: ${reasonsOf(result)}`);
    if (JSON.stringify(fault.stoppedEarly) !== JSON.stringify([STOP_CONDITION_ALARM])) problems.push(`fault.stoppedEarly is ${JSON.stringify(fault.stoppedEarly)}`);
    const held = heldMs(fault);
    const outageMs = (FAULT_RUN_INPUT.outageSeconds ?? 0) * 1000;
    if (held === null || held >= outageMs) problems.push(`the hold did not end early (held ${held} ms of ${outageMs} ms)`);
    return outcome(result, problems);
  },
};

export const workerFailsMidWindow: FaultCase = {
  name: '17. one traffic worker fails in the middle of an outage window',
  expectedVerdict: 'failed',
  mechanism: 'the window\'s Map fails with the worker\'s error (its requests were not measured): the Catch on the Experiment rolls back, releases the lock and fails the run naming the worker',
  async run(ctx) {
    const traffic = await realTraffic();
    const failing: StepHandler = async (event) => {
      const window = event as { phase?: string; worker?: number };
      if (window.phase === 'baseline' || window.worker !== 1) return traffic(event);
      // Worker 1 sends for a second of its outage window, then its process dies.
      const sending = traffic(event).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      void sending;
      throw Object.assign(new Error('traffic worker 1 died mid-window'), { name: 'TrafficWorkerDied' });
    };
    const { result, problems } = await runFault(ctx, { input: { ...FAULT_RUN_INPUT, trafficWorkers: 2 }, stepOverrides: { traffic: failing } });
    if (!/TrafficWorkerDied|worker 1 died/.test(reasonsOf(result))) problems.push(`the run does not name the failed worker: ${reasonsOf(result)}`);
    rolledBack(result, problems);
    return outcome(result, problems);
  },
};

export const errorBudgetEndsHold: FaultCase = {
  name: '18. the error budget ends the hold',
  expectedVerdict: 'failed',
  mechanism: 'after each outage window the tally compares its failed share with errorBudgetPercent: past it the hold ends, Register runs at once, the report says haltedBy errorBudget with the window\'s numbers',
  async run(ctx) {
    const traffic = await realTraffic();
    // Customers are hurt: during the outage every request fails (the shop is unreachable).
    const hurting: StepHandler = async (event) =>
      (event as { phase?: string }).phase === 'baseline' ? traffic(event) : traffic({ ...(event as object), shopUrl: 'http://127.0.0.1:9' });
    const outageSeconds = 20;
    const { result, problems } = await runFault(ctx, { input: { ...FAULT_RUN_INPUT, outageSeconds, windowSeconds: 2, errorBudgetPercent: 20 }, stepOverrides: { traffic: hurting } });
    const { fault } = result.report;
    if (fault.haltedBy !== 'errorBudget') problems.push(`fault.haltedBy is ${JSON.stringify(fault.haltedBy)}, not "errorBudget"`);
    if (!fault.haltWindow || fault.haltWindow.failedPercent <= 20) problems.push(`the report does not give the window that spent the budget: ${JSON.stringify(fault.haltWindow)}`);
    const held = heldMs(fault);
    if (held === null || held >= (outageSeconds * 1000) / 2) problems.push(`the hold did not end early (held ${held} ms of ${outageSeconds * 1000} ms)`);
    return outcome(result, problems);
  },
};
