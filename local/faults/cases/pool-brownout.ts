// Faults of a pool brownout: its run aborted at each point, its runner killed, and a save that was lost; the saved pool config must come back.
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCK_ITEM_KEY } from '../../../steps/adapters/dynamodb-lock';
import type { PoolConfig } from '../../../steps/ports';
import { POOL_BROWNOUT } from '../../../steps/core/fault-settings';
import { samePoolConfig } from '../../../steps/core/pool-config';
import { LOCK_ATTRIBUTES, STATES } from '../../../steps/core/workflow-names';
import { labLock } from '../../runner/local-safety-net';
import { startRunnerProcess } from '../../runner/remote-runner';
import { type CaseContext, FAULT_RUN_INPUT, type FaultCase } from '../matrix';
import { crashedWhileStruck, type Rung, rungCase, stoppedWhileStruck } from './rung';
import { reasonsOf } from './support';

/** A pool config no default has: a restore of defaults cannot pass for a restore of it. */
const SAVED: PoolConfig = { MaxConnectionsPercent: 73, MaxIdleConnectionsPercent: 31, ConnectionBorrowTimeout: 17 };
const BROWNOUT_INPUT = { ...FAULT_RUN_INPUT, fault: 'pool-brownout', brownout: { maxConnectionsPercent: 5 } };

/** The lab's target group starts from the non-default saved config. */
function startFromSaved(ctx: CaseContext): void {
  ctx.lab.proxy.targetGroup.modify(SAVED);
}

/** Resolves true once the pool is clamped (the brownout's hold has begun), false if `until` settles first. */
function whenClamped(ctx: CaseContext, until?: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (ctx.lab.proxy.targetGroup.config.MaxConnectionsPercent === 5) {
        clearInterval(timer);
        resolve(true);
      }
    }, 50);
    void until?.finally(() => {
      clearInterval(timer);
      resolve(false);
    });
  });
}

/** The pool must have the exact saved values at the end. */
function savedBack(ctx: CaseContext, problems: string[]): void {
  const now = ctx.lab.proxy.targetGroup.config;
  if (JSON.stringify(now) !== JSON.stringify(SAVED))
    problems.push(`the pool config is ${JSON.stringify(now)}, not the saved ${JSON.stringify(SAVED)}`);
}

/** The pool brownout: the pool starts from the saved config and must have it back after the run. */
const BROWNOUT: Rung = {
  name: 'brownout',
  input: BROWNOUT_INPUT,
  prepare(ctx) {
    startFromSaved(ctx);
    return (problems) => savedBack(ctx, problems);
  },
  struck: (ctx) => whenClamped(ctx),
};

export const brownoutRolledBack = crashedWhileStruck(BROWNOUT, {
  name: '30a. a pool brownout: a traffic step throws while the pool is clamped',
  mechanism:
    "the Catch on the Experiment Parallel: CheckRollbackFault sends a brownout to RollbackRestorePool, which writes the lock's saved pool config back, then releases the lock",
  check(result, problems) {
    if (result.safetyNet?.pool?.restored === true)
      problems.push('the safety net restored the pool: the rollback did not');
  },
});

export const brownoutAborted = stoppedWhileStruck(BROWNOUT, {
  name: '30b. a pool brownout: the execution is stopped while the pool is clamped',
  mechanism:
    'no Catch runs for a stopped execution: the safety net reads the lock, sees a pool-brownout holder and writes its saved pool config back, then releases the lock',
  check(result, problems) {
    if (result.safetyNet?.pool?.restored !== true)
      problems.push(`the safety net did not restore the pool (${JSON.stringify(result.safetyNet)})`);
  },
});

