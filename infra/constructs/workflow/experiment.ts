// Runbook steps 2 and 3: baseline traffic, then the experiment (traffic beside deregister, hold, register, AVAILABLE) and its rollback.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { FAILURE_ERRORS, RDS_ERRORS, STATES } from '../../../steps/core/workflow-names';
import {
  alarmsFiring,
  describeAlarms,
  describeCaughtError,
  describeTarget,
  deregisterTarget,
  explain,
  invokeStep,
  registerTarget,
  releaseLock,
  targetAvailable,
  type WorkflowContext,
} from './blocks';
import { TRAFFIC_RESULT_FIELDS } from './contract-fields';
import type { Endings } from './endings';
import { boundedPollLoop } from './poll-loop';

/** A traffic step against the shop; without `resultPath` its TrafficResult is the whole output. */
function trafficStep(scope: Construct, ctx: WorkflowContext, id: string, phase: string, durationSeconds: number | string, resultPath?: string): tasks.LambdaInvoke {
  return invokeStep(scope, id, ctx.steps.traffic, TRAFFIC_RESULT_FIELDS, resultPath, {
    shopUrl: ctx.config.shopUrl,
    runId: sfn.JsonPath.stringAt('$.config.runId'),
    phase,
    durationSeconds,
    readsPerSecond: sfn.JsonPath.numberAt('$.config.readsPerSecond'),
    writesPerSecond: sfn.JsonPath.numberAt('$.config.writesPerSecond'),
  });
}

/** Baseline traffic at `$.baseline`; a failure aborts the run before any harm. */
export class Baseline extends Construct {
  readonly startState: tasks.LambdaInvoke;

  constructor(scope: Construct, id: string, ctx: WorkflowContext, endings: Endings) {
    super(scope, id);
    this.startState = trafficStep(this, ctx, STATES.baselineTraffic, 'baseline', sfn.JsonPath.numberAt('$.config.baselineSeconds'), '$.baseline');
    this.startState.addCatch(explain(this, STATES.baselineFailed, describeCaughtError('the baseline traffic failed before any harm')).next(endings.abortReleaseLock), {
      errors: [sfn.Errors.ALL],
      resultPath: '$.error',
    });
  }

  then(next: sfn.IChainable): void {
    this.startState.next(next);
  }
}

/**
 * Traffic through outage and recovery beside the fault, at `$.experiment` as `{traffic, fault}`.
 * Any error in either branch rolls back: register again (idempotent), release the lock, fail.
 */
export class Experiment extends Construct {
  readonly startState: sfn.Parallel;

