// `npm run bench`: traffic fidelity, latency through an outage, recovery time, cost per run, runner overhead.
import '../local/runner/polyfills';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { startLab, type Lab } from '../local/lab/lab';
import { LOCAL_EXPERIMENT, LOCAL_LAB } from '../local/runner/local-config';
import { startTrafficWorkerPool, type TrafficWorkerPool } from '../local/runner/traffic-workers';
import { TRAFFIC_SIZES, type TrafficSize } from '../steps/core/run-settings';
import {
  benchFleetFidelity,
  FLEET_DEFINITIONS,
  runFleetTrial,
  noFailure,
  perWorkerVerdict,
  searchFleetRate,
  withinOnePercent,
  type FleetSection,
} from './fleet';
import {
  costOfDefaultRun,
  runShortGameDay,
  stepMemoryMb,
  type CostSection,
  type GameDayRun,
  type OverheadBreakdown,
} from './gameday-runs';
import { benchGenerator, type GeneratorSection } from './generator';
import { benchReportMerge, type ReportMergeSection } from './report-merge';
import { benchMemory, benchSoak, type MemorySection, type SoakSection } from './memory';
import { runOutage, type OutageRun, type OutageTimings } from './outage';
import { trafficSizing, type TrafficSizing, type TrafficSizingTrial } from './sizing';
import {
  BENCH_SECTIONS,
  checkGoals,
  MIN_OUTAGE_REPETITIONS,
  summariseOutageRuns,
  type BenchResult,
  type BenchSectionName,
  type OverheadSection,
} from './result';
import { median } from './stats';
import { formatTable } from './table';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface BenchOptions {
  json?: string;
  quick: boolean;
  repetitions?: number;
  outageRepetitions?: number;
  postgresUrl: string;
  only?: BenchSectionName[];
  soak: boolean;
  soakMinutes: number;
}

