// The building blocks every runbook step of the GameDay workflow is made of: Lambda steps, AWS SDK calls, the lock, conditions.
import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { LOCK_ATTRIBUTES, LOCK_KEY, RDS_ERRORS } from '../../../steps/core/workflow-names';
import type { TrafficSize } from '../../../steps/core/contracts';
import type { GameDayConfig } from '../../config';

/** The step functions the workflow invokes. */
export interface GameDayStepFunctions {
  readonly validateInput: lambda.IFunction;
  /** The traffic functions by size: one window invokes the size its run's config names. */
  readonly traffic: Readonly<Record<TrafficSize, lambda.IFunction>>;
  readonly tallyWindow: lambda.IFunction;
  readonly verifyOrders: lambda.IFunction;
  readonly report: lambda.IFunction;
}

/** What every runbook step is built against. */
export interface WorkflowContext {
  readonly config: GameDayConfig;
  /** Table holding the run lock (partition key `pk`, a string). */
  readonly lockTable: dynamodb.ITable;
  readonly steps: GameDayStepFunctions;
  /** The run log and its one stream, which the report step's lines go to. */
  readonly runLog: { readonly logGroup: logs.ILogGroup; readonly streamName: string };
}

const DYNAMODB_TRANSIENT = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.RequestLimitExceededException',
  'DynamoDB.InternalServerErrorException',
];

/** A CallAwsService whose IAM statements carry conditions (CallAwsService itself has no such option). */
export class ConditionalCallAwsService extends tasks.CallAwsService {
  constructor(scope: Construct, id: string, props: tasks.CallAwsServiceProps, conditions: Record<string, unknown>) {
    super(scope, id, props);
    for (const statement of this.taskPolicies ?? []) statement.addConditions(conditions);
  }
}

/** `$$.Execution.Id`: every Lambda payload carries it, so each step's log lines name the run's execution. */
export const EXECUTION_ARN_PATH = '$$.Execution.Id';

/**
 * A Lambda step whose plain handler output lands at `resultPath`, copied field by field from `$.Payload`.
 * The payload also carries the execution ARN, for the step's logs.
 */
export function invokeStep(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  fields: Record<string, true>,
  resultPath: string | undefined,
  payload: Record<string, unknown>,
): tasks.LambdaInvoke {
  return new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payloadResponseOnly: false,
    retryOnServiceExceptions: true,
    payload: sfn.TaskInput.fromObject({ ...payload, executionArn: sfn.JsonPath.stringAt(EXECUTION_ARN_PATH) }),
    resultSelector: Object.fromEntries(
      Object.keys(fields).map((field) => [field, sfn.JsonPath.objectAt(`$.Payload.${field}`)]),
    ),
    resultPath,
  });
}

/** Stores `{cause}` at `$.failure` for the Fail state the path ends in. */
export function explain(scope: Construct, id: string, cause: string): sfn.Pass {
  return new sfn.Pass(scope, id, { parameters: { cause }, resultPath: '$.failure' });
}

/** `<what>: {Error}: {Cause}` of the error a Catch stored at `$.error`. */
export function describeCaughtError(what: string): string {
  return sfn.JsonPath.format(
    `${what}: {}: {}`,
    sfn.JsonPath.stringAt('$.error.Error'),
    sfn.JsonPath.stringAt('$.error.Cause'),
  );
}

