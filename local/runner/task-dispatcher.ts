// Wires every Task of the synthesized definition to a local handler, by its Resource.
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  type GetItemCommandInput,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { taskStates } from './definition';
import type { FaultProxy } from '../lab/fault-proxy';
import { InvalidPoolConfig, type LabPoolConfig } from '../lab/pool-brownout';
import { RDS_ERRORS } from '../../steps/core/workflow-names';
import { ClusterFailoverInProgress } from '../lab/writer-failover';
import type { MetricsSink } from '../lab/metrics-sink';

/** An error as Step Functions names it (`Error` field), so Retry and Catch match as they do on AWS. */
export class TaskError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = errorName;
  }
}

export class UnhandledTaskError extends Error {
  override readonly name = 'UnhandledTaskError';
}

export type StepHandler = (event: unknown) => Promise<unknown>;
export type LocalTaskHandler = (input: unknown) => Promise<unknown>;

/** What the local tasks talk to: the lab's parts, and the step handlers run in-process. */
export interface TaskTargets {
  readonly proxy: FaultProxy;
  readonly proxyName: string;
  /** The proxy's ARN and its tags, as ListTagsForResource answers them: the lab's proxy carries the allow tag. */
  readonly proxyArn: string;
  readonly proxyTags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly targetGroupName: string;
  readonly dbClusterIdentifier: string;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly metrics: MetricsSink;
  /** The lab's change calendar: what GetCalendarState answers for the calendars the definition names. */
  readonly changeCalendar: { readonly name: string; state: 'OPEN' | 'CLOSED' };
  /** The lab's Lambda account settings: what GetAccountSettings answers. */
  readonly lambdaAccount: { readonly unreservedConcurrentExecutions: number };
  /** Step key (`traffic`, `report`, ...) -> its handler. */
  readonly steps: Record<string, StepHandler>;
  /** Local Lambda ARN -> step key, from the synthesized template. */
  readonly stepsByFunctionArn: Map<string, string>;
  /**
   * Called before every task runs; may throw a TaskError to inject a fault.
   * @default - none
   */
  readonly beforeTask?: (stateName: string, input: unknown) => void | Promise<void>;
}

const SDK_PREFIX = 'arn:aws:states:::aws-sdk:';

/**
 * Builds `taskResourceLocalHandlers` for every Task state. A Task whose Resource has no local
 * handler is refused here, before the run starts: a definition the lab cannot run must fail loudly.
 */
export function buildTaskHandlers(
  definition: StateMachineDefinition,
  targets: TaskTargets,
): Record<string, LocalTaskHandler> {
  const handlers: Record<string, LocalTaskHandler> = {};
  const missing: string[] = [];
  for (const task of taskStates(definition)) {
    const handler = handlerFor(task.resource, targets);
    if (!handler) {
      missing.push(`${task.name} (${task.resource})`);
      continue;
    }
    handlers[task.name] = async (input) => {
      await targets.beforeTask?.(task.name, input);
      return handler(input);
    };
  }
  if (missing.length > 0) throw new UnhandledTaskError(`no local handler for these Task states: ${missing.join(', ')}`);
  return handlers;
}

function handlerFor(resource: string, targets: TaskTargets): LocalTaskHandler | undefined {
  if (resource === 'arn:aws:states:::lambda:invoke') {
    return async (input) => {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
      const payload = await invokeStep(targets, FunctionName, Payload);
      return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload };
    };
  }
  if (resource.startsWith('arn:aws:lambda:')) return (input) => invokeStep(targets, resource, input);
  if (resource.startsWith('arn:aws:states:::dynamodb:'))
    return dynamodbHandler(resource.slice('arn:aws:states:::dynamodb:'.length), targets);
  if (resource.startsWith(SDK_PREFIX)) {
    const [service, action] = resource.slice(SDK_PREFIX.length).split(':');
    if (service === 'rds') return rdsHandler(action, targets);
    if (service === 'sqs' && action === 'getQueueAttributes') return (input) => getQueueAttributes(targets.sqs, input);
    if (service === 'cloudwatch' && action === 'putMetricData') {
      return async (input) => {
        targets.metrics.putMetricData(input as Parameters<MetricsSink['putMetricData']>[0]);
        return {};
      };
    }
    if (service === 'cloudwatchlogs' && action === 'putLogEvents') {
      return async (input) => {
        targets.metrics.putLogEvents(input as Parameters<MetricsSink['putLogEvents']>[0]);
        return {};
      };
    }
    if (service === 'lambda' && action === 'getAccountSettings')
      return async () => accountSettings(targets.lambdaAccount.unreservedConcurrentExecutions);
    if (service === 'ssm' && action === 'getCalendarState')
      return async (input) => calendarState(targets.changeCalendar, input);
    if (service === 'cloudwatch' && action === 'describeAlarms') {
      return async (input) => targets.metrics.describeAlarms(input as Parameters<MetricsSink['describeAlarms']>[0]);
    }
  }
  return undefined;
}

