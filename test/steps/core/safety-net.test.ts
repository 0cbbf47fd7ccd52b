// restoreAfterRun: re-register a missing target and free a dead run's lock, never cutting a live run short.
import {
  restoreAfterRun,
  SavedPoolConfigMissing,
  type SafetyNetPorts,
  UnrecognisedSafetyNetEvent,
} from '../../../steps/core/safety-net';
import type { LockRecord, PoolConfig, ProxyTargetState } from '../../../steps/ports';

const FAILED_RUN = 'arn:aws:states:us-east-1:123456789012:execution:gameday:run-failed';
const OTHER_RUN = 'arn:aws:states:us-east-1:123456789012:execution:gameday:run-other';

/** A pool config no default has, so a restore of defaults cannot pass for a restore of it. */
const SAVED_POOL: PoolConfig = {
  MaxConnectionsPercent: 73,
  MaxIdleConnectionsPercent: 31,
  ConnectionBorrowTimeout: 17,
};
const CLAMPED_POOL: PoolConfig = { MaxConnectionsPercent: 2, MaxIdleConnectionsPercent: 2, ConnectionBorrowTimeout: 1 };

function ports(
  state: ProxyTargetState,
  holder: string | null,
  running: string[] = [],
  lock: Partial<LockRecord> = {},
  pool: PoolConfig = SAVED_POOL,
) {
  const record: LockRecord | null =
    holder === null ? null : { executionArn: holder, fault: 'deregister', savedPool: null, ...lock };
  const p = {
    target: { describe: jest.fn().mockResolvedValue(state), register: jest.fn().mockResolvedValue(undefined) },
    targetGroup: {
      poolConfig: jest.fn().mockResolvedValue(pool),
      setPoolConfig: jest.fn().mockResolvedValue(undefined),
    },
    lock: {
      holder: jest.fn().mockResolvedValue(holder),
      record: jest.fn().mockResolvedValue(record),
      release: jest.fn().mockResolvedValue(true),
    },
    executions: { isRunning: jest.fn(async (arn: string) => running.includes(arn)), start: jest.fn() },
  };
  return p satisfies SafetyNetPorts;
}

function statusChange(status: string, executionArn = FAILED_RUN) {
  return {
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: { status, executionArn },
  };
}

describe('restoreAfterRun after an execution ended abnormally', () => {
  it.each(['ABORTED', 'TIMED_OUT', 'FAILED'])(
    're-registers a deregistered target and frees the lock after %s',
    async (status) => {
      // Given a run that ended with the target deregistered and the lock held
      const p = ports('DEREGISTERED', FAILED_RUN);
      // When the safety net handles its event
      const outcome = await restoreAfterRun(statusChange(status), p);
      // Then the target is registered and the lock released by that run's ARN
      expect(outcome).toEqual({ action: 'registered', lockReleased: true });
      expect(p.target.register).toHaveBeenCalledTimes(1);
      expect(p.lock.release).toHaveBeenCalledWith(FAILED_RUN);
    },
  );

  it.each<ProxyTargetState>(['AVAILABLE', 'REGISTERING'])('leaves a %s target alone', async (state) => {
    // Given a run that ended after re-registering
    const p = ports(state, FAILED_RUN);
    // When the safety net handles its event
    const outcome = await restoreAfterRun(statusChange('FAILED'), p);
    // Then nothing is registered, but the lock is freed
    expect(outcome).toEqual({ action: 'none', lockReleased: true });
    expect(p.target.register).not.toHaveBeenCalled();
  });

  it('re-registers an UNAVAILABLE target (registering is idempotent)', async () => {
    // Given a target that is registered but unhealthy
    const p = ports('UNAVAILABLE', null);
    // When the safety net handles an event
    const outcome = await restoreAfterRun(statusChange('TIMED_OUT'), p);
    // Then it registers once more
    expect(outcome.action).toBe('registered');
  });

  it('does nothing while another running execution holds the lock', async () => {
    // Given a run that failed at preflight because another run holds the lock (and its outage)
    const p = ports('DEREGISTERED', OTHER_RUN, [OTHER_RUN]);
    // When the safety net handles the failed run's event
    const outcome = await restoreAfterRun(statusChange('FAILED'), p);
    // Then the other run's outage is not cut short and its lock stays
    expect(outcome).toEqual({ action: 'none', lockReleased: false });
    expect(p.target.register).not.toHaveBeenCalled();
    expect(p.lock.release).not.toHaveBeenCalled();
  });

  it('restores the target without touching a free lock', async () => {
    // Given a run that failed after releasing the lock, leaving the target out
    const p = ports('DEREGISTERED', null);
    // When the safety net handles its event
    const outcome = await restoreAfterRun(statusChange('FAILED'), p);
    // Then the target is registered and no release is attempted
    expect(outcome).toEqual({ action: 'registered', lockReleased: false });
    expect(p.lock.release).not.toHaveBeenCalled();
  });

  it('registers before it frees the lock, so no new run starts against a missing target', async () => {
    // Given a dead run holding the lock with the target out
    const order: string[] = [];
    const p = ports('DEREGISTERED', FAILED_RUN);
    p.target.register.mockImplementation(async () => void order.push('register'));
    p.lock.release.mockImplementation(async () => (order.push('release'), true));
    // When the safety net runs
    await restoreAfterRun(statusChange('ABORTED'), p);
    // Then the register came first
    expect(order).toEqual(['register', 'release']);
  });

  it('ignores a status that is not an abnormal end', async () => {
    // Given a SUCCEEDED event (the run cleaned up itself)
    const p = ports('DEREGISTERED', null);
    // When the safety net handles it
    const outcome = await restoreAfterRun(statusChange('SUCCEEDED'), p);
    // Then it touches nothing
    expect(outcome).toEqual({ action: 'none', lockReleased: false });
    expect(p.target.describe).not.toHaveBeenCalled();
  });
});

