// The safety net as the lab runs it: the same core as the deployed function, on the lab's ports.
import { createDynamoDbLock } from '../../steps/adapters/dynamodb-lock';
import type { LockPort, ProxyTargetGroupPort, ProxyTargetPort } from '../../steps/ports';
import { restoreAfterRun, type SafetyNetPorts } from '../../steps/core/safety-net';
import type { Lab } from '../lab/lab';

export type SafetyNetOutcome = Awaited<ReturnType<typeof restoreAfterRun>>;

/** The lab's fault proxy as the safety net sees a proxy target (register is idempotent). */
export function labProxyTarget(lab: Pick<Lab, 'proxy'>): ProxyTargetPort {
  return {
    describe: async () => lab.proxy.state,
    register: async () => {
      if (lab.proxy.state === 'DEREGISTERED') lab.proxy.register();
    },
  };
}

/** The lab proxy's target group as the safety net sees it: its pool config, read and written back. */
export function labProxyTargetGroup(lab: Pick<Lab, 'proxy'>): ProxyTargetGroupPort {
  return {
    poolConfig: async () => lab.proxy.targetGroup.config,
    setPoolConfig: async (config) => {
      lab.proxy.targetGroup.modify(config);
    },
  };
}

/** The GameDay lock in the lab's DynamoDB, through the deployed adapter. */
export function labLock(lab: Pick<Lab, 'tables'>): LockPort {
  return createDynamoDbLock(lab.tables.lockTable, { client: lab.tables.client });
}

/**
 * What EventBridge does on AWS when an execution ends ABORTED / TIMED_OUT / FAILED: invoke the
 * safety net with a "Step Functions Execution Status Change" event for that execution.
 */
export async function runLocalSafetyNet(
  lab: Lab,
  ended: { executionArn: string; status: string },
  options: LocalSafetyNetOptions = {},
): Promise<SafetyNetOutcome> {
  const event = {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: { executionArn: ended.executionArn, status: ended.status },
  };
  return restoreAfterRun(event, labSafetyNetPorts(lab, options));
}

/** The reconciler schedule's tick: the same core, with no ended execution named. */
export async function runLocalReconciler(lab: Lab, options: LocalSafetyNetOptions = {}): Promise<SafetyNetOutcome> {
  return restoreAfterRun({ source: 'reconciler' }, labSafetyNetPorts(lab, options));
}

export interface LocalSafetyNetOptions {
  /**
   * Whether a local execution is still running: the safety net must leave a running run's outage alone.
   * @default - no execution is running
   */
  readonly isRunning?: (executionArn: string) => boolean;
}

function labSafetyNetPorts(lab: Lab, options: LocalSafetyNetOptions): SafetyNetPorts {
  const isRunning = options.isRunning ?? (() => false);
  return {
    target: labProxyTarget(lab),
    targetGroup: labProxyTargetGroup(lab),
    lock: labLock(lab),
    executions: {
      isRunning: async (executionArn) => isRunning(executionArn),
      start: async () => Promise.reject(new Error('the lab starts no executions from the safety net')),
    },
  };
}
