// `npm run bench`: traffic fidelity, latency through an outage, recovery time, cost per run, runner overhead.
import '../local/polyfills';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { startLab, type Lab } from '../local/lab';
import { LOCAL_EXPERIMENT, LOCAL_LAB } from '../local/local-config';
import { startTrafficWorkerPool, type TrafficWorkerPool } from '../local/traffic-workers';
import { PER_WORKER_RATE } from '../steps/core/run-settings';
import { benchFleetFidelity, FLEET_DEFINITIONS, noFailure, perWorkerVerdict, searchFleetRate, withinOnePercent, type FleetSection } from './fleet';
import { costOfDefaultRun, runShortGameDay, stepMemoryMb, type GameDayRun } from './gameday-runs';
import { benchGenerator, type GeneratorSection } from './generator';
import { runOutage, type OutageRun, type OutageTimings } from './outage';
import { checkGoals, generatorGoals, summariseOutageRuns, type BenchResult, type GoalCheck } from './result';
import { median } from './stats';
import { fmt, formatGeneratorTable, formatTable } from './table';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface BenchOptions {
  json?: string;
  quick: boolean;
  /** One section alone (its own lab), for measuring one change without the other sections' 10 minutes. */
  only?: 'generator';
  repetitions?: number;
  postgresUrl: string;
}

interface Plan {
  generatorRates: number[];
  generatorSeconds: number;
  generatorRepetitions: number;
  outage: OutageTimings;
  resilientOutageRepetitions: number;
  fragileOutageRepetitions: number;
  gameDay: { baselineSeconds: number; outageSeconds: number; recoverySeconds: number };
  gameDayRuns: number;
  fleet: {
    workerCounts: number[];
    totalRps: number;
    readsPerWrite: number;
    seconds: number;
    /** The PostgreSQL capacity search: its workers, first rate, step and bound. */
    capacity: { workers: number; startRps: number; stepRps: number; maxTrials: number; trialSeconds: number; readsPerWrite: number };
    /** Both searches: tries again of a failed rate, and the unmeasured warm-up before the first. */
    repeatsOnFailure: number;
    warmUpSeconds: number;
    /** One worker's rate within 1 %: the validator's mix (PER_WORKER_RATE) and a range that reaches past its assumption. */
    perWorker: { startRps: number; stepRps: number; maxTrials: number; trialSeconds: number; readsPerWrite: number };
  };
}

function planFor(options: BenchOptions): Plan {
  const reps = options.repetitions ?? (options.quick ? 1 : 3);
  return {
    generatorRates: [4, 40, 400],
    generatorSeconds: options.quick ? 3 : 10,
    generatorRepetitions: reps,
    outage: options.quick
      ? { baselineSeconds: 4, outageSeconds: 6, recoverySeconds: 4, readsPerSecond: 300, writesPerSecond: 100 }
      : { baselineSeconds: 10, outageSeconds: 15, recoverySeconds: 10, readsPerSecond: 300, writesPerSecond: 100 },
    resilientOutageRepetitions: reps,
    // The fragile build is the contrast, not the subject: one run shows what it does.
    fragileOutageRepetitions: 1,
    gameDay: { baselineSeconds: 3, outageSeconds: 5, recoverySeconds: 3 },
    gameDayRuns: reps,
    fleet: {
      workerCounts: [1, 2, 4],
      // Below what PGlite holds (300 + 100 narrowly), so the table shows the fleet, not the lab's limit.
      totalRps: 200,
      readsPerWrite: 3,
      seconds: options.quick ? 3 : 10,
      capacity: { workers: 2, startRps: 400, stepRps: 200, maxTrials: options.quick ? 3 : 12, trialSeconds: options.quick ? 3 : 5, readsPerWrite: 3 },
      // The machine is shared: a failed rate is tried once more before the search ends there.
      repeatsOnFailure: 1,
      warmUpSeconds: 3,
      perWorker: {
        startRps: 300,
        stepRps: 200,
        maxTrials: options.quick ? 3 : 10,
        // 10 s: the last answer's latency stretches the measured span, and must stay well under 1 % of it.
        trialSeconds: options.quick ? 3 : 10,
        readsPerWrite: PER_WORKER_RATE.reads / PER_WORKER_RATE.writes,
      },
    },
  };
}

