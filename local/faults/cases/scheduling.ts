// Faults of the scheduled runs and the safety net: a start delivered twice, a safety net that fails once.
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../runner/definition';
import { ExecutionAlreadyExists, type ExecutionsPort } from '../../../steps/ports';
import { startScheduledRun } from '../../../steps/core/schedule-start';
import type { LocalRunResult } from '../../runner/runner';
import { FAULT_RUN_INPUT, type FaultCase } from '../matrix';
import { faultBit, freshScheduledTime, outcome, runStoppedInHold } from './support';

export const scheduledStartDeliveredTwice: FaultCase = {
  name: '9. the scheduler delivers the same start twice',
  expectedVerdict: 'passed',
  mechanism:
    'schedule-start names the execution after the scheduled time: the second delivery meets ExecutionAlreadyExists and starts nothing',
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
    if (!retriedDelivery.duplicate || !lateDelivery.duplicate)
      problems.push('a repeated delivery was not recognised as a duplicate');
    return outcome(result, problems);
  },
};

export const safetyNetFailsOnce: FaultCase = {
  name: '13. the safety-net function itself fails once',
  expectedVerdict: 'aborted',
  mechanism:
    'the reconciler schedule runs the same safety-net core while no running execution holds the lock: register if missing, release the stale lock',
  async run(ctx) {
    let failures = 0;
    const { result, problems } = await runStoppedInHold(ctx, {
      safetyNetFault: () => {
        if (failures === 0) {
          failures += 1;
          throw Object.assign(new Error('the safety-net function timed out'), { name: 'SafetyNetFailed' });
        }
      },
    });
    if (failures !== 1 || !result.safetyNetError) problems.push('the safety net did not fail: the case proves nothing');
    if (ctx.lab.proxy.state !== 'DEREGISTERED')
      problems.push(`the target was ${ctx.lab.proxy.state} before the reconciler ran: the case proves nothing`);
    const reconciled = await ctx.reconcile();
    if (reconciled?.action !== 'registered')
      problems.push(`the reconciler did not register the target (${JSON.stringify(reconciled)})`);
    return outcome(result, problems);
  },
};
