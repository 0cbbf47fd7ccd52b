// Faults of a pool brownout: its run aborted at each point, and a save that was lost; the saved pool config must come back.
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCK_ITEM_KEY } from '../../../steps/adapters/dynamodb-lock';
import type { PoolConfig } from '../../../steps/ports';
import { LOCK_ATTRIBUTES, STATES } from '../../../steps/core/workflow-names';
import { type CaseContext, FAULT_RUN_INPUT, type FaultCase } from '../matrix';
import { outcome, reasonsOf, trafficAfterBaseline } from './support';

/** A pool config no default has: a restore of defaults cannot pass for a restore of it. */
const SAVED: PoolConfig = { MaxConnectionsPercent: 73, MaxIdleConnectionsPercent: 31, ConnectionBorrowTimeout: 17 };
const BROWNOUT_INPUT = { ...FAULT_RUN_INPUT, fault: 'pool-brownout', brownout: { maxConnectionsPercent: 5 } };

/** The lab's target group starts from the non-default saved config. */
function startFromSaved(ctx: CaseContext): void {
  ctx.lab.proxy.targetGroup.modify(SAVED);
}

/** Resolves once the pool is clamped (the brownout's hold has begun). */
function whenClamped(ctx: CaseContext): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (ctx.lab.proxy.targetGroup.config.MaxConnectionsPercent === 5) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
}

/** The pool must have the exact saved values at the end. */
function savedBack(ctx: CaseContext, problems: string[]): void {
  const now = ctx.lab.proxy.targetGroup.config;
  if (JSON.stringify(now) !== JSON.stringify(SAVED))
    problems.push(`the pool config is ${JSON.stringify(now)}, not the saved ${JSON.stringify(SAVED)}`);
}

export const brownoutRolledBack: FaultCase = {
  name: '30a. a pool brownout: a traffic step throws while the pool is clamped',
  expectedVerdict: 'failed',
  mechanism:
    "the Catch on the Experiment Parallel: CheckRollbackFault sends a brownout to RollbackRestorePool, which writes the lock's saved pool config back, then releases the lock",
  async run(ctx) {
    startFromSaved(ctx);
    const traffic = await trafficAfterBaseline(async () => {
      await whenClamped(ctx);
      throw Object.assign(new Error('traffic generator crashed mid-brownout'), { name: 'TrafficCrashed' });
    });
    const result = await ctx.run({ input: BROWNOUT_INPUT, stepOverrides: { traffic } });
    const problems: string[] = [];
    if (!/TrafficCrashed|crashed mid-brownout/.test(reasonsOf(result)))
      problems.push(`the run does not name the crash: ${reasonsOf(result)}`);
    if (result.safetyNet?.pool?.restored === true)
      problems.push('the safety net restored the pool: the rollback did not');
    savedBack(ctx, problems);
    return outcome(result, problems);
  },
};

export const brownoutAborted: FaultCase = {
  name: '30b. a pool brownout: the execution is stopped while the pool is clamped',
  expectedVerdict: 'aborted',
  mechanism:
    'no Catch runs for a stopped execution: the safety net reads the lock, sees a pool-brownout holder and writes its saved pool config back, then releases the lock',
  async run(ctx) {
    startFromSaved(ctx);
    const abort = new AbortController();
    void whenClamped(ctx).then(() => setTimeout(() => abort.abort(), 1_000));
    const result = await ctx.run({ input: BROWNOUT_INPUT, signal: abort.signal });
    const problems: string[] = [];
    if (result.safetyNet?.pool?.restored !== true)
      problems.push(`the safety net did not restore the pool (${JSON.stringify(result.safetyNet)})`);
    savedBack(ctx, problems);
    return outcome(result, problems);
  },
};

export const brownoutSaveLost: FaultCase = {
  name: '30c. a pool brownout whose saved pool config was lost before the clamp',
  expectedVerdict: 'aborted',
  mechanism:
    'ReadSavedPool reads the lock item back, strongly consistent; CheckPoolSaved finds no saved config and the run aborts in preflight, before ClampPool',
  async run(ctx) {
    startFromSaved(ctx);
    const { client, lockTable } = ctx.lab.tables;
    const result = await ctx.run({
      input: BROWNOUT_INPUT,
      // The save is lost between the put and the read-back (a store that did not keep it).
      beforeTask: async (state) => {
        if (state !== STATES.readSavedPool) return;
        await client.send(
          new UpdateItemCommand({
            TableName: lockTable,
            Key: LOCK_ITEM_KEY,
            UpdateExpression: `REMOVE ${LOCK_ATTRIBUTES.savedPool}`,
          }),
        );
      },
    });
    const problems: string[] = [];
    if (!/pool config is not in the lock item/.test(reasonsOf(result)))
      problems.push(`the run does not say the save is missing: ${reasonsOf(result)}`);
    savedBack(ctx, problems);
    return outcome(result, problems);
  },
};

export const POOL_BROWNOUT_CASES: readonly FaultCase[] = [brownoutRolledBack, brownoutAborted, brownoutSaveLost];
