// Undoes what a run's fault left after it ended abnormally (the target, a brownout's pool config), and frees its lock.
import type {
  ExecutionsPort,
  LockPort,
  LockRecord,
  PoolConfig,
  ProxyTargetGroupPort,
  ProxyTargetPort,
  ProxyTargetState,
} from '../ports';
import { POOL_BROWNOUT } from './fault-settings';
import { samePoolConfig } from './pool-config';

/** The EventBridge event for a GameDay execution that ended without its own clean-up. */
export interface ExecutionStatusChangeEvent {
  source?: string;
  'detail-type'?: string;
  detail: { status: string; executionArn: string };
}

/** The scheduled dead man's switch. */
export interface ReconcilerEvent {
  source: 'reconciler';
}

export type SafetyNetEvent = ExecutionStatusChangeEvent | ReconcilerEvent;

export interface SafetyNetPorts {
  target: ProxyTargetPort;
  targetGroup: ProxyTargetGroupPort;
  lock: LockPort;
  executions: ExecutionsPort;
}

export interface SafetyNetOutcome {
  action: 'registered' | 'none';
  /** Only when the lock's holder ran a pool brownout: the saved config written back, and whether it differed. */
  pool?: { restored: boolean; config: PoolConfig };
  lockReleased: boolean;
}

/** The lock's holder ran a pool brownout but the lock holds no saved pool config: no exact restore is possible. */
export class SavedPoolConfigMissing extends Error {
  override readonly name = 'SavedPoolConfigMissing';
}

/** The event is neither a reconciler tick nor an execution status change this function handles. */
export class UnrecognisedSafetyNetEvent extends Error {
  override readonly name = 'UnrecognisedSafetyNetEvent';
}

/** Statuses after which Step Functions ran no Catch, so nothing else restored the target. */
const ABNORMAL_END = new Set(['ABORTED', 'TIMED_OUT', 'FAILED']);

/** States in which the target is registered (or on its way): registering again would change nothing. */
const REGISTERED: ReadonlySet<ProxyTargetState> = new Set(['AVAILABLE', 'REGISTERING']);

/**
 * Restores the target unless a running GameDay holds the lock: that run may be holding its outage on
 * purpose, and even an execution that failed at preflight because the lock was taken must not cut
 * it short. A lock whose holder ran a pool brownout gets the pool config it saved written back, the
 * saved values and never defaults; without them it throws and keeps the lock, so no run starts on a
 * clamped pool. A lock whose holder is no longer running is released after the target is restored, so
 * no new run starts against a missing target.
 */
export async function restoreAfterRun(event: SafetyNetEvent, ports: SafetyNetPorts): Promise<SafetyNetOutcome> {
  const endedExecution = parseEvent(event);
  if (endedExecution === undefined) return { action: 'none', lockReleased: false };

  const record = await ports.lock.record();
  const holder = record?.executionArn ?? null;
  if (holder !== null && holder !== endedExecution && (await ports.executions.isRunning(holder))) {
    return { action: 'none', lockReleased: false };
  }

  const pool = record?.fault === POOL_BROWNOUT ? await restorePool(record, ports.targetGroup) : undefined;
  let action: SafetyNetOutcome['action'] = 'none';
  if (!REGISTERED.has(await ports.target.describe())) {
    await ports.target.register();
    action = 'registered';
  }
  const lockReleased = holder !== null && (await ports.lock.release(holder));
  return { action, ...(pool ? { pool } : {}), lockReleased };
}

/** Writes the holder's saved pool config back when the target group's differs from it. */
async function restorePool(
  record: LockRecord,
  targetGroup: ProxyTargetGroupPort,
): Promise<NonNullable<SafetyNetOutcome['pool']>> {
  const saved = record.savedPool;
  if (saved === null)
    throw new SavedPoolConfigMissing(
      `the lock of ${record.executionArn} (${POOL_BROWNOUT}) holds no saved pool config: restore it by hand, then release the lock`,
    );
  const current = await targetGroup.poolConfig();
  const same = samePoolConfig(current, saved);
  if (!same) await targetGroup.setPoolConfig(saved);
  return { restored: !same, config: saved };
}

/** The ARN of the execution that ended (null for the reconciler); undefined: nothing to do. */
function parseEvent(event: SafetyNetEvent): string | null | undefined {
  if (isRecord(event) && event.source === 'reconciler') return null;
  if (
    isRecord(event) &&
    isRecord(event.detail) &&
    typeof event.detail.executionArn === 'string' &&
    typeof event.detail.status === 'string'
  ) {
    return ABNORMAL_END.has(event.detail.status) ? event.detail.executionArn : undefined;
  }
  throw new UnrecognisedSafetyNetEvent(
    'expected {"source": "reconciler"} or a Step Functions Execution Status Change event with detail.status and detail.executionArn',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