describe('restoreAfterRun as the reconciler', () => {
  it('does nothing while a running execution holds the lock', async () => {
    // Given a running GameDay in its outage
    const p = ports('DEREGISTERED', OTHER_RUN, [OTHER_RUN]);
    // When the reconciler ticks
    const outcome = await restoreAfterRun({ source: 'reconciler' }, p);
    // Then it leaves the run alone
    expect(outcome).toEqual({ action: 'none', lockReleased: false });
    expect(p.target.describe).not.toHaveBeenCalled();
  });

  it('restores the target and frees the lock of an execution that is no longer running', async () => {
    // Given a lock left by a run that is gone and a deregistered target
    const p = ports('DEREGISTERED', OTHER_RUN, []);
    // When the reconciler ticks
    const outcome = await restoreAfterRun({ source: 'reconciler' }, p);
    // Then the target is back and the stale lock released
    expect(outcome).toEqual({ action: 'registered', lockReleased: true });
    expect(p.lock.release).toHaveBeenCalledWith(OTHER_RUN);
  });

  it('re-registers a target missing while no GameDay runs', async () => {
    // Given no lock and a deregistered target (a dead man's switch case)
    const p = ports('DEREGISTERED', null);
    // When the reconciler ticks
    // Then it registers the target
    await expect(restoreAfterRun({ source: 'reconciler' }, p)).resolves.toEqual({
      action: 'registered',
      lockReleased: false,
    });
  });

  it('does nothing when all is well', async () => {
    // Given no lock and an AVAILABLE target
    const p = ports('AVAILABLE', null);
    // When the reconciler ticks
    // Then nothing happens
    await expect(restoreAfterRun({ source: 'reconciler' }, p)).resolves.toEqual({
      action: 'none',
      lockReleased: false,
    });
    expect(p.target.register).not.toHaveBeenCalled();
  });

  it('reports the lock as not released when a new run took it meanwhile', async () => {
    // Given a stale holder whose conditional release finds another holder
    const p = ports('AVAILABLE', OTHER_RUN, []);
    p.lock.release.mockResolvedValue(false);
    // When the reconciler ticks
    // Then the lock is reported as not released
    await expect(restoreAfterRun({ source: 'reconciler' }, p)).resolves.toEqual({
      action: 'none',
      lockReleased: false,
    });
  });
});

