// The benchmark's result document, its goals, and the medians of the outage repetitions.
import type { ReportMergeSection } from './report-merge';
import type { FleetSection } from './fleet';
import type { CostSection, OverheadBreakdown } from './gameday-runs';
import type { TrafficSizing } from './sizing';
import type { MemorySection, SoakSection } from './memory';
import type { GeneratorSection } from './generator';
import type { ArrivalsSection } from './arrivals';
import type { OutageRun, OutageTimings } from './outage';
import { median } from './stats';

export interface OutageBuildSummary {
  repetitions: number;
  failedReads: number | null;
  failedWrites: number | null;
  ordersLost: number | null;
  ordersAccepted: number | null;
  latencyMs: {
    baseline: { p50: number | null; p99: number | null };
    outage: { p50: number | null; p99: number | null };
  };
  p99Ratio: number | null;
  /** The p99 ratio of every repetition, lowest to highest: the median's spread. */
  p99RatioSpread: { min: number | null; max: number | null; values: number[] };
  runs: OutageRun[];
}

export interface OutageSection {
  timings: OutageTimings;
  /** Where the lab's database ran: embedded PGlite or a PostgreSQL server. */
  database: 'pglite' | 'postgres';
  resilient: OutageBuildSummary;
  fragile: OutageBuildSummary;
}

export interface RecoverySection {
  timeToFirstDatabaseReadMs: number | null;
  timeToDrainMs: number | null;
  breakerRecoveryTimeoutMs: number;
  registrationDelayMs: number;
  repetitions: number;
}

export interface OverheadSection {
  overheadSeconds: number | null;
  configuredPhaseSeconds: number;
  wallSeconds: number[];
  runs: number;
  /** Medians over the runs of where the wall time went besides the configured phases. */
  breakdownSeconds: OverheadBreakdown;
  /** How long the bench's lab took to start (not in the overhead: the runs share it). */
  labStartSeconds: number | null;
  note: string;
}

export const BENCH_SECTIONS = [
  'generator',
  'arrivals',
  'outage',
  'overhead',
  'cost',
  'memory',
  'fleet',
  'soak',
  'report-merge',
] as const;
export type BenchSectionName = (typeof BENCH_SECTIONS)[number];

export interface BenchResult {
  startedAt: string;
  command: string;
  /** `loadAverage`: the 1-minute load average when the bench started and ended (the machine may be shared). */
  machine: { cores: number; node: string; platform: string; loadAverage?: { atStart: number; atEnd: number } };
  database: 'pglite' | 'postgres';
  /** The sections run: all but the soak unless `--only` or `--soak` chose; a section not run is null. */
  sections: BenchSectionName[];
  generator: GeneratorSection | null;
  /** Both tools' arrivals at a sink: rate, dispersion, largest 10 ms count, CPU per request. */
  arrivals?: ArrivalsSection | null;
  outage: OutageSection | null;
  recovery: RecoverySection | null;
  fleet: FleetSection | null;
  /** The cost of a default run, and the traffic function's size against one worker's measured CPU. */
  cost: (CostSection & { trafficSizing: TrafficSizing | null }) | null;
  overheadSeconds: number | null;
  overhead: OverheadSection | null;
  memory: MemorySection | null;
  soak: SoakSection | null;
  /** BuildReport's merge for the largest accepted run, and the report function's memory derived from it. */
  reportMerge?: ReportMergeSection | null;
  goals: GoalCheck[];
  wallSeconds: number;
}