export const brownoutRunnerKilled: FaultCase = {
  name: '30d. a pool brownout: the runner is SIGKILLed while the pool is clamped',
  expectedVerdict: 'aborted',
  mechanism:
    'nothing of the killed runner runs again (no Catch, no rollback, no safety net): the reconciler finds the lock held by an execution that no longer runs, writes its saved pool config back, then releases the lock',
  async run(ctx) {
    startFromSaved(ctx);
    // The whole runner in a process of its own: the state machine, every task (the save to the lock,
    // the clamp through the proxy's target group) and its safety net; the lab stays in this one.
    const runner = await startRunnerProcess(ctx.lab, {
      executionName: `brownout-killed-${Date.now()}`,
      input: BROWNOUT_INPUT,
    });
    const problems: string[] = [];
    // While its runner lives the execution runs: the reconciler must leave its brownout alone.
    const isRunning = (executionArn: string) => runner.isRunning(executionArn);
    if (await whenClamped(ctx, runner.ended)) {
      const whileAlive = await ctx.reconcile({ isRunning });
      if (whileAlive?.pool || whileAlive?.lockReleased)
        problems.push(`the reconciler undid a running execution's brownout (${JSON.stringify(whileAlive)})`);
      process.kill(runner.pid, 'SIGKILL');
    } else problems.push(`the runner ended before the pool was clamped (states: ${runner.states.join(', ')})`);
    const end = await runner.ended;
    if (end.signal !== 'SIGKILL')
      problems.push(`the runner was not killed: it ended with code ${end.code} (${end.error ?? 'no error'})`);
    // Nothing of the runner ran after the kill: the pool is still clamped, the lock still held with the saved config.
    const record = await labLock(ctx.lab).record();
    if (!record || !namesExecution(record.executionArn, runner.executionName) || record.fault !== POOL_BROWNOUT)
      problems.push(`the lock is not the killed run's brownout lock: ${JSON.stringify(record)}`);
    else if (!record.savedPool || !samePoolConfig(record.savedPool, SAVED))
      problems.push(`the lock does not hold the saved pool config: ${JSON.stringify(record.savedPool)}`);
    const afterKill = ctx.lab.proxy.targetGroup.config.MaxConnectionsPercent;
    if (afterKill !== 5) problems.push(`the pool was ${afterKill}% after the kill, not clamped: something restored it`);
    // The same reconciler, asked the same question: its holder is gone now.
    const reconciled = await ctx.reconcile({ isRunning });
    if (reconciled?.pool?.restored !== true || !reconciled.lockReleased)
      problems.push(`the reconciler did not restore the pool and release the lock (${JSON.stringify(reconciled)})`);
    if ((await labLock(ctx.lab).holder()) !== null) problems.push('the lock is still held after the reconciler ran');
    savedBack(ctx, problems);
    // A run killed before its report step has no report: it ended early, as the runner calls such a run.
    return { verdict: end.result?.verdict ?? 'aborted', reports: end.result ? [end.result.report] : [], problems };
  },
};

/** The execution ARN names the execution `name`. */
function namesExecution(executionArn: string, name: string): boolean {
  return executionArn.endsWith(`:${name}`);
}

export const brownoutSaveLost = rungCase(BROWNOUT, {
  name: '30c. a pool brownout whose saved pool config was lost before the clamp',
  expectedVerdict: 'aborted',
  mechanism:
    'ReadSavedPool reads the lock item back, strongly consistent; CheckPoolSaved finds no saved config and the run aborts in preflight, before ClampPool',
  runWith(ctx) {
    const { client, lockTable } = ctx.lab.tables;
    return {
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
    };
  },
  check(result, problems) {
    if (!/pool config is not in the lock item/.test(reasonsOf(result)))
      problems.push(`the run does not say the save is missing: ${reasonsOf(result)}`);
  },
});

export const brownoutProxyUntagged = rungCase(BROWNOUT, {
  name: '30e. a pool brownout of a proxy without the allow tag',
  expectedVerdict: 'aborted',
  mechanism:
    "ReadProxyTags lists the proxy's tags before anything is saved or changed; CheckProxyAllowTag finds no allow tag and the run aborts in preflight (ProxyNotAllowed), with no lock taken and the pool untouched",
  // RDS answers with the proxy's tags: another team's, and not the GameDay's consent.
  runWith: () => ({
    taskOverrides: { [STATES.readProxyTags]: async () => ({ TagList: [{ Key: 'team', Value: 'shop' }] }) },
  }),
  async check(result, problems, ctx) {
    if (!/does not carry the allow tag gameday-allowed=true/.test(reasonsOf(result)))
      problems.push(`the run does not say the proxy lacks the allow tag: ${reasonsOf(result)}`);
    if ((await labLock(ctx.lab).holder()) !== null) problems.push('the lock is held after the refused run');
  },
});

export const POOL_BROWNOUT_CASES: readonly FaultCase[] = [
  brownoutRolledBack,
  brownoutAborted,
  brownoutSaveLost,
  brownoutRunnerKilled,
  brownoutProxyUntagged,
];