const log = (line: string) => console.error(line);

async function withLab<T>(degradation: boolean, work: (lab: Lab) => Promise<T>, databaseUrl?: string): Promise<T> {
  const lab = await startLab({ ...LOCAL_LAB, degradation, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    return await work(lab);
  } finally {
    await lab.stop();
  }
}

async function outageRuns(lab: Lab, plan: Plan, repetitions: number, label: string): Promise<OutageRun[]> {
  const runs: OutageRun[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    const run = await runOutage(lab, plan.outage, `bench-outage-${label}-${rep}-${Date.now()}`);
    log(`  outage ${label} rep ${rep + 1}: failed ${run.failedReads} reads / ${run.failedWrites} writes, lost ${run.ordersLost}, p99 ${run.latencyMs.baseline.p99} -> ${run.latencyMs.outage.p99} ms`);
    runs.push(run);
  }
  return runs;
}

/** The machine the bench ran on, with its load average at the start and now. */
function machineOf(loadAtStart: number): BenchResult['machine'] {
  return { cores: os.availableParallelism(), node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverage: { atStart: loadAtStart, atEnd: os.loadavg()[0] } };
}

function generatorSection(lab: Lab, plan: Plan): Promise<GeneratorSection> {
  return benchGenerator({ shopUrl: lab.shopUrl, rates: plan.generatorRates, durationSeconds: plan.generatorSeconds, repetitions: plan.generatorRepetitions, log });
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

/** Successful answers the lab's shop has sent so far. */
function shopAnswers(lab: Lab): () => number {
  return () => {
    const { reads, writes } = lab.traffic.snapshot();
    return reads.database + reads.cache + writes.ok + writes.queued + writes.stockOut;
  };
}

/** The PostgreSQL searches: the fleet's highest rate with no failure, and one worker's rate within 1 %. */
async function postgresSearches(plan: Plan, postgresUrl: string): Promise<Pick<FleetSection, 'postgresCapacity' | 'perWorker'>> {
  const c = plan.fleet.capacity;
  const w = plan.fleet.perWorker;
  return withLab(
    true,
    (lab) =>
      withPools([c.workers, 1], async ([fleetPool, onePool]) => {
        const database = lab.database.kind;
        log(`bench: fleet, highest rate with no failure (${c.workers} workers, ${database})`);
        const postgresCapacity = await searchFleetRate(
          { shopUrl: lab.shopUrl, shopAnswers: shopAnswers(lab), database, pool: fleetPool, mix: { readsPerWrite: c.readsPerWrite }, startRps: c.startRps, stepRps: c.stepRps, maxTrials: c.maxTrials, trialSeconds: c.trialSeconds, repeatsOnFailure: plan.fleet.repeatsOnFailure, warmUpSeconds: plan.fleet.warmUpSeconds, label: 'capacity', log },
          { name: 'no failed request', passed: noFailure },
        );
        log(`bench: fleet, one worker's rate within 1 % (${database})`);
        const search = await searchFleetRate(
          { shopUrl: lab.shopUrl, shopAnswers: shopAnswers(lab), database, pool: onePool, mix: { readsPerWrite: w.readsPerWrite }, startRps: w.startRps, stepRps: w.stepRps, maxTrials: w.maxTrials, trialSeconds: w.trialSeconds, repeatsOnFailure: plan.fleet.repeatsOnFailure, warmUpSeconds: plan.fleet.warmUpSeconds, label: 'one-worker', log },
          { name: 'achieved within 1 % of offered', passed: withinOnePercent },
        );
        return { postgresCapacity, perWorker: perWorkerVerdict(search, PER_WORKER_RATE.reads + PER_WORKER_RATE.writes) };
      }),
    postgresUrl,
  );
}

async function bench(options: BenchOptions, command: string): Promise<BenchResult> {
  const plan = planFor(options);
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  log(`bench: ${os.availableParallelism()} cores; ${options.quick ? 'quick' : 'full'} plan`);

  const resilientPart = await withLab(true, async (lab) => {
    log('bench: traffic generator vs autocannon');
    const generator = await generatorSection(lab, plan);
    log('bench: outage, resilient build');
    const resilient = await outageRuns(lab, plan, plan.resilientOutageRepetitions, 'resilient');
    log('bench: local GameDays');
    const gameDays: GameDayRun[] = [];
    for (let i = 0; i < plan.gameDayRuns; i++) {
      const run = await runShortGameDay(lab, plan.gameDay);
      log(`  GameDay ${i + 1}: ${run.verdict}, ${(run.wallMs / 1000).toFixed(1)} s, ${run.transitions} transitions`);
      gameDays.push(run);
    }
    const memory = await stepMemoryMb(lab);
    log(`bench: fleet of traffic workers at ${plan.fleet.totalRps}/s (${plan.fleet.workerCounts.join(', ')} workers)`);
    const fidelity = await withPools(plan.fleet.workerCounts, (pools) =>
      benchFleetFidelity({ shopUrl: lab.shopUrl, shopAnswers: shopAnswers(lab), database: lab.database.kind, pools, totalRps: plan.fleet.totalRps, mix: { readsPerWrite: plan.fleet.readsPerWrite }, durationSeconds: plan.fleet.seconds, repetitions: plan.generatorRepetitions, log }),
    );
    return { generator, resilient, gameDays, memory, fidelity, database: lab.database.kind };
  });
  log('bench: outage, fragile build');
  const fragile = await withLab(false, (lab) => outageRuns(lab, plan, plan.fragileOutageRepetitions, 'fragile'));

  let searches: Pick<FleetSection, 'postgresCapacity' | 'perWorker'> = { postgresCapacity: null, perWorker: null };
  let postgresSkipped: string | null = null;
  try {
    searches = await postgresSearches(plan, options.postgresUrl);
  } catch (error) {
    postgresSkipped = `no PostgreSQL lab at ${redactedUrl(options.postgresUrl)}: ${error instanceof Error ? error.message : String(error)}`;
    log(`bench: ${postgresSkipped}`);
  }
  const fleet: FleetSection = { fidelity: resilientPart.fidelity, ...searches, postgresSkipped, definitions: { ...FLEET_DEFINITIONS } };

  const { generator, resilient, gameDays, memory, database } = resilientPart;
  const configuredPhaseSeconds = plan.gameDay.baselineSeconds + plan.gameDay.outageSeconds + plan.gameDay.recoverySeconds;
  const overheadSeconds = median(gameDays.map((run) => run.overheadSeconds));
  // The run closest to the median overhead stands for all of them in the cost section.
  const representative = [...gameDays].sort((a, b) => Math.abs(a.overheadSeconds - (overheadSeconds ?? 0)) - Math.abs(b.overheadSeconds - (overheadSeconds ?? 0)))[0];
  const cost = costOfDefaultRun(representative, plan.gameDay, memory, LOCAL_EXPERIMENT.windowSeconds);
  const outage = { timings: plan.outage, database, resilient: summariseOutageRuns(resilient), fragile: summariseOutageRuns(fragile) };
  const partial = { generator, outage, cost, fleet };
  return {
    startedAt: new Date(started).toISOString(),
    command,
    machine: machineOf(loadAtStart),
    database,
    generator,
    outage,
    recovery: {
      timeToFirstDatabaseReadMs: median(resilient.map((r) => r.timeToFirstDatabaseReadMs).filter((v): v is number => v !== null)),
      timeToDrainMs: median(resilient.map((r) => r.timeToDrainMs).filter((v): v is number => v !== null)),
      breakerRecoveryTimeoutMs: LOCAL_LAB.breakerRecoveryTimeoutMs ?? 30_000,
      registrationDelayMs: LOCAL_LAB.registrationDelayMs ?? 1_000,
      repetitions: resilient.length,
    },
    fleet,
    cost,
    overheadSeconds,
    overhead: {
      overheadSeconds,
      configuredPhaseSeconds,
      wallSeconds: gameDays.map((run) => run.wallMs / 1000),
      runs: gameDays.length,
      note: 'wall time of runLocalGameDay (synthesis, preflight, waits for AVAILABLE and for the drain readings, verification, report) minus baseline + outage + recovery',
    },
    goals: checkGoals(partial),
    wallSeconds: (Date.now() - started) / 1000,
  };
}

/** The generator section alone, with the machine it ran on and its goals. */
interface GeneratorOnlyResult extends Pick<BenchResult, 'startedAt' | 'command' | 'machine' | 'database' | 'generator' | 'wallSeconds'> {
  goals: GoalCheck[];
}

async function benchGeneratorOnly(options: BenchOptions, command: string): Promise<GeneratorOnlyResult> {
  const plan = planFor(options);
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  log(`bench: ${os.availableParallelism()} cores; ${options.quick ? 'quick' : 'full'} plan; generator section only`);
  const { generator, database } = await withLab(true, async (lab) => ({
    generator: await generatorSection(lab, plan),
    database: lab.database.kind,
  }));
  return {
    startedAt: new Date(started).toISOString(),
    command,
    machine: machineOf(loadAtStart),
    database,
    generator,
    goals: generatorGoals(generator),
    wallSeconds: (Date.now() - started) / 1000,
  };
}

function formatGeneratorOnly(result: GeneratorOnlyResult): string {
  const load = result.machine.loadAverage;
  return [
    `GameDay benchmark, generator only  ${result.startedAt}  ${result.machine.cores} cores  Node ${result.machine.node}${load ? `  load average ${fmt(load.atStart, 1)} -> ${fmt(load.atEnd, 1)}` : ''}`,
    ...formatGeneratorTable(result.generator),
    '',
    ...result.goals.map((goal) => `  ${goal.met ? 'met   ' : 'MISSED'}  ${goal.goal}: ${goal.value}`),
  ].join('\n');
}

function onlySection(value: string): 'generator' {
  if (value !== 'generator') throw new InvalidArgumentError('the one section that runs alone is "generator"');
  return value;
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

async function main(argv: string[]): Promise<number> {
  const program = new Command('bench')
    .description('benchmarks the GameDay on the local lab: traffic fidelity, outage latency, recovery time, cost per run')
    .option('--json <path>', 'also write the result document as JSON to this path')
    .option('--quick', 'short runs and one repetition (a smoke test; figures are not comparable)', false)
    .option('--only <section>', 'run one section alone: generator', onlySection)
    .option('--repetitions <n>', 'repetitions of each noisy figure (default 3; 1 with --quick)', positiveInteger)
    .option('--postgres-url <url>', 'the PostgreSQL server of the fleet\'s rate searches (its tables are the lab\'s to create)', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    .showHelpAfterError();
  program.parse(argv);
  const options = program.opts<BenchOptions>();
  const command = ['npm run bench', ...(argv.length > 2 ? ['--', ...argv.slice(2)] : [])].join(' ');
  let result: BenchResult | GeneratorOnlyResult;
  if (options.only === 'generator') {
    const generatorOnly = await benchGeneratorOnly(options, command);
    console.log(formatGeneratorOnly(generatorOnly));
    result = generatorOnly;
  } else {
    const full = await bench(options, command);
    console.log(formatTable(full));
    result = full;
  }
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
