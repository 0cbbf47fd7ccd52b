// Benchmark section: the traffic fleet as the local runner starts it (each worker its own process), its fidelity, and the rates it holds.
import { CHAOS_SHOP_PROFILE } from '../infra/config-profile';
import type { TrafficWorkerPool } from '../local/runner/traffic-workers';
import type { TrafficEvent } from '../steps/handlers/traffic';
import type { TrafficResult } from '../steps/core/contracts';
import { TRAFFIC_SIZES } from '../steps/core/run-settings';
import { workerShare } from '../steps/core/traffic-windows';
import { processCpuMicros } from './process-cpu';
import {
  type AnswerSample,
  fleetFigures,
  type FleetFidelityRow,
  type FleetTrialFigures,
  type RateMix,
  splitRate,
  steadyRate,
  summariseFleetRuns,
} from './fleet-figures';

export interface RateSearch<T> {
  /** The first rate tried, and how much each next trial adds. */
  startRps: number;
  stepRps: number;
  /** At most this many trials, repeats included: the search ends there even if every one passed. */
  maxTrials: number;
  /**
   * A failed rate is tried again this many times before the search ends there, so one disturbance on
   * a shared machine does not end it; the rate passes if any try passes.
   * @default 0
   */
  repeatsOnFailure?: number;
  trial: (rps: number) => Promise<T>;
  passed: (figures: T) => boolean;
}

export interface RateSearchResult<T> {
  /** The highest rate that passed below the first that failed; null when the first trial failed. */
  highestPassingRps: number | null;
  /** 'failed': a trial failed (the figure is the highest passing one); 'trialLimit': every trial passed (the figure is a lower bound). */
  stoppedBy: 'failed' | 'trialLimit';
  trials: { rps: number; passed: boolean; figures: T }[];
}

/** Searches upward in fixed steps, one trial per rate, until a trial fails or the trials run out. */
export async function searchHighestRate<T>(search: RateSearch<T>): Promise<RateSearchResult<T>> {
  if (!(search.startRps > 0 && search.stepRps > 0 && Number.isInteger(search.maxTrials) && search.maxTrials >= 1)) {
    throw new RangeError(
      `a rate search needs a positive start and step and at least one trial (got ${search.startRps}, ${search.stepRps}, ${search.maxTrials})`,
    );
  }
  const trials: RateSearchResult<T>['trials'] = [];
  let highestPassingRps: number | null = null;
  const tries = 1 + (search.repeatsOnFailure ?? 0);
  for (let step = 0; trials.length < search.maxTrials; step++) {
    const rps = search.startRps + step * search.stepRps;
    let failures = 0;
    while (failures < tries && trials.length < search.maxTrials) {
      const figures = await search.trial(rps);
      const passed = search.passed(figures);
      trials.push({ rps, passed, figures });
      if (passed) break;
      failures++;
    }
    // Failed every try: the end. Trials ran out between tries: the rate is unsettled, the figure a lower bound.
    if (failures === tries) return { highestPassingRps, stoppedBy: 'failed', trials };
    if (trials.at(-1)?.passed !== true) break;
    highestPassingRps = rps;
  }
  return { highestPassingRps, stoppedBy: 'trialLimit', trials };
}

/** CPU of every worker of the pool so far; null when any cannot be read (not Linux). */
async function poolCpuMicros(pids: readonly number[]): Promise<number | null> {
  try {
    const each = await Promise.all(pids.map(processCpuMicros));
    return each.reduce((a, b) => a + b, 0);
  } catch {
    return null;
  }
}

/** How often the shop's answers are sampled during a trial. */
const SAMPLE_MS = 100;

export interface FleetTrialOptions {
  shopUrl: string;
  /** The shop's successful answers so far (the lab's counter of the answers leaving it). */
  shopAnswers: () => number;
  runId: string;
  totalRps: number;
  mix: RateMix;
  durationSeconds: number;
}

/**
 * One trial: every worker of the pool runs the traffic step for the same duration with its share of
 * the total rate (the shares the windowed run gives them), all at once.
 */
