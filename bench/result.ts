// The benchmark's result document, its goals, and the medians of the outage repetitions.
import type { FleetSection } from './fleet';
import type { CostSection } from './gameday-runs';
import type { GeneratorSection } from './generator';
import type { OutageRun, OutageTimings } from './outage';
import { median } from './stats';

export interface OutageBuildSummary {
  repetitions: number;
  failedReads: number | null;
  failedWrites: number | null;
  ordersLost: number | null;
  ordersAccepted: number | null;
  latencyMs: { baseline: { p50: number | null; p99: number | null }; outage: { p50: number | null; p99: number | null } };
  p99Ratio: number | null;
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
  note: string;
}

export interface BenchResult {
  startedAt: string;
  command: string;
  /** `loadAverage`: the 1-minute load average when the bench started and ended (the machine may be shared). */
  machine: { cores: number; node: string; platform: string; loadAverage?: { atStart: number; atEnd: number } };
  database: 'pglite' | 'postgres';
  generator: GeneratorSection;
  outage: OutageSection;
  recovery: RecoverySection;
  fleet: FleetSection;
  cost: CostSection;
  overheadSeconds: number | null;
  overhead: OverheadSection;
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
    runs,
  };
}

export interface GoalCheck {
  goal: string;
  value: string;
  met: boolean;
}

/** The generator's goals at each rate: its rate error within 1 %, and no more CPU per request than autocannon's. */
export function generatorGoals(generator: GeneratorSection): GoalCheck[] {
  return generator.rates.flatMap((rate) => {
    const error = rate.ours.errorPercent;
    const ratio = rate.cpuPerRequestRatio;
    return [
      { goal: `our generator's rate error at ${rate.offeredRps}/s within 1 %`, value: error === null ? 'n/a' : `${error.toFixed(2)} %`, met: error !== null && Math.abs(error) <= 1 },
      { goal: `our generator's CPU per request at ${rate.offeredRps}/s at most autocannon's`, value: ratio === null ? 'n/a' : `${ratio.toFixed(2)} x`, met: ratio !== null && ratio <= 1 },
    ];
  });
}

/**
 * The goals: generator error within 1 %, p99 ratio at most 1.5, nothing failed or lost when
 * resilient, at most $0.01 a run; and, when the fleet was measured, one worker holding the rate the
 * validator assumes.
 */
export function checkGoals(result: Pick<BenchResult, 'generator' | 'outage' | 'cost'> & { fleet?: Pick<FleetSection, 'perWorker'> }): GoalCheck[] {
  const checks: GoalCheck[] = generatorGoals(result.generator);
  const resilient = result.outage.resilient;
  // Any failure in any repetition misses the goal, not only the median one.
  const worst = (pick: (run: OutageRun) => number) => Math.max(0, ...resilient.runs.map(pick));
  checks.push({ goal: 'resilient p99 during the outage at most 1.5 x baseline p99', value: resilient.p99Ratio === null ? 'n/a' : resilient.p99Ratio.toFixed(2), met: resilient.p99Ratio !== null && resilient.p99Ratio <= 1.5 });
  checks.push({ goal: 'resilient build: no failed read in any repetition', value: String(worst((r) => r.failedReads)), met: worst((r) => r.failedReads) === 0 });
  checks.push({ goal: 'resilient build: no failed write in any repetition', value: String(worst((r) => r.failedWrites)), met: worst((r) => r.failedWrites) === 0 });
  checks.push({ goal: 'resilient build: no lost order in any repetition', value: String(worst((r) => r.ordersLost)), met: worst((r) => r.ordersLost) === 0 });
  checks.push({ goal: 'a default GameDay costs at most $0.01', value: `$${result.cost.usdPerRun.toFixed(4)}`, met: result.cost.usdPerRun <= 0.01 });
  const perWorker = result.fleet?.perWorker;
  if (perWorker) {
    const measured = perWorker.highestPassingRps;
    const value = measured === null ? `none of the rates from ${perWorker.startRps}/s` : `${perWorker.stoppedBy === 'trialLimit' ? 'at least ' : ''}${measured}/s`;
    checks.push({ goal: `one traffic worker sends the assumed ${perWorker.assumedRps}/s within 1 %`, value, met: !perWorker.belowAssumption && measured !== null && measured >= perWorker.assumedRps });
  }
  return checks;
}
