// The pool brownout's states: save the target group's pool config in the lock, clamp it, restore the saved values, check them back.
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { POOL_BROWNOUT } from '../../../steps/core/fault-settings';
import { LOCK_ATTRIBUTES, LOCK_KEY, RDS_ERRORS } from '../../../steps/core/workflow-names';
import { acquireLock, rdsRead, retryDynamo, retryWhileSettling, type WorkflowContext } from './blocks';

/** The members a brownout saves and restores: the two it clamps, and the idle share that must stay at most the max. */
const POOL_MEMBERS = ['MaxConnectionsPercent', 'MaxIdleConnectionsPercent', 'ConnectionBorrowTimeout'] as const;

/** The run's fault is the pool brownout. */
export function isPoolBrownout(): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.isPresent('$.config.fault'),
    sfn.Condition.stringEquals('$.config.fault', POOL_BROWNOUT),
  );
}

/** DescribeDBProxyTargetGroups; `<resultPath>` holds the target group's `ConnectionPoolConfig`. */
export function describePoolConfig(scope: Construct, ctx: WorkflowContext, id: string, resultPath: string) {
  const c = ctx.config;
  return rdsRead(scope, id, {
    action: 'describeDBProxyTargetGroups',
    parameters: { DbProxyName: c.proxyName, TargetGroupName: c.targetGroupName },
    // The Service Authorization Reference lists only the proxy as its resource.
    resources: [c.proxyArn],
    resultSelector: Object.fromEntries(
      POOL_MEMBERS.map((m) => [m, sfn.JsonPath.numberAt(`$.TargetGroups[0].ConnectionPoolConfig.${m}`)]),
    ),
    resultPath,
  });
}

/** ModifyDBProxyTargetGroup with `pool` (members and their paths); retried while the proxy settles. */
export function setPoolConfig(
  scope: Construct,
  ctx: WorkflowContext,
  id: string,
  pool: Record<(typeof POOL_MEMBERS)[number], string>,
): tasks.CallAwsService {
  const c = ctx.config;
  const call = new tasks.CallAwsService(scope, id, {
    service: 'rds',
    action: 'modifyDBProxyTargetGroup',
    parameters: {
      DbProxyName: c.proxyName,
      TargetGroupName: c.targetGroupName,
      ConnectionPoolConfig: Object.fromEntries(POOL_MEMBERS.map((m) => [m, sfn.JsonPath.numberAt(pool[m])])),
    },
    // The Service Authorization Reference lists only the target group as its resource.
    iamResources: [c.targetGroupArn],
    iamAction: 'rds:ModifyDBProxyTargetGroup',
    resultPath: sfn.JsonPath.DISCARD,
  });
  retryWhileSettling(call, [RDS_ERRORS.invalidProxyState, RDS_ERRORS.unmodelled], 2, 5);
  return call;
}

/** The clamp: the run's brownout settings (the idle share at the clamped max, so RDS accepts it). */
export function clampPool(scope: Construct, ctx: WorkflowContext, id: string): tasks.CallAwsService {
  return setPoolConfig(scope, ctx, id, {
    MaxConnectionsPercent: '$.config.brownout.maxConnectionsPercent',
    MaxIdleConnectionsPercent: '$.config.brownout.maxConnectionsPercent',
    ConnectionBorrowTimeout: '$.config.brownout.connectionBorrowTimeoutSeconds',
  });
}

/** The restore: the saved values at `savedPath`, exactly. */
export function restorePool(scope: Construct, ctx: WorkflowContext, id: string, savedPath: string) {
  return setPoolConfig(
    scope,
    ctx,
    id,
    Object.fromEntries(POOL_MEMBERS.map((m) => [m, `${savedPath}.${m}`])) as Record<
      (typeof POOL_MEMBERS)[number],
      string
    >,
  );
}

