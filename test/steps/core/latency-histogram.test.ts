// Latency histograms survive encoding and merge exactly.
import {
  createLatencyHistogram,
  encodeHistogram,
  mergeEncodedHistograms,
  recordLatency,
  summarise,
} from '../../../steps/core/latency-histogram';

function encoded(...values: number[]): string {
  const h = createLatencyHistogram();
  for (const v of values) recordLatency(h, v);
  return encodeHistogram(h);
}

describe('latency histograms', () => {
  it('merges encoded histograms so the counts add up', () => {
    // Given two seconds' histograms, 3 and 2 values
    const seconds = [encoded(10, 10, 10), encoded(500, 500)];
    // When merged
    const summary = summarise(mergeEncodedHistograms(seconds));
    // Then all 5 values are there, the median from the first and the tail from the second
    expect(summary.count).toBe(5);
    expect(summary.p50).toBe(10);
    expect(summary.p99).toBeGreaterThanOrEqual(495);
    expect(summary.p99).toBeLessThanOrEqual(505);
  });

  it('summarises an empty histogram as zeros', () => {
    // Given no values at all
    // When summarised
    // Then every figure is 0
    expect(summarise(mergeEncodedHistograms([encoded()]))).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });

  it('clamps a negative or endless latency into the trackable range', () => {
    // Given a negative and an infinite latency
    const h = createLatencyHistogram();
    recordLatency(h, -5);
    recordLatency(h, Number.POSITIVE_INFINITY);
    // When summarised
    const summary = summarise(h);
    // Then both were recorded, the smallest as 0 and the largest at the one-hour ceiling
    expect(summary.count).toBe(2);
    expect(summary.p50).toBe(0);
    expect(summary.max).toBeGreaterThanOrEqual(3_590_000);
  });
});
