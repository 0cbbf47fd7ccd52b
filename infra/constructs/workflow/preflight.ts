// Runbook step 1, preflight: steady state before any harm (input valid, lock taken, target AVAILABLE, queues empty, no alarm).
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { LOCK_CONDITION_FAILED, STATES } from '../../../steps/core/workflow-names';
import {
  acquireLock,
  alarmsFiring,
  describeAlarms,
  describeTarget,
  explain,
  invokeStep,
  readLambdaConcurrency,
  targetAvailable,
  type WorkflowContext,
} from './blocks';
import { CONCURRENCY_SHORTFALL } from '../../../steps/core/lambda-concurrency';
import { RUN_CONFIG_FIELDS } from './contract-fields';
import type { Endings } from './endings';
import { RunGate } from './gate';
import {
  acquireLockSavingPool,
  describePoolConfig,
  proxyAllowed,
  readProxyTags,
  isPoolBrownout,
  poolSaved,
  readSavedPool,
  recordSavedPool,
} from './pool-brownout';
import { readQueues } from './queues';
import { RunbookStep } from './runbook-step';

/** Leaves to the next step when every check holds; any failed check aborts the run. */
export class Preflight extends RunbookStep {
  constructor(scope: Construct, id: string, ctx: WorkflowContext, endings: Endings) {
    super(scope, id);
    const c = ctx.config;
    const { aborted, abortReleaseLock } = endings;

    // The execution input may be any JSON value; under one key every later ResultPath applies.
    const readInput = new sfn.Pass(this, STATES.readInput, { parameters: { input: sfn.JsonPath.objectAt('$') } });
    const validateInput = invokeStep(
      this,
      STATES.validateInput,
      ctx.steps.validateInput,
      RUN_CONFIG_FIELDS,
      '$.config',
      {
        input: sfn.JsonPath.objectAt('$.input'),
        defaults: { ...c.experiment, hypothesis: { ...c.hypothesis } },
        limits: {
          executionTimeoutSeconds: c.executionTimeoutMinutes * 60,
          // A hold the stop conditions end carries their names to the end of the run: the estimate counts them.
          ...(c.stopConditionAlarmNames.length > 0
            ? { stopConditionNamesBytes: Buffer.byteLength(JSON.stringify(c.stopConditionAlarmNames), 'utf8') }
            : {}),
          // The target's Lambda environments count in the run's need of concurrency.
          ...(c.lambdaSecondsPerRequest > 0 ? { lambdaSecondsPerRequest: c.lambdaSecondsPerRequest } : {}),
        },
        trafficFunctions: { small: ctx.steps.traffic.small.functionArn, large: ctx.steps.traffic.large.functionArn },
        executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
        ...(c.schedule.allowedWindow
          ? { schedule: { allowedWindow: c.schedule.allowedWindow, timezone: c.schedule.timezone } }
          : {}),
      },
    );
    validateInput.addCatch(
      explain(
        this,
        STATES.invalidInput,
        sfn.JsonPath.format('preflight: the input was refused: {}', sfn.JsonPath.stringAt('$.error.Cause')),
      ).next(aborted),
      { errors: [sfn.Errors.ALL], resultPath: '$.error' },
    );

    const takeLock = acquireLock(this, ctx, STATES.acquireLock);
    // Another run holds the lock: this run took nothing, so it releases nothing. Any other failure to take it
    // (either way: with or without a saved pool config) is a failed preflight check.
    const lockHeld = explain(this, STATES.lockHeld, 'preflight: another GameDay holds the lock').next(aborted);
    const onLockErrors = (put: tasks.DynamoPutItem): void => {
      put.addCatch(lockHeld, { errors: [LOCK_CONDITION_FAILED], resultPath: '$.error' });
      endings.onPreflightError(put);
    };
    onLockErrors(takeLock);

    const target = endings.onPreflightError(describeTarget(this, ctx, STATES.describeTarget, '$.preflight.target'));
    const targetNotAvailable = explain(
      this,
      STATES.targetNotAvailable,
      sfn.JsonPath.format(
        'preflight: the proxy target is not AVAILABLE: {}',
        sfn.JsonPath.stringAt('$.preflight.target.targets'),
      ),
    ).next(abortReleaseLock);

    const queuesNotEmpty = explain(
      this,
      STATES.queuesNotEmpty,
      sfn.JsonPath.format(
        'preflight: the order queue and its DLQ must be empty: queue {}, dlq {}',
        sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.preflight.queue')),
        sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.preflight.dlq')),
      ),
    ).next(abortReleaseLock);

    const checkStopConditions = describeAlarms(this, ctx, STATES.checkStopConditions, '$.preflight.alarms');
    const queues = readQueues(this, ctx, {
      names: { queue: STATES.queueDepth, dlq: STATES.dlqDepth, check: STATES.checkQueuesEmpty },
      path: '$.preflight',
      onError: (read) => endings.onPreflightError(read),
      ways: { empty: checkStopConditions, notEmpty: queuesNotEmpty },
    });
    endings.onPreflightError(checkStopConditions);
    const stopConditionInAlarm = new sfn.Pass(this, STATES.stopConditionInAlarm, {
      inputPath: '$.preflight.alarms..AlarmName',
      resultPath: '$.preflight.firing',
    })
      .next(
        explain(
          this,
          STATES.describeStopCondition,
          sfn.JsonPath.format(
            'preflight: stop-condition alarms are in ALARM: {}',
            sfn.JsonPath.jsonToString(sfn.JsonPath.listAt('$.preflight.firing')),
          ),
        ),
      )
      .next(abortReleaseLock);

    // A pool brownout saves the target group's pool config in the lock item itself, and reads it back, before
    // anything changes: without a durable save the run never starts. Every other fault saves nothing.
    const describePool = endings.onPreflightError(
      describePoolConfig(this, ctx, STATES.describePoolConfig, '$.preflight.pool'),
    );
    const acquireSavingPool = acquireLockSavingPool(this, ctx, STATES.acquireLockSavingPool, '$.preflight.pool');
    onLockErrors(acquireSavingPool);
    const readSaved = endings.onPreflightError(readSavedPool(this, ctx, STATES.readSavedPool, '$.preflight.lock'));
    const poolNotSaved = explain(
      this,
      STATES.poolNotSaved,
      "preflight: the target group's pool config is not in the lock item, so no exact restore could follow",
    ).next(abortReleaseLock);
    describePool
      .next(acquireSavingPool)
      .next(readSaved)
      .next(
        new sfn.Choice(this, STATES.checkPoolSaved)
          .when(
            poolSaved('$.preflight.lock'),
            recordSavedPool(this, STATES.recordSavedPool, '$.preflight.lock', '$.savedPool').next(target),
          )
          .otherwise(poolNotSaved),
      );
    const noPoolToSave = new sfn.Pass(this, STATES.noPoolToSave, {
      result: sfn.Result.fromObject({}),
      resultPath: '$.savedPool',
    });
    noPoolToSave.next(takeLock);

    // The brownout's consent: the proxy must carry the allow tag, as a deregister's proxy must.
    const readTags = endings.onPreflightError(readProxyTags(this, ctx, STATES.readProxyTags, '$.preflight.proxyTags'));
    const proxyNotAllowed = explain(
      this,
      STATES.proxyNotAllowed,
      `preflight: the proxy does not carry the allow tag ${ctx.config.allowTag.key}=${ctx.config.allowTag.value}, so its pool may not be clamped`,
    ).next(aborted);
    // The tags' text is as long as the proxy's tags are (up to 50): only the finding stays in the state.
    const recordAllowed = new sfn.Pass(this, STATES.recordProxyAllowed, {
      result: sfn.Result.fromObject({ allowTag: true }),
      resultPath: '$.preflight.proxyTags',
    });
    recordAllowed.next(describePool);
    readTags.next(
      new sfn.Choice(this, STATES.checkProxyAllowTag)
        .when(proxyAllowed(ctx, '$.preflight.proxyTags.tags'), recordAllowed)
        .otherwise(proxyNotAllowed),
    );

    const gate = new RunGate(this, 'Gate', ctx, endings);
    readInput.next(validateInput).next(gate.startState);
    gate.then(new sfn.Choice(this, STATES.checkFaultToSave).when(isPoolBrownout(), readTags).otherwise(noPoolToSave));
    takeLock
      .next(target)
      .next(
        new sfn.Choice(this, STATES.checkTargetAvailable)
          .when(targetAvailable('$.preflight.target.targets'), queues)
          .otherwise(targetNotAvailable),
      );
    const stopConditionsClear = new sfn.Choice(this, STATES.stopConditionsClear).when(
      alarmsFiring('$.preflight.alarms'),
      stopConditionInAlarm,
    );
    checkStopConditions.next(stopConditionsClear);

    // The account's Lambda concurrency: a run that could not get the executions it needs (its traffic workers, a
    // step, the target's environments while the database is gone) would be throttled into a failed verdict.
    const readConcurrency = endings.onPreflightError(
      readLambdaConcurrency(this, STATES.readLambdaConcurrency, '$.preflight.lambda'),
    );
    const concurrencyShort = explain(
      this,
      STATES.lambdaConcurrencyShort,
      sfn.JsonPath.format(
        CONCURRENCY_SHORTFALL,
        sfn.JsonPath.stringAt('$.config.lambdaConcurrency.total'),
        sfn.JsonPath.stringAt('$.config.lambdaConcurrency.trafficWorkers'),
        sfn.JsonPath.stringAt('$.config.lambdaConcurrency.steps'),
        sfn.JsonPath.stringAt('$.config.lambdaConcurrency.target'),
        sfn.JsonPath.stringAt('$.preflight.lambda.unreserved'),
      ),
    ).next(abortReleaseLock);
    const concurrencyEnough = new sfn.Choice(this, STATES.checkLambdaConcurrency).when(
      sfn.Condition.numberGreaterThanJsonPath('$.config.lambdaConcurrency.total', '$.preflight.lambda.unreserved'),
      concurrencyShort,
    );
    stopConditionsClear.otherwise(readConcurrency);
    readConcurrency.next(concurrencyEnough);
    // The run goes on once the steady state holds.
    this.enterAt(readInput, concurrencyEnough);
  }
}
