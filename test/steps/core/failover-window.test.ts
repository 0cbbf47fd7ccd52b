// The writer failover as the clients saw it, from the run's per-second counts.
import { clientFailoverWindow, type CountedSecond } from '../../../steps/core/failover-window';

const T0 = 1_800_000_000_000;

/** A second `n` after T0 with its reads (primary, degraded, failed) and writes (committed, deferred, failed). */
function second(n: number, reads: [number, number, number], writes: [number, number, number]): CountedSecond {
  return {
    t: T0 + n * 1000,
    reads: { database: reads[0], cache: reads[1], failed: reads[2] },
    writes: { ok: writes[0], queued: writes[1], stockOut: 0, failed: writes[2] },
  };
}

const healthy = (n: number) => second(n, [3, 0, 0], [1, 0, 0]);

describe('clientFailoverWindow', () => {
  it('spans the seconds whose writes failed or were deferred, and times the first primary read after the reads came back', () => {
    // Given a failover at second 2 ending at second 5: writes fail in 2-3, are deferred in 4, reads degraded in 2-4
    const seconds = [
      healthy(0),
      healthy(1),
      second(2, [0, 3, 0], [0, 0, 1]),
      second(3, [0, 2, 1], [0, 0, 1]),
      second(4, [0, 3, 0], [0, 1, 0]),
      healthy(5),
      healthy(6),
    ];
    // When the window is measured with a 1 s tolerance
    const window = clientFailoverWindow(seconds, { atMs: T0 + 2000, endedAtMs: T0 + 5000, toleranceMs: 1000 });
    // Then writes were affected for 3 s, all inside the window, and the primary read again 3 s after the failover
    expect(window).toEqual({
      writesAffectedMs: 3000,
      writesAffectedFromMs: T0 + 2000,
      writesAffectedUntilMs: T0 + 5000,
      writesFailedInside: 2,
      writesDeferredInside: 1,
      writesFailedOutside: 0,
      readsFailedOutside: 0,
      timeToFirstPrimaryReadMs: 3000,
    });
  });

  it('counts a write that failed past the failover end and its tolerance as outside the window', () => {
    // Given a failover from second 1 to 2, and a failed write and a failed read at second 5
    const seconds = [
      healthy(0),
      second(1, [0, 2, 1], [0, 0, 1]),
      healthy(2),
      healthy(3),
      second(5, [2, 0, 1], [0, 0, 1]),
    ];
    // When the window is measured with a 1 s tolerance
    const window = clientFailoverWindow(seconds, { atMs: T0 + 1000, endedAtMs: T0 + 2000, toleranceMs: 1000 });
    // Then the late failures are outside, the read inside is not counted, and the window reaches the late write
    expect(window).toMatchObject({
      writesFailedInside: 1,
      writesFailedOutside: 1,
      readsFailedOutside: 1,
      writesAffectedUntilMs: T0 + 6000,
    });
  });

  it('leaves out what happened before the failover, and finds no window when no write was affected', () => {
    // Given a failed write before the failover and a clean run after it
    const seconds = [second(0, [3, 0, 0], [0, 0, 1]), healthy(1), healthy(2)];
    // When the window is measured from second 1
    const window = clientFailoverWindow(seconds, { atMs: T0 + 1000, endedAtMs: T0 + 2000, toleranceMs: 0 });
    // Then nothing was affected, and the primary read from the failover's first second
    expect(window).toMatchObject({ writesAffectedMs: 0, writesAffectedFromMs: null, writesFailedOutside: 0 });
    expect(window.timeToFirstPrimaryReadMs).toBe(0);
  });

  it('has no first primary read when the primary never served again, and counts every failure outside when the failover never ended', () => {
    // Given reads degraded to the end and a failover that never reported its end
    const seconds = [healthy(0), second(1, [0, 3, 0], [0, 0, 1]), second(2, [0, 3, 0], [0, 0, 1])];
    // When the window is measured
    const window = clientFailoverWindow(seconds, { atMs: T0 + 1000, endedAtMs: null, toleranceMs: 5000 });
    // Then no primary read came back, and no failure can be proven inside a window that never closed
    expect(window.timeToFirstPrimaryReadMs).toBeNull();
    expect(window).toMatchObject({ writesFailedInside: 0, writesFailedOutside: 2 });
  });
});
