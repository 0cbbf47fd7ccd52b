// restoreAfterRun: re-register a missing target and free a dead run's lock, never cutting a live run short.
import { restoreAfterRun, type SafetyNetPorts, UnrecognisedSafetyNetEvent } from '../../../steps/core/safety-net';
import type { ProxyTargetState } from '../../../steps/ports';

const FAILED_RUN = 'arn:aws:states:us-east-1:123456789012:execution:gameday:run-failed';
const OTHER_RUN = 'arn:aws:states:us-east-1:123456789012:execution:gameday:run-other';

function ports(state: ProxyTargetState, holder: string | null, running: string[] = []) {
  const p = {
    target: { describe: jest.fn().mockResolvedValue(state), register: jest.fn().mockResolvedValue(undefined) },
    lock: { holder: jest.fn().mockResolvedValue(holder), release: jest.fn().mockResolvedValue(true) },
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
