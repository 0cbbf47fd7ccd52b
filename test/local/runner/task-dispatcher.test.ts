// The local dispatcher: every Task gets a handler or the run is refused; RDS tasks speak Java SDK v2 names.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { FaultProxy } from '../../../local/lab/fault-proxy';
import { MetricsSink } from '../../../local/lab/metrics-sink';
import {
  buildTaskHandlers,
  TaskError,
  UnhandledTaskError,
  type TaskTargets,
} from '../../../local/runner/task-dispatcher';

function definitionWith(resource: string, parameters: Record<string, unknown> = {}): StateMachineDefinition {
  return {
    StartAt: 'OnlyTask',
    States: { OnlyTask: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } },
  } as unknown as StateMachineDefinition;
}

const PROXY_ARN = 'arn:aws:rds:us-east-1:123456789012:db-proxy:prx-0123456789abcdef0';

describe('buildTaskHandlers', () => {
  const proxy = new FaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: 1 });
  const targets: TaskTargets = {
    proxy,
    proxyName: 'chaos-shop-proxy',
    proxyArn: PROXY_ARN,
    proxyTags: [{ Key: 'gameday-allowed', Value: 'true' }],
    targetGroupName: 'default',
    dbClusterIdentifier: 'chaos-shop-cluster',
    sqs: new SQSClient({ region: 'us-east-1' }),
    dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
    metrics: new MetricsSink(),
    changeCalendar: { name: 'lab-change-calendar', state: 'OPEN' },
    lambdaAccount: { unreservedConcurrentExecutions: 1_000 },
    steps: {},
    stepsByFunctionArn: new Map(),
  };

  it("answers GetAccountSettings with the lab account's unreserved concurrency", async () => {
    // Given a lab account with 40 unreserved concurrent executions
    const handlers = buildTaskHandlers(definitionWith('arn:aws:states:::aws-sdk:lambda:getAccountSettings'), {
      ...targets,
      lambdaAccount: { unreservedConcurrentExecutions: 40 },
    });
    // When the preflight asks for the account's settings
    const answer = await handlers.OnlyTask({});
    // Then it hears them as Lambda's AccountLimit spells them
    expect(answer).toEqual({ AccountLimit: { ConcurrentExecutions: 40, UnreservedConcurrentExecutions: 40 } });
  });

  it("answers GetCalendarState with the lab calendar's state, and refuses a calendar the lab does not have as SSM would", async () => {
    // Given a closed lab calendar
    const handlers = buildTaskHandlers(definitionWith('arn:aws:states:::aws-sdk:ssm:getCalendarState'), {
      ...targets,
      changeCalendar: { name: 'lab-change-calendar', state: 'CLOSED' },
    });
    // When the preflight asks for it, Then it is CLOSED
    await expect(handlers.OnlyTask({ CalendarNames: ['lab-change-calendar'] })).resolves.toMatchObject({
      State: 'CLOSED',
    });
    // And a calendar the lab has not is SSM's error, named as Step Functions names it
    await expect(handlers.OnlyTask({ CalendarNames: ['release-freeze'] })).rejects.toMatchObject({
      errorName: 'Ssm.InvalidDocumentException',
    });
  });

  it('fails the writer over on FailoverDBCluster, reported by DescribeDBClusters and the target health until it ends', async () => {
    // Given the lab's cluster, a fake clock, and the three RDS tasks a failover uses
    jest.useFakeTimers();
    const own = new FaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: 1, failoverMs: 4000 });
    const lab = { ...targets, proxy: own };
    const task = (action: string) =>
      buildTaskHandlers(definitionWith(`arn:aws:states:::aws-sdk:rds:${action}`), lab).OnlyTask;
    const cluster = { DbClusterIdentifier: 'chaos-shop-cluster' };
    const health = async () =>
      ((await task('describeDBProxyTargets')({ DbProxyName: 'chaos-shop-proxy' })) as { Targets: unknown[] }).Targets;
    try {
      // When the failover is started
      await expect(task('failoverDBCluster')(cluster)).resolves.toMatchObject({
        DbCluster: { Status: 'failing-over' },
      });
      // Then the cluster is failing over, the target UNAVAILABLE, and a second failover is refused as RDS refuses it
      await expect(task('describeDBClusters')(cluster)).resolves.toMatchObject({
        DbClusters: [{ Status: 'failing-over' }],
      });
      expect(await health()).toContainEqual(expect.objectContaining({ TargetHealth: { State: 'UNAVAILABLE' } }));
      await expect(task('failoverDBCluster')(cluster)).rejects.toMatchObject({
        errorName: 'Rds.InvalidDbClusterStateException',
      });
      // And once the failover time has passed, both are healthy again
      jest.advanceTimersByTime(4000);
      await expect(task('describeDBClusters')(cluster)).resolves.toMatchObject({
        DbClusters: [{ Status: 'available' }],
      });
      expect(await health()).toContainEqual(expect.objectContaining({ TargetHealth: { State: 'AVAILABLE' } }));
    } finally {
      jest.useRealTimers();
    }
  });

  it("reads and clamps the lab target group's pool config, and refuses what RDS would refuse", async () => {
    // Given the lab's proxy, and the two target-group tasks a pool brownout uses
    const own = new FaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: 1 });
    const lab = { ...targets, proxy: own };
    const task = (action: string) =>
      buildTaskHandlers(definitionWith(`arn:aws:states:::aws-sdk:rds:${action}`), lab).OnlyTask;
    const group = { DbProxyName: 'chaos-shop-proxy', TargetGroupName: 'default' };
    // When the pool is clamped
    await task('modifyDBProxyTargetGroup')({
      ...group,
      ConnectionPoolConfig: { MaxConnectionsPercent: 5, MaxIdleConnectionsPercent: 5, ConnectionBorrowTimeout: 2 },
    });
    // Then the describe reports the clamp, and the proxy enforces it
    await expect(task('describeDBProxyTargetGroups')(group)).resolves.toMatchObject({
      TargetGroups: [
        {
          ConnectionPoolConfig: { MaxConnectionsPercent: 5, MaxIdleConnectionsPercent: 5, ConnectionBorrowTimeout: 2 },
        },
      ],
    });
    expect(own.targetGroup.limit).toBe(1);
    expect(own.targetGroup.borrowTimeout).toBe(2000);
    // And a share of 0 or another proxy's group is refused, in Step Functions' error names
    await expect(
      task('modifyDBProxyTargetGroup')({ ...group, ConnectionPoolConfig: { MaxConnectionsPercent: 0 } }),
    ).rejects.toMatchObject({ errorName: 'Rds.RdsException' });
    await expect(
      task('describeDBProxyTargetGroups')({ DBProxyName: 'chaos-shop-proxy', TargetGroupName: 'default' }),
    ).rejects.toMatchObject({ errorName: 'Rds.DbProxyNotFoundException' });
  });

  it("answers ListTagsForResource with the lab proxy's tags, and refuses another resource", async () => {
    // Given the tags task
    const handlers = buildTaskHandlers(definitionWith('arn:aws:states:::aws-sdk:rds:listTagsForResource'), targets);
    // When the proxy's tags are asked for / Then they are the lab's, as RDS lists them
    await expect(handlers.OnlyTask({ ResourceName: PROXY_ARN })).resolves.toEqual({
      TagList: [{ Key: 'gameday-allowed', Value: 'true' }],
    });
    // And another resource is not the lab's
    await expect(handlers.OnlyTask({ ResourceName: `${PROXY_ARN}9` })).rejects.toMatchObject({
      errorName: 'Rds.DbProxyNotFoundException',
    });
  });

  it("refuses a FailoverDBCluster of a cluster that is not the lab's, in Step Functions' error name", async () => {
    // Given the failover task
    const handlers = buildTaskHandlers(definitionWith('arn:aws:states:::aws-sdk:rds:failoverDBCluster'), targets);
    // When it names another cluster (or the SDK v3 spelling of the parameter)
    // Then it is refused before any failover
    await expect(handlers.OnlyTask({ DbClusterIdentifier: 'prod' })).rejects.toMatchObject({
      errorName: 'Rds.DbClusterNotFoundException',
    });
    await expect(handlers.OnlyTask({ DBClusterIdentifier: 'chaos-shop-cluster' })).rejects.toMatchObject({
      errorName: 'Rds.DbClusterNotFoundException',
    });
    expect(proxy.clusterStatus).toBe('available');
  });

  it('refuses a definition with a Task the lab cannot run, naming it', () => {
    // Given a Task for a service the lab does not emulate
    const definition = definitionWith('arn:aws:states:::aws-sdk:ec2:terminateInstances');
    // When handlers are built, Then the run is refused before it starts
    expect(() => buildTaskHandlers(definition, targets)).toThrow(UnhandledTaskError);
    expect(() => buildTaskHandlers(definition, targets)).toThrow(
      /OnlyTask \(arn:aws:states:::aws-sdk:ec2:terminateInstances\)/,
    );
  });

  it('keeps the run log lines a PutLogEvents task sends, in order, and refuses lines out of order as the API does', async () => {
    // Given a PutLogEvents task and a sink of its own
    const metrics = new MetricsSink();
    const handlers = buildTaskHandlers(definitionWith('arn:aws:states:::aws-sdk:cloudwatchlogs:putLogEvents'), {
      ...targets,
      metrics,
    });
    const request = (timestamps: number[]) => ({
      LogGroupName: 'run-log',
      LogStreamName: 'runs',
      LogEvents: timestamps.map((Timestamp) => ({ Timestamp, Message: `{"t":${Timestamp}}` })),
    });
    // When it runs with two lines in order
    await handlers.OnlyTask(request([1_000, 2_000]));
    // Then both are kept with their timestamps
    expect(metrics.runLog().map((l) => [l.logStreamName, l.timestamp, l.message])).toEqual([
      ['runs', 1_000, '{"t":1000}'],
      ['runs', 2_000, '{"t":2000}'],
    ]);
    // And a call with lines out of order is refused whole
    await expect(handlers.OnlyTask(request([3_000, 2_500]))).rejects.toThrow(/chronological/);
    expect(metrics.runLog()).toHaveLength(2);
  });

  it('deregisters the lab target when called with DbProxyName, the Java SDK v2 name', async () => {
    // Given a deregister task with the names Step Functions uses
    const handlers = buildTaskHandlers(
      definitionWith('arn:aws:states:::aws-sdk:rds:deregisterDBProxyTargets'),
      targets,
    );
    // When it runs
    await handlers.OnlyTask({
      DbProxyName: 'chaos-shop-proxy',
      TargetGroupName: 'default',
      DbClusterIdentifiers: ['chaos-shop-cluster'],
    });
    // Then the target is gone
    expect(proxy.state).toBe('DEREGISTERED');
  });

  it('answers a deregister of a missing target with Rds.DbProxyTargetNotFoundException', async () => {
    // Given the target is already deregistered (previous test)
    const handlers = buildTaskHandlers(
      definitionWith('arn:aws:states:::aws-sdk:rds:deregisterDBProxyTargets'),
      targets,
    );
    // When deregister runs again, Then it fails with the error name a Catch matches on
    await expect(
      handlers.OnlyTask({ DbProxyName: 'chaos-shop-proxy', DbClusterIdentifiers: ['chaos-shop-cluster'] }),
    ).rejects.toMatchObject({
      name: 'Rds.DbProxyTargetNotFoundException',
    });
  });

  it('refuses the AWS API casing DBProxyName, as Step Functions would', async () => {
    // Given a register task written with the API's own casing
    const handlers = buildTaskHandlers(definitionWith('arn:aws:states:::aws-sdk:rds:registerDBProxyTargets'), targets);
    // When it runs, Then it fails: the parameter is not recognised
    const call = handlers.OnlyTask({ DBProxyName: 'chaos-shop-proxy', DBClusterIdentifiers: ['chaos-shop-cluster'] });
    await expect(call).rejects.toBeInstanceOf(TaskError);
    await expect(handlers.OnlyTask({ DBProxyName: 'chaos-shop-proxy' })).rejects.toMatchObject({
      name: 'Rds.DbProxyNotFoundException',
    });
    expect(proxy.state).toBe('DEREGISTERED');
  });

  it('answers a register of a registered target with Rds.DbProxyTargetAlreadyRegisteredException', async () => {
    // Given a register that succeeds once
    const handlers = buildTaskHandlers(definitionWith('arn:aws:states:::aws-sdk:rds:registerDBProxyTargets'), targets);
    await handlers.OnlyTask({ DbProxyName: 'chaos-shop-proxy', DbClusterIdentifiers: ['chaos-shop-cluster'] });
    expect(proxy.state).toBe('REGISTERING');
    // When it runs again, Then the error is the one the rollback treats as success
    await expect(
      handlers.OnlyTask({ DbProxyName: 'chaos-shop-proxy', DbClusterIdentifiers: ['chaos-shop-cluster'] }),
    ).rejects.toMatchObject({
      name: 'Rds.DbProxyTargetAlreadyRegisteredException',
    });
    await proxy.stop();
  });
});
