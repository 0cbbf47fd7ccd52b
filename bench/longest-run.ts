// The largest run the validator accepts, and its data at the worst: the state-payload test and the report-merge bench build it.
// Highest rates (7,500 + 2,500/s), the most workers (40), the longest traffic the history limit lets through, and latency
// histograms that fill every bucket a request's time can land in (the worst case for their compressed size).
import type { RunConfig, TimelineBucket, TrafficResult } from '../steps/core/contracts';
import { createLatencyHistogram, encodeHistogram } from '../steps/core/latency-histogram';
import { validateRunInput } from '../steps/core/run-config';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../steps/core/run-traffic';
import {
  DEFAULT_RUN_SETTINGS,
  MAX_ARRIVAL_SEED,
  MAX_TOTAL_RATE,
  MAX_TRAFFIC_WORKERS,
  NUMERIC_SETTINGS,
} from '../steps/core/run-settings';

export const LONGEST_RUN_WORKERS = MAX_TRAFFIC_WORKERS;
/** The stack default's execution timeout is long enough for any accepted run: a limit this high never binds. */
const NO_TIMEOUT_LIMIT = { executionTimeoutSeconds: 366 * 24 * 3600 };

/** Whether the validator accepts `input`. */
function accepted(input: Record<string, unknown>): boolean {
  try {
    validateRunInput(input, {}, undefined, NO_TIMEOUT_LIMIT);
    return true;
  } catch {
    return false;
  }
}

/**
 * The accepted input with the most seconds of traffic at the highest rates and 40 workers: the longest
 * windows (fewest history events a second), the shortest drain timeout (its polls take history from the
 * traffic), the outage at its maximum, and baseline and recovery as long as the history limit then allows.
 */
export function longestAcceptedInput(): Record<string, unknown> {
  const base = {
    // The longest run id there is: every run log line carries it.
    runId: 'longest-accepted-run-'.padEnd(64, 'x'),
    // The widest seed: a drawn one has as many digits at most, and the run's state is the same every time.
    arrivalSeed: MAX_ARRIVAL_SEED,
    readsPerSecond: MAX_TOTAL_RATE.reads,
    writesPerSecond: MAX_TOTAL_RATE.writes,
    trafficWorkers: LONGEST_RUN_WORKERS,
    windowSeconds: NUMERIC_SETTINGS.windowSeconds.max,
    // The fewest polls that can still see the zero readings in a row that count as drained.
    drainTimeoutSeconds: DEFAULT_RUN_SETTINGS.drainPollSeconds * DEFAULT_RUN_SETTINGS.drainZeroReadings,
    outageSeconds: NUMERIC_SETTINGS.outageSeconds.max,
  };
  let best: Record<string, unknown> | undefined;
  for (
    let side = NUMERIC_SETTINGS.baselineSeconds.max;
    side >= NUMERIC_SETTINGS.baselineSeconds.min && !best;
    side -= 60
  ) {
    const input = { ...base, baselineSeconds: side, recoverySeconds: side };
    if (accepted(input)) best = input;
  }
  if (!best) throw new Error('no run at the highest rates with 40 workers is accepted');
  return best;
}

export function longestAcceptedConfig(): RunConfig {
  return validateRunInput(longestAcceptedInput(), {}, undefined, NO_TIMEOUT_LIMIT);
}

/** A deterministic generator, so the worst case is the same every run. */
function randomCounts(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/**
 * A histogram of `requests` spread over every value from 0 to `maxMs` with varied counts: every bucket
 * filled, no run of equal counts to compress. A request's latency and its send lag both end at the
 * request timeout plus the window's stragglers, so that is where a real histogram's buckets end.
 */
export function worstCaseHistogram(seed: number, requests: number, maxMs = DEFAULT_REQUEST_TIMEOUT_MS + 5_000): string {
  const histogram = createLatencyHistogram();
  const next = randomCounts(seed);
  const mean = Math.max(1, requests / (maxMs + 1));
  for (let value = 0; value <= maxMs; value++)
    histogram.recordValueWithCount(value, 1 + (next() % Math.ceil(2 * mean)));
  return encodeHistogram(histogram);
}

/** One worker's result of one window, as a worker returns it (its timeline stored, not returned). */
export function worstCaseWorkerResult(
  config: RunConfig,
  phase: string,
  startedAtMs: number,
  histograms: { reads: string; writes: string; sendLag: string },
): TrafficResult {
  const seconds = config.windowSeconds;
  const reads = Math.ceil((config.readsPerSecond * seconds) / config.trafficWorkers);
  const writes = Math.ceil((config.writesPerSecond * seconds) / config.trafficWorkers);
  const summary = (count: number) => ({ count, p50: 12_345, p99: 10_000, max: 10_000 });
  return {
    phase,
    degradation: true,
    startedAtMs,
    endedAtMs: startedAtMs + seconds * 1000,
    offered: { reads, writes },
    reads: { database: reads, cache: reads, failed: reads },
    writes: { ok: writes, queued: writes, stockOut: writes, failed: writes },
    ordersAccepted: writes * 2,
    latencyMs: { reads: summary(reads), writes: summary(writes) },
    latencyHistograms: { reads: histograms.reads, writes: histograms.writes },
    startLagMs: 123_456,
    sendLag: { ...summary(reads + writes), late: reads + writes },
    sendLagHistogram: histograms.sendLag,
    windows: 1,
    timeline: [],
    // Stored beside the timeline, as a windowed worker does: its result carries none.
    acceptedWrites: [],
  };
}

/** The three worst-case histograms of one worker's window, built once (each takes a moment). */
export function worstCaseHistograms(config: RunConfig): { reads: string; writes: string; sendLag: string } {
  const reads = (config.readsPerSecond * config.windowSeconds) / config.trafficWorkers;
  const writes = (config.writesPerSecond * config.windowSeconds) / config.trafficWorkers;
  return {
    reads: worstCaseHistogram(1, reads),
    writes: worstCaseHistogram(2, writes),
    sendLag: worstCaseHistogram(3, reads + writes),
  };
}

/** One worker's stored timeline of one window: a bucket a second, with the run's largest counts and the given histogram. */
export function workerTimeline(
  config: RunConfig,
  startMs: number,
  seconds: number,
  histogram: string,
): TimelineBucket[] {
  const reads = Math.ceil(config.readsPerSecond / config.trafficWorkers);
  const writes = Math.ceil(config.writesPerSecond / config.trafficWorkers);
  return Array.from({ length: seconds }, (_, i) => ({
    t: startMs + i * 1000,
    reads: { database: reads, cache: reads, failed: reads },
    writes: { ok: writes, queued: writes, stockOut: writes, failed: writes },
    latencyHistogram: histogram,
    sendLagHistogram: histogram,
    late: reads + writes,
  }));
}
