// The fault cases: one fault each in the orchestrator or its surroundings, the verdict it must end with, and what covers it.
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../definition';
import { RDS_ERRORS } from '../../steps/core/workflow-names';
import { ExecutionAlreadyExists, type ExecutionsPort } from '../../steps/ports';
import { executionNameForScheduledTime, startScheduledRun } from '../../steps/core/schedule-start';
import type { RunReport } from '../../steps/core/contracts';
import type { LocalRunResult } from '../runner';
import { TaskError, type StepHandler } from '../task-dispatcher';
import { FAULT_RUN_INPUT, STOP_CONDITION_ALARM, type CaseContext, type CaseOutcome, type FaultCase } from './matrix';

/** The real traffic step, loaded after the lab set the emulator endpoints. */
async function realTraffic(): Promise<StepHandler> {
  return (await import('../../steps/handlers/traffic')).handler as StepHandler;
}

/** Calls `action` `delayMs` after the target is deregistered (the hold has begun). */
function duringHold(ctx: CaseContext, delayMs: number, action: () => void): void {
  ctx.whenTarget('DEREGISTERED').then(
    () => setTimeout(action, delayMs),
    () => undefined,
  );
}

/** The fault must have bitten: a case whose target was never deregistered proves nothing. */
function faultBit(ctx: CaseContext, problems: string[]): void {
  if (!ctx.targetHistory().includes('DEREGISTERED')) problems.push('the target was never deregistered: the fault did not bite');
}

function outcome(result: LocalRunResult, problems: string[], more: RunReport[] = []): CaseOutcome {
  return { verdict: result.verdict, reports: [result.report, ...more], problems };
}

function reasonsOf(result: LocalRunResult): string {
  return result.report.reasons.join(' | ');
}

/** A scheduled time no earlier run of this process used: execution names (and run ids) stay unique. */
let lastScheduledMs = 0;
function freshScheduledTime(): string {
  lastScheduledMs = Math.max(Math.floor(Date.now() / 1000) * 1000, lastScheduledMs + 1000);
  return new Date(lastScheduledMs).toISOString();
}

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
    const result = await ctx.run({ stepOverrides: { traffic: crashing } });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (!/TrafficCrashed|crashed mid-outage/.test(reasonsOf(result))) problems.push(`the run does not name the crash: ${reasonsOf(result)}`);
    // The safety net runs after every failed execution: finding the target missing means the rollback did not restore it.
    if (result.safetyNet?.action === 'registered') problems.push('the safety net registered the target: the rollback did not');
    return outcome(result, problems);
  },
};

export const abortedDuringHold: FaultCase = {
  name: '2. the execution is aborted during the hold',
  expectedVerdict: 'aborted',
  mechanism: 'no Catch runs for a stopped execution: the EventBridge rule on ABORTED invokes the safety net (register if missing, release the lock)',
  async run(ctx) {
    const abort = new AbortController();
    duringHold(ctx, 1_000, () => abort.abort());
    const result = await ctx.run({ signal: abort.signal });
    const problems: string[] = [];
    faultBit(ctx, problems);
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
    const result = await ctx.run({ timeoutSeconds: 7 });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (result.status !== 'TIMED_OUT') problems.push(`the execution ended ${result.status}, not TIMED_OUT`);
    if (result.safetyNet?.action !== 'registered') problems.push(`the timeout did not fall in the hold, or the safety net did not register (${JSON.stringify(result.safetyNet)})`);
    return outcome(result, problems);
  },
};

export const targetCallsFailTransiently: FaultCase = {
  name: '4. deregister fails transiently once and register twice, then both succeed',
  expectedVerdict: 'passed',
  mechanism: 'Retry on Deregister and Register for InvalidDbProxyState and unmodelled RDS errors (throttling): backoff from 2 s, up to 5 and 8 attempts',
  async run(ctx) {
    const refused = { Deregister: 0, Register: 0 };
    const refusals = { Deregister: 1, Register: 2 };
    const result = await ctx.run({
      beforeTask: (state) => {
        if ((state === 'Deregister' || state === 'Register') && refused[state] < refusals[state]) {
          refused[state] += 1;
          throw new TaskError(RDS_ERRORS.invalidProxyState, `the proxy cannot take the ${state === 'Register' ? 'registration' : 'deregistration'} yet`);
        }
      },
    });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (JSON.stringify(refused) !== JSON.stringify(refusals)) problems.push(`deregister and register were refused ${JSON.stringify(refused)} times, not ${JSON.stringify(refusals)}`);
    return outcome(result, problems);
  },
};

