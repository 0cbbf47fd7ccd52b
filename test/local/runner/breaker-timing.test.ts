// The time from the deregistration to the breaker opening, from the lab's record of its changes.
import { breakerOpenedAfterMs } from '../../../local/runner/breaker-timing';

const deregisteredAt = '2026-12-07T07:00:00.000Z';
const at = (ms: number) => Date.parse(deregisteredAt) + ms;

describe('breakerOpenedAfterMs', () => {
  it('measures to the first OPEN after the deregistration, not to one before it', () => {
    // Given a breaker that opened during the baseline, closed, then opened 2.9 s into the outage and again later
    const transitions = [
      { at: at(-5000), from: 'CLOSED', to: 'OPEN' },
      { at: at(-3000), from: 'HALF_OPEN', to: 'CLOSED' },
      { at: at(2900), from: 'CLOSED', to: 'OPEN' },
      { at: at(6000), from: 'HALF_OPEN', to: 'OPEN' },
    ];
    // When the time to open is measured
    // Then it is the first opening after the deregistration
    expect(breakerOpenedAfterMs(transitions, deregisteredAt)).toBe(2900);
  });

  it('is null when the breaker never opened or the fault never went in', () => {
    // Given a breaker that only ever closed, and a run that never deregistered
    const closing = [{ at: at(1000), from: 'HALF_OPEN', to: 'CLOSED' }];
    // Then neither has a time to open
    expect(breakerOpenedAfterMs(closing, deregisteredAt)).toBeNull();
    expect(breakerOpenedAfterMs([{ at: at(1000), from: 'CLOSED', to: 'OPEN' }], null)).toBeNull();
  });
});