async function invokeStep(targets: TaskTargets, functionArn: string, payload: unknown): Promise<unknown> {
  const step = targets.stepsByFunctionArn.get(functionArn);
  const handler = step ? targets.steps[step] : undefined;
  if (!handler) throw new TaskError('Lambda.ResourceNotFoundException', `no local step handler for ${functionArn}`);
  // A Lambda result crosses the wire as JSON: the state machine sees exactly that, nothing more.
  return JSON.parse(JSON.stringify((await handler(payload)) ?? null));
}

/** The RDS Proxy target API, answered by the lab's fault proxy (Java SDK v2 parameter names). */
function rdsHandler(action: string, targets: TaskTargets): LocalTaskHandler | undefined {
  const checkTarget = (input: unknown, needsCluster: boolean) => {
    const params = (input ?? {}) as Record<string, unknown>;
    if (params.DbProxyName !== targets.proxyName) {
      throw new TaskError(
        'Rds.DbProxyNotFoundException',
        `DbProxyName ${JSON.stringify(params.DbProxyName)} is not the lab's proxy ${targets.proxyName}`,
      );
    }
    if (params.TargetGroupName !== undefined && params.TargetGroupName !== targets.targetGroupName) {
      throw new TaskError(
        'Rds.DbProxyTargetGroupNotFoundException',
        `TargetGroupName ${JSON.stringify(params.TargetGroupName)} is not ${targets.targetGroupName}`,
      );
    }
    if (needsCluster) {
      const clusters = params.DbClusterIdentifiers;
      if (!Array.isArray(clusters) || !clusters.includes(targets.dbClusterIdentifier)) {
        throw new TaskError(
          'Rds.DbClusterNotFoundException',
          `DbClusterIdentifiers ${JSON.stringify(clusters)} does not name ${targets.dbClusterIdentifier}`,
        );
      }
    }
  };
  switch (action) {
    case 'describeDBProxyTargets':
      return async (input) => {
        checkTarget(input, false);
        const state = targets.proxy.targetHealth;
        if (state === 'DEREGISTERED') return { Targets: [] };
        return {
          Targets: [
            {
              Type: 'TRACKED_CLUSTER',
              TrackedClusterId: targets.dbClusterIdentifier,
              RdsResourceId: targets.dbClusterIdentifier,
            },
            {
              Type: 'RDS_INSTANCE',
              RdsResourceId: `${targets.dbClusterIdentifier}-instance-1`,
              Role: 'READ_WRITE',
              TargetHealth: { State: state },
            },
          ],
        };
      };
    case 'deregisterDBProxyTargets':
      return async (input) => {
        checkTarget(input, true);
        if (targets.proxy.state === 'DEREGISTERED')
          throw new TaskError('Rds.DbProxyTargetNotFoundException', 'the proxy has no registered target');
        targets.proxy.deregister();
        return {};
      };
    case 'registerDBProxyTargets':
      return async (input) => {
        checkTarget(input, true);
        if (targets.proxy.state !== 'DEREGISTERED')
          throw new TaskError('Rds.DbProxyTargetAlreadyRegisteredException', 'the target is already registered');
        targets.proxy.register();
        return { DbProxyTargets: [{ RdsResourceId: targets.dbClusterIdentifier, Type: 'TRACKED_CLUSTER' }] };
      };
    case 'describeDBProxyTargetGroups':
      return async (input) => {
        checkTarget(input, false);
        return { TargetGroups: [targetGroupOf(targets)] };
      };
    case 'modifyDBProxyTargetGroup':
      return async (input) => {
        checkTarget(input, false);
        const change = ((input ?? {}) as { ConnectionPoolConfig?: Partial<LabPoolConfig> }).ConnectionPoolConfig ?? {};
        try {
          targets.proxy.targetGroup.modify(change);
        } catch (error) {
          // RDS refuses a bad pool config with InvalidParameterValue, which its SDK does not model.
          if (error instanceof InvalidPoolConfig) throw new TaskError(RDS_ERRORS.unmodelled, error.message);
          throw error;
        }
        return { DbProxyTargetGroup: targetGroupOf(targets) };
      };
    case 'listTagsForResource':
      return async (input) => {
        const name = ((input ?? {}) as Record<string, unknown>).ResourceName;
        if (name !== targets.proxyArn)
          throw new TaskError(
            'Rds.DbProxyNotFoundException',
            `ResourceName ${JSON.stringify(name)} is not the lab's proxy ${targets.proxyArn}`,
          );
        return { TagList: targets.proxyTags.map((tag) => ({ ...tag })) };
      };
    case 'failoverDBCluster':
      return async (input) => {
        const cluster = checkCluster(input, targets);
        try {
          targets.proxy.failover();
        } catch (error) {
          if (error instanceof ClusterFailoverInProgress)
            throw new TaskError('Rds.InvalidDbClusterStateException', `DBCluster ${cluster} is in state failing-over`);
          throw error;
        }
        return { DbCluster: clusterOf(targets) };
      };
    case 'describeDBClusters':
      return async (input) => {
        checkCluster(input, targets);
        return { DbClusters: [clusterOf(targets)] };
      };
    default:
      return undefined;
  }
}

