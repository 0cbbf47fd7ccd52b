// Faults after the hold: a slow return to AVAILABLE, a worker crashing mid-drain, orders outlasting the retry budget.
import type { Verdict } from '../../../steps/core/contracts';
import type { LocalRunResult } from '../../runner/runner';
import { FAULT_RUN_INPUT, type FaultCase } from '../matrix';
import { type CaseSpec, familyCase, outcome, reasonsOf, runFault } from './support';

export const workerCrashesMidDrain: FaultCase = {
  name: '10. the recovery worker crashes mid-drain',
  expectedVerdict: 'passed',
  mechanism:
    'SQS redelivers an unacknowledged message after the visibility timeout; placeOrder inserts ON CONFLICT (order_id) DO NOTHING, so a redelivered order returns its first outcome and moves stock once',
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
    const { result, problems } = await runFault(ctx);
    if (crashedAfter.size === 0) problems.push('the worker never crashed: no order was queued and drained');
    return outcome(result, problems);
  },
};

/**
 * A case whose target takes `delayMs` from register to AVAILABLE. Whatever the case, the run must not
 * record AVAILABLE before the target was (a second of slack for the clocks).
 */
function slowAvailableCase(
  spec: CaseSpec & { expectedVerdict: Verdict; delayMs: number; recoverySeconds?: number },
): FaultCase {
  return familyCase(spec, spec.expectedVerdict, async (ctx) => {
    ctx.lab.proxy.registrationDelayMs = spec.delayMs;
    const { result, problems } = await runFault(ctx, {
      input: { ...FAULT_RUN_INPUT, recoverySeconds: spec.recoverySeconds ?? FAULT_RUN_INPUT.recoverySeconds },
    });
    const waitedMs = availableAfterRegisterMs(result);
    if (waitedMs !== null && waitedMs < spec.delayMs - 1_000)
      problems.push(
        `the run recorded AVAILABLE ${waitedMs} ms after register, before the target was (${spec.delayMs} ms)`,
      );
    return { result, problems };
  });
}

/** How long after register the run recorded AVAILABLE, or null when it recorded no AVAILABLE. */
function availableAfterRegisterMs(result: LocalRunResult): number | null {
  const { registeredAt, availableAt } = result.report.fault;
  return registeredAt && availableAt ? Date.parse(availableAt) - Date.parse(registeredAt) : null;
}

export const slowAvailableWithinBound = slowAvailableCase({
  name: '11a. the target is slow to become AVAILABLE, within the bound',
  expectedVerdict: 'passed',
  mechanism:
    'after register, traffic windows of availablePollSeconds each end with DescribeTargetAfterRegister, bounded by availableTimeoutSeconds; success is recorded only at AVAILABLE',
  delayMs: 6_000,
  recoverySeconds: 8,
  check(result, problems) {
    if (availableAfterRegisterMs(result) === null) problems.push('the run recorded no AVAILABLE after register');
  },
});

export const slowAvailablePastBound = slowAvailableCase({
  name: '11b. the target is slow to become AVAILABLE, past the bound',
  expectedVerdict: 'failed',
  mechanism:
    'past availableTimeoutSeconds the branch fails TargetNeverAvailable: the Catch rolls back and the run fails saying so, never passed early',
  // Longer than the local availableTimeoutSeconds (30 s).
  delayMs: 36_000,
  check(result, problems) {
    if (!/AVAILABLE/.test(reasonsOf(result)))
      problems.push(`the run does not say the target never became AVAILABLE: ${reasonsOf(result)}`);
  },
});

export const availableAfterRecoverySeconds = slowAvailableCase({
  name: '11c. the wait from register to AVAILABLE is longer than recoverySeconds',
  expectedVerdict: 'passed',
  mechanism:
    'traffic keeps running in windows while the target is REGISTERING (counted as outage); the recovery phase is recoverySeconds of traffic counted from AVAILABLE',
  delayMs: 8_000,
  recoverySeconds: 3,
  check(result, problems) {
    const { report } = result;
    const availableAtMs = report.fault.availableAt ? Date.parse(report.fault.availableAt) : null;
    const recoverySecondsSeen =
      availableAtMs === null
        ? 0
        : report.timeline.filter((second) => second.phase === 'recovery' && second.t >= availableAtMs).length;
    if (recoverySecondsSeen < report.config.recoverySeconds)
      problems.push(
        `the recovery phase holds ${recoverySecondsSeen} s of traffic after AVAILABLE, not ${report.config.recoverySeconds}`,
      );
    if (report.recovery.timeToFirstDatabaseReadMs === null)
      problems.push('no database read was seen after the restore');
  },
});

export const outageOutlastsRetryBudget: FaultCase = {
  name: "14. an outage longer than the queue's retry budget",
  expectedVerdict: 'failed',
  mechanism:
    'VerifyDrained reads the DLQ: orders there fail the run with the budget in numbers (maxReceiveCount x visibility timeout); a redrive commits them exactly once',
  // 2 receives x 1 s: a 6 s outage outlasts it.
  labOptions: { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 },
  expectsDlq: true,
  async run(ctx) {
    const { result, problems } = await runFault(ctx, { input: { ...FAULT_RUN_INPUT, drainTimeoutSeconds: 10 } });
    if (result.report.queue.dlq === 0) problems.push('no order reached the DLQ: the case proves nothing');
    if (!/DLQ/.test(reasonsOf(result)))
      problems.push(`the run does not say orders reached the DLQ: ${reasonsOf(result)}`);
    return outcome(result, problems);
  },
};