interface Plan {
  generatorRates: number[];
  generatorSeconds: number;
  generatorWarmUpSeconds: number;
  generatorRepetitions: number;
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
const SMALL = TRAFFIC_SIZES.small.perWorker;

function planFor(options: BenchOptions): Plan {
  const reps = options.repetitions ?? (options.quick ? 1 : 3);
  return {
    generatorRates: [4, 40, 400],
    generatorSeconds: options.quick ? 3 : 10,
    // Past V8's memory-reducing GC, about 8 s after the child starts (docs/decisions.md).
    generatorWarmUpSeconds: options.quick ? 1 : 10,
    generatorRepetitions: reps,
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

const log = (line: string) => console.error(line);

async function withLab<T>(
  degradation: boolean,
  work: (lab: Lab, startSeconds: number) => Promise<T>,
  databaseUrl?: string,
): Promise<T> {
  const starting = performance.now();
  const lab = await startLab({ ...LOCAL_LAB, degradation, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    return await work(lab, (performance.now() - starting) / 1000);
  } finally {
    await lab.stop();
  }
}

async function outageRuns(lab: Lab, plan: Plan, repetitions: number, label: string): Promise<OutageRun[]> {
  const runs: OutageRun[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    const run = await runOutage(lab, plan.outage, `bench-outage-${label}-${rep}-${Date.now()}`);
    log(
      `  outage ${label} rep ${rep + 1}: failed ${run.failedReads} reads / ${run.failedWrites} writes, lost ${run.ordersLost}, p99 ${run.latencyMs.baseline.p99} -> ${run.latencyMs.outage.p99} ms`,
    );
    runs.push(run);
  }
  return runs;
}

/** Pools of traffic worker processes, started before the first trial and closed after the last. */
async function withPools<T>(sizes: readonly number[], work: (pools: TrafficWorkerPool[]) => Promise<T>): Promise<T> {
  const started = await Promise.allSettled(sizes.map((size) => startTrafficWorkerPool({ size })));
  const pools = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  try {
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return await work(pools);
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/** One worker process at the trial rate, a few times: its CPU per request sizes the traffic function. */
async function measureTrafficSizing(
  lab: Lab,
  pool: TrafficWorkerPool,
  plan: Plan,
  stepMemory: Record<string, number>,
): Promise<TrafficSizing> {
  const z = plan.sizing;
  await runFleetTrial(pool, {
    shopUrl: lab.shopUrl,
    shopAnswers: shopAnswers(lab),
    runId: `bench-sizing-warm-${Date.now()}`,
    totalRps: z.trialRps,
    mix: { readsPerWrite: z.readsPerWrite },
    durationSeconds: plan.fleet.warmUpSeconds,
  });
  const trials: TrafficSizingTrial[] = [];
  for (let rep = 0; rep < z.repetitions; rep++) {
    const f = await runFleetTrial(pool, {
      shopUrl: lab.shopUrl,
      shopAnswers: shopAnswers(lab),
      runId: `bench-sizing-${rep}-${Date.now()}`,
      totalRps: z.trialRps,
      mix: { readsPerWrite: z.readsPerWrite },
      durationSeconds: z.seconds,
    });
    log(
      `  sizing rep ${rep + 1}: ${f.achievedRps.toFixed(1)}/s of ${f.offeredRps}/s, CPU ${f.cpuMicrosPerRequest?.toFixed(0) ?? 'n/a'} us/req`,
    );
    trials.push({
      offeredRps: f.offeredRps,
      achievedRps: f.achievedRps,
      errorPercent: f.errorPercent,
      cpuMicrosPerRequest: f.cpuMicrosPerRequest,
    });
  }
  const sizes = (Object.keys(TRAFFIC_SIZES) as TrafficSize[]).map((size) => ({
    size,
    perWorkerRps: TRAFFIC_SIZES[size].perWorker.reads + TRAFFIC_SIZES[size].perWorker.writes,
    configuredMemoryMb: stepMemory[`traffic:${size}`] ?? 128,
  }));
  return trafficSizing(trials, sizes, z.trialRps);
}

/** Successful answers the lab's shop has sent so far. */
function shopAnswers(lab: Lab): () => number {
  return () => {
    const { reads, writes } = lab.traffic.snapshot();
    return reads.database + reads.cache + writes.ok + writes.queued + writes.stockOut;
  };
}

/** The PostgreSQL searches: the fleet's highest rate with no failure, and one worker's rate within 1 %. */
async function postgresSearches(
  plan: Plan,
  postgresUrl: string,
): Promise<Pick<FleetSection, 'postgresCapacity' | 'perWorker'>> {
  const c = plan.fleet.capacity;
  const w = plan.fleet.perWorker;
  return withLab(
    true,
    (lab) =>
      withPools([c.workers, 1], async ([fleetPool, onePool]) => {
        const database = lab.database.kind;
        log(`bench: fleet, highest rate with no failure (${c.workers} workers, ${database})`);
        const postgresCapacity = await searchFleetRate(
          {
            shopUrl: lab.shopUrl,
            shopAnswers: shopAnswers(lab),
            database,
            pool: fleetPool,
            mix: { readsPerWrite: c.readsPerWrite },
            startRps: c.startRps,
            stepRps: c.stepRps,
            maxTrials: c.maxTrials,
            trialSeconds: c.trialSeconds,
            repeatsOnFailure: plan.fleet.repeatsOnFailure,
            warmUpSeconds: plan.fleet.warmUpSeconds,
            label: 'capacity',
            log,
          },
          { name: 'no failed request', passed: noFailure },
        );
        log(`bench: fleet, one worker's rate within 1 % (${database})`);
        const search = await searchFleetRate(
          {
            shopUrl: lab.shopUrl,
            shopAnswers: shopAnswers(lab),
            database,
            pool: onePool,
            mix: { readsPerWrite: w.readsPerWrite },
            startRps: w.startRps,
            stepRps: w.stepRps,
            maxTrials: w.maxTrials,
            trialSeconds: w.trialSeconds,
            repeatsOnFailure: plan.fleet.repeatsOnFailure,
            warmUpSeconds: plan.fleet.warmUpSeconds,
            label: 'one-worker',
            log,
          },
          { name: 'achieved within 1 % of offered', passed: withinOnePercent },
        );
        return { postgresCapacity, perWorker: perWorkerVerdict(search, SMALL.reads + SMALL.writes) };
      }),
    postgresUrl,
  );
}

async function bench(options: BenchOptions, command: string): Promise<BenchResult> {
  const plan = planFor(options);
  const sections = sectionsOf(options);
  const runs = (section: BenchSectionName) => sections.includes(section);
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  log(
    `bench: ${os.availableParallelism()} cores; ${options.quick ? 'quick' : 'full'} plan; sections ${sections.join(', ')}`,
  );

  // First, while no other lab has run in this process: what a local GameDay holds at its peak.
  let memory: MemorySection | null = null;
  if (runs('memory')) {
    log('bench: memory of a local GameDay');
    memory = await benchMemory(plan.gameDay);
    log(`  peak RSS ${memory.peakRssMb} MB (${memory.verdict})`);
  }

  let labStartSeconds: number | null = null;
  // The cost of a default run is priced from the same local GameDays the overhead is measured on.
  const gameDaysNeeded = runs('overhead') || runs('cost');
  const resilientPart = !(runs('generator') || runs('outage') || gameDaysNeeded || runs('fleet'))
    ? null
    : await withLab(true, async (lab, startSeconds) => {
        labStartSeconds = startSeconds;
        let generator: GeneratorSection | null = null;
        if (runs('generator')) {
          log('bench: traffic generator vs autocannon');
          generator = await benchGenerator({
            shopUrl: lab.shopUrl,
            rates: plan.generatorRates,
            durationSeconds: plan.generatorSeconds,
            warmUpSeconds: plan.generatorWarmUpSeconds,
            repetitions: plan.generatorRepetitions,
            log,
          });
        }
        let resilient: OutageRun[] | null = null;
        if (runs('outage')) {
          log('bench: outage, resilient build');
          resilient = await outageRuns(lab, plan, plan.resilientOutageRepetitions, 'resilient');
        }
        let overhead: { gameDays: GameDayRun[]; stepMemory: Record<string, number> } | null = null;
        if (gameDaysNeeded) {
          log('bench: local GameDays');
          const gameDays: GameDayRun[] = [];
          for (let i = 0; i < plan.gameDayRuns; i++) {
            const run = await runShortGameDay(lab, plan.gameDay);
            log(
              `  GameDay ${i + 1}: ${run.verdict}, ${(run.wallMs / 1000).toFixed(1)} s, overhead ${run.overheadSeconds.toFixed(2)} s, ${run.transitions} transitions`,
            );
            gameDays.push(run);
          }
          overhead = { gameDays, stepMemory: await stepMemoryMb(lab) };
        }
        let fidelity: FleetSection['fidelity'] | null = null;
        if (runs('fleet')) {
          log(
            `bench: fleet of traffic workers at ${plan.fleet.totalRps}/s (${plan.fleet.workerCounts.join(', ')} workers)`,
          );
          fidelity = await withPools(plan.fleet.workerCounts, (pools) =>
            benchFleetFidelity({
              shopUrl: lab.shopUrl,
              shopAnswers: shopAnswers(lab),
              database: lab.database.kind,
              pools,
              totalRps: plan.fleet.totalRps,
              mix: { readsPerWrite: plan.fleet.readsPerWrite },
              durationSeconds: plan.fleet.seconds,
              repetitions: plan.generatorRepetitions,
              log,
            }),
          );
        }
        let sizing: TrafficSizing | null = null;
        if (runs('cost')) {
          log(`bench: traffic function sizing, one worker at ${plan.sizing.trialRps}/s`);
          const stepMemory = overhead?.stepMemory ?? {};
          sizing = await withPools([1], ([pool]) => measureTrafficSizing(lab, pool, plan, stepMemory));
        }
        return { generator, resilient, overhead, fidelity, sizing, database: lab.database.kind };
      });
  let fragile: OutageRun[] | null = null;
  if (runs('outage')) {
    log('bench: outage, fragile build');
    fragile = await withLab(false, (lab) => outageRuns(lab, plan, plan.fragileOutageRepetitions, 'fragile'));
  }

  let fleet: FleetSection | null = null;
  if (runs('fleet') && resilientPart?.fidelity) {
    let searches: Pick<FleetSection, 'postgresCapacity' | 'perWorker'> = { postgresCapacity: null, perWorker: null };
    let postgresSkipped: string | null = null;
    try {
      searches = await postgresSearches(plan, options.postgresUrl);
    } catch (error) {
      postgresSkipped = `no PostgreSQL lab at ${redactedUrl(options.postgresUrl)}: ${error instanceof Error ? error.message : String(error)}`;
      log(`bench: ${postgresSkipped}`);
    }
    fleet = { fidelity: resilientPart.fidelity, ...searches, postgresSkipped, definitions: { ...FLEET_DEFINITIONS } };
  }

  let reportMerge: ReportMergeSection | null = null;
  if (runs('report-merge')) {
    log('bench: the report merge of the largest accepted run');
    reportMerge = await benchReportMerge(log);
    log(
      `  ${reportMerge.seconds.toFixed(1)} s (${reportMerge.cpuSeconds.toFixed(1)} s CPU), peak RSS ${reportMerge.peakRssMb} MB: the report function needs ${reportMerge.derivedMemoryMb} MB, the stack gives it ${reportMerge.stackMemoryMb} MB (${reportMerge.verdict})`,
    );
  }

  let soak: SoakSection | null = null;
  if (runs('soak')) {
    log(`bench: soak, ${options.soakMinutes} min at 300 reads + 100 writes/s`);
    soak = await benchSoak(options.soakMinutes, log);
  }

  const database = resilientPart?.database ?? 'pglite';
  const resilient = resilientPart?.resilient ?? null;
  const outage =
    resilient && fragile
      ? {
          timings: plan.outage,
          database,
          resilient: summariseOutageRuns(resilient),
          fragile: summariseOutageRuns(fragile),
        }
      : null;
  const recovery = resilient
    ? {
        timeToFirstDatabaseReadMs: median(
          resilient.map((r) => r.timeToFirstDatabaseReadMs).filter((v): v is number => v !== null),
        ),
        timeToDrainMs: median(resilient.map((r) => r.timeToDrainMs).filter((v): v is number => v !== null)),
        breakerRecoveryTimeoutMs: LOCAL_LAB.breakerRecoveryTimeoutMs ?? 30_000,
        registrationDelayMs: LOCAL_LAB.registrationDelayMs ?? 1_000,
        repetitions: resilient.length,
      }
    : null;
  const gameDays = resilientPart?.overhead?.gameDays ?? null;
  const overheadMeasured = gameDays ? overheadSection(gameDays, plan, labStartSeconds) : null;
  const overhead = runs('overhead') ? overheadMeasured : null;
  const cost =
    runs('cost') && gameDays && resilientPart?.overhead
      ? {
          ...costSection(gameDays, plan, overheadMeasured?.overheadSeconds ?? null, resilientPart.overhead.stepMemory),
          trafficSizing: resilientPart.sizing,
        }
      : null;
  const generator = resilientPart?.generator ?? null;
  return {
    startedAt: new Date(started).toISOString(),
    command,
    machine: {
      cores: os.availableParallelism(),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      loadAverage: { atStart: loadAtStart, atEnd: os.loadavg()[0] },
    },
    database,
    sections,
    generator,
    outage,
    recovery,
    fleet,
    cost,
    overheadSeconds: overhead?.overheadSeconds ?? null,
    overhead,
    memory,
    soak,
    reportMerge,
    goals: checkGoals({ generator, outage, cost, fleet, overhead, soak }),
    wallSeconds: (Date.now() - started) / 1000,
  };
}

/** The sections a command runs: `--only`'s list, `--soak` added; without either, every one but the soak and the report merge. */
function sectionsOf(options: BenchOptions): BenchSectionName[] {
  const chosen = new Set<BenchSectionName>(
    options.only ??
      (options.soak ? [] : BENCH_SECTIONS.filter((section) => section !== 'soak' && section !== 'report-merge')),
  );
  if (options.soak) chosen.add('soak');
  return BENCH_SECTIONS.filter((section) => chosen.has(section));
}

function overheadSection(gameDays: GameDayRun[], plan: Plan, labStartSeconds: number | null): OverheadSection {
  const m = (pick: (b: OverheadBreakdown) => number | null) =>
    median(gameDays.map((run) => pick(run.breakdown)).filter((v): v is number => v !== null));
  return {
    overheadSeconds: median(gameDays.map((run) => run.overheadSeconds)),
    configuredPhaseSeconds: plan.gameDay.baselineSeconds + plan.gameDay.outageSeconds + plan.gameDay.recoverySeconds,
    wallSeconds: gameDays.map((run) => run.wallMs / 1000),
    runs: gameDays.length,
    breakdownSeconds: {
      beforeFirstState: m((b) => b.beforeFirstState),
      preflight: m((b) => b.preflight),
      phasesBeyondConfigured: m((b) => b.phasesBeyondConfigured),
      drain: m((b) => b.drain),
      afterDrain: m((b) => b.afterDrain),
    },
    labStartSeconds,
    note: 'wall time of runLocalGameDay (synthesis or its cache, preflight, the restoring windows until AVAILABLE, the drain readings, verification, report) minus baseline + outage + recovery; the lab is started once before the runs',
  };
}

/** The run closest to the median overhead stands for all of them in the cost section. */
function costSection(
  gameDays: GameDayRun[],
  plan: Plan,
  overheadSeconds: number | null,
  stepMemory: Record<string, number>,
): CostSection {
  const representative = [...gameDays].sort(
    (a, b) =>
      Math.abs(a.overheadSeconds - (overheadSeconds ?? 0)) - Math.abs(b.overheadSeconds - (overheadSeconds ?? 0)),
  )[0];
  return costOfDefaultRun(representative, plan.gameDay, stepMemory, LOCAL_EXPERIMENT.windowSeconds);
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function sectionList(value: string): BenchSectionName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(BENCH_SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0)
    throw new InvalidArgumentError(`sections are ${BENCH_SECTIONS.join(', ')} (got ${value})`);
  return names as BenchSectionName[];
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('bench')
    .description(
      'benchmarks the GameDay on the local lab: traffic fidelity, outage latency, recovery time, cost per run',
    )
    .option('--json <path>', 'also write the result document as JSON to this path')
    .option('--quick', 'short runs and one repetition (a smoke test; figures are not comparable)', false)
    .option('--repetitions <n>', 'repetitions of each noisy figure (default 3; 1 with --quick)', positiveInteger)
    .option('--outage-repetitions <n>', 'runs of the resilient outage (default 5; 1 with --quick)', positiveInteger)
    .option('--only <sections>', `run only these sections, comma-separated: ${BENCH_SECTIONS.join(', ')}`, sectionList)
    .option('--soak', 'also run the soak (alone, unless --only names more sections)', false)
    .option('--soak-minutes <n>', 'minutes of the soak', positiveInteger, 20)
    .option(
      '--postgres-url <url>',
      "the PostgreSQL server of the fleet's rate searches (its tables are the lab's to create)",
      process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    )
    .showHelpAfterError();
  program.parse(argv);
  const options = program.opts<BenchOptions>();
  const command = ['npm run bench', ...(argv.length > 2 ? ['--', ...argv.slice(2)] : [])].join(' ');
  const result = await bench(options, command);
  console.log(formatTable(result));
  if (options.json) {
    await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
    log(`bench: result written to ${options.json}`);
  }
  return 0;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