/** Medians over the repetitions of one build's outage runs. */
export function summariseOutageRuns(runs: OutageRun[]): OutageBuildSummary {
  const m = (pick: (run: OutageRun) => number | null) => median(runs.map(pick).filter((v): v is number => v !== null));
  return {
    repetitions: runs.length,
    failedReads: m((r) => r.failedReads),
    failedWrites: m((r) => r.failedWrites),
    ordersLost: m((r) => r.ordersLost),
    ordersAccepted: m((r) => r.ordersAccepted),
    latencyMs: {
      baseline: { p50: m((r) => r.latencyMs.baseline.p50), p99: m((r) => r.latencyMs.baseline.p99) },
      outage: { p50: m((r) => r.latencyMs.outage.p50), p99: m((r) => r.latencyMs.outage.p99) },
    },
    p99Ratio: m((r) => r.p99Ratio),
    p99RatioSpread: spreadOf(runs.map((r) => r.p99Ratio).filter((v): v is number => v !== null)),
    runs,
  };
}

function spreadOf(values: number[]): OutageBuildSummary['p99RatioSpread'] {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? null, max: sorted[sorted.length - 1] ?? null, values: sorted };
}

/** The repetitions the p99 ratio's median needs before it counts as measured. */
export const MIN_OUTAGE_REPETITIONS = 5;

export interface GoalCheck {
  goal: string;
  value: string;
  met: boolean;
}

/**
 * The goals: generator error within 1 %, p99 ratio at most 1.5, nothing failed or lost when
 * resilient, at most $0.01 a run; and, when the fleet was measured, one worker holding the rate the
 * validator assumes.
 */
export function checkGoals(result: GoalInput): GoalCheck[] {
  const checks: GoalCheck[] = result.generator ? generatorGoals(result.generator) : [];
  if (result.arrivals) checks.push(...arrivalGoals(result.arrivals));
  if (result.outage) checks.push(...outageGoals(result.outage.resilient));
  if (result.cost) checks.push(costGoal(result.cost));
  const perWorker = result.fleet?.perWorker;
  if (perWorker) {
    const measured = perWorker.highestPassingRps;
    const value =
      measured === null
        ? `none of the rates from ${perWorker.startRps}/s`
        : `${perWorker.stoppedBy === 'trialLimit' ? 'at least ' : ''}${measured}/s`;
    checks.push({
      goal: `one traffic worker sends the assumed ${perWorker.assumedRps}/s within 1 %`,
      value,
      met: !perWorker.belowAssumption && measured !== null && measured >= perWorker.assumedRps,
    });
  }
  if (result.overhead) {
    const o = result.overhead.overheadSeconds;
    checks.push({
      goal: "a local GameDay's overhead at most 3 s",
      value: o === null ? 'n/a' : `${o.toFixed(2)} s`,
      met: o !== null && o <= 3,
    });
  }
  if (result.soak) {
    const g = result.soak.growthPercent;
    checks.push({
      goal: `soak RSS growth under 5 % (first to last ${result.soak.comparedMinutes} min of ${result.soak.minutes})`,
      value: g === null ? 'n/a' : `${g.toFixed(2)} %`,
      met: g !== null && g < 5,
    });
  }
  return checks;
}

/** The sections the goals read; a section the bench did not run (`--only`) is absent or null. */
export interface GoalInput {
  generator?: (Pick<GeneratorSection, 'rates'> & Partial<GeneratorSection>) | null;
  arrivals?: Pick<ArrivalsSection, 'rates'> | null;
  outage?: (Pick<OutageSection, 'resilient'> & Partial<OutageSection>) | null;
  cost?: Pick<CostSection, 'usdPerRun'> | null;
  fleet?: Pick<FleetSection, 'perWorker'> | null;
  overhead?: Pick<OverheadSection, 'overheadSeconds'> | null;
  soak?: Pick<SoakSection, 'growthPercent' | 'comparedMinutes' | 'minutes'> | null;
}

