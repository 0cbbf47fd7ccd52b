// The pure figures of a fleet trial: the shop's steady answer rate, a total rate split into reads and writes,
// one trial's figures from its workers' results, and the medians of one worker count's runs.
import type { TrafficResult } from '../steps/core/contracts';
import { mergeEncodedHistograms, summarise } from '../steps/core/latency-histogram';
import { cpuMicrosPerRequest, mediansOf, rateErrorPercent } from './stats';

export interface FleetTrialFigures {
  workers: number;
  offeredRps: number;
  achievedRps: number;
  errorPercent: number;
  requests: number;
  failed: number;
  /** The workers' CPU (user + system) while they ran, per request they made; null when /proc could not be read. */
  cpuMicrosPerRequest: number | null;
  p99Ms: number;
  /** The latest first send of any worker against its schedule. */
  startLagMs: number;
}

/** One request mix: so many reads for each write. */
export interface RateMix {
  readsPerWrite: number;
}

/** The shop's successful answers so far, at a moment (epoch ms). */
export interface AnswerSample {
  atMs: number;
  successful: number;
}

/**
 * Successful answers per second leaving the shop between `fromMs` and `toMs`: the least-squares
 * slope of the shop's running count over every sample taken there; null when fewer than two samples
 * fall there. Counted at the shop, in the middle of a trial, the rate does not depend on how long the
 * answers took. A fitted slope, not the count between the first and last sample: every sample inside
 * the span weighs in the fit, so one sample taken a few milliseconds late (on a loaded machine) moves
 * the rate little, whatever the arrivals' spacing.
 */
export function steadyRate(samples: readonly AnswerSample[], fromMs: number, toMs: number): number | null {
  const inside = samples.filter((s) => s.atMs >= fromMs && s.atMs <= toMs);
  if (inside.length < 2) return null;
  const n = inside.length;
  const meanT = inside.reduce((sum, s) => sum + s.atMs, 0) / n;
  const meanC = inside.reduce((sum, s) => sum + s.successful, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of inside) {
    covariance += (s.atMs - meanT) * (s.successful - meanC);
    variance += (s.atMs - meanT) ** 2;
  }
  return variance > 0 ? (covariance / variance) * 1000 : null;
}

/** A total rate split into whole reads and writes per second in the mix (at least one write). */
export function splitRate(totalRps: number, mix: RateMix): { readsPerSecond: number; writesPerSecond: number } {
  const writesPerSecond = Math.max(1, Math.round(totalRps / (mix.readsPerWrite + 1)));
  return { readsPerSecond: Math.max(0, totalRps - writesPerSecond), writesPerSecond };
}

function successfulOf(r: TrafficResult): number {
  return r.reads.database + r.reads.cache + r.writes.ok + r.writes.queued + r.writes.stockOut;
}

function requestsOf(r: TrafficResult): number {
  return successfulOf(r) + r.reads.failed + r.writes.failed;
}

/**
 * The figures of one trial from its workers' results and the rate the shop answered at in the
 * trial's steady middle (`achievedRps`, see `steadyRate`).
 */
export function fleetFigures(
  results: readonly TrafficResult[],
  durationSeconds: number,
  cpuMicros: number | null,
  achievedRps: number,
): FleetTrialFigures {
  if (results.length === 0) throw new RangeError('a fleet trial needs the result of at least one worker');
  const offered = results.reduce((sum, r) => sum + r.offered.reads + r.offered.writes, 0);
  const offeredRps = offered / durationSeconds;
  const requests = results.reduce((sum, r) => sum + requestsOf(r), 0);
  const latency = summarise(
    mergeEncodedHistograms(results.flatMap((r) => [r.latencyHistograms.reads, r.latencyHistograms.writes])),
  );
  return {
    workers: results.length,
    offeredRps,
    achievedRps,
    errorPercent: rateErrorPercent(offeredRps, achievedRps),
    requests,
    failed: results.reduce((sum, r) => sum + r.reads.failed + r.writes.failed, 0),
    cpuMicrosPerRequest: cpuMicros === null ? null : cpuMicrosPerRequest(cpuMicros, requests),
    p99Ms: latency.p99,
    startLagMs: Math.max(0, ...results.map((r) => r.startLagMs)),
  };
}

export interface FleetFidelityRow {
  workers: number;
  /** Medians over the repetitions. */
  achievedRps: number | null;
  errorPercent: number | null;
  cpuMicrosPerRequest: number | null;
  failed: number | null;
  p99Ms: number | null;
  runs: FleetTrialFigures[];
}

/** Medians of one worker count's runs. */
export function summariseFleetRuns(workers: number, runs: FleetTrialFigures[]): FleetFidelityRow {
  return {
    workers,
    ...mediansOf(runs, ['achievedRps', 'errorPercent', 'cpuMicrosPerRequest', 'failed', 'p99Ms']),
    runs,
  };
}