describe('restoreAfterRun with an unknown event', () => {
  it('refuses it with a typed error', async () => {
    // Given an event that is neither kind
    // When handled
    // Then it is refused
    await expect(restoreAfterRun({ hello: 'world' } as never, ports('AVAILABLE', null))).rejects.toThrow(
      UnrecognisedSafetyNetEvent,
    );
  });
});

describe('restoreAfterRun after a pool brownout', () => {
  const brownout = { fault: 'pool-brownout', savedPool: SAVED_POOL };

  it.each(['ABORTED', 'TIMED_OUT', 'FAILED'])(
    'writes the saved pool config back after %s, then frees the lock',
    async (status) => {
      // Given a brownout that ended with the pool clamped and its saved config in the lock
      const p = ports('AVAILABLE', FAILED_RUN, [], brownout, CLAMPED_POOL);
      // When the safety net handles its event
      const outcome = await restoreAfterRun(statusChange(status), p);
      // Then the exact saved values are written back, before the lock is released
      expect(p.targetGroup.setPoolConfig).toHaveBeenCalledWith(SAVED_POOL);
      expect(outcome).toEqual({ action: 'none', pool: { restored: true, config: SAVED_POOL }, lockReleased: true });
      expect(p.targetGroup.setPoolConfig.mock.invocationCallOrder[0]).toBeLessThan(
        p.lock.release.mock.invocationCallOrder[0] ?? 0,
      );
    },
  );

  it('restores the saved pool config from the reconciler, after the execution died', async () => {
    // Given a lock whose brownout holder is no longer running, and a clamped pool
    const p = ports('AVAILABLE', FAILED_RUN, [], brownout, CLAMPED_POOL);
    // When the reconciler ticks
    const outcome = await restoreAfterRun({ source: 'reconciler' }, p);
    // Then the saved values come back and the lock is freed
    expect(p.targetGroup.setPoolConfig).toHaveBeenCalledWith(SAVED_POOL);
    expect(outcome.lockReleased).toBe(true);
  });

  it('writes nothing when the pool already has the saved values', async () => {
    // Given a brownout that restored its pool and then failed
    const p = ports('AVAILABLE', FAILED_RUN, [], brownout, SAVED_POOL);
    // When the safety net handles its event
    const outcome = await restoreAfterRun(statusChange('FAILED'), p);
    // Then the pool is left as it is
    expect(p.targetGroup.setPoolConfig).not.toHaveBeenCalled();
    expect(outcome.pool).toEqual({ restored: false, config: SAVED_POOL });
  });

  it('leaves a running brownout alone', async () => {
    // Given a running brownout holding the lock
    const p = ports('AVAILABLE', OTHER_RUN, [OTHER_RUN], brownout, CLAMPED_POOL);
    // When another execution's failure reaches the safety net
    await restoreAfterRun(statusChange('FAILED'), p);
    // Then its clamp is not cut short
    expect(p.targetGroup.poolConfig).not.toHaveBeenCalled();
    expect(p.targetGroup.setPoolConfig).not.toHaveBeenCalled();
  });

  it('refuses to guess a pool config the lock does not hold, and keeps the lock', async () => {
    // Given a brownout holder whose lock lost its saved pool config
    const p = ports('AVAILABLE', FAILED_RUN, [], { fault: 'pool-brownout', savedPool: null }, CLAMPED_POOL);
    // When the safety net handles its event
    // Then it fails loudly, writes no defaults and keeps the lock so no run starts on a clamped pool
    await expect(restoreAfterRun(statusChange('FAILED'), p)).rejects.toThrow(SavedPoolConfigMissing);
    expect(p.targetGroup.setPoolConfig).not.toHaveBeenCalled();
    expect(p.lock.release).not.toHaveBeenCalled();
  });

  it('leaves the pool alone when the holder ran a deregister', async () => {
    // Given a deregister holder
    const p = ports('DEREGISTERED', FAILED_RUN);
    // When the safety net handles its event
    const outcome = await restoreAfterRun(statusChange('FAILED'), p);
    // Then only the target is restored
    expect(p.targetGroup.poolConfig).not.toHaveBeenCalled();
    expect(outcome).toEqual({ action: 'registered', lockReleased: true });
  });
});
