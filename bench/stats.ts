// Pure arithmetic of the benchmark: medians, rate error, CPU per request, latency per phase of a timeline.
import type { TimelineBucket } from '../steps/core/contracts';
import { mergeEncodedHistograms, summarise } from '../steps/core/latency-histogram';
import { sendSchedule, type ScheduleShape } from '../steps/core/traffic';

/** The median of the numbers (the mean of the middle two for an even count); null when there are none. */
export function median(values: readonly number[]): number | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of each of `keys` over `runs`, each over the runs that have a number for it; null where none has. */
export function mediansOf<R, K extends keyof R>(runs: readonly R[], keys: readonly K[]): Record<K, number | null> {
  const medians = {} as Record<K, number | null>;
  for (const key of keys)
    medians[key] = median(runs.map((r) => r[key]).filter((v): v is R[K] & number => typeof v === 'number'));
  return medians;
}

/** How far the achieved rate is from the offered one, in percent of the offered rate (negative: short). */
export function rateErrorPercent(offeredPerSecond: number, achievedPerSecond: number): number {
  if (offeredPerSecond <= 0) throw new RangeError(`offered rate must be positive (got ${offeredPerSecond})`);
  return ((achievedPerSecond - offeredPerSecond) / offeredPerSecond) * 100;
}

/** CPU microseconds per request; null when no request was made. */
export function cpuMicrosPerRequest(cpuMicros: number, requests: number): number | null {
  return requests > 0 ? cpuMicros / requests : null;
}

/** Ours over theirs, of CPU per request; null when either is unknown or theirs is 0. */
export function cpuRatio(ours: number | null, theirs: number | null): number | null {
  return ours !== null && theirs ? ours / theirs : null;
}

/**
 * Milliseconds between the first and the last send the open-loop schedule plans. An achieved send
 * span longer than this means the generator fell behind its schedule.
 */
export function plannedSendSpanMs(shape: ScheduleShape): number {
  let first: number | null = null;
  let last = 0;
  for (const request of sendSchedule(shape)) {
    first ??= request.offsetMs;
    last = request.offsetMs;
  }
  return first === null ? 0 : last - first;
}

/**
 * The rate an open-loop run delivered: its successful answers per planned second, scaled by how much
 * longer than planned the sends took (a generator that falls behind spreads the same requests over
 * more time, so its true rate is lower than the count suggests).
 */
export function openLoopAchievedRate(opts: {
  successful: number;
  durationSeconds: number;
  plannedSpanMs: number;
  actualSpanMs: number;
}): number {
  const stretch = opts.actualSpanMs > 0 && opts.plannedSpanMs > 0 ? opts.plannedSpanMs / opts.actualSpanMs : 1;
  return (opts.successful / opts.durationSeconds) * stretch;
}

export type BenchPhase = 'baseline' | 'outage' | 'recovery';

/**
 * The phase of a one-second bucket: baseline while it ended before the deregister, outage while it
 * overlaps the time the target was gone (a second that straddles either edge counts as outage),
 * recovery after.
 */
export function phaseOfBucket(t: number, deregisteredAtMs: number, registeredAtMs: number): BenchPhase {
  if (t + 1000 <= deregisteredAtMs) return 'baseline';
  if (t < registeredAtMs) return 'outage';
  return 'recovery';
}

export interface PhaseLatency {
  requests: number;
  p50: number;
  p99: number;
}

/** p50 / p99 of all requests scheduled in each phase, merged exactly from the per-second histograms. */
export function latencyByPhase(
  timeline: readonly TimelineBucket[],
  deregisteredAtMs: number,
  registeredAtMs: number,
): Record<BenchPhase, PhaseLatency> {
  const encoded: Record<BenchPhase, string[]> = { baseline: [], outage: [], recovery: [] };
  for (const bucket of timeline)
    encoded[phaseOfBucket(bucket.t, deregisteredAtMs, registeredAtMs)].push(bucket.latencyHistogram);
  const summary = (phase: BenchPhase): PhaseLatency => {
    const s = summarise(mergeEncodedHistograms(encoded[phase]));
    return { requests: s.count, p50: s.p50, p99: s.p99 };
  };
  return { baseline: summary('baseline'), outage: summary('outage'), recovery: summary('recovery') };
}

/** outage p99 / baseline p99; null when the baseline has no latency to compare with. */
export function p99Ratio(baselineP99: number, outageP99: number): number | null {
  return baselineP99 > 0 ? outageP99 / baselineP99 : null;
}

/** How evenly arrivals came, as a receiver sees them: their counts per bin of `binMs`. */
export interface ArrivalSpread {
  arrivals: number;
  /** Arrivals per second between the first and the last arrival's bins. */
  ratePerSecond: number;
  /** Variance over mean of the per-bin counts: about 0 for even arrivals, about 1 for Poisson, far above 1 for bursts. */
  dispersionIndex: number | null;
  /** The most arrivals in any one bin. */
  largestBinCount: number;
}

/**
 * The per-bin counts of arrival times (ms, any origin) from the first arrival's bin to the last's,
 * quiet bins included, and their index of dispersion.
 */
export function arrivalSpread(timesMs: readonly number[], binMs = 10): ArrivalSpread {
  if (timesMs.length === 0) return { arrivals: 0, ratePerSecond: 0, dispersionIndex: null, largestBinCount: 0 };
  let first = Infinity;
  let last = -Infinity;
  for (const t of timesMs) {
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  const origin = Math.floor(first / binMs);
  const counts = new Array<number>(Math.floor(last / binMs) - origin + 1).fill(0);
  for (const t of timesMs) counts[Math.floor(t / binMs) - origin]++;
  const mean = timesMs.length / counts.length;
  const variance = counts.reduce((sum, c) => sum + (c - mean) ** 2, 0) / counts.length;
  return {
    arrivals: timesMs.length,
    ratePerSecond: (timesMs.length * 1000) / (counts.length * binMs),
    dispersionIndex: mean > 0 ? variance / mean : null,
    largestBinCount: Math.max(...counts),
  };
}

/**
 * The index of dispersion of perfectly even arrivals at `ratePerSecond`, counted in bins of `binMs`:
 * each bin holds the floor or the ceiling of its mean, so the index is f (1 - f) / mean for the
 * mean's fraction f. 0 when a bin holds a whole number of requests (400/s in 10 ms bins); 0.6 at
 * 40/s, where a 10 ms bin holds 0 or 1 request: the floor under any generator's figure at that rate.
 */
export function evenSpacingDispersion(ratePerSecond: number, binMs = 10): number {
  const mean = (ratePerSecond * binMs) / 1000;
  if (mean <= 0) return 0;
  const fraction = mean - Math.floor(mean);
  return (fraction * (1 - fraction)) / mean;
}
