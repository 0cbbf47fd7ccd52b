// Safety net: after an abnormal end (or on the reconciler's schedule) undo the holder's fault and free the lock.
import type { Context } from 'aws-lambda';
import { createDynamoDbLock, lockTableFromEnv } from '../adapters/dynamodb-lock';
import { createStepLogger, logInvocation, runKeysOf } from '../adapters/logger';
import {
  createRdsProxyTarget,
  createRdsProxyTargetGroup,
  proxyTargetConfigFromEnv,
} from '../adapters/rds-proxy-target';
import { createSfnExecutions } from '../adapters/sfn-executions';
import { restoreAfterRun, type SafetyNetEvent, type SafetyNetOutcome, type SafetyNetPorts } from '../core/safety-net';
import type { ExecutionsPort } from '../ports';
import { STEP_ENV } from '../core/step-environment';

const logger = createStepLogger('safety-net');
let ports: SafetyNetPorts | undefined;

function portsFromEnv(): SafetyNetPorts {
  // Describing an execution needs no state machine ARN: the lock names the execution itself.
  const executions: ExecutionsPort = createSfnExecutions(process.env[STEP_ENV.stateMachineArn] ?? '');
  return {
    target: createRdsProxyTarget(proxyTargetConfigFromEnv()),
    targetGroup: createRdsProxyTargetGroup(proxyTargetConfigFromEnv()),
    lock: createDynamoDbLock(lockTableFromEnv()),
    executions,
  };
}

export async function handler(event: SafetyNetEvent, context?: Context): Promise<SafetyNetOutcome> {
  const detail = typeof event === 'object' && event !== null && 'detail' in event ? event.detail : undefined;
  const { executionArn } = runKeysOf(detail);
  // An execution's name, the last part of its ARN, is its run id unless the input named another.
  logInvocation(logger, { executionArn, runId: executionArn?.split(':').pop() }, context);
  ports ??= portsFromEnv();
  const outcome = await restoreAfterRun(event, ports);
  logger.info('safety net done', { event: detail ?? event, ...outcome });
  return outcome;
}
