// Runbook steps 2 and 3: baseline traffic windows, then the experiment (deregister, outage windows, register, windows until AVAILABLE, recovery windows) and its rollback.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { FAILURE_ERRORS, RDS_ERRORS, STATES } from '../../../steps/core/workflow-names';
import {
  alarmsFiring,
  describeAlarms,
  describeCaughtError,
  describeTarget,
  deregisterTarget,
  explain,
  registerTarget,
  releaseLock,
  targetAvailable,
  type WorkflowContext,
} from './blocks';
import type { Endings } from './endings';
import { RunbookStep } from './runbook-step';
import { clampPool, describePoolConfig, isPoolBrownout, poolEquals, restorePool } from './pool-brownout';
import { phaseBeforeTheFault, windowLoop, windowLoopNames } from './traffic-windows';
import {
  CLUSTER_AVAILABLE,
  clusterAvailable,
  describeCluster,
  failoverCluster,
  isWriterFailover,
  rollbackClusterWait,
} from './writer-failover';

/** Baseline traffic in windows, merged at `$.baseline`; a failure aborts the run before any harm. */
export class Baseline extends RunbookStep {
  constructor(scope: Construct, id: string, ctx: WorkflowContext, endings: Endings) {
    super(scope, id);
    const loop = phaseBeforeTheFault(this, ctx, endings.abortReleaseLock, {
      names: windowLoopNames('Baseline', STATES.checkBaselineWindow),
      phase: 'baseline',
      targetSecondsPath: '$.config.baselineSeconds',
      record: STATES.recordBaseline,
      resultPath: '$.baseline',
      failed: STATES.baselineFailed,
      failedCause: 'the baseline traffic failed before any harm',
    });
    this.enterAt(loop.start, loop.record);
  }
}

/**
 * The experiment, as one branch: deregister, outage windows (the stop conditions and the error
 * budget checked after each), register, windows until AVAILABLE, recovery windows counted from
 * AVAILABLE. It leaves `$.experiment` as `{traffic, fault, hold}`. Any error in it rolls back:
 * register again (idempotent), release the lock, fail.
 */