/** Deletes the lock only if this execution holds it; a lock held by another run is left alone. */
export function releaseLock(scope: Construct, ctx: WorkflowContext, id: string): tasks.DynamoDeleteItem {
  const release = new tasks.DynamoDeleteItem(scope, id, {
    table: ctx.lockTable,
    key: { pk: tasks.DynamoAttributeValue.fromString(LOCK_KEY) },
    conditionExpression: 'executionArn = :me',
    expressionAttributeValues: {
      ':me': tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.Id')),
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  retryDynamo(release);
  return release;
}

/**
 * Takes the lock for this execution, only if no run holds it: another run's lock fails the put with
 * `LOCK_CONDITION_FAILED`. `item` adds attributes beside the holder and the time it took the lock.
 */
export function acquireLock(
  scope: Construct,
  ctx: WorkflowContext,
  id: string,
  item: Record<string, tasks.DynamoAttributeValue> = {},
): tasks.DynamoPutItem {
  const put = new tasks.DynamoPutItem(scope, id, {
    table: ctx.lockTable,
    item: {
      pk: tasks.DynamoAttributeValue.fromString(LOCK_KEY),
      [LOCK_ATTRIBUTES.executionArn]: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.Id')),
      [LOCK_ATTRIBUTES.acquiredAt]: tasks.DynamoAttributeValue.fromString(
        sfn.JsonPath.stringAt('$$.Execution.StartTime'),
      ),
      ...item,
    },
    conditionExpression: 'attribute_not_exists(pk)',
    resultPath: sfn.JsonPath.DISCARD,
  });
  retryDynamo(put);
  return put;
}

/** Every call on the lock table rides out DynamoDB's throttling and blips with a short full-jitter retry. */
export function retryDynamo(task: sfn.TaskStateBase): void {
  task.addRetry({
    errors: DYNAMODB_TRANSIENT,
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 4,
    jitterStrategy: sfn.JitterType.FULL,
  });
}

/** DescribeDBProxyTargets; `<resultPath>.targets` holds the targets as JSON text for {@link targetAvailable}. */
export function describeTarget(
  scope: Construct,
  ctx: WorkflowContext,
  id: string,
  resultPath: string,
): tasks.CallAwsService {
  const c = ctx.config;
  return rdsRead(scope, id, {
    action: 'describeDBProxyTargets',
    parameters: { DbProxyName: c.proxyName, TargetGroupName: c.targetGroupName },
    resources: [c.proxyArn, c.targetGroupArn],
    resultSelector: { targets: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.Targets')) },
    resultPath,
  });
}

/** Register the cluster with the target group again; retried, and idempotent by the caller's catch. */
export function registerTarget(scope: Construct, ctx: WorkflowContext, id: string): tasks.CallAwsService {
  return rdsTargetCall(scope, ctx, id, 'registerDBProxyTargets', 8);
}

/** Deregister the cluster: the harm. */
export function deregisterTarget(scope: Construct, ctx: WorkflowContext, id: string): tasks.CallAwsService {
  return rdsTargetCall(scope, ctx, id, 'deregisterDBProxyTargets', 5);
}

/**
 * The cluster's DB instances. The Service Authorization Reference lists `db` among the resources of
 * (De)registerDBProxyTargets, so RDS may check the writer instance too; the instances' ids are not
 * known to the GameDay, so every instance of the account and region is named, and the allow tag
 * (a Deny without it) keeps the deregister to tagged ones.
 */
export function dbInstancesArnOf(scope: Construct, clusterArn: string): string {
  const [, partition, , region, account] = clusterArn.split(':');
  if (Token.isUnresolved(clusterArn) || !partition || !region || !account) {
    return Stack.of(scope).formatArn({
      service: 'rds',
      resource: 'db',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
  return `arn:${partition}:rds:${region}:${account}:db:*`;
}

/**
 * The resources of (De)registerDBProxyTargets: the exact proxy, target group and cluster, and the cluster's
 * instances. Every principal that registers or deregisters names these same ones (the state machine, the safety net).
 */
export function targetCallResources(scope: Construct, config: GameDayConfig): string[] {
  return [config.proxyArn, config.targetGroupArn, config.dbClusterArn, dbInstancesArnOf(scope, config.dbClusterArn)];
}

/** Register or deregister the cluster: the same exact proxy, target group and cluster ARNs for both, and the cluster's instances. */
function rdsTargetCall(
  scope: Construct,
  ctx: WorkflowContext,
  id: string,
  action: 'registerDBProxyTargets' | 'deregisterDBProxyTargets',
  maxAttempts: number,
): tasks.CallAwsService {
  const c = ctx.config;
  const call = new tasks.CallAwsService(scope, id, {
    service: 'rds',
    action,
    parameters: {
      DbProxyName: c.proxyName,
      TargetGroupName: c.targetGroupName,
      DbClusterIdentifiers: [c.dbClusterIdentifier],
    },
    iamResources: targetCallResources(scope, c),
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

/**
 * DescribeAlarms for the stop conditions that are in ALARM, metric and composite alike. With no
 * stop conditions configured a Pass stands in: an empty AlarmNames would match every alarm.
 */
export function describeAlarms(
  scope: Construct,
  ctx: WorkflowContext,
  id: string,
  resultPath: string,
): tasks.CallAwsService | sfn.Pass {
  const names = ctx.config.stopConditionAlarmNames;
  if (names.length === 0) {
    return new sfn.Pass(scope, id, {
      result: sfn.Result.fromObject({ MetricAlarms: [], CompositeAlarms: [] }),
      resultPath,
    });
  }
  return readCall(scope, id, {
    service: 'cloudwatch',
    action: 'describeAlarms',
    parameters: { AlarmNames: [...names], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], StateValue: 'ALARM' },
    iamResources: names.map((name) => alarmArn(scope, ctx.config.proxyArn, name)),
    iamAction: 'cloudwatch:DescribeAlarms',
    resultPath,
  });
}

/** GetAccountSettings; `<resultPath>.unreserved` holds the account's unreserved Lambda concurrency. */
export function readLambdaConcurrency(scope: Construct, id: string, resultPath: string): tasks.CallAwsService {
  return readCall(scope, id, {
    service: 'lambda',
    action: 'getAccountSettings',
    parameters: {},
    // GetAccountSettings acts on no resource: the Service Authorization Reference lists it on "*" only.
    iamResources: ['*'],
    iamAction: 'lambda:GetAccountSettings',
    resultSelector: { unreserved: sfn.JsonPath.numberAt('$.AccountLimit.UnreservedConcurrentExecutions') },
    resultPath,
  });
}

/** The alarm's ARN in the target's account and region. */
function alarmArn(scope: Construct, proxyArn: string, name: string): string {
  const [, partition, , region, account] = proxyArn.split(':');
  if (Token.isUnresolved(proxyArn) || !partition || !region || !account) {
    return Stack.of(scope).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
  return `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;
}

/** A read-only SDK call, retried as {@link retryRead} retries. */
export function readCall(scope: Construct, id: string, props: tasks.CallAwsServiceProps): tasks.CallAwsService {
  const call = new tasks.CallAwsService(scope, id, props);
  retryRead(call);
  return call;
}

/** A read-only RDS call on `resources` (the IAM action is the SDK action's name, capitalised), retried as reads are. */
export function rdsRead(
  scope: Construct,
  id: string,
  read: {
    action: string;
    parameters: Record<string, unknown>;
    resources: string[];
    resultSelector: Record<string, unknown>;
    resultPath: string;
  },
): tasks.CallAwsService {
  return readCall(scope, id, {
    service: 'rds',
    action: read.action,
    parameters: read.parameters,
    iamResources: read.resources,
    iamAction: `rds:${read.action[0].toUpperCase()}${read.action.slice(1)}`,
    resultSelector: read.resultSelector,
    resultPath: read.resultPath,
  });
}

/** Read-only calls are safe to repeat: a short retry rides out throttling and blips. */
function retryRead(task: sfn.TaskStateBase): void {
  task.addRetry({
    errors: [sfn.Errors.TASKS_FAILED],
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
}

/** A change RDS refuses while the resource settles (or throttles): retried with full-jitter backoff from `intervalSeconds`. */
export function retryWhileSettling(
  task: sfn.TaskStateBase,
  errors: string[],
  intervalSeconds: number,
  maxAttempts: number,
): void {
  task.addRetry({
    errors,
    interval: Duration.seconds(intervalSeconds),
    backoffRate: 2,
    maxAttempts,
    jitterStrategy: sfn.JitterType.FULL,
  });
}

/** Some stop-condition alarm came back in ALARM (the call asks for ALARM only). */
export function alarmsFiring(resultPath: string): sfn.Condition {
  return sfn.Condition.or(
    sfn.Condition.isPresent(`${resultPath}.MetricAlarms[0]`),
    sfn.Condition.isPresent(`${resultPath}.CompositeAlarms[0]`),
  );
}

/**
 * A target group is ready when some target reports AVAILABLE and none reports REGISTERING or
 * UNAVAILABLE. The targets are matched as JSON text: a Choice cannot quantify over an array.
 */
export function targetAvailable(targetsJsonPath: string): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.stringMatches(targetsJsonPath, '*"State":"AVAILABLE"*'),
    sfn.Condition.not(sfn.Condition.stringMatches(targetsJsonPath, '*"State":"UNAVAILABLE"*')),
    sfn.Condition.not(sfn.Condition.stringMatches(targetsJsonPath, '*"State":"REGISTERING"*')),
  );
}

/** A task whose failure goes to `handler` with the error at `$.error`. */
export function catchAll(task: sfn.TaskStateBase | sfn.Parallel | sfn.Pass, handler: sfn.IChainable): void {
  if (task instanceof sfn.Pass) return;
  task.addCatch(handler, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
}
