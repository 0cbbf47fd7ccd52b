// What `npm run bench` measures and for how long: its options, each section's plan, the sections a command runs.
import type { OutageTimings } from './outage';
import { BENCH_SECTIONS, MIN_OUTAGE_REPETITIONS, type BenchSectionName } from './result';
import { TRAFFIC_SIZES } from '../steps/core/run-settings';

export interface BenchOptions {
  json?: string;
  quick: boolean;
  repetitions?: number;
  outageRepetitions?: number;
  postgresUrl: string;
  only?: BenchSectionName[];
  soak: boolean;
  soakMinutes: number;
}

export interface Plan {
  generatorRates: number[];
  generatorSeconds: number;
  generatorWarmUpSeconds: number;
  generatorRepetitions: number;
  /** The arrivals at a sink: rates, measured seconds, the same warm-up as the generator's. */
  arrivalRates: number[];
  arrivalSeconds: number;
  outage: OutageTimings;
  resilientOutageRepetitions: number;
  fragileOutageRepetitions: number;
  gameDay: { baselineSeconds: number; outageSeconds: number; recoverySeconds: number };
  gameDayRuns: number;
  /** The traffic function's sizing: one worker at `trialRps` (what the PGlite lab holds), `repetitions` trials of `seconds`. */
  sizing: { trialRps: number; readsPerWrite: number; seconds: number; repetitions: number };
  fleet: {
    workerCounts: number[];
    totalRps: number;
    readsPerWrite: number;
    seconds: number;
    /** The PostgreSQL capacity search: its workers, first rate, step and bound. */
    capacity: {
      workers: number;
      startRps: number;
      stepRps: number;
      maxTrials: number;
      trialSeconds: number;
      readsPerWrite: number;
    };
    /** Both searches: tries again of a failed rate, and the unmeasured warm-up before the first. */
    repeatsOnFailure: number;
    warmUpSeconds: number;
    /** One worker's rate within 1 %: the validator's mix (the small size's per-worker rate) and a range that reaches past its assumption. */
    perWorker: { startRps: number; stepRps: number; maxTrials: number; trialSeconds: number; readsPerWrite: number };
  };
}

/** What one worker of the small traffic function carries: the fleet's per-worker search starts there. */
export const SMALL = TRAFFIC_SIZES.small.perWorker;

export function planFor(options: BenchOptions): Plan {
  const reps = options.repetitions ?? (options.quick ? 1 : 3);
  return {
    generatorRates: [4, 40, 400],
    generatorSeconds: options.quick ? 3 : 10,
    // Past V8's memory-reducing GC, about 8 s after the child starts (docs/decisions.md).
    generatorWarmUpSeconds: options.quick ? 1 : 10,
    generatorRepetitions: reps,
    arrivalRates: [40, 400, 4_000],
    arrivalSeconds: options.quick ? 3 : 10,
    outage: options.quick
      ? {
          warmUpSeconds: 2,
          baselineSeconds: 4,
          outageSeconds: 6,
          recoverySeconds: 4,
          readsPerSecond: 300,
          writesPerSecond: 100,
        }
      : {
          warmUpSeconds: 5,
          baselineSeconds: 10,
          outageSeconds: 15,
          recoverySeconds: 10,
          readsPerSecond: 300,
          writesPerSecond: 100,
        },
    // The p99 ratio moves with one spike of a few milliseconds: its median needs at least 5 runs.
    resilientOutageRepetitions: options.outageRepetitions ?? (options.quick ? 1 : MIN_OUTAGE_REPETITIONS),
    // The fragile build is the contrast, not the subject: one run shows what it does.
    fragileOutageRepetitions: 1,
    gameDay: { baselineSeconds: 3, outageSeconds: 5, recoverySeconds: 3 },
    gameDayRuns: reps,
    sizing: {
      trialRps: 300,
      readsPerWrite: SMALL.reads / SMALL.writes,
      seconds: options.quick ? 3 : 10,
      repetitions: reps,
    },
    fleet: {
      workerCounts: [1, 2, 4],
      // Below what PGlite holds (300 + 100 narrowly), so the table shows the fleet, not the lab's limit.
      totalRps: 200,
      readsPerWrite: 3,
      seconds: options.quick ? 3 : 10,
      capacity: {
        workers: 2,
        startRps: 400,
        stepRps: 200,
        maxTrials: options.quick ? 3 : 12,
        trialSeconds: options.quick ? 3 : 5,
        readsPerWrite: 3,
      },
      // The machine is shared: a failed rate is tried once more before the search ends there.
      repeatsOnFailure: 1,
      warmUpSeconds: 3,
      perWorker: {
        // From the assumed rate up, in steps of twice it: the first trial is the assumption itself.
        startRps: SMALL.reads + SMALL.writes,
        stepRps: 2 * (SMALL.reads + SMALL.writes),
        maxTrials: options.quick ? 3 : 10,
        // 10 s: the last answer's latency stretches the measured span, and must stay well under 1 % of it.
        trialSeconds: options.quick ? 3 : 10,
        readsPerWrite: SMALL.reads / SMALL.writes,
      },
    },
  };
}

/** The sections a command runs: `--only`'s list, `--soak` added; without either, every one but the soak and the report merge. */
export function sectionsOf(options: BenchOptions): BenchSectionName[] {
  const chosen = new Set<BenchSectionName>(
    options.only ??
      (options.soak ? [] : BENCH_SECTIONS.filter((section) => section !== 'soak' && section !== 'report-merge')),
  );
  if (options.soak) chosen.add('soak');
  return BENCH_SECTIONS.filter((section) => chosen.has(section));
}