function outageGoals(resilient: OutageBuildSummary): GoalCheck[] {
  const checks: GoalCheck[] = [];
  // Any failure in any repetition misses the goal, not only the median one.
  const worst = (pick: (run: OutageRun) => number) => Math.max(0, ...resilient.runs.map(pick));
  const spread = resilient.p99RatioSpread;
  const ratio =
    resilient.p99Ratio === null
      ? 'n/a'
      : `${resilient.p99Ratio.toFixed(2)} (${spread.min?.toFixed(2)}-${spread.max?.toFixed(2)} over ${resilient.repetitions} runs)`;
  checks.push({
    goal: `resilient p99 during the outage at most 1.5 x baseline p99 (median of at least ${MIN_OUTAGE_REPETITIONS} runs)`,
    value: ratio,
    met: resilient.p99Ratio !== null && resilient.p99Ratio <= 1.5 && resilient.repetitions >= MIN_OUTAGE_REPETITIONS,
  });
  checks.push({
    goal: 'resilient build: no failed read in any repetition',
    value: String(worst((r) => r.failedReads)),
    met: worst((r) => r.failedReads) === 0,
  });
  checks.push({
    goal: 'resilient build: no failed write in any repetition',
    value: String(worst((r) => r.failedWrites)),
    met: worst((r) => r.failedWrites) === 0,
  });
  checks.push({
    goal: 'resilient build: no lost order in any repetition',
    value: String(worst((r) => r.ordersLost)),
    met: worst((r) => r.ordersLost) === 0,
  });
  return checks;
}

/** A default GameDay costs at most half a cent. */
export const MAX_USD_PER_RUN = 0.005;

export function costGoal(cost: Pick<CostSection, 'usdPerRun'>): GoalCheck {
  return {
    goal: `a default GameDay costs at most $${MAX_USD_PER_RUN}`,
    value: `$${cost.usdPerRun.toFixed(4)}`,
    met: cost.usdPerRun <= MAX_USD_PER_RUN,
  };
}

/** At each rate against the shop: our rate error within 1 % (the CPU goal is judged at the sink, {@link arrivalGoals}). */
export function generatorGoals(generator: Pick<GeneratorSection, 'rates'>): GoalCheck[] {
  return generator.rates.map((rate) => {
    const error = rate.ours.errorPercent;
    return {
      goal: `our generator's rate error at ${rate.offeredRps}/s within 1 %`,
      value: error === null ? 'n/a' : `${error.toFixed(2)} %`,
      met: error !== null && Math.abs(error) <= 1,
    };
  });
}

/** How far above even spacing's own index our arrivals' may be: "uniform" at every rate. */
export const MAX_DISPERSION_ABOVE_EVEN = 0.2;

/** Our CPU per request over autocannon's, at most, by rate: 1.0 from 4,000/s, 1.5 below. */
export function maxCpuRatioAt(offeredRps: number): number {
  return offeredRps >= 4_000 ? 1.0 : 1.5;
}

/**
 * At each rate against the sink: our arrivals as even as even spacing allows (its index within 0.2 of
 * perfectly even arrivals' at that rate: 0.6 at 40/s, where a 10 ms bin holds 0 or 1 request; 0 at
 * 400/s and above), and our CPU per request within its bound of autocannon's at the same fidelity.
 */
export function arrivalGoals(arrivals: Pick<ArrivalsSection, 'rates'>): GoalCheck[] {
  return arrivals.rates.flatMap((rate) => {
    const index = rate.ours.dispersionIndex;
    const bound = rate.evenSpacingDispersionIndex + MAX_DISPERSION_ABOVE_EVEN;
    const ratio = rate.cpuPerRequestRatio;
    const maxRatio = maxCpuRatioAt(rate.offeredRps);
    return [
      {
        goal: `our arrivals at ${rate.offeredRps}/s uniform: per-10 ms dispersion index at most ${bound.toFixed(2)} (even spacing's ${rate.evenSpacingDispersionIndex.toFixed(2)} + ${MAX_DISPERSION_ABOVE_EVEN})`,
        value: index === null ? 'n/a' : index.toFixed(2),
        met: index !== null && index <= bound,
      },
      {
        goal: `our CPU per request at ${rate.offeredRps}/s at most ${maxRatio.toFixed(1)} x autocannon's (at the sink)`,
        value: ratio === null ? 'n/a' : `${ratio.toFixed(2)} x`,
        met: ratio !== null && ratio <= maxRatio,
      },
    ];
  });
}