export async function runFleetTrial(pool: TrafficWorkerPool, opts: FleetTrialOptions): Promise<FleetTrialFigures> {
  const { readsPerSecond, writesPerSecond } = splitRate(opts.totalRps, opts.mix);
  const workers = Array.from({ length: pool.size }, (_, i) => i);
  const pids = await Promise.all(workers.map((i) => pool.workerPid(i)));
  const before = await poolCpuMicros(pids);
  const samples: AnswerSample[] = [];
  const sample = () => samples.push({ atMs: Date.now(), successful: opts.shopAnswers() });
  const startMs = Date.now();
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);
  const running = Promise.all(
    workers.map((i) => {
      const event: TrafficEvent = {
        shopUrl: opts.shopUrl,
        runId: opts.runId,
        // Each worker its own phase name, so order ids never repeat across workers.
        phase: `fleet-w${i}`,
        durationSeconds: opts.durationSeconds,
        readsPerSecond: workerShare(readsPerSecond, i, pool.size),
        writesPerSecond: workerShare(writesPerSecond, i, pool.size),
        profile: CHAOS_SHOP_PROFILE,
      };
      return pool.invoke(event, i);
    }),
  ).finally(() => clearInterval(sampler));
  const results = (await running) as TrafficResult[];
  const after = await poolCpuMicros(pids);
  // The steady middle: a quarter of the trial (at most 1 s) cut from each end, where the workers start and stop.
  const marginMs = Math.min(1000, (opts.durationSeconds * 1000) / 4);
  const achieved = steadyRate(samples, startMs + marginMs, startMs + opts.durationSeconds * 1000 - marginMs) ?? 0;
  return fleetFigures(
    results,
    opts.durationSeconds,
    before === null || after === null ? null : after - before,
    achieved,
  );
}

export interface FleetFidelity {
  database: 'pglite' | 'postgres';
  totalRps: number;
  readsPerSecond: number;
  writesPerSecond: number;
  durationSeconds: number;
  repetitions: number;
  rows: FleetFidelityRow[];
}

/** How a rate search climbs: from which rate, in which steps, how many and how long trials, how many repeats. */
export interface RateSearchPlan {
  startRps: number;
  stepRps: number;
  maxTrials: number;
  trialSeconds: number;
  /** Tries again of a failed rate before the search ends there. */
  repeatsOnFailure: number;
  /** An unmeasured trial at the first rate before the search: fresh worker processes and a fresh lab load their code on the first requests. */
  warmUpSeconds: number;
}

export interface FleetRateSearch extends RateSearchPlan {
  workers: number;
  database: 'pglite' | 'postgres';
  readsPerWrite: number;
  criterion: string;
  highestPassingRps: number | null;
  stoppedBy: 'failed' | 'trialLimit';
  trials: { rps: number; passed: boolean; figures: FleetTrialFigures }[];
}

export interface PerWorkerRate extends FleetRateSearch {
  /** The rate the validator assumes one worker sends within 1 % (reads + writes per second). */
  assumedRps: number;
  /** true when the measured figure is below the assumption (a lower bound that passed every trial is not). */
  belowAssumption: boolean;
  note: string;
}

export interface FleetSection {
  fidelity: FleetFidelity;
  /** The highest total rate with no failed request against a PostgreSQL server; null when none was reachable. */
  postgresCapacity: FleetRateSearch | null;
  /** The highest total rate one worker sends within 1 % of offered. */
  perWorker: PerWorkerRate | null;
  /** Why the PostgreSQL searches did not run, when they did not. */
  postgresSkipped: string | null;
  definitions: Record<string, string>;
}