/** Every member at `readPath` equals the saved one at `savedPath`. */
export function poolEquals(readPath: string, savedPath: string): sfn.Condition {
  return sfn.Condition.and(
    ...POOL_MEMBERS.map((m) => sfn.Condition.numberEqualsJsonPath(`${readPath}.${m}`, `${savedPath}.${m}`)),
  );
}

/** Takes the lock with the fault and the pool config as found at `poolPath`: the durable save before any change. */
export function acquireLockSavingPool(scope: Construct, ctx: WorkflowContext, id: string, poolPath: string) {
  const number = (m: string) =>
    tasks.DynamoAttributeValue.numberFromString(sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt(`${poolPath}.${m}`)));
  return acquireLock(scope, ctx, id, {
    [LOCK_ATTRIBUTES.fault]: tasks.DynamoAttributeValue.fromString(POOL_BROWNOUT),
    [LOCK_ATTRIBUTES.savedPool]: tasks.DynamoAttributeValue.fromMap(
      Object.fromEntries(POOL_MEMBERS.map((m) => [m, number(m)])),
    ),
  });
}

/** Reads the lock item back, strongly consistent: the saved pool config must be there before any clamp. */
export function readSavedPool(scope: Construct, ctx: WorkflowContext, id: string, resultPath: string) {
  const read = new tasks.DynamoGetItem(scope, id, {
    table: ctx.lockTable,
    key: { pk: tasks.DynamoAttributeValue.fromString(LOCK_KEY) },
    consistentRead: true,
    resultSelector: { item: sfn.JsonPath.objectAt('$.Item') },
    resultPath,
  });
  retryDynamo(read);
  return read;
}

/** The lock item read back holds its holder and every member of the saved pool config. */
export function poolSaved(lockPath: string): sfn.Condition {
  return sfn.Condition.and(
    sfn.Condition.isPresent(`${lockPath}.item.${LOCK_ATTRIBUTES.executionArn}.S`),
    ...POOL_MEMBERS.map((m) => sfn.Condition.isPresent(`${lockPath}.item.${LOCK_ATTRIBUTES.savedPool}.M.${m}.N`)),
  );
}

/** The saved pool config, as numbers, from the lock item read back: what every restore in the run writes. */
export function recordSavedPool(scope: Construct, id: string, lockPath: string, resultPath: string): sfn.Pass {
  return new sfn.Pass(scope, id, {
    parameters: Object.fromEntries(
      POOL_MEMBERS.map((m) => [
        m,
        sfn.JsonPath.stringToJson(sfn.JsonPath.stringAt(`${lockPath}.item.${LOCK_ATTRIBUTES.savedPool}.M.${m}.N`)),
      ]),
    ),
    resultPath,
  });
}

/**
 * ListTagsForResource on the proxy; `<resultPath>.tags` holds its tags as JSON text for {@link proxyAllowed}. A
 * brownout's clamp and its restore are one action on the target group, which carries no tags: a Deny without the
 * allow tag could refuse a restore. So the consent is read from the proxy's tag before anything changes.
 */
export function readProxyTags(scope: Construct, ctx: WorkflowContext, id: string, resultPath: string) {
  const c = ctx.config;
  return rdsRead(scope, id, {
    action: 'listTagsForResource',
    parameters: { ResourceName: c.proxyArn },
    resources: [c.proxyArn],
    resultSelector: { tags: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.TagList')) },
    resultPath,
  });
}

/** The proxy's tags read at `tagsPath` hold the stack's allow tag (matched as JSON text: a Choice cannot search a list). */
export function proxyAllowed(ctx: WorkflowContext, tagsPath: string): sfn.Condition {
  const { key, value } = ctx.config.allowTag;
  // `*` and `\\` are the pattern's own characters: escaped, a tag may hold them.
  const literal = (text: string) => JSON.stringify(text).replace(/[\\*]/g, (ch) => `\\${ch}`);
  return sfn.Condition.stringMatches(tagsPath, `*{"Key":${literal(key)},"Value":${literal(value)}}*`);
}