export class Experiment extends RunbookStep {
  constructor(scope: Construct, id: string, ctx: WorkflowContext) {
    super(scope, id);
    const experiment = new sfn.Parallel(this, STATES.experiment, {
      // The branch gets only the config, and a pool brownout's saved pool config (read back from the lock):
      // the baseline's traffic stays out of its payload. The cluster starts as the run found it, available: only a
      // writer failover's restoring probe reads it again, before every check, so every run's check has it to read.
      parameters: {
        config: sfn.JsonPath.objectAt('$.config'),
        savedPool: sfn.JsonPath.objectAt('$.savedPool'),
        cluster: { status: CLUSTER_AVAILABLE },
      },
      resultSelector: {
        traffic: sfn.JsonPath.objectAt('$[0].traffic'),
        fault: sfn.JsonPath.objectAt('$[0].fault'),
        hold: sfn.JsonPath.objectAt('$[0].hold'),
      },
      resultPath: '$.experiment',
    });
    experiment.branch(faultBranch(this, ctx));
    experiment.addCatch(rollback(this, ctx), { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    this.enterAt(experiment, experiment);
  }
}

/**
 * Register (already registered counts as done), release the lock, fail with the cause. A pool brownout writes its
 * saved pool config back instead; if that fails the lock stays, with the saved values, for the safety net. A writer
 * failover has nothing to put back: it waits until the cluster is available again, then releases the lock.
 */
function rollback(scope: Construct, ctx: WorkflowContext): sfn.State {
  const rolledBack = new sfn.Fail(scope, STATES.rolledBack, {
    error: FAILURE_ERRORS.rolledBack,
    causePath: '$.failure.cause',
  });
  const rollbackRegister = registerTarget(scope, ctx, STATES.rollbackRegister);
  const rollbackReleaseLock = releaseLock(scope, ctx, STATES.rollbackReleaseLock);
  const describeRollback = explain(
    scope,
    STATES.describeRollback,
    describeCaughtError('the experiment failed and the target was registered again'),
  ).next(rolledBack);
  rollbackRegister.addCatch(rollbackReleaseLock, {
    errors: [RDS_ERRORS.targetAlreadyRegistered],
    resultPath: sfn.JsonPath.DISCARD,
  });
  // Register failed for good: fail anyway; the safety net retries on the FAILED execution.
  rollbackRegister.addCatch(rollbackReleaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.rollbackError' });
  rollbackReleaseLock.addCatch(describeRollback, { errors: [sfn.Errors.ALL], resultPath: '$.releaseError' });
  rollbackRegister.next(rollbackReleaseLock).next(describeRollback);
  const rollbackRestorePool = restorePool(scope, ctx, STATES.rollbackRestorePool, '$.savedPool');
  rollbackRestorePool.addCatch(describeRollback, { errors: [sfn.Errors.ALL], resultPath: '$.rollbackError' });
  rollbackRestorePool.next(rollbackReleaseLock);
  return new sfn.Choice(scope, STATES.checkRollbackFault)
    .when(isPoolBrownout(), rollbackRestorePool)
    .when(isWriterFailover(), rollbackClusterWait(scope, ctx, rollbackReleaseLock))
    .otherwise(rollbackRegister);
}

/** The fault and the traffic around it; a dry run records the fault as not injected and calls nothing on the proxy. */
function faultBranch(scope: Construct, ctx: WorkflowContext): sfn.IChainable {
  const dryRunFault = new sfn.Pass(scope, STATES.dryRunFault, {
    result: sfn.Result.fromObject({
      dryRun: true,
      deregisteredAt: null,
      registeredAt: null,
      availableAt: null,
      stoppedEarly: null,
    }),
    resultPath: '$.fault',
  });
  const deregister = deregisterTarget(scope, ctx, STATES.deregister);
  const recordDeregistered = new sfn.Pass(scope, STATES.recordDeregistered, {
    parameters: { deregisteredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime') },
    resultPath: '$.fault',
  });
  // Not found means an earlier attempt of this same call already deregistered the target.
  deregister.addCatch(recordDeregistered, { errors: [RDS_ERRORS.targetNotFound], resultPath: sfn.JsonPath.DISCARD });
  deregister.next(recordDeregistered);

  // ---- recovery: recoverySeconds of traffic counted from AVAILABLE, however long the wait was
  const experimentDone = new sfn.Pass(scope, STATES.experimentDone, {
    parameters: {
      traffic: sfn.JsonPath.objectAt('$.tally.traffic'),
      fault: sfn.JsonPath.objectAt('$.fault'),
      hold: sfn.JsonPath.objectAt('$.hold'),
    },
  });
  const recovery = windowLoop(scope, ctx, {
    names: windowLoopNames('Recovery', STATES.checkRecoveryWindow),
    // Counted from AVAILABLE: a schedule continued from the last restoring window would put its first seconds before it.
    start: { schedule: 'now' },
    targetSecondsPath: '$.config.recoverySeconds',
    windowSecondsPath: '$.config.windowSeconds',
    whenDone: experimentDone,
  });

  // ---- restoring: register, then traffic windows until AVAILABLE (for the shop the database is still gone)
  const register = registerTarget(scope, ctx, STATES.register);
  const recordRegistered = new sfn.Pass(scope, STATES.recordRegistered, {
    parameters: {
      deregisteredAt: sfn.JsonPath.stringAt('$.fault.deregisteredAt'),
      registeredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
    },
    resultPath: '$.fault',
  });
  register.addCatch(recordRegistered, {
    errors: [RDS_ERRORS.targetAlreadyRegistered],
    resultPath: sfn.JsonPath.DISCARD,
  });
  const recordAvailable = new sfn.Pass(scope, STATES.recordAvailable, {
    parameters: {
      dryRun: false,
      deregisteredAt: sfn.JsonPath.stringAt('$.fault.deregisteredAt'),
      registeredAt: sfn.JsonPath.stringAt('$.fault.registeredAt'),
      availableAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
      stoppedEarly: sfn.JsonPath.objectAt('$.hold.stoppedEarly'),
    },
    resultPath: '$.fault',
  });
  recordAvailable.next(recovery);
  // Never report success before AVAILABLE: running out of time is an error, and errors roll back.
  const targetNeverAvailable = new sfn.Fail(scope, STATES.targetNeverAvailable, {
    error: FAILURE_ERRORS.targetNeverAvailable,
    cause:
      'the proxy target did not become AVAILABLE (after a writer failover: with the cluster available) within availableTimeoutSeconds after the fault ended',
  });
  const describeAfterRegister = describeTarget(scope, ctx, STATES.describeTargetAfterRegister, '$.targetAfterRegister');
  // After a writer failover the cluster must be available too, not only the proxy's target.
  const describeClusterAfterFailover = describeCluster(scope, ctx, STATES.describeClusterAfterFailover, '$.cluster');
  describeClusterAfterFailover.next(describeAfterRegister);
  const probeRestoring = new sfn.Choice(scope, STATES.checkRestoringFault)
    .when(isWriterFailover(), describeClusterAfterFailover)
    .otherwise(describeAfterRegister);
  const restoring = windowLoop(scope, ctx, {
    names: windowLoopNames('Restoring', STATES.checkAvailableAfterRegister),
    start: { schedule: 'continued' },
    targetSecondsPath: '$.config.availableTimeoutSeconds',
    windowSecondsPath: '$.config.availablePollSeconds',
    probe: { start: probeRestoring, ends: [describeAfterRegister] },
    exits: [
      [
        sfn.Condition.and(targetAvailable('$.targetAfterRegister.targets'), clusterAvailable('$.cluster')),
        recordAvailable,
      ],
    ],
    whenDone: targetNeverAvailable,
  });
  register.next(recordRegistered).next(restoring);
  // A failover puts nothing back: its hold ends (at `registeredAt`), and the same windows wait until it is healthy.
  const recordFailoverHeld = new sfn.Pass(scope, STATES.recordFailoverHeld, {
    parameters: {
      deregisteredAt: sfn.JsonPath.stringAt('$.fault.deregisteredAt'),
      registeredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
    },
    resultPath: '$.fault',
  });
  recordFailoverHeld.next(restoring);

  // ---- outage: windows until outageSeconds, ended early by a stop condition or the error budget
  const afterHold = new sfn.Choice(scope, STATES.afterHold)
    .when(sfn.Condition.booleanEquals('$.config.dryRun', true), recovery)
    .when(isPoolBrownout(), poolRestore(scope, ctx, recovery))
    .when(isWriterFailover(), recordFailoverHeld)
    .otherwise(register);
  const recordHaltWindow = new sfn.Pass(scope, STATES.recordHaltWindow, {
    inputPath: '$.tally.window.last',
    resultPath: '$.hold.window',
  });
  recordHaltWindow.next(afterHold);
  const recordStoppedEarly = new sfn.Pass(scope, STATES.recordStoppedEarly, {
    inputPath: '$.tally.holdAlarms..AlarmName',
    resultPath: '$.hold.stoppedEarly',
  });
  recordStoppedEarly
    .next(
      new sfn.Pass(scope, STATES.recordStopConditionHalt, {
        result: sfn.Result.fromString('stopCondition'),
        resultPath: '$.hold.haltedBy',
      }),
    )
    .next(recordHaltWindow);
  const recordErrorBudgetHalt = new sfn.Pass(scope, STATES.recordErrorBudgetHalt, {
    result: sfn.Result.fromString('errorBudget'),
    resultPath: '$.hold.haltedBy',
  });
  recordErrorBudgetHalt.next(recordHaltWindow);
  // Under $.tally, which the next tally (or the restoring windows' start) replaces: alarm descriptions are not
  // bounded, and never ride beside a window's worker results.
  const holdCheckAlarms = describeAlarms(scope, ctx, STATES.holdCheckAlarms, '$.tally.holdAlarms');
  const outage = windowLoop(scope, ctx, {
    names: windowLoopNames('Outage', STATES.checkOutageWindow),
    start: { newPhase: 'experiment', schedule: 'now' },
    targetSecondsPath: '$.config.outageSeconds',
    windowSecondsPath: '$.config.windowSeconds',
    errorBudget: true,
    probe: { start: holdCheckAlarms, ends: [holdCheckAlarms] },
    exits: [
      [alarmsFiring('$.tally.holdAlarms'), recordStoppedEarly],
      [sfn.Condition.booleanEquals('$.tally.window.budgetExceeded', true), recordErrorBudgetHalt],
    ],
    whenDone: afterHold,
  });
  // Parameters drop null values, so the nulls that stand for "not halted" come from a Result.
  const startHold = new sfn.Pass(scope, STATES.startHold, {
    result: sfn.Result.fromObject({ stoppedEarly: null, haltedBy: null, window: null }),
    resultPath: '$.hold',
  });
  startHold.next(outage);
  recordDeregistered.next(startHold);
  dryRunFault.next(startHold);

  // Each fault records when it struck (as the outage's `deregisteredAt`), then holds.
  const injectThenHold = (inject: sfn.TaskStateBase, record: string) => {
    const recordStart = new sfn.Pass(scope, record, {
      parameters: { deregisteredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime') },
      resultPath: '$.fault',
    });
    inject.next(recordStart).next(startHold);
    return inject;
  };
  const clamp = injectThenHold(clampPool(scope, ctx, STATES.clampPool), STATES.recordClamped);
  const failover = injectThenHold(failoverCluster(scope, ctx, STATES.failoverCluster), STATES.recordFailedOver);

  return new sfn.Choice(scope, STATES.checkDryRun)
    .when(sfn.Condition.booleanEquals('$.config.dryRun', true), dryRunFault)
    .otherwise(
      new sfn.Choice(scope, STATES.checkFault)
        .when(isPoolBrownout(), clamp)
        .when(isWriterFailover(), failover)
        .otherwise(deregister),
    );
}

/**
 * The brownout's restore and its "is it back?": the saved values written back, read again, and equal to the
 * saved ones member by member, or the run fails (and rolls back, writing them once more). The fault's times
 * keep the outage's names: clamped at `deregisteredAt`, restored at `registeredAt`, checked back at `availableAt`.
 */
function poolRestore(scope: Construct, ctx: WorkflowContext, recovery: sfn.IChainable): sfn.IChainable {
  const restore = restorePool(scope, ctx, STATES.restorePool, '$.savedPool');
  const read = describePoolConfig(scope, ctx, STATES.describePoolAfterRestore, '$.restoredPool');
  const recordRestored = new sfn.Pass(scope, STATES.recordPoolRestored, {
    parameters: {
      dryRun: false,
      deregisteredAt: sfn.JsonPath.stringAt('$.fault.deregisteredAt'),
      registeredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
      availableAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
      stoppedEarly: sfn.JsonPath.objectAt('$.hold.stoppedEarly'),
      pool: { saved: sfn.JsonPath.objectAt('$.savedPool'), restored: sfn.JsonPath.objectAt('$.restoredPool') },
    },
    resultPath: '$.fault',
  });
  recordRestored.next(recovery);
  const notRestored = new sfn.Fail(scope, STATES.poolNotRestored, {
    error: FAILURE_ERRORS.poolNotRestored,
    cause: "the target group's pool config read after the restore differs from the saved one",
  });
  restore
    .next(read)
    .next(
      new sfn.Choice(scope, STATES.checkPoolRestored)
        .when(poolEquals('$.restoredPool', '$.savedPool'), recordRestored)
        .otherwise(notRestored),
    );
  return restore;
}
