// The GameDay runbook as a Standard Step Functions workflow in JSONPath: preflight, baseline, fault, drain, verify, verdict.
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { OrderVerification, ReportOutput, RunConfig, TrafficResult } from '../../steps/core/contracts';
import type { GameDayConfig } from '../config';

/** The lock item's partition key value: one lock shared by scheduled and manual runs. */
export const LOCK_KEY = 'gameday';

/** Error names of the RDS SDK integration (AWS SDK for Java v2 exception names). */
export const RDS_ERRORS = Object.freeze({
  targetNotFound: 'Rds.DbProxyTargetNotFoundException',
  targetAlreadyRegistered: 'Rds.DbProxyTargetAlreadyRegisteredException',
  invalidProxyState: 'Rds.InvalidDbProxyStateException',
  /** Errors RDS does not model, throttling among them. */
  unmodelled: 'Rds.RdsException',
});

/** The `Error` of each Fail state; the cause says why. */
export const FAILURE_ERRORS = Object.freeze({
  aborted: 'Aborted',
  rolledBack: 'RolledBack',
  hypothesisFailed: 'HypothesisFailed',
  inconclusive: 'Inconclusive',
  stepFailed: 'StepFailed',
  targetNeverAvailable: 'TargetNeverAvailable',
});

const LOCK_CONDITION_FAILED = 'DynamoDB.ConditionalCheckFailedException';
const DYNAMODB_TRANSIENT = ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.RequestLimitExceededException', 'DynamoDB.InternalServerErrorException'];
const QUEUE_COUNT_ATTRIBUTES = {
  visible: 'ApproximateNumberOfMessages',
  inFlight: 'ApproximateNumberOfMessagesNotVisible',
  delayed: 'ApproximateNumberOfMessagesDelayed',
} as const;

/** What a queue check reads when the system under test has no queue. */
const NO_QUEUE_DEPTH = Object.freeze({ visible: 0, inFlight: 0, delayed: 0 });

// Each Lambda result is copied field by field from `$.Payload`, so the handler's plain output lands
// at the ResultPath. `satisfies` ties every list to the shared contract: a new field fails to compile.
const RUN_CONFIG_FIELDS = {
  runId: true, baselineSeconds: true, outageSeconds: true, recoverySeconds: true, readsPerSecond: true, writesPerSecond: true,
  drainTimeoutSeconds: true, holdCheckSeconds: true, holdIterations: true, drainPollSeconds: true, drainPollIterations: true,
  drainZeroReadings: true, availablePollSeconds: true, availablePollIterations: true, dryRun: true,
} as const satisfies Record<keyof RunConfig, true>;
const TRAFFIC_RESULT_FIELDS = {
  phase: true, degradation: true, startedAtMs: true, endedAtMs: true, offered: true, reads: true, writes: true,
  ordersAccepted: true, latencyMs: true, timeline: true,
} as const satisfies Record<keyof TrafficResult, true>;
const ORDER_VERIFICATION_FIELDS = {
  accepted: true, committed: true, rejected: true, lost: true, duplicated: true,
} as const satisfies Record<keyof OrderVerification, true>;
const REPORT_OUTPUT_FIELDS = { verdict: true, reasons: true, report: true, metricData: true, storage: true } as const satisfies Record<keyof ReportOutput, true>;

/** The step functions the workflow invokes. */
export interface GameDayStepFunctions {
  readonly validateInput: lambda.IFunction;
  readonly traffic: lambda.IFunction;
  readonly verifyOrders: lambda.IFunction;
  readonly report: lambda.IFunction;
}

export interface GameDayStateMachineProps {
  /** Target, queues, alarms, namespace and experiment defaults (already validated). */
  readonly config: GameDayConfig;
  /** Table holding the run lock (partition key `pk`, a string). */
  readonly lockTable: dynamodb.ITable;
  readonly steps: GameDayStepFunctions;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

/** Raised when the workflow's props are refused; lists every problem. */
export class InvalidGameDayStateMachineProps extends Error {
  override readonly name = 'InvalidGameDayStateMachineProps';

