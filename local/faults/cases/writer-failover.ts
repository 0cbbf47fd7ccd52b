// Faults of a writer failover: its run aborted mid-way, by a throw and by a stop; the cluster must be back before the lock is free.
import { labLock } from '../../runner/local-safety-net';
import { STATES } from '../../../steps/core/workflow-names';
import { type CaseContext, FAULT_RUN_INPUT, type FaultCase } from '../matrix';
import { crashedWhileStruck, type Rung, stoppedWhileStruck } from './rung';

const FAILOVER_INPUT = { ...FAULT_RUN_INPUT, fault: 'writer-failover' };

/** Resolves once the lab's cluster is failing over (the failover's hold has begun). */
function whenFailingOver(ctx: CaseContext): Promise<void> {
  if (ctx.lab.proxy.clusterStatus === 'failing-over') return Promise.resolve();
  return new Promise((resolve) => {
    const listener = (status: string) => {
      if (status !== 'failing-over') return;
      ctx.lab.proxy.off('failover', listener);
      resolve();
    };
    ctx.lab.proxy.on('failover', listener);
  });
}

/** The failover must have struck, and the cluster must be available and the target AVAILABLE at the end. */
function failedOverAndBack(ctx: CaseContext, failovers: number, problems: string[]): void {
  if (ctx.lab.proxy.failovers === failovers) problems.push('the cluster never failed over: the fault did not strike');
  if (ctx.lab.proxy.clusterStatus !== 'available')
    problems.push(`the cluster is ${ctx.lab.proxy.clusterStatus} at the end, not available`);
  if (ctx.lab.proxy.targetHealth !== 'AVAILABLE')
    problems.push(`the proxy target is ${ctx.lab.proxy.targetHealth} at the end, not AVAILABLE`);
}

/** The lock's holder when it is released: the cluster must be available by then, so no run starts into the failover. */
function watchLockRelease(ctx: CaseContext, problems: string[]): (state: string) => Promise<void> {
  return async (state) => {
    if (state !== STATES.rollbackReleaseLock) return;
    if ((await labLock(ctx.lab).holder()) === null) problems.push('the lock was gone before the rollback released it');
    if (ctx.lab.proxy.clusterStatus !== 'available')
      problems.push('the rollback released the lock while the cluster was still failing over');
  };
}

/** The writer failover: it must have struck, and the cluster must be back after the run. */
const FAILOVER: Rung = {
  name: 'failover',
  input: FAILOVER_INPUT,
  prepare(ctx) {
    const failovers = ctx.lab.proxy.failovers;
    return (problems) => failedOverAndBack(ctx, failovers, problems);
  },
  struck: (ctx) => whenFailingOver(ctx),
};

export const failoverRolledBack = crashedWhileStruck(FAILOVER, {
  name: '32a. a writer failover: a traffic step throws while the cluster fails over',
  mechanism:
    'the Catch on the Experiment Parallel: CheckRollbackFault sends a failover to RollbackClusterWait, which reads the cluster until it is available, then releases the lock; nothing was deregistered, so nothing is registered',
  runWith: (ctx, problems) => ({ beforeTask: watchLockRelease(ctx, problems) }),
  check(result, problems) {
    if (result.safetyNet?.action === 'registered')
      problems.push('the safety net registered the target: a failover deregisters nothing');
  },
});

export const failoverAborted = stoppedWhileStruck(FAILOVER, {
  name: '32b. a writer failover: the execution is stopped while the cluster fails over',
  mechanism:
    'no Catch runs for a stopped execution: the safety net finds the target registered (a failover removes nothing), registers nothing, and releases the lock; the cluster comes back by itself',
  check(result, problems) {
    if (result.safetyNet === undefined || result.safetyNet === null)
      problems.push('the safety net did not run for the stopped execution');
    else if (result.safetyNet.action !== 'none' || !result.safetyNet.lockReleased)
      problems.push(`the safety net did not just release the lock (${JSON.stringify(result.safetyNet)})`);
  },
});

export const WRITER_FAILOVER_CASES: readonly FaultCase[] = [failoverRolledBack, failoverAborted];
