// The writer failover's states: fail the allow-tagged cluster's writer over, read the cluster's status, and wait for it on rollback.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { WRITER_FAILOVER } from '../../../steps/core/fault-settings';
import { RDS_ERRORS, STATES } from '../../../steps/core/workflow-names';
import { dbInstancesArnOf, rdsRead, retryWhileSettling, type WorkflowContext } from './blocks';
import { boundedPollLoop } from './poll-loop';

/** The cluster's status DescribeDBClusters reports once a failover is over and the new writer serves. */
export const CLUSTER_AVAILABLE = 'available';

/** The run's fault is the writer failover. */
export function isWriterFailover(): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.isPresent('$.config.fault'),
    sfn.Condition.stringEquals('$.config.fault', WRITER_FAILOVER),
  );
}

/** The cluster status read at `path` (by {@link describeCluster}) is `available`. */
export function clusterAvailable(path: string): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.isPresent(`${path}.status`),
    sfn.Condition.stringEquals(`${path}.status`, CLUSTER_AVAILABLE),
  );
}

/**
 * FailoverDBCluster on the stack's cluster: the harm. The Service Authorization Reference lists the cluster and
 * its DB instances as its resources; the stack's Deny without the allow tag keeps it to tagged ones. Retried
 * while the cluster is in no state to fail over (a failover or a modification still in progress).
 */
export function failoverCluster(scope: Construct, ctx: WorkflowContext, id: string): tasks.CallAwsService {
  const c = ctx.config;
  const call = new tasks.CallAwsService(scope, id, {
    service: 'rds',
    action: 'failoverDBCluster',
    parameters: { DbClusterIdentifier: c.dbClusterIdentifier },
    iamResources: [c.dbClusterArn, dbInstancesArnOf(scope, c.dbClusterArn)],
    iamAction: 'rds:FailoverDBCluster',
    resultPath: sfn.JsonPath.DISCARD,
  });
  retryWhileSettling(call, [RDS_ERRORS.invalidClusterState, RDS_ERRORS.unmodelled], 5, 4);
  return call;
}

/** DescribeDBClusters for the stack's cluster; `<resultPath>.status` holds its status. */
export function describeCluster(scope: Construct, ctx: WorkflowContext, id: string, resultPath: string) {
  const c = ctx.config;
  return rdsRead(scope, id, {
    action: 'describeDBClusters',
    parameters: { DbClusterIdentifier: c.dbClusterIdentifier },
    // The Service Authorization Reference lists only the cluster as its resource.
    resources: [c.dbClusterArn],
    resultSelector: { status: sfn.JsonPath.stringAt('$.DbClusters[0].Status') },
    resultPath,
  });
}

/**
 * The rollback of a failover: nothing to put back, but the lock is released only once the cluster is available
 * again (or after the same bound the restoring windows have), so no run starts into a failover still going on.
 */
export function rollbackClusterWait(scope: Construct, ctx: WorkflowContext, releaseLock: sfn.IChainable): sfn.State {
  const start = new sfn.Pass(scope, STATES.rollbackStartClusterWait, {
    result: sfn.Result.fromObject({ polls: 0 }),
    resultPath: '$.rollbackCluster',
  });
  const describe = describeCluster(scope, ctx, STATES.rollbackDescribeCluster, '$.rollbackCluster.read');
  // A cluster that cannot be read is left to the preflight of the next run, which finds the target not AVAILABLE.
  describe.addCatch(releaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.rollbackError' });
  const count = new sfn.Pass(scope, STATES.rollbackCountClusterPoll, {
    parameters: {
      polls: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.rollbackCluster.polls'), 1),
      status: sfn.JsonPath.stringAt('$.rollbackCluster.read.status'),
    },
    resultPath: '$.rollbackCluster',
  });
  describe.next(count);
  start.next(
    boundedPollLoop(scope, {
      waitId: STATES.rollbackClusterWait,
      waitSecondsPath: '$.config.availablePollSeconds',
      probe: { start: describe, ends: [count] },
      checkId: STATES.rollbackCheckCluster,
      exits: [[clusterAvailable('$.rollbackCluster'), releaseLock]],
      iterationPath: '$.rollbackCluster.polls',
      maxIterationsPath: '$.config.availablePollIterations',
      whenExhausted: releaseLock,
    }),
  );
  return start;
}