  constructor(readonly problems: readonly string[]) {
    super(`invalid GameDayStateMachine props: ${problems.join('; ')}`);
  }
}

/** A CallAwsService whose IAM statements carry conditions (CallAwsService itself has no such option). */
class ConditionalCallAwsService extends tasks.CallAwsService {
  constructor(scope: Construct, id: string, props: tasks.CallAwsServiceProps, conditions: Record<string, unknown>) {
    super(scope, id, props);
    for (const statement of this.taskPolicies ?? []) statement.addConditions(conditions);
  }
}

/**
 * The GameDay state machine. State names are stable PascalCase: a local runner overrides tasks by
 * name. The execution state carries `$.config`, `$.baseline`, `$.experiment`, `$.drain`,
 * `$.orders` and `$.result` as the step handlers expect them; every Fail state's cause is at
 * `$.failure.cause`.
 */
export class GameDayStateMachine extends Construct {
  readonly stateMachine: sfn.IStateMachine;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  /** `arn:...:execution:<this state machine>:*`: every execution of this state machine, and no other. */
  readonly executionArnPattern: string;

  private readonly config: GameDayConfig;
  private readonly lockTable: dynamodb.ITable;
  private readonly steps: GameDayStepFunctions;

  constructor(scope: Construct, id: string, props: GameDayStateMachineProps) {
    super(scope, id);
    const c = props.config;
    const problems: string[] = [];
    for (const [key, value] of [['proxyArn', c.proxyArn], ['targetGroupArn', c.targetGroupArn], ['dbClusterArn', c.dbClusterArn]] as const) {
      if (!Token.isUnresolved(value) && (value === '' || value.includes('*'))) problems.push(`${key} must be one exact ARN, not a pattern (got ${JSON.stringify(value)})`);
    }
    if (!Token.isUnresolved(c.metricNamespace) && (c.metricNamespace === '' || c.metricNamespace.includes('*'))) {
      problems.push('metricNamespace must be one exact namespace');
    }
    if (!Number.isInteger(c.executionTimeoutMinutes) || c.executionTimeoutMinutes < 1) problems.push('executionTimeoutMinutes must be a positive integer');
    if (problems.length > 0) throw new InvalidGameDayStateMachineProps(problems);
    this.config = c;
    this.lockTable = props.lockTable;
    this.steps = props.steps;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The vended-logs prefix keeps Step Functions from growing the account's log resource policy.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-gameday`,
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition()),
      timeout: Duration.minutes(c.executionTimeoutMinutes),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: 'GameDay: does the shop stay useful, and lose nothing, while its database is gone?',
    });
    // Deregistering is the harm: without the allow tag on the proxy and cluster, IAM refuses it.
    // Registering is never tag-guarded, so nothing can keep a rollback from restoring the target.
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DeregisterOnlyTaggedTargets',
        effect: iam.Effect.DENY,
        actions: ['rds:DeregisterDBProxyTargets'],
        resources: [c.proxyArn, c.dbClusterArn],
        conditions: { StringNotEquals: { [`aws:ResourceTag/${c.allowTag.key}`]: c.allowTag.value } },
      }),
    );
    this.stateMachine = stateMachine;
    this.role = stateMachine.role;
    this.executionArnPattern = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private definition(): sfn.IChainable {
    const c = this.config;

    // ---- endings
    const aborted = new sfn.Fail(this, 'Aborted', { error: FAILURE_ERRORS.aborted, causePath: '$.failure.cause' });
    const abortReleaseLock = this.releaseLock('AbortReleaseLock');
    abortReleaseLock.addCatch(aborted, { errors: [sfn.Errors.ALL], resultPath: '$.releaseError' });
    abortReleaseLock.next(aborted);

    const stepFailed = new sfn.Fail(this, 'StepFailed', { error: FAILURE_ERRORS.stepFailed, causePath: '$.failure.cause' });
    const errorReleaseLock = this.releaseLock('ErrorReleaseLock');
    errorReleaseLock.addCatch(stepFailed, { errors: [sfn.Errors.ALL], resultPath: '$.releaseError' });
    errorReleaseLock.next(stepFailed);
    const describeStepFailure = this.explain(
      'DescribeStepFailure',
      sfn.JsonPath.format('a step after the experiment failed (the target was registered again): {}: {}', sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')),
    ).next(errorReleaseLock);
    const onStepError = (task: sfn.TaskStateBase): void => {
      task.addCatch(describeStepFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    };

    const preflightError = this.explain(
      'PreflightError',
      sfn.JsonPath.format('preflight: a check failed before any harm: {}: {}', sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')),
    ).next(abortReleaseLock);
    const onPreflightError = (task: sfn.TaskStateBase): void => {
      task.addCatch(preflightError, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    };

    // ---- preflight
    // The execution input may be any JSON value; under one key every later ResultPath applies.
    const readInput = new sfn.Pass(this, 'ReadInput', { parameters: { input: sfn.JsonPath.objectAt('$') } });

    const validateInput = this.invoke('ValidateInput', this.steps.validateInput, RUN_CONFIG_FIELDS, '$.config', {
      input: sfn.JsonPath.objectAt('$.input'),
      defaults: { ...c.experiment },
      executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
    });
    validateInput.addCatch(
      this.explain('InvalidInput', sfn.JsonPath.format('preflight: the input was refused: {}', sfn.JsonPath.stringAt('$.error.Cause'))).next(aborted),
      { errors: [sfn.Errors.ALL], resultPath: '$.error' },
    );

    const acquireLock = new tasks.DynamoPutItem(this, 'AcquireLock', {
      table: this.lockTable,
      item: {
        pk: tasks.DynamoAttributeValue.fromString(LOCK_KEY),
        executionArn: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.Id')),
        acquiredAt: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.StartTime')),
      },
      conditionExpression: 'attribute_not_exists(pk)',
      resultPath: sfn.JsonPath.DISCARD,
    });
    acquireLock.addRetry({ errors: DYNAMODB_TRANSIENT, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 4, jitterStrategy: sfn.JitterType.FULL });
    // Another run holds the lock: this run took nothing, so it releases nothing.
    acquireLock.addCatch(this.explain('LockHeld', 'preflight: another GameDay holds the lock').next(aborted), {
      errors: [LOCK_CONDITION_FAILED],
      resultPath: '$.error',
    });
    onPreflightError(acquireLock);

    const describeTarget = this.describeTarget('DescribeTarget', '$.preflight.target');
    onPreflightError(describeTarget);
    const targetNotAvailable = this.explain(
      'TargetNotAvailable',
      sfn.JsonPath.format('preflight: the proxy target is not AVAILABLE: {}', sfn.JsonPath.stringAt('$.preflight.target.targets')),
    ).next(abortReleaseLock);

    const queueDepth = this.queueDepth('QueueDepth', c.orderQueueUrl, c.orderQueueArn, '$.preflight.queue');
    const dlqDepth = this.queueDepth('DlqDepth', c.dlqUrl, c.dlqArn, '$.preflight.dlq');
    if (queueDepth instanceof sfn.TaskStateBase) onPreflightError(queueDepth);
    if (dlqDepth instanceof sfn.TaskStateBase) onPreflightError(dlqDepth);
    const queuesNotEmpty = this.explain(
      'QueuesNotEmpty',
      sfn.JsonPath.format(
        'preflight: the order queue and its DLQ must be empty: queue {}, dlq {}',
        sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.preflight.queue')),
        sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.preflight.dlq')),
      ),
    ).next(abortReleaseLock);

    const checkStopConditions = this.describeAlarms('CheckStopConditions', '$.preflight.alarms');
    if (checkStopConditions instanceof sfn.TaskStateBase) onPreflightError(checkStopConditions);
    const stopConditionInAlarm = new sfn.Pass(this, 'StopConditionInAlarm', { inputPath: '$.preflight.alarms..AlarmName', resultPath: '$.preflight.firing' })
      .next(
        this.explain(
          'DescribeStopCondition',
          sfn.JsonPath.format('preflight: stop-condition alarms are in ALARM: {}', sfn.JsonPath.jsonToString(sfn.JsonPath.listAt('$.preflight.firing'))),
        ),
      )
      .next(abortReleaseLock);

    // ---- baseline
    const baselineTraffic = this.traffic('BaselineTraffic', 'baseline', sfn.JsonPath.numberAt('$.config.baselineSeconds'), '$.baseline');
    baselineTraffic.addCatch(
      this.explain(
        'BaselineFailed',
        sfn.JsonPath.format('the baseline traffic failed before any harm: {}: {}', sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')),
      ).next(abortReleaseLock),
      { errors: [sfn.Errors.ALL], resultPath: '$.error' },
    );

    // ---- experiment, and the rollback that any error in it leads to
    const experiment = new sfn.Parallel(this, 'Experiment', {
      // Each branch gets only the config: the baseline's timeline stays out of the branch payloads.
      parameters: { config: sfn.JsonPath.objectAt('$.config') },
      resultSelector: { traffic: sfn.JsonPath.objectAt('$[0]'), fault: sfn.JsonPath.objectAt('$[1].fault') },
      resultPath: '$.experiment',
    });
    experiment.branch(this.traffic('ExperimentTraffic', 'experiment', sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.config.outageSeconds'), sfn.JsonPath.numberAt('$.config.recoverySeconds'))));
    experiment.branch(this.faultBranch());

    const rolledBack = new sfn.Fail(this, 'RolledBack', { error: FAILURE_ERRORS.rolledBack, causePath: '$.failure.cause' });
    const rollbackRegister = this.registerTarget('RollbackRegister');
    const rollbackReleaseLock = this.releaseLock('RollbackReleaseLock');
    const describeRollback = this.explain(
      'DescribeRollback',
      sfn.JsonPath.format('the experiment failed and the target was registered again: {}: {}', sfn.JsonPath.stringAt('$.error.Error'), sfn.JsonPath.stringAt('$.error.Cause')),
    ).next(rolledBack);
    rollbackRegister.addCatch(rollbackReleaseLock, { errors: [RDS_ERRORS.targetAlreadyRegistered], resultPath: sfn.JsonPath.DISCARD });
    // Register failed for good: fail anyway; the safety net retries on the FAILED execution.
    rollbackRegister.addCatch(rollbackReleaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.rollbackError' });
    rollbackReleaseLock.addCatch(describeRollback, { errors: [sfn.Errors.ALL], resultPath: '$.releaseError' });
    rollbackRegister.next(rollbackReleaseLock).next(describeRollback);
    experiment.addCatch(rollbackRegister, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    // ---- drain: both queues at zero for drainZeroReadings readings in a row, bounded by drainPollIterations
    const startDrain = new sfn.Pass(this, 'StartDrain', {
      parameters: { startedAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'), polls: 0, zeroReadings: 0 },
      resultPath: '$.drain',
    });
    const drainQueueDepth = this.queueDepth('DrainQueueDepth', c.orderQueueUrl, c.orderQueueArn, '$.drain.queue');
    const drainDlqDepth = this.queueDepth('DrainDlqDepth', c.dlqUrl, c.dlqArn, '$.drain.dlq');
    if (drainQueueDepth instanceof sfn.TaskStateBase) onStepError(drainQueueDepth);
    if (drainDlqDepth instanceof sfn.TaskStateBase) onStepError(drainDlqDepth);
    const countDrainPoll = (id: string, zeroReadings: number | string): sfn.Pass =>
      new sfn.Pass(this, id, {
        parameters: {
          startedAt: sfn.JsonPath.stringAt('$.drain.startedAt'),
          polls: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.drain.polls'), 1),
          zeroReadings,
          queue: sfn.JsonPath.objectAt('$.drain.queue'),
          dlq: sfn.JsonPath.objectAt('$.drain.dlq'),
        },
        resultPath: '$.drain',
      });
    const countZeroReading = countDrainPoll('CountZeroReading', sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.drain.zeroReadings'), 1));
    const countNonZeroReading = countDrainPoll('CountNonZeroReading', 0);
    const finishDrain = (id: string, drained: boolean): sfn.Pass =>
      new sfn.Pass(this, id, {
        parameters: {
          startedAt: sfn.JsonPath.stringAt('$.drain.startedAt'),
          endedAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
          drained,
          polls: sfn.JsonPath.numberAt('$.drain.polls'),
          queue: sfn.JsonPath.objectAt('$.drain.queue'),
          dlq: sfn.JsonPath.objectAt('$.drain.dlq'),
        },
        resultPath: '$.drain',
      });
    // Not drained is no error: the run goes on and its report fails the hypothesis.
    const drained = finishDrain('Drained', true);
    const notDrained = finishDrain('NotDrained', false);
    const drainWait = new sfn.Wait(this, 'DrainWait', { time: sfn.WaitTime.secondsPath('$.config.drainPollSeconds') });
    const checkDrained = new sfn.Choice(this, 'CheckDrained')
      .when(sfn.Condition.numberGreaterThanEqualsJsonPath('$.drain.zeroReadings', '$.config.drainZeroReadings'), drained)
      .when(sfn.Condition.numberGreaterThanEqualsJsonPath('$.drain.polls', '$.config.drainPollIterations'), notDrained)
      .otherwise(drainWait);
    drainWait.next(drainQueueDepth);
    countZeroReading.next(checkDrained);
    countNonZeroReading.next(checkDrained);
    startDrain
      .next(drainQueueDepth)
      .next(drainDlqDepth)
      .next(new sfn.Choice(this, 'CheckDrainReading').when(queuesEmpty('$.drain.queue', '$.drain.dlq'), countZeroReading).otherwise(countNonZeroReading));

    // ---- verify, report, publish, release, verdict
    const verifyOrders = this.invoke('VerifyOrders', this.steps.verifyOrders, ORDER_VERIFICATION_FIELDS, '$.orders', {
      shopUrl: c.shopUrl,
      runId: sfn.JsonPath.stringAt('$.config.runId'),
      traffic: sfn.JsonPath.array(sfn.JsonPath.stringAt('$.baseline'), sfn.JsonPath.stringAt('$.experiment.traffic')),
    });
    onStepError(verifyOrders);
    const buildReport = this.invoke('BuildReport', this.steps.report, REPORT_OUTPUT_FIELDS, '$.result', {
      startedAt: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
      config: sfn.JsonPath.objectAt('$.config'),
      baseline: sfn.JsonPath.objectAt('$.baseline'),
      experiment: sfn.JsonPath.objectAt('$.experiment'),
      drain: sfn.JsonPath.objectAt('$.drain'),
      orders: sfn.JsonPath.objectAt('$.orders'),
    });
    onStepError(buildReport);
    const publishMetrics = new ConditionalCallAwsService(
      this,
      'PublishMetrics',
      {
        service: 'cloudwatch',
        action: 'putMetricData',
        parameters: { Namespace: c.metricNamespace, MetricData: sfn.JsonPath.listAt('$.result.metricData') },
        // PutMetricData has no resource-level permissions; the namespace condition is the limit.
        iamResources: ['*'],
        iamAction: 'cloudwatch:PutMetricData',
        resultPath: sfn.JsonPath.DISCARD,
      },
      { StringEquals: { 'cloudwatch:namespace': c.metricNamespace } },
    );
    publishMetrics.addRetry({ errors: ['CloudWatch.CloudWatchException'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3, jitterStrategy: sfn.JitterType.FULL });
    onStepError(publishMetrics);

    const releaseLock = this.releaseLock('ReleaseLock');
    const explainVerdict = this.explain(
      'ExplainVerdict',
      sfn.JsonPath.format('verdict {}: {}', sfn.JsonPath.stringAt('$.result.verdict'), sfn.JsonPath.jsonToString(sfn.JsonPath.listAt('$.result.reasons'))),
    );
    releaseLock.addCatch(explainVerdict, { errors: [LOCK_CONDITION_FAILED], resultPath: sfn.JsonPath.DISCARD });
    const hypothesisFailed = new sfn.Fail(this, 'HypothesisFailed', { error: FAILURE_ERRORS.hypothesisFailed, causePath: '$.failure.cause' });
    const verdict = new sfn.Choice(this, 'Verdict')
      .when(sfn.Condition.stringEquals('$.result.verdict', 'passed'), new sfn.Succeed(this, 'Passed'))
      .when(sfn.Condition.stringEquals('$.result.verdict', 'failed'), hypothesisFailed)
      .when(sfn.Condition.stringEquals('$.result.verdict', 'inconclusive'), new sfn.Fail(this, 'Inconclusive', { error: FAILURE_ERRORS.inconclusive, causePath: '$.failure.cause' }))
      .when(sfn.Condition.stringEquals('$.result.verdict', 'aborted'), aborted)
      // A verdict this workflow does not know is never a pass.
      .otherwise(hypothesisFailed);
    // Without a queue the drain loop stays out of the graph: nothing of it may point into it.
    if (c.orderQueueUrl !== undefined) {
      drained.next(verifyOrders);
      notDrained.next(verifyOrders);
    }
    verifyOrders.next(buildReport).next(publishMetrics).next(releaseLock).next(explainVerdict).next(verdict);

    readInput.next(validateInput).next(acquireLock).next(describeTarget).next(
      new sfn.Choice(this, 'CheckTargetAvailable').when(targetAvailable('$.preflight.target.targets'), queueDepth).otherwise(targetNotAvailable),
    );
    queueDepth.next(dlqDepth).next(
      new sfn.Choice(this, 'CheckQueuesEmpty').when(queuesEmpty('$.preflight.queue', '$.preflight.dlq'), checkStopConditions).otherwise(queuesNotEmpty),
    );
    checkStopConditions.next(
      new sfn.Choice(this, 'StopConditionsClear').when(alarmsFiring('$.preflight.alarms'), stopConditionInAlarm).otherwise(baselineTraffic),
    );
    // A shop without a queue has nothing to drain: the drain loop is left out, not run against zeros.
    const afterExperiment =
      c.orderQueueUrl === undefined
        ? new sfn.Pass(this, 'NoQueueToDrain', {
            parameters: {
              startedAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
              endedAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
              drained: true,
              polls: 0,
              queue: NO_QUEUE_DEPTH,
              dlq: NO_QUEUE_DEPTH,
            },
            resultPath: '$.drain',
          }).next(verifyOrders)
        : startDrain;
    baselineTraffic.next(experiment).next(afterExperiment);
    return readInput;
  }

  // ---------------------------------------------------------------- the fault branch

  /**
   * Deregister, hold (checking the stop conditions), register, wait for AVAILABLE; the branch ends
   * with `$.fault` as a FaultRecord. A dry run records the fault as not injected and calls nothing.
   */
  private faultBranch(): sfn.IChainable {
    const dryRunFault = new sfn.Pass(this, 'DryRunFault', {
      result: sfn.Result.fromObject({ dryRun: true, deregisteredAt: null, registeredAt: null, availableAt: null, stoppedEarly: null }),
      resultPath: '$.fault',
    });

    const deregister = this.rdsTargetCall('Deregister', 'deregisterDBProxyTargets', 5);
    const recordDeregistered = new sfn.Pass(this, 'RecordDeregistered', {
      parameters: { deregisteredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime') },
      resultPath: '$.fault',
    });
    // Not found means an earlier attempt of this same call already deregistered the target.
    deregister.addCatch(recordDeregistered, { errors: [RDS_ERRORS.targetNotFound], resultPath: sfn.JsonPath.DISCARD });

    // Parameters drop null values, so the null that stands for "not stopped early" comes from a Result.
    const startHold = new sfn.Pass(this, 'StartHold', { result: sfn.Result.fromObject({ iteration: 0, stoppedEarly: null }), resultPath: '$.hold' });
    const holdWait = new sfn.Wait(this, 'HoldWait', { time: sfn.WaitTime.secondsPath('$.config.holdCheckSeconds') });
    const holdCheckAlarms = this.describeAlarms('HoldCheckAlarms', '$.holdAlarms');
    const countHoldIteration = new sfn.Pass(this, 'CountHoldIteration', {
      parameters: { iteration: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.hold.iteration'), 1), stoppedEarly: sfn.JsonPath.objectAt('$.hold.stoppedEarly') },
      resultPath: '$.hold',
    });
    const recordStoppedEarly = new sfn.Pass(this, 'RecordStoppedEarly', { inputPath: '$.holdAlarms..AlarmName', resultPath: '$.hold.stoppedEarly' });

    const register = this.registerTarget('Register');
    const recordRegistered = new sfn.Pass(this, 'RecordRegistered', {
      parameters: {
        deregisteredAt: sfn.JsonPath.stringAt('$.fault.deregisteredAt'),
        registeredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
      },
      resultPath: '$.fault',
    });
    register.addCatch(recordRegistered, { errors: [RDS_ERRORS.targetAlreadyRegistered], resultPath: sfn.JsonPath.DISCARD });

    const startAvailablePoll = new sfn.Pass(this, 'StartAvailablePoll', { parameters: { iteration: 0 }, resultPath: '$.availablePoll' });
    const describeAfterRegister = this.describeTarget('DescribeTargetAfterRegister', '$.targetAfterRegister');
    const countAvailablePoll = new sfn.Pass(this, 'CountAvailablePoll', {
      parameters: { iteration: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.availablePoll.iteration'), 1) },
      resultPath: '$.availablePoll',
    });
    const waitForAvailable = new sfn.Wait(this, 'WaitForAvailable', { time: sfn.WaitTime.secondsPath('$.config.availablePollSeconds') });
    const recordAvailable = new sfn.Pass(this, 'RecordAvailable', {
      parameters: {
        dryRun: false,
        deregisteredAt: sfn.JsonPath.stringAt('$.fault.deregisteredAt'),
        registeredAt: sfn.JsonPath.stringAt('$.fault.registeredAt'),
        availableAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
        stoppedEarly: sfn.JsonPath.objectAt('$.hold.stoppedEarly'),
      },
      resultPath: '$.fault',
    });
    // Never report success before AVAILABLE: running out of polls is an error, and errors roll back.
    const targetNeverAvailable = new sfn.Fail(this, 'TargetNeverAvailable', {
      error: FAILURE_ERRORS.targetNeverAvailable,
      cause: 'the proxy target did not become AVAILABLE within availableTimeoutSeconds after it was registered again',
    });

    recordDeregistered.next(startHold).next(holdWait).next(holdCheckAlarms).next(countHoldIteration).next(
      new sfn.Choice(this, 'CheckHold')
        .when(alarmsFiring('$.holdAlarms'), recordStoppedEarly)
        .when(sfn.Condition.numberGreaterThanEqualsJsonPath('$.hold.iteration', '$.config.holdIterations'), register)
        .otherwise(holdWait),
    );
    recordStoppedEarly.next(register);
    register.next(recordRegistered).next(startAvailablePoll).next(describeAfterRegister).next(countAvailablePoll).next(
      new sfn.Choice(this, 'CheckAvailableAfterRegister')
        .when(targetAvailable('$.targetAfterRegister.targets'), recordAvailable)
        .when(sfn.Condition.numberGreaterThanEqualsJsonPath('$.availablePoll.iteration', '$.config.availablePollIterations'), targetNeverAvailable)
        .otherwise(waitForAvailable),
    );
    waitForAvailable.next(describeAfterRegister);
    deregister.next(recordDeregistered);

    return new sfn.Choice(this, 'CheckDryRun').when(sfn.Condition.booleanEquals('$.config.dryRun', true), dryRunFault).otherwise(deregister);
  }

  // ---------------------------------------------------------------- building blocks

  /** A Lambda step whose plain handler output lands at `resultPath`. */
  private invoke(id: string, fn: lambda.IFunction, fields: Record<string, true>, resultPath: string | undefined, payload: Record<string, unknown>): tasks.LambdaInvoke {
    return new tasks.LambdaInvoke(this, id, {
      lambdaFunction: fn,
      payloadResponseOnly: false,
      retryOnServiceExceptions: true,
      payload: sfn.TaskInput.fromObject(payload),
      resultSelector: payloadFields(fields),
      resultPath,
    });
  }

  /** A traffic step against the shop; without `resultPath` its TrafficResult is the whole output. */
  private traffic(id: string, phase: string, durationSeconds: number | string, resultPath?: string): tasks.LambdaInvoke {
    return this.invoke(id, this.steps.traffic, TRAFFIC_RESULT_FIELDS, resultPath, {
      shopUrl: this.config.shopUrl,
      runId: sfn.JsonPath.stringAt('$.config.runId'),
      phase,
      durationSeconds,
      readsPerSecond: sfn.JsonPath.numberAt('$.config.readsPerSecond'),
      writesPerSecond: sfn.JsonPath.numberAt('$.config.writesPerSecond'),
    });
  }

  /** Stores `{cause}` at `$.failure` for the Fail state the path ends in. */
  private explain(id: string, cause: string): sfn.Pass {
    return new sfn.Pass(this, id, { parameters: { cause }, resultPath: '$.failure' });
  }

  /** Deletes the lock only if this execution holds it; a lock held by another run is left alone. */
  private releaseLock(id: string): tasks.DynamoDeleteItem {
    const release = new tasks.DynamoDeleteItem(this, id, {
      table: this.lockTable,
      key: { pk: tasks.DynamoAttributeValue.fromString(LOCK_KEY) },
      conditionExpression: 'executionArn = :me',
      expressionAttributeValues: { ':me': tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.Id')) },
      resultPath: sfn.JsonPath.DISCARD,
    });
    release.addRetry({ errors: DYNAMODB_TRANSIENT, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 4, jitterStrategy: sfn.JitterType.FULL });
    return release;
  }

  /** DescribeDBProxyTargets; `<resultPath>.targets` holds the targets as JSON text for {@link targetAvailable}. */
  private describeTarget(id: string, resultPath: string): tasks.CallAwsService {
    const describe = new tasks.CallAwsService(this, id, {
      service: 'rds',
      action: 'describeDBProxyTargets',
      parameters: { DbProxyName: this.config.proxyName, TargetGroupName: this.config.targetGroupName },
      iamResources: [this.config.proxyArn, this.config.targetGroupArn],
      iamAction: 'rds:DescribeDBProxyTargets',
      resultSelector: { targets: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.Targets')) },
      resultPath,
    });
    retryRead(describe);
    return describe;
  }

  /** Register the cluster with the target group again; retried, and idempotent by its catch. */
  private registerTarget(id: string): tasks.CallAwsService {
    return this.rdsTargetCall(id, 'registerDBProxyTargets', 8);
  }

  /** Register or deregister the cluster: the same exact proxy, target group and cluster ARNs for both. */
  private rdsTargetCall(id: string, action: 'registerDBProxyTargets' | 'deregisterDBProxyTargets', maxAttempts: number): tasks.CallAwsService {
    const c = this.config;
    const call = new tasks.CallAwsService(this, id, {
      service: 'rds',
      action,
      parameters: { DbProxyName: c.proxyName, TargetGroupName: c.targetGroupName, DbClusterIdentifiers: [c.dbClusterIdentifier] },
      iamResources: [c.proxyArn, c.targetGroupArn, c.dbClusterArn],
      iamAction: action === 'registerDBProxyTargets' ? 'rds:RegisterDBProxyTargets' : 'rds:DeregisterDBProxyTargets',
      resultPath: sfn.JsonPath.DISCARD,
    });
    call.addRetry({
      errors: [RDS_ERRORS.invalidProxyState, RDS_ERRORS.unmodelled],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts,
      maxDelay: Duration.seconds(30),
      jitterStrategy: sfn.JitterType.FULL,
    });
    return call;
  }

  /** GetQueueAttributes, as numbers: `{visible, inFlight, delayed}` at `resultPath`. */
  /** GetQueueAttributes for the three counts; with no queue configured, a Pass that reads zero. */
  private queueDepth(id: string, queueUrl: string | undefined, queueArn: string | undefined, resultPath: string): tasks.CallAwsService | sfn.Pass {
    if (queueUrl === undefined || queueArn === undefined) return new sfn.Pass(this, id, { result: sfn.Result.fromObject(NO_QUEUE_DEPTH), resultPath });
    const depth = new tasks.CallAwsService(this, id, {
      service: 'sqs',
      action: 'getQueueAttributes',
      parameters: { QueueUrl: queueUrl, AttributeNames: Object.values(QUEUE_COUNT_ATTRIBUTES) },
      iamResources: [queueArn],
      iamAction: 'sqs:GetQueueAttributes',
      // SQS reports counts as strings.
      resultSelector: Object.fromEntries(
        Object.entries(QUEUE_COUNT_ATTRIBUTES).map(([count, attribute]) => [count, sfn.JsonPath.stringToJson(sfn.JsonPath.stringAt(`$.Attributes.${attribute}`))]),
      ),
      resultPath,
    });
    retryRead(depth);
    return depth;
  }

  /**
   * DescribeAlarms for the stop conditions that are in ALARM, metric and composite alike. With no
   * stop conditions configured a Pass stands in: an empty AlarmNames would match every alarm.
   */
  private describeAlarms(id: string, resultPath: string): sfn.TaskStateBase | sfn.Pass {
    const names = this.config.stopConditionAlarmNames;
    if (names.length === 0) {
      return new sfn.Pass(this, id, { result: sfn.Result.fromObject({ MetricAlarms: [], CompositeAlarms: [] }), resultPath });
    }
    const describe = new tasks.CallAwsService(this, id, {
      service: 'cloudwatch',
      action: 'describeAlarms',
      parameters: { AlarmNames: [...names], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], StateValue: 'ALARM' },
      iamResources: names.map((name) => this.alarmArn(name)),
      iamAction: 'cloudwatch:DescribeAlarms',
      resultPath,
    });
    retryRead(describe);
    return describe;
  }

  /** The alarm's ARN in the target's account and region. */
  private alarmArn(name: string): string {
    const [, partition, , region, account] = this.config.proxyArn.split(':');
    if (Token.isUnresolved(this.config.proxyArn) || !partition || !region || !account) {
      return Stack.of(this).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    }
    return `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;
  }
}

/** Read-only calls are safe to repeat: a short retry rides out throttling and blips. */
function retryRead(task: sfn.TaskStateBase): void {
  task.addRetry({ errors: [sfn.Errors.TASKS_FAILED], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 2, jitterStrategy: sfn.JitterType.FULL });
}

/** Some stop-condition alarm came back in ALARM (the call asks for ALARM only). */
function alarmsFiring(resultPath: string): sfn.Condition {
  return sfn.Condition.or(sfn.Condition.isPresent(`${resultPath}.MetricAlarms[0]`), sfn.Condition.isPresent(`${resultPath}.CompositeAlarms[0]`));
}

/** `{field.$: $.Payload.field}` for every field of a contract. */
function payloadFields(fields: Record<string, true>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(fields).map((field) => [field, sfn.JsonPath.objectAt(`$.Payload.${field}`)]));
}

/**
 * A target group is ready when some target reports AVAILABLE and none reports REGISTERING or
 * UNAVAILABLE. The targets are matched as JSON text: a Choice cannot quantify over an array.
 */
function targetAvailable(targetsJsonPath: string): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.stringMatches(targetsJsonPath, '*"State":"AVAILABLE"*'),
    sfn.Condition.not(sfn.Condition.stringMatches(targetsJsonPath, '*"State":"UNAVAILABLE"*')),
    sfn.Condition.not(sfn.Condition.stringMatches(targetsJsonPath, '*"State":"REGISTERING"*')),
  );
}

/** Every count of both queues is zero. */
function queuesEmpty(queuePath: string, dlqPath: string): sfn.Condition {
  return sfn.Condition.and(
    ...[queuePath, dlqPath].flatMap((path) => Object.keys(QUEUE_COUNT_ATTRIBUTES).map((count) => sfn.Condition.numberEquals(`${path}.${count}`, 0))),
  );
}