  constructor(scope: Construct, id: string, ctx: WorkflowContext) {
    super(scope, id);
    this.startState = new sfn.Parallel(this, STATES.experiment, {
      // Each branch gets only the config: the baseline's timeline stays out of the branch payloads.
      parameters: { config: sfn.JsonPath.objectAt('$.config') },
      resultSelector: { traffic: sfn.JsonPath.objectAt('$[0]'), fault: sfn.JsonPath.objectAt('$[1].fault') },
      resultPath: '$.experiment',
    });
    this.startState.branch(
      trafficStep(this, ctx, STATES.experimentTraffic, 'experiment', sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.config.outageSeconds'), sfn.JsonPath.numberAt('$.config.recoverySeconds'))),
    );
    this.startState.branch(faultBranch(this, ctx));
    this.startState.addCatch(rollback(this, ctx), { errors: [sfn.Errors.ALL], resultPath: '$.error' });
  }

  then(next: sfn.IChainable): void {
    this.startState.next(next);
  }
}

/** Register (already registered counts as done), release the lock, fail with the cause. */
function rollback(scope: Construct, ctx: WorkflowContext): sfn.State {
  const rolledBack = new sfn.Fail(scope, STATES.rolledBack, { error: FAILURE_ERRORS.rolledBack, causePath: '$.failure.cause' });
  const rollbackRegister = registerTarget(scope, ctx, STATES.rollbackRegister);
  const rollbackReleaseLock = releaseLock(scope, ctx, STATES.rollbackReleaseLock);
  const describeRollback = explain(scope, STATES.describeRollback, describeCaughtError('the experiment failed and the target was registered again')).next(rolledBack);
  rollbackRegister.addCatch(rollbackReleaseLock, { errors: [RDS_ERRORS.targetAlreadyRegistered], resultPath: sfn.JsonPath.DISCARD });
  // Register failed for good: fail anyway; the safety net retries on the FAILED execution.
  rollbackRegister.addCatch(rollbackReleaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.rollbackError' });
  rollbackReleaseLock.addCatch(describeRollback, { errors: [sfn.Errors.ALL], resultPath: '$.releaseError' });
  rollbackRegister.next(rollbackReleaseLock).next(describeRollback);
  return rollbackRegister;
}

/**
 * Deregister, hold (checking the stop conditions), register, wait for AVAILABLE; the branch ends
 * with `$.fault` as a FaultRecord. A dry run records the fault as not injected and calls nothing.
 */
function faultBranch(scope: Construct, ctx: WorkflowContext): sfn.IChainable {
  const dryRunFault = new sfn.Pass(scope, STATES.dryRunFault, {
    result: sfn.Result.fromObject({ dryRun: true, deregisteredAt: null, registeredAt: null, availableAt: null, stoppedEarly: null }),
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

  const register = registerTarget(scope, ctx, STATES.register);
  const recordRegistered = new sfn.Pass(scope, STATES.recordRegistered, {
    parameters: {
      deregisteredAt: sfn.JsonPath.stringAt('$.fault.deregisteredAt'),
      registeredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
    },
    resultPath: '$.fault',
  });
  register.addCatch(recordRegistered, { errors: [RDS_ERRORS.targetAlreadyRegistered], resultPath: sfn.JsonPath.DISCARD });

  // ---- hold: wait, check the stop conditions, until the outage has lasted its iterations
  // Parameters drop null values, so the null that stands for "not stopped early" comes from a Result.
  const startHold = new sfn.Pass(scope, STATES.startHold, { result: sfn.Result.fromObject({ iteration: 0, stoppedEarly: null }), resultPath: '$.hold' });
  const holdCheckAlarms = describeAlarms(scope, ctx, STATES.holdCheckAlarms, '$.holdAlarms');
  const countHoldIteration = new sfn.Pass(scope, STATES.countHoldIteration, {
    parameters: { iteration: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.hold.iteration'), 1), stoppedEarly: sfn.JsonPath.objectAt('$.hold.stoppedEarly') },
    resultPath: '$.hold',
  });
  const recordStoppedEarly = new sfn.Pass(scope, STATES.recordStoppedEarly, { inputPath: '$.holdAlarms..AlarmName', resultPath: '$.hold.stoppedEarly' });
  recordStoppedEarly.next(register);
  holdCheckAlarms.next(countHoldIteration);
  recordDeregistered.next(startHold).next(
    boundedPollLoop(scope, {
      waitId: STATES.holdWait,
      waitSecondsPath: '$.config.holdCheckSeconds',
      waitFirst: true,
      probe: { start: holdCheckAlarms, ends: [countHoldIteration] },
      checkId: STATES.checkHold,
      exits: [[alarmsFiring('$.holdAlarms'), recordStoppedEarly]],
      iterationPath: '$.hold.iteration',
      maxIterationsPath: '$.config.holdIterations',
      whenExhausted: register,
    }),
  );

  // ---- restore: register, then poll until AVAILABLE (never report success before it)
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
  // Running out of polls is an error, and errors roll back.
  const targetNeverAvailable = new sfn.Fail(scope, STATES.targetNeverAvailable, {
    error: FAILURE_ERRORS.targetNeverAvailable,
    cause: 'the proxy target did not become AVAILABLE within availableTimeoutSeconds after it was registered again',
  });
  const describeAfterRegister = describeTarget(scope, ctx, STATES.describeTargetAfterRegister, '$.targetAfterRegister');
  const countAvailablePoll = new sfn.Pass(scope, STATES.countAvailablePoll, {
    parameters: { iteration: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.availablePoll.iteration'), 1) },
    resultPath: '$.availablePoll',
  });
  describeAfterRegister.next(countAvailablePoll);
  register
    .next(recordRegistered)
    .next(new sfn.Pass(scope, STATES.startAvailablePoll, { parameters: { iteration: 0 }, resultPath: '$.availablePoll' }))
    .next(
      boundedPollLoop(scope, {
        waitId: STATES.waitForAvailable,
        waitSecondsPath: '$.config.availablePollSeconds',
        probe: { start: describeAfterRegister, ends: [countAvailablePoll] },
        checkId: STATES.checkAvailableAfterRegister,
        exits: [[targetAvailable('$.targetAfterRegister.targets'), recordAvailable]],
        iterationPath: '$.availablePoll.iteration',
        maxIterationsPath: '$.config.availablePollIterations',
        whenExhausted: targetNeverAvailable,
      }),
    );

  return new sfn.Choice(scope, STATES.checkDryRun).when(sfn.Condition.booleanEquals('$.config.dryRun', true), dryRunFault).otherwise(deregister);
}