export const registerAlreadyRegistered: FaultCase = {
  name: '5. register answers "already registered"',
  expectedVerdict: 'passed',
  mechanism: 'Catch DbProxyTargetAlreadyRegistered on Register as success, then wait for AVAILABLE as usual',
  async run(ctx) {
    let answered = 0;
    const result = await ctx.run({
      taskOverrides: {
        // An earlier attempt of this call registered the target; its answer was lost, the retry hears "already registered".
        Register: async () => {
          answered += 1;
          if (ctx.lab.proxy.state === 'DEREGISTERED') ctx.lab.proxy.register();
          throw new TaskError(RDS_ERRORS.targetAlreadyRegistered, 'the target is already registered');
        },
      },
    });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (answered === 0) problems.push('register was never called');
    return outcome(result, problems);
  },
};

export const deregisterTargetNotFound: FaultCase = {
  name: '6. deregister answers "target not found"',
  expectedVerdict: 'passed',
  mechanism: 'Catch DbProxyTargetNotFound on Deregister as success (a retried call whose first try succeeded): the hold goes on',
  async run(ctx) {
    let answered = 0;
    const result = await ctx.run({
      taskOverrides: {
        Deregister: async () => {
          answered += 1;
          if (ctx.lab.proxy.state !== 'DEREGISTERED') ctx.lab.proxy.deregister();
          throw new TaskError(RDS_ERRORS.targetNotFound, 'the proxy has no registered target');
        },
      },
    });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (answered === 0) problems.push('deregister was never called');
    if (result.report.fault.deregisteredAt === null) problems.push('the run recorded no deregistration');
    return outcome(result, problems);
  },
};

export const stopConditionDuringHold: FaultCase = {
  name: '7. a stop-condition alarm fires during the hold',
  expectedVerdict: 'aborted',
  mechanism: 'HoldCheckAlarms after every outage window: an alarm in ALARM ends the hold early, Register runs, the report names the alarm',
  async run(ctx) {
    duringHold(ctx, 1_500, () => ctx.lab.metrics.setAlarmState(STOP_CONDITION_ALARM, 'ALARM'));
    const result = await ctx.run();
    const problems: string[] = [];
    faultBit(ctx, problems);
    const { fault } = result.report;
    if (!reasonsOf(result).includes(STOP_CONDITION_ALARM)) problems.push(`the run does not say which alarm stopped it: ${reasonsOf(result)}`);
    if (JSON.stringify(fault.stoppedEarly) !== JSON.stringify([STOP_CONDITION_ALARM])) problems.push(`fault.stoppedEarly is ${JSON.stringify(fault.stoppedEarly)}`);
    const heldMs = fault.deregisteredAt && fault.registeredAt ? Date.parse(fault.registeredAt) - Date.parse(fault.deregisteredAt) : null;
    const outageMs = (FAULT_RUN_INPUT.outageSeconds ?? 0) * 1000;
    if (heldMs === null || heldMs >= outageMs) problems.push(`the hold did not end early (held ${heldMs} ms of ${outageMs} ms)`);
    return outcome(result, problems);
  },
};

export const secondRunRefused: FaultCase = {
  name: '8. a second run starts while one runs (manual over scheduled)',
  expectedVerdict: 'aborted',
  mechanism: 'AcquireLock (conditional put) refuses it in preflight, before any fault; its safety net sees the lock held by a running execution and leaves it alone',
  async run(ctx) {
    const scheduled = ctx.run({ executionName: executionNameForScheduledTime(freshScheduledTime()) });
    const manual = new Promise<LocalRunResult>((resolve, reject) => duringHold(ctx, 1_000, () => ctx.run().then(resolve, reject)));
    const [first, second] = await Promise.all([scheduled, manual]);
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (!/lock/i.test(reasonsOf(second))) problems.push(`the second run was not refused by the lock: ${reasonsOf(second)}`);
    if (second.safetyNet?.action === 'registered' || second.safetyNet?.lockReleased) problems.push(`the second run's safety net cut the first run short (${JSON.stringify(second.safetyNet)})`);
    if (JSON.stringify(ctx.targetHistory()) !== JSON.stringify(['DEREGISTERED', 'REGISTERING', 'AVAILABLE'])) problems.push(`the target went ${ctx.targetHistory().join(' -> ')}: only the first run may move it`);
    if (first.verdict !== 'passed') problems.push(`the running (scheduled) run did not pass: ${first.verdict}: ${reasonsOf(first)}`);
    return { verdict: second.verdict, reports: [first.report, second.report], problems };
  },
};