export const FLEET_DEFINITIONS = Object.freeze({
  workers:
    'traffic worker processes started as the local runner starts them (one OS process each), every one running the traffic step with its share of the total rate',
  achievedRps:
    "successful answers per second leaving the shop (the lab's counter, sampled every 100 ms) in the trial's steady middle, its first and last second (a quarter of a shorter trial) left out: the least-squares slope of the count over those samples",
  errorPercent: '(achievedRps - offeredRps) / offeredRps x 100',
  cpuMicrosPerRequest:
    'user + system CPU of all worker processes during the trial (from /proc, 10 ms ticks), per request they made',
  p99Ms: "from each request's scheduled send time, merged exactly over the workers",
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A pause after each trial, so the shop has settled the last one's stragglers before the next starts. */
const SETTLE_MS = 2_000;

export interface FidelityOptions {
  shopUrl: string;
  shopAnswers: () => number;
  database: 'pglite' | 'postgres';
  /** One pool per worker count, started before the first trial. */
  pools: readonly TrafficWorkerPool[];
  totalRps: number;
  mix: RateMix;
  durationSeconds: number;
  repetitions: number;
  log: (line: string) => void;
}

/** Every worker count at the same total rate, the order reversed each repetition so none always meets the warmer shop. */
export async function benchFleetFidelity(opts: FidelityOptions): Promise<FleetFidelity> {
  const runs = new Map<number, FleetTrialFigures[]>(opts.pools.map((pool) => [pool.size, []]));
  for (let rep = 0; rep < opts.repetitions; rep++) {
    const order = rep % 2 === 0 ? [...opts.pools] : [...opts.pools].reverse();
    for (const pool of order) {
      const figures = await runFleetTrial(pool, {
        shopUrl: opts.shopUrl,
        shopAnswers: opts.shopAnswers,
        runId: `bench-fleet-${pool.size}-${rep}-${Date.now()}`,
        totalRps: opts.totalRps,
        mix: opts.mix,
        durationSeconds: opts.durationSeconds,
      });
      opts.log(
        `  fleet ${pool.size} worker(s) rep ${rep + 1}: ${figures.achievedRps.toFixed(1)}/s of ${figures.offeredRps}/s, ${figures.failed} failed, CPU ${figures.cpuMicrosPerRequest?.toFixed(0) ?? 'n/a'} us/req`,
      );
      runs.get(pool.size)!.push(figures);
      await sleep(SETTLE_MS);
    }
  }
  const { readsPerSecond, writesPerSecond } = splitRate(opts.totalRps, opts.mix);
  return {
    database: opts.database,
    totalRps: opts.totalRps,
    readsPerSecond,
    writesPerSecond,
    durationSeconds: opts.durationSeconds,
    repetitions: opts.repetitions,
    rows: opts.pools.map((pool) => summariseFleetRuns(pool.size, runs.get(pool.size)!)),
  };
}

export interface SearchOptions extends RateSearchPlan {
  shopUrl: string;
  shopAnswers: () => number;
  database: 'pglite' | 'postgres';
  pool: TrafficWorkerPool;
  mix: RateMix;
  label: string;
  log: (line: string) => void;
}

/** Whether a trial had no failed request. */
export const noFailure = (figures: FleetTrialFigures): boolean => figures.failed === 0;
/** Whether a trial's achieved rate was within 1 % of offered (failed requests count against it). */
export const withinOnePercent = (figures: FleetTrialFigures): boolean => Math.abs(figures.errorPercent) <= 1;

/** Searches upward for the highest total rate that meets `criterion`, with the pool's workers. */
export async function searchFleetRate(
  opts: SearchOptions,
  criterion: { name: string; passed: (f: FleetTrialFigures) => boolean },
): Promise<FleetRateSearch> {
  const warmUp = await runFleetTrial(opts.pool, {
    shopUrl: opts.shopUrl,
    shopAnswers: opts.shopAnswers,
    runId: `bench-${opts.label}-warm-up-${Date.now()}`,
    totalRps: opts.startRps,
    mix: opts.mix,
    durationSeconds: opts.warmUpSeconds,
  });
  opts.log(
    `  ${opts.label} warm-up at ${opts.startRps}/s (not counted): ${warmUp.failed} failed, p99 ${warmUp.p99Ms} ms`,
  );
  await sleep(SETTLE_MS);
  const result = await searchHighestRate({
    startRps: opts.startRps,
    stepRps: opts.stepRps,
    maxTrials: opts.maxTrials,
    repeatsOnFailure: opts.repeatsOnFailure,
    passed: criterion.passed,
    trial: async (rps) => {
      const figures = await runFleetTrial(opts.pool, {
        shopUrl: opts.shopUrl,
        shopAnswers: opts.shopAnswers,
        runId: `bench-${opts.label}-${rps}-${Date.now()}`,
        totalRps: rps,
        mix: opts.mix,
        durationSeconds: opts.trialSeconds,
      });
      opts.log(
        `  ${opts.label} ${rps}/s: ${figures.achievedRps.toFixed(1)}/s (${figures.errorPercent.toFixed(2)} %), ${figures.failed} failed, p99 ${figures.p99Ms} ms`,
      );
      await sleep(SETTLE_MS);
      return figures;
    },
  });
  const { startRps, stepRps, maxTrials, trialSeconds, repeatsOnFailure, warmUpSeconds } = opts;
  return {
    workers: opts.pool.size,
    database: opts.database,
    readsPerWrite: opts.mix.readsPerWrite,
    startRps,
    stepRps,
    maxTrials,
    trialSeconds,
    repeatsOnFailure,
    warmUpSeconds,
    criterion: criterion.name,
    highestPassingRps: result.highestPassingRps,
    stoppedBy: result.stoppedBy,
    trials: result.trials,
  };
}

/** The per-worker figure against the assumption; a search that passed every trial only bounds the rate from below. */
export function perWorkerVerdict(search: FleetRateSearch, assumedRps: number): PerWorkerRate {
  const measured = search.highestPassingRps;
  const belowAssumption = measured === null ? true : measured < assumedRps && search.stoppedBy === 'failed';
  return {
    ...search,
    assumedRps,
    belowAssumption,
    note: `one worker process on this machine, against the lab on PostgreSQL sharing the same cores (the shop limits the figure too, so it bounds the generator from below); the ${TRAFFIC_SIZES.small.memoryMb} MB traffic function has less CPU than one core here (Lambda allocates CPU in proportion to memory, a full vCPU at 1,769 MB): the cost section's sizing line derives what it holds`,
  };
}
