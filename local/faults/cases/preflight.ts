// Faults the preflight must refuse before any harm: a second run, an invalid input, a target not AVAILABLE, too little concurrency.
import { executionNameForScheduledTime } from '../../../steps/core/schedule-start';
import type { LocalRunResult } from '../../runner/runner';
import type { CaseContext, FaultCase } from '../matrix';
import { type CaseSpec, duringHold, faultBit, familyCase, freshScheduledTime, reasonsOf } from './support';

export const secondRunRefused: FaultCase = {
  name: '8. a second run starts while one runs (manual over scheduled)',
  expectedVerdict: 'aborted',
  mechanism:
    'AcquireLock (conditional put) refuses it in preflight, before any fault; its safety net sees the lock held by a running execution and leaves it alone',
  async run(ctx) {
    const scheduled = ctx.run({ executionName: executionNameForScheduledTime(freshScheduledTime()) });
    const manual = new Promise<LocalRunResult>((resolve, reject) =>
      duringHold(ctx, 1_000, () => void ctx.run().then(resolve, reject)),
    );
    const [first, second] = await Promise.all([scheduled, manual]);
    const problems: string[] = [];
    faultBit(ctx, problems);
    if (!/lock/i.test(reasonsOf(second)))
      problems.push(`the second run was not refused by the lock: ${reasonsOf(second)}`);
    if (second.safetyNet?.action === 'registered' || second.safetyNet?.lockReleased)
      problems.push(`the second run's safety net cut the first run short (${JSON.stringify(second.safetyNet)})`);
    if (JSON.stringify(ctx.targetHistory()) !== JSON.stringify(['DEREGISTERED', 'REGISTERING', 'AVAILABLE']))
      problems.push(`the target went ${ctx.targetHistory().join(' -> ')}: only the first run may move it`);
    if (first.verdict !== 'passed')
      problems.push(`the running (scheduled) run did not pass: ${first.verdict}: ${reasonsOf(first)}`);
    return { verdict: second.verdict, reports: [first.report, second.report], problems };
  },
};

const INVALID_INPUTS: ReadonlyArray<{ input: Record<string, unknown>; names: RegExp }> = [
  { input: { outageSeconds: -5 }, names: /outageSeconds/ },
  {
    input: { baselineSeconds: 1_000_000_000, drainTimeoutSeconds: 10 ** 12 },
    names: /baselineSeconds.*drainTimeoutSeconds|drainTimeoutSeconds.*baselineSeconds/,
  },
  {
    input: { readsPerSecond: 0, writesPerSecond: 0 },
    names: /readsPerSecond.*writesPerSecond|writesPerSecond.*readsPerSecond/,
  },
  { input: { target: 'orders-db-prod' }, names: /unknown key "target"/ },
];

export const invalidInputRefused: FaultCase = {
  name: '12. invalid run input (negative or huge durations, zero rates, unknown target)',
  expectedVerdict: 'aborted',
  mechanism:
    "ValidateInput bounds every field and refuses unknown keys (the target is the stack's, never the input's): aborted before the lock, before any fault",
  async run(ctx) {
    const problems: string[] = [];
    const results: LocalRunResult[] = [];
    for (const { input, names } of INVALID_INPUTS) {
      const result = await ctx.run({ input });
      results.push(result);
      if (result.verdict !== 'aborted') problems.push(`input ${JSON.stringify(input)} ended ${result.verdict}`);
      if (!names.test(reasonsOf(result)))
        problems.push(`input ${JSON.stringify(input)} was not refused by name: ${reasonsOf(result)}`);
    }
    if (ctx.targetHistory().length > 0)
      problems.push(`an invalid run moved the target: ${ctx.targetHistory().join(' -> ')}`);
    const notAborted = results.find((r) => r.verdict !== 'aborted');
    return { verdict: (notAborted ?? results[0]).verdict, reports: results.map((r) => r.report), problems };
  },
};

/**
 * A case the preflight must refuse before any harm: `refuse` sets the lab so that it does (and returns
 * what puts the lab back, if anything), and the one run must abort saying why.
 */
function refusedCase(
  spec: CaseSpec & {
    /** Sets the lab so that the preflight refuses the run; returns what puts it back. */
    refuse: (ctx: CaseContext) => (() => void) | void;
    /** What the run's reasons must match, and what a problem says the run did not do. */
    says: { pattern: RegExp; what: string };
  },
): FaultCase {
  return familyCase(spec, 'aborted', async (ctx) => {
    const putBack = spec.refuse(ctx);
    try {
      const result = await ctx.run();
      const problems: string[] = [];
      if (!spec.says.pattern.test(reasonsOf(result)))
        problems.push(`the run does not ${spec.says.what}: ${reasonsOf(result)}`);
      return { result, problems };
    } finally {
      putBack?.();
    }
  });
}

export const targetNotAvailableAtStart = refusedCase({
  name: '15. the target is not AVAILABLE when the run starts',
  mechanism:
    'DescribeTarget in preflight: a target that is not AVAILABLE (here still REGISTERING after a change of someone else) aborts the run before any fault; nothing is deregistered',
  refuse(ctx) {
    // Someone else's registration is still in progress for the whole preflight, however slow the machine.
    ctx.lab.proxy.registrationDelayMs = 15_000;
    ctx.lab.proxy.deregister();
    ctx.lab.proxy.register();
  },
  says: { pattern: /AVAILABLE/, what: 'say the target was not AVAILABLE' },
  check(_result, problems, ctx) {
    const deregistrations = ctx.targetHistory().filter((state) => state === 'DEREGISTERED').length;
    if (deregistrations !== 1)
      problems.push(
        `the run deregistered a target that was not AVAILABLE (history ${ctx.targetHistory().join(' -> ')})`,
      );
  },
});

export const lambdaConcurrencyShort = refusedCase({
  name: "31. the account's Lambda concurrency is below what the run needs",
  mechanism:
    "ReadLambdaConcurrency (lambda:GetAccountSettings) in preflight: a run that needs more concurrent executions than the account has unreserved is aborted before any fault, naming both numbers; its lock is released (the next case's first run passes)",
  refuse(ctx) {
    const account = ctx.lab.lambdaAccount;
    const unreserved = account.unreservedConcurrentExecutions;
    // One execution: fewer than any run's traffic worker and step.
    account.unreservedConcurrentExecutions = 1;
    return () => {
      account.unreservedConcurrentExecutions = unreserved;
    };
  },
  says: {
    pattern: /the run needs \d+ concurrent Lambda executions .* and the account has 1 unreserved/,
    what: 'name both numbers',
  },
  check(_result, problems, ctx) {
    if (ctx.targetHistory().length > 0)
      problems.push(`a run refused for concurrency moved the target: ${ctx.targetHistory().join(' -> ')}`);
  },
});
