import {
  CircuitBreaker,
  InvalidBreakerOptions,
  type BreakerPermit,
  type BreakerState,
} from '../../../shop/core/circuit-breaker';
import { ManualClock } from '../fakes';

function breakerWith(clock: ManualClock, options: { failureThreshold?: number; recoveryTimeoutMs?: number } = {}) {
  const transitions: Array<[BreakerState, BreakerState]> = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    recoveryTimeoutMs: 30_000,
    ...options,
    clock: clock.now,
    onTransition: (from, to) => transitions.push([from, to]),
  });
  return { breaker, transitions };
}

function failTimes(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i += 1) breaker.tryAcquire()!.fail();
}

/** A breaker with the default options that three failures in a row have just opened, and its clock. */
function openedBreaker() {
  const clock = new ManualClock();
  const opened = breakerWith(clock);
  failTimes(opened.breaker, 3);
  return { clock, ...opened };
}

describe('CircuitBreaker', () => {
  it('starts CLOSED and lets calls through', () => {
    // Given a new breaker
    const { breaker } = breakerWith(new ManualClock());
    // When a call asks for a permit
    const permit = breaker.tryAcquire();
    // Then it gets one and the breaker is CLOSED
    expect(permit).not.toBeNull();
    expect(breaker.state()).toBe('CLOSED');
  });

  it('stays CLOSED after fewer consecutive failures than the threshold', () => {
    // Given a threshold of 3
    const { breaker } = breakerWith(new ManualClock());
    // When two calls fail
    failTimes(breaker, 2);
    // Then the breaker is still CLOSED
    expect(breaker.state()).toBe('CLOSED');
  });

  it('opens after the threshold of consecutive failures', () => {
    // Given a threshold of 3
    const { breaker, transitions } = breakerWith(new ManualClock());
    // When three calls fail in a row
    failTimes(breaker, 3);
    // Then the breaker is OPEN, and the change was reported
    expect(breaker.state()).toBe('OPEN');
    expect(transitions).toEqual([['CLOSED', 'OPEN']]);
  });

  it('honours a configured failure threshold', () => {
    // Given a threshold of 5
    const { breaker } = breakerWith(new ManualClock(), { failureThreshold: 5 });
    // When four calls fail, then a fifth
    failTimes(breaker, 4);
    const beforeFifth = breaker.state();
    failTimes(breaker, 1);
    // Then it opens on the fifth only
    expect([beforeFifth, breaker.state()]).toEqual(['CLOSED', 'OPEN']);
  });

  it('resets the failure count on a success, so only consecutive failures open it', () => {
    // Given two failures
    const { breaker } = breakerWith(new ManualClock());
    failTimes(breaker, 2);
    // When a call succeeds and two more fail
    breaker.tryAcquire()!.succeed();
    failTimes(breaker, 2);
    // Then the breaker is still CLOSED
    expect(breaker.state()).toBe('CLOSED');
  });

  it('fails fast while OPEN, before the recovery timeout', () => {
    // Given an open breaker
    const { clock, breaker } = openedBreaker();
    // When a call asks just before the recovery timeout
    clock.advance(29_999);
    // Then it gets no permit
    expect(breaker.tryAcquire()).toBeNull();
    expect(breaker.state()).toBe('OPEN');
  });

  it('lets one probe through after the recovery timeout and is HALF_OPEN meanwhile', () => {
    // Given an open breaker whose recovery timeout has passed
    const { clock, breaker } = openedBreaker();
    clock.advance(30_000);
    // When a call asks for a permit
    const probe = breaker.tryAcquire();
    // Then it is the probe, and the breaker is HALF_OPEN
    expect(probe).not.toBeNull();
    expect(breaker.state()).toBe('HALF_OPEN');
  });

  it('honours a configured recovery timeout', () => {
    // Given a recovery timeout of 500 ms
    const clock = new ManualClock();
    const { breaker } = breakerWith(clock, { recoveryTimeoutMs: 500 });
    failTimes(breaker, 3);
    // When 500 ms pass
    clock.advance(500);
    // Then a probe is allowed
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('grants exactly one permit to many concurrent callers while a probe is in flight', async () => {
    // Given a breaker whose recovery timeout has passed
    const { clock, breaker } = openedBreaker();
    clock.advance(30_000);
    // When fifty concurrent requests ask for a permit, each holding it across an await
    const granted: BreakerPermit[] = [];
    let release!: () => void;
    const probeInFlight = new Promise<void>((resolve) => (release = resolve));
    const requests = Array.from({ length: 50 }, async () => {
      await Promise.resolve();
      const permit = breaker.tryAcquire();
      if (!permit) return 'fast-failed';
      granted.push(permit);
      await probeInFlight;
      permit.succeed();
      return 'probed';
    });
    // Each request resumes once from its first await: a few turns of the microtask queue let all fifty ask.
    for (let turn = 0; turn < 3; turn += 1) await Promise.resolve();
    const refusedWhileInFlight = breaker.tryAcquire();
    release();
    const outcomes = await Promise.all(requests);
    // Then exactly one was the probe, every other one failed fast, and the probe's success closed the breaker
    expect(outcomes.filter((o) => o === 'probed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'fast-failed')).toHaveLength(49);
    expect(refusedWhileInFlight).toBeNull();
    expect(breaker.state()).toBe('CLOSED');
  });

  it('closes and resets the failure count when the probe succeeds', () => {
    // Given a probe in flight
    const { clock, breaker, transitions } = openedBreaker();
    clock.advance(30_000);
    const probe = breaker.tryAcquire()!;
    // When the probe succeeds, then two calls fail
    probe.succeed();
    failTimes(breaker, 2);
    // Then the breaker is CLOSED (the old failures no longer count)
    expect(breaker.state()).toBe('CLOSED');
    expect(transitions).toEqual([
      ['CLOSED', 'OPEN'],
      ['OPEN', 'HALF_OPEN'],
      ['HALF_OPEN', 'CLOSED'],
    ]);
  });

  it('re-opens when the probe fails and restarts the recovery timer', () => {
    // Given a probe in flight at t = 30 s
    const { clock, breaker } = openedBreaker();
    clock.advance(30_000);
    const probe = breaker.tryAcquire()!;
    // When the probe fails and 29.999 s pass
    probe.fail();
    clock.advance(29_999);
    const beforeTimeout = breaker.tryAcquire();
    clock.advance(1);
    const afterTimeout = breaker.tryAcquire();
    // Then it is OPEN and fails fast until a full new timeout has passed
    expect(beforeTimeout).toBeNull();
    expect(afterTimeout).not.toBeNull();
  });

  it('settles a permit only once', () => {
    // Given a threshold of 1 and one permit
    const { breaker } = breakerWith(new ManualClock(), { failureThreshold: 1 });
    const permit = breaker.tryAcquire()!;
    // When it succeeds and is then reported as failed too
    permit.succeed();
    permit.fail();
    // Then the second settlement is ignored
    expect(breaker.state()).toBe('CLOSED');
  });

  it('ignores the late success of a call that started before the breaker opened', () => {
    // Given a slow call that started while CLOSED, and three failures that opened the breaker since
    const { breaker } = breakerWith(new ManualClock());
    const slow = breaker.tryAcquire()!;
    failTimes(breaker, 3);
    // When the slow call finally succeeds
    slow.succeed();
    // Then the breaker stays OPEN: only a probe may close it
    expect(breaker.state()).toBe('OPEN');
  });

  it('ignores the late failure of a call that started before a probe closed the breaker', () => {
    // Given a threshold of 1, a slow call from before the outage, and a probe that has since closed the breaker
    const clock = new ManualClock();
    const { breaker } = breakerWith(clock, { failureThreshold: 1 });
    const slow = breaker.tryAcquire()!;
    failTimes(breaker, 1);
    clock.advance(30_000);
    breaker.tryAcquire()!.succeed();
    // When the slow call fails at last
    slow.fail();
    // Then the breaker stays CLOSED
    expect(breaker.state()).toBe('CLOSED');
  });

  it('defaults to three failures and a thirty-second recovery timeout', () => {
    // Given a breaker built without a threshold or timeout
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock: clock.now });
    // When three calls fail, and 30 s pass
    failTimes(breaker, 3);
    const afterThree = breaker.state();
    clock.advance(29_999);
    const beforeTimeout = breaker.tryAcquire();
    clock.advance(1);
    // Then it opened on the third failure and allows a probe at 30 s
    expect(afterThree).toBe('OPEN');
    expect(beforeTimeout).toBeNull();
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('rejects invalid options, naming each problem', () => {
    // Given a zero threshold and a negative timeout
    const create = () => new CircuitBreaker({ failureThreshold: 0, recoveryTimeoutMs: -1 });
    // When it is built, then it throws one error naming both
    expect(create).toThrow(InvalidBreakerOptions);
    expect(create).toThrow(/failureThreshold.*recoveryTimeoutMs/);
  });
});
