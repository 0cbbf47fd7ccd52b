// Safety net: after an abnormal end (or on the reconciler's schedule) re-register the target and free the lock.
import { createDynamoDbLock, lockTableFromEnv } from '../adapters/dynamodb-lock';
import { createRdsProxyTarget, proxyTargetConfigFromEnv } from '../adapters/rds-proxy-target';
import { createSfnExecutions } from '../adapters/sfn-executions';
import { restoreAfterRun, type SafetyNetEvent, type SafetyNetOutcome, type SafetyNetPorts } from '../core/safety-net';
import type { ExecutionsPort } from '../ports';

let ports: SafetyNetPorts | undefined;

function portsFromEnv(): SafetyNetPorts {
  // Describing an execution needs no state machine ARN: the lock names the execution itself.
  const executions: ExecutionsPort = createSfnExecutions(process.env.STATE_MACHINE_ARN ?? '');
  return { target: createRdsProxyTarget(proxyTargetConfigFromEnv()), lock: createDynamoDbLock(lockTableFromEnv()), executions };
}

export async function handler(event: SafetyNetEvent): Promise<SafetyNetOutcome> {
  ports ??= portsFromEnv();
  const outcome = await restoreAfterRun(event, ports);
  console.log(JSON.stringify({ message: 'safety net done', event: 'detail' in event ? event.detail : event, ...outcome }));
  return outcome;
}