export const scheduledStartDeliveredTwice: FaultCase = {
  name: '9. the scheduler delivers the same start twice',
  expectedVerdict: 'passed',
  mechanism: 'schedule-start names the execution after the scheduled time: the second delivery meets ExecutionAlreadyExists and starts nothing',
  async run(ctx) {
    const runs = new Map<string, Promise<LocalRunResult>>();
    const arnOf = (name: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:GameDay:${name}`;
    // Step Functions as the schedule-start function sees it: names are unique, a second start of one is refused.
    const executions: ExecutionsPort = {
      isRunning: async () => false,
      start: async (name, input) => {
        if (runs.has(name)) throw new ExecutionAlreadyExists(arnOf(name));
        runs.set(name, ctx.run({ executionName: name, input: { ...FAULT_RUN_INPUT, ...input } }));
        return { executionArn: arnOf(name), duplicate: false };
      },
    };
    const scheduledTime = freshScheduledTime();
    const firstDelivery = await startScheduledRun(scheduledTime, { executions });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const retriedDelivery = await startScheduledRun(scheduledTime, { executions });
    const [result] = await Promise.all(runs.values());
    const lateDelivery = await startScheduledRun(scheduledTime, { executions });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (runs.size !== 1) problems.push(`${runs.size} runs started for one scheduled time`);
    if (firstDelivery.duplicate) problems.push('the first delivery was taken for a duplicate');
    if (!retriedDelivery.duplicate || !lateDelivery.duplicate) problems.push('a repeated delivery was not recognised as a duplicate');
    return outcome(result, problems);
  },
};

export const workerCrashesMidDrain: FaultCase = {
  name: '10. the recovery worker crashes mid-drain',
  expectedVerdict: 'passed',
  mechanism: 'SQS redelivers an unacknowledged message after the visibility timeout; placeOrder inserts ON CONFLICT (order_id) DO NOTHING, so a redelivered order returns its first outcome and moves stock once',
  async run(ctx) {
    const crashedAfter = new Set<string>();
    // The worker commits each queued order, then dies before the queue hears back: every order is delivered again.
    ctx.setWorkerFault(async (worker, event) => {
      const response = await worker(event);
      const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      const committedNow = event.Records.filter((r) => !failed.has(r.messageId) && !crashedAfter.has(r.messageId));
      if (committedNow.length === 0) return response;
      for (const record of committedNow) crashedAfter.add(record.messageId);
      throw new Error('the recovery worker crashed after committing, before acknowledging the batch');
    });
    const result = await ctx.run();
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (crashedAfter.size === 0) problems.push('the worker never crashed: no order was queued and drained');
    return outcome(result, problems);
  },
};

export const slowAvailableWithinBound: FaultCase = {
  name: '11a. the target is slow to become AVAILABLE, within the bound',
  expectedVerdict: 'passed',
  mechanism: 'after register, traffic windows of availablePollSeconds each end with DescribeTargetAfterRegister, bounded by availableTimeoutSeconds; success is recorded only at AVAILABLE',
  async run(ctx) {
    const delayMs = 6_000;
    ctx.lab.proxy.registrationDelayMs = delayMs;
    const result = await ctx.run({ input: { ...FAULT_RUN_INPUT, recoverySeconds: 8 } });
    const problems: string[] = [];
    faultBit(ctx, problems);
    const { registeredAt, availableAt } = result.report.fault;
    const waitedMs = registeredAt && availableAt ? Date.parse(availableAt) - Date.parse(registeredAt) : null;
    if (waitedMs === null || waitedMs < delayMs - 1_000) problems.push(`the run recorded AVAILABLE ${waitedMs} ms after register, before the target was (${delayMs} ms)`);
    return outcome(result, problems);
  },
};

export const slowAvailablePastBound: FaultCase = {
  name: '11b. the target is slow to become AVAILABLE, past the bound',
  expectedVerdict: 'failed',
  mechanism: 'past availableTimeoutSeconds the branch fails TargetNeverAvailable: the Catch rolls back and the run fails saying so, never passed early',
  async run(ctx) {
    // Longer than the local availableTimeoutSeconds (30 s).
    ctx.lab.proxy.registrationDelayMs = 36_000;
    const result = await ctx.run();
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (!/AVAILABLE/.test(reasonsOf(result))) problems.push(`the run does not say the target never became AVAILABLE: ${reasonsOf(result)}`);
    return outcome(result, problems);
  },
};

const INVALID_INPUTS: ReadonlyArray<{ input: Record<string, unknown>; names: RegExp }> = [
  { input: { outageSeconds: -5 }, names: /outageSeconds/ },
  { input: { baselineSeconds: 1_000_000_000, drainTimeoutSeconds: 10 ** 12 }, names: /baselineSeconds.*drainTimeoutSeconds|drainTimeoutSeconds.*baselineSeconds/ },
  { input: { readsPerSecond: 0, writesPerSecond: 0 }, names: /readsPerSecond.*writesPerSecond|writesPerSecond.*readsPerSecond/ },
  { input: { target: 'orders-db-prod' }, names: /unknown key "target"/ },
];

export const invalidInputRefused: FaultCase = {
  name: '12. invalid run input (negative or huge durations, zero rates, unknown target)',
  expectedVerdict: 'aborted',
  mechanism: 'ValidateInput bounds every field and refuses unknown keys (the target is the stack\'s, never the input\'s): aborted before the lock, before any fault',
  async run(ctx) {
    const problems: string[] = [];
    const results: LocalRunResult[] = [];
    for (const { input, names } of INVALID_INPUTS) {
      const result = await ctx.run({ input });
      results.push(result);
      if (result.verdict !== 'aborted') problems.push(`input ${JSON.stringify(input)} ended ${result.verdict}`);
      if (!names.test(reasonsOf(result))) problems.push(`input ${JSON.stringify(input)} was not refused by name: ${reasonsOf(result)}`);
    }
    if (ctx.targetHistory().length > 0) problems.push(`an invalid run moved the target: ${ctx.targetHistory().join(' -> ')}`);
    const notAborted = results.find((r) => r.verdict !== 'aborted');
    return { verdict: (notAborted ?? results[0]).verdict, reports: results.map((r) => r.report), problems };
  },
};

export const safetyNetFailsOnce: FaultCase = {
  name: '13. the safety-net function itself fails once',
  expectedVerdict: 'aborted',
  mechanism: 'the reconciler schedule runs the same safety-net core while no running execution holds the lock: register if missing, release the stale lock',
  async run(ctx) {
    const abort = new AbortController();
    duringHold(ctx, 1_000, () => abort.abort());
    let failures = 0;
    const result = await ctx.run({
      signal: abort.signal,
      safetyNetFault: () => {
        if (failures === 0) {
          failures += 1;
          throw Object.assign(new Error('the safety-net function timed out'), { name: 'SafetyNetFailed' });
        }
      },
    });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (failures !== 1 || !result.safetyNetError) problems.push('the safety net did not fail: the case proves nothing');
    if (ctx.lab.proxy.state !== 'DEREGISTERED') problems.push(`the target was ${ctx.lab.proxy.state} before the reconciler ran: the case proves nothing`);
    const reconciled = await ctx.reconcile();
    if (reconciled?.action !== 'registered') problems.push(`the reconciler did not register the target (${JSON.stringify(reconciled)})`);
    return outcome(result, problems);
  },
};

export const outageOutlastsRetryBudget: FaultCase = {
  name: "14. an outage longer than the queue's retry budget",
  expectedVerdict: 'failed',
  mechanism: 'VerifyDrained reads the DLQ: orders there fail the run with the budget in numbers (maxReceiveCount x visibility timeout); a redrive commits them exactly once',
  // 2 receives x 1 s: a 6 s outage outlasts it.
  labOptions: { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 },
  expectsDlq: true,
  async run(ctx) {
    const result = await ctx.run({ input: { ...FAULT_RUN_INPUT, drainTimeoutSeconds: 10 } });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (result.report.queue.dlq === 0) problems.push('no order reached the DLQ: the case proves nothing');
    if (!/DLQ/.test(reasonsOf(result))) problems.push(`the run does not say orders reached the DLQ: ${reasonsOf(result)}`);
    return outcome(result, problems);
  },
};

export const targetNotAvailableAtStart: FaultCase = {
  name: '15. the target is not AVAILABLE when the run starts',
  expectedVerdict: 'aborted',
  mechanism: 'DescribeTarget in preflight: a target that is not AVAILABLE (here still REGISTERING after a change of someone else) aborts the run before any fault; nothing is deregistered',
  async run(ctx) {
    // Someone else's registration is still in progress for the whole preflight, however slow the machine.
    ctx.lab.proxy.registrationDelayMs = 15_000;
    ctx.lab.proxy.deregister();
    ctx.lab.proxy.register();
    const result = await ctx.run();
    const problems: string[] = [];
    if (!/AVAILABLE/.test(reasonsOf(result))) problems.push(`the run does not say the target was not AVAILABLE: ${reasonsOf(result)}`);
    const deregistrations = ctx.targetHistory().filter((state) => state === 'DEREGISTERED').length;
    if (deregistrations !== 1) problems.push(`the run deregistered a target that was not AVAILABLE (history ${ctx.targetHistory().join(' -> ')})`);
    return outcome(result, problems);
  },
};

export const deregisterDoesNothing: FaultCase = {
  name: '16. deregister succeeds but does nothing: the fault never bites',
  expectedVerdict: 'inconclusive',
  mechanism: 'the verdict needs the fault to have bitten (reads from the cache, queued orders or failed requests in the outage): without it the run is inconclusive and fails, never green by vacuity',
  async run(ctx) {
    const result = await ctx.run({ taskOverrides: { Deregister: async () => ({}) } });
    const problems: string[] = [];
    if (ctx.targetHistory().length > 0) problems.push(`the target moved: ${ctx.targetHistory().join(' -> ')}`);
    if (result.status !== 'FAILED') problems.push(`the execution ended ${result.status}: an inconclusive run must fail it`);
    if (!/never bit/.test(reasonsOf(result))) problems.push(`the run does not say the fault never bit: ${reasonsOf(result)}`);
    return outcome(result, problems);
  },
};

/** Every case, in the order of the issue, then the cases added since. */
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
    const result = await ctx.run({ input: { ...FAULT_RUN_INPUT, trafficWorkers: 2 }, stepOverrides: { traffic: failing } });
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (!/TrafficWorkerDied|worker 1 died/.test(reasonsOf(result))) problems.push(`the run does not name the failed worker: ${reasonsOf(result)}`);
    if (result.safetyNet?.action === 'registered') problems.push('the safety net registered the target: the rollback did not');
    return outcome(result, problems);
  },
};

export const availableAfterRecoverySeconds: FaultCase = {
  name: '11c. the wait from register to AVAILABLE is longer than recoverySeconds',
  expectedVerdict: 'passed',
  mechanism: 'traffic keeps running in windows while the target is REGISTERING (counted as outage); the recovery phase is recoverySeconds of traffic counted from AVAILABLE',
  async run(ctx) {
    const delayMs = 8_000;
    const recoverySeconds = 3;
    ctx.lab.proxy.registrationDelayMs = delayMs;
    const result = await ctx.run({ input: { ...FAULT_RUN_INPUT, recoverySeconds } });
    const problems: string[] = [];
    faultBit(ctx, problems);
    const { report } = result;
    const availableAtMs = report.fault.availableAt ? Date.parse(report.fault.availableAt) : null;
    const recoverySecondsSeen = availableAtMs === null ? 0 : report.timeline.filter((second) => second.phase === 'recovery' && second.t >= availableAtMs).length;
    if (recoverySecondsSeen < recoverySeconds) problems.push(`the recovery phase holds ${recoverySecondsSeen} s of traffic after AVAILABLE, not ${recoverySeconds}`);
    if (report.recovery.timeToFirstDatabaseReadMs === null) problems.push('no database read was seen after the restore');
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
    const result = await ctx.run({ input: { ...FAULT_RUN_INPUT, outageSeconds, windowSeconds: 2, errorBudgetPercent: 20 }, stepOverrides: { traffic: hurting } });
    const problems: string[] = [];
    faultBit(ctx, problems);
    const { fault } = result.report;
    if (fault.haltedBy !== 'errorBudget') problems.push(`fault.haltedBy is ${JSON.stringify(fault.haltedBy)}, not "errorBudget"`);
    if (!fault.haltWindow || fault.haltWindow.failedPercent <= 20) problems.push(`the report does not give the window that spent the budget: ${JSON.stringify(fault.haltWindow)}`);
    const heldMs = fault.deregisteredAt && fault.registeredAt ? Date.parse(fault.registeredAt) - Date.parse(fault.deregisteredAt) : null;
    if (heldMs === null || heldMs >= (outageSeconds * 1000) / 2) problems.push(`the hold did not end early (held ${heldMs} ms of ${outageSeconds * 1000} ms)`);
    return outcome(result, problems);
  },
};

export const FAULT_CASES: readonly FaultCase[] = [
  trafficThrowsDuringHold,
  abortedDuringHold,
  timedOutDuringHold,
  targetCallsFailTransiently,
  registerAlreadyRegistered,
  deregisterTargetNotFound,
  stopConditionDuringHold,
  secondRunRefused,
  scheduledStartDeliveredTwice,
  workerCrashesMidDrain,
  slowAvailableWithinBound,
  slowAvailablePastBound,
  availableAfterRecoverySeconds,
  invalidInputRefused,
  safetyNetFailsOnce,
  outageOutlastsRetryBudget,
  targetNotAvailableAtStart,
  deregisterDoesNothing,
  workerFailsMidWindow,
  errorBudgetEndsHold,
];
