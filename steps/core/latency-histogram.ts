// Latency histograms: recorded per second by the traffic step, carried as compressed base64, merged per phase.
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './contracts';

/** Millisecond resolution with two significant digits: 1% error, and small enough to ship per second. */
const SIGNIFICANT_DIGITS = 2;
/** One hour: no request is ever waited for that long; beyond it values are clamped. */
const HIGHEST_TRACKABLE_MS = 3_600_000;

/** A histogram of latencies in milliseconds (pure JS: no WebAssembly start-up in a Lambda). */
export function createLatencyHistogram(): Histogram {
  return build({
    useWebAssembly: false,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_MS,
    autoResize: true,
  });
}

/** Records one latency, rounded to whole milliseconds and clamped to the trackable range. */
export function recordLatency(histogram: Histogram, latencyMs: number): void {
  const value = Math.min(
    HIGHEST_TRACKABLE_MS,
    Math.max(0, Math.round(Number.isFinite(latencyMs) ? latencyMs : HIGHEST_TRACKABLE_MS)),
  );
  histogram.recordValue(value);
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Merges encoded histograms exactly (the counts add up), e.g. the seconds of one phase. */
export function mergeEncodedHistograms(encoded: Iterable<string>): Histogram {
  const merged = createLatencyHistogram();
  for (const item of encoded) {
    if (item) merged.add(decodeFromCompressedBase64(item, 32, false));
  }
  return merged;
}

/** count, p50, p99 and max of a histogram; all 0 when it is empty. */
export function summarise(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  return {
    count: histogram.totalCount,
    p50: histogram.getValueAtPercentile(50),
    p99: histogram.getValueAtPercentile(99),
    max: histogram.maxValue,
  };
}
