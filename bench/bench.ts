// `npm run bench`: traffic fidelity, latency through an outage, recovery time, cost per run, runner overhead.
import '../local/polyfills';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { startLab, type Lab } from '../local/lab';
import { LOCAL_EXPERIMENT, LOCAL_LAB } from '../local/local-config';
import { costOfDefaultRun, runShortGameDay, stepMemoryMb, type GameDayRun } from './gameday-runs';
import { benchGenerator } from './generator';
import { runOutage, type OutageRun, type OutageTimings } from './outage';
import { checkGoals, summariseOutageRuns, type BenchResult } from './result';
import { median } from './stats';
import { formatTable } from './table';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface BenchOptions {
  json?: string;
  quick: boolean;
  repetitions?: number;
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
  };
}

const log = (line: string) => console.error(line);

async function withLab<T>(degradation: boolean, work: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await startLab({ ...LOCAL_LAB, degradation });
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

async function bench(options: BenchOptions, command: string): Promise<BenchResult> {
  const plan = planFor(options);
  const started = Date.now();
  log(`bench: ${os.availableParallelism()} cores; ${options.quick ? 'quick' : 'full'} plan`);

  const resilientPart = await withLab(true, async (lab) => {
    log('bench: traffic generator vs autocannon');
    const generator = await benchGenerator({ shopUrl: lab.shopUrl, rates: plan.generatorRates, durationSeconds: plan.generatorSeconds, repetitions: plan.generatorRepetitions, log });
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
    return { generator, resilient, gameDays, memory, database: lab.database.kind };
  });
  log('bench: outage, fragile build');
  const fragile = await withLab(false, (lab) => outageRuns(lab, plan, plan.fragileOutageRepetitions, 'fragile'));

  const { generator, resilient, gameDays, memory, database } = resilientPart;
  const configuredPhaseSeconds = plan.gameDay.baselineSeconds + plan.gameDay.outageSeconds + plan.gameDay.recoverySeconds;
  const overheadSeconds = median(gameDays.map((run) => run.overheadSeconds));
  // The run closest to the median overhead stands for all of them in the cost section.
  const representative = [...gameDays].sort((a, b) => Math.abs(a.overheadSeconds - (overheadSeconds ?? 0)) - Math.abs(b.overheadSeconds - (overheadSeconds ?? 0)))[0];
  const cost = costOfDefaultRun(representative, plan.gameDay, memory, LOCAL_EXPERIMENT.windowSeconds);
  const outage = { timings: plan.outage, database, resilient: summariseOutageRuns(resilient), fragile: summariseOutageRuns(fragile) };
  const partial = { generator, outage, cost };
  return {
    startedAt: new Date(started).toISOString(),
    command,
    machine: { cores: os.availableParallelism(), node: process.version, platform: `${os.platform()} ${os.arch()}` },
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
    .option('--repetitions <n>', 'repetitions of each noisy figure (default 3; 1 with --quick)', positiveInteger)
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
