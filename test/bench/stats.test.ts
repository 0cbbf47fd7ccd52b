import { latencyByPhase, median, openLoopAchievedRate, phaseOfBucket, plannedSendSpanMs, rateErrorPercent } from '../../bench/stats';
import { createLatencyHistogram, encodeHistogram, recordLatency } from '../../steps/core/latency-histogram';

describe('median', () => {
  it('takes the middle value of an odd count', () => expect(median([5, 1, 3])).toBe(3));
  it('takes the mean of the middle two of an even count', () => expect(median([4, 1, 3, 2])).toBe(2.5));
  it('has no median without values', () => expect(median([])).toBeNull());
});

describe('rateErrorPercent', () => {
  it('is negative when the tool fell short of the offered rate', () => expect(rateErrorPercent(400, 396)).toBeCloseTo(-1, 9));
  it('refuses a rate of zero', () => expect(() => rateErrorPercent(0, 1)).toThrow(RangeError));
});

describe('openLoopAchievedRate', () => {
  it('lowers the rate by how much longer than planned the sends took', () => {
    // Given 400 answers planned over 10 s / When the sends took 10 % longer than planned
    const rate = openLoopAchievedRate({ successful: 400, durationSeconds: 10, plannedSpanMs: 1000, actualSpanMs: 1100 });
    // Then the rate is 40 / 1.1
    expect(rate).toBeCloseTo(40 / 1.1, 9);
  });
});

describe('plannedSendSpanMs', () => {
  it('runs from the first read to the last send of the last second', () => {
    // Given 3 reads and 1 write a second for 2 s: each second's four leave at its start (1 s ticks at so low a rate)
    // Then the last send is the last second's, at 1000 ms
    expect(plannedSendSpanMs({ durationSeconds: 2, readsPerSecond: 3, writesPerSecond: 1 })).toBe(1000);
  });

  it('follows the schedule’s ticks at a high rate', () => {
    // Given 300 reads and 100 writes a second for 1 s: 100 ms ticks
    // Then the last send is the tick at 900 ms
    expect(plannedSendSpanMs({ durationSeconds: 1, readsPerSecond: 300, writesPerSecond: 100 })).toBe(900);
  });
});

describe('phaseOfBucket', () => {
  it('counts a second that straddles the deregister as outage', () => expect(phaseOfBucket(9_500, 10_000, 20_000)).toBe('outage'));
  it('counts a second that ends at the deregister as baseline', () => expect(phaseOfBucket(9_000, 10_000, 20_000)).toBe('baseline'));
  it('counts a second that starts at the register as recovery', () => expect(phaseOfBucket(20_000, 10_000, 20_000)).toBe('recovery'));
});

describe('latencyByPhase', () => {
  it('merges the seconds of each phase before taking percentiles', () => {
    // Given a fast baseline second and a slow outage second
    const bucket = (t: number, ms: number) => {
      const h = createLatencyHistogram();
      for (let i = 0; i < 100; i++) recordLatency(h, ms);
      return { t, reads: { database: 0, cache: 0, failed: 0 }, writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 }, latencyHistogram: encodeHistogram(h) };
    };
    // When split at the deregister
    const phases = latencyByPhase([bucket(0, 5), bucket(1000, 50)], 1000, 2000);
    // Then each phase has its own percentiles
    expect([phases.baseline.p99, phases.outage.p99, phases.recovery.requests]).toEqual([5, 50, 0]);
  });
});