/** The lab proxy's one target group as DescribeDBProxyTargetGroups answers it (Java SDK v2 member names). */
function targetGroupOf(targets: TaskTargets): Record<string, unknown> {
  return {
    DbProxyName: targets.proxyName,
    TargetGroupName: targets.targetGroupName,
    IsDefault: true,
    Status: 'available',
    ConnectionPoolConfig: { ...targets.proxy.targetGroup.config, SessionPinningFilters: [], InitQuery: '' },
  };
}

/** The cluster a FailoverDBCluster or DescribeDBClusters names must be the lab's (Java SDK v2 names). */
function checkCluster(input: unknown, targets: TaskTargets): string {
  const cluster = ((input ?? {}) as Record<string, unknown>).DbClusterIdentifier;
  if (cluster !== targets.dbClusterIdentifier)
    throw new TaskError(
      'Rds.DbClusterNotFoundException',
      `DbClusterIdentifier ${JSON.stringify(cluster)} is not the lab's cluster ${targets.dbClusterIdentifier}`,
    );
  return cluster;
}

/** The lab's cluster as DescribeDBClusters answers it: one writer, its status `failing-over` while a failover lasts. */
function clusterOf(targets: TaskTargets): Record<string, unknown> {
  return {
    DbClusterIdentifier: targets.dbClusterIdentifier,
    Status: targets.proxy.clusterStatus,
    DbClusterMembers: [{ DbInstanceIdentifier: `${targets.dbClusterIdentifier}-instance-1`, IsClusterWriter: true }],
  };
}

/** GetCalendarState as SSM answers it: CLOSED when any named calendar is closed; a calendar the lab does not have is SSM's error. */
/** GetAccountSettings' concurrency limits, as the SDK integration returns them, for an account none of whose concurrency is reserved. */
function accountSettings(unreserved: number): unknown {
  return { AccountLimit: { ConcurrentExecutions: unreserved, UnreservedConcurrentExecutions: unreserved } };
}

function calendarState(calendar: TaskTargets['changeCalendar'], input: unknown): unknown {
  const names = (input as { CalendarNames?: unknown })?.CalendarNames;
  if (!Array.isArray(names) || names.length === 0)
    throw new TaskError('Ssm.InvalidDocumentException', 'CalendarNames must name at least one calendar');
  const unknown = names.filter((name) => name !== calendar.name);
  if (unknown.length > 0)
    throw new TaskError(
      'Ssm.InvalidDocumentException',
      `no such change calendar in the lab: ${unknown.join(', ')} (the lab has ${calendar.name})`,
    );
  return { State: calendar.state, AtTime: new Date().toISOString() };
}

async function getQueueAttributes(sqs: SQSClient, input: unknown): Promise<unknown> {
  const params = input as { QueueUrl: string; AttributeNames?: QueueAttributeName[] };
  try {
    const result = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: params.QueueUrl, AttributeNames: params.AttributeNames }),
    );
    return { Attributes: result.Attributes ?? {} };
  } catch (error) {
    throw asTaskError('Sqs', error);
  }
}

/** The optimized DynamoDB integration takes and returns the API's own shapes. */
function dynamodbHandler(action: string, targets: TaskTargets): LocalTaskHandler | undefined {
  const db = targets.dynamodb;
  const calls: Record<string, (input: unknown) => Promise<{ $metadata: unknown }>> = {
    putItem: (input) => db.send(new PutItemCommand(input as PutItemCommandInput)),
    deleteItem: (input) => db.send(new DeleteItemCommand(input as DeleteItemCommandInput)),
    getItem: (input) => db.send(new GetItemCommand(input as GetItemCommandInput)),
  };
  const call = calls[action];
  if (!call) return undefined;
  return async (input) => {
    try {
      const { $metadata: _metadata, ...output } = await call(input);
      return output;
    } catch (error) {
      throw asTaskError('DynamoDB', error);
    }
  };
}

function asTaskError(service: string, error: unknown): TaskError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = error instanceof Error ? error.message : String(error);
  return new TaskError(`${service}.${name.endsWith('Exception') ? name : `${name}Exception`}`, message);
}
