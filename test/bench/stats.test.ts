import {
  arrivalSpread,
  evenSpacingDispersion,
  latencyByPhase,
  median,
  openLoopAchievedRate,
  phaseOfBucket,
  plannedSendSpanMs,
  rateErrorPercent,
} from '../../bench/stats';
import { createLatencyHistogram, encodeHistogram, recordLatency } from '../../steps/core/latency-histogram';

describe('median', () => {
  it('takes the middle value of an odd count', () => expect(median([5, 1, 3])).toBe(3));
  it('takes the mean of the middle two of an even count', () => expect(median([4, 1, 3, 2])).toBe(2.5));
  it('has no median without values', () => expect(median([])).toBeNull());
});

describe('rateErrorPercent', () => {
  it('is negative when the tool fell short of the offered rate', () =>
    expect(rateErrorPercent(400, 396)).toBeCloseTo(-1, 9));
  it('refuses a rate of zero', () => expect(() => rateErrorPercent(0, 1)).toThrow(RangeError));
});

describe('openLoopAchievedRate', () => {
  it('lowers the rate by how much longer than planned the sends took', () => {
    // Given 400 answers planned over 10 s / When the sends took 10 % longer than planned
    const rate = openLoopAchievedRate({
      successful: 400,
      durationSeconds: 10,
      plannedSpanMs: 1000,
      actualSpanMs: 1100,
    });
    // Then the rate is 40 / 1.1
    expect(rate).toBeCloseTo(40 / 1.1, 9);
  });
});

describe('plannedSendSpanMs', () => {
  it('runs from the first request to the last, each at its own time', () => {
    // Given 3 reads and 1 write a second for 2 s: a request every 250 ms
    // Then the last send is at 1750 ms
    expect(plannedSendSpanMs({ durationSeconds: 2, readsPerSecond: 3, writesPerSecond: 1 })).toBe(1750);
  });
});

describe('arrivalSpread', () => {
  it('finds even arrivals barely dispersed, with the most in one bin', () => {
    // Given an arrival every 2.5 ms for a second
    const times = Array.from({ length: 400 }, (_, i) => 1_000 + i * 2.5);
    // When spread into 10 ms bins
    const spread = arrivalSpread(times);
    // Then every bin holds 4, the rate is 400/s and the index 0
    expect(spread).toEqual({ arrivals: 400, ratePerSecond: 400, dispersionIndex: 0, largestBinCount: 4 });
  });

  it('finds bursts far above 1, quiet bins counted', () => {
    // Given 40 arrivals at once every 100 ms for a second
    const times = Array.from({ length: 400 }, (_, i) => Math.floor(i / 40) * 100);
    // When spread into 10 ms bins (the last burst's bin ends the span: 91 bins)
    const spread = arrivalSpread(times);
    // Then the index is the variance of one full bin in ten over its mean, and the largest bin holds a burst
    const mean = 400 / 91;
    const variance = (10 * (40 - mean) ** 2 + 81 * mean ** 2) / 91;
    expect(spread.dispersionIndex).toBeCloseTo(variance / mean, 9);
    expect(spread.largestBinCount).toBe(40);
  });
});

describe('evenSpacingDispersion', () => {
  it.each([40, 250, 400, 4_000])(
    'is the index arrivalSpread finds for perfectly even arrivals at %p a second',
    (rate) => {
      // Given an arrival every 1000 / rate ms for 10 s, placed off the bins' edges
      const gap = 1000 / rate;
      const times = Array.from({ length: rate * 10 }, (_, i) => 0.1 + i * gap);
      // When they are spread into 10 ms bins, and the even spacing's index is computed for the rate
      // Then both agree: even arrivals in bins that hold a fraction of a request are not dispersion-free
      expect(arrivalSpread(times).dispersionIndex).toBeCloseTo(evenSpacingDispersion(rate), 2);
    },
  );
});

describe('phaseOfBucket', () => {
  it('counts a second that straddles the deregister as outage', () =>
    expect(phaseOfBucket(9_500, 10_000, 20_000)).toBe('outage'));
  it('counts a second that ends at the deregister as baseline', () =>
    expect(phaseOfBucket(9_000, 10_000, 20_000)).toBe('baseline'));
  it('counts a second that starts at the register as recovery', () =>
    expect(phaseOfBucket(20_000, 10_000, 20_000)).toBe('recovery'));
});

describe('latencyByPhase', () => {
  it('merges the seconds of each phase before taking percentiles', () => {
    // Given a fast baseline second and a slow outage second
    const bucket = (t: number, ms: number) => {
      const h = createLatencyHistogram();
      for (let i = 0; i < 100; i++) recordLatency(h, ms);
      return {
        t,
        reads: { database: 0, cache: 0, failed: 0 },
        writes: { ok: 0, queued: 0, stockOut: 0, failed: 0 },
        latencyHistogram: encodeHistogram(h),
        sendLagHistogram: '',
        late: 0,
      };
    };
    // When split at the deregister
    const phases = latencyByPhase([bucket(0, 5), bucket(1000, 50)], 1000, 2000);
    // Then each phase has its own percentiles
    expect([phases.baseline.p99, phases.outage.p99, phases.recovery.requests]).toEqual([5, 50, 0]);
  });
});
