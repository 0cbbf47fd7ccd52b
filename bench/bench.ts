// `npm run bench`: traffic fidelity, latency through an outage, recovery time, cost per run, runner overhead.
import '../local/runner/polyfills';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { LOCAL_EXPERIMENT, LOCAL_LAB } from '../local/runner/local-config';
import { benchFleetFidelity, FLEET_DEFINITIONS, type FleetSection } from './fleet';
import {
  costOfDefaultRun,
  runShortGameDay,
  stepMemoryMb,
  type CostSection,
  type GameDayRun,
  type OverheadBreakdown,
} from './gameday-runs';
import { benchGenerator, type GeneratorSection } from './generator';
import { type ArrivalsSection, benchArrivals } from './arrivals';
import { log, measureTrafficSizing, outageRuns, postgresSearches, shopAnswers, withLab, withPools } from './lab-runs';
import { benchReportMerge, type ReportMergeSection } from './report-merge';
import { benchMemory, benchSoak, type MemorySection, type SoakSection } from './memory';
import type { OutageRun } from './outage';
import { type BenchOptions, type Plan, planFor, sectionsOf } from './plan';
import type { TrafficSizing } from './sizing';
import {
  BENCH_SECTIONS,
  checkGoals,
  summariseOutageRuns,
  type BenchResult,
  type BenchSectionName,
  type OverheadSection,
} from './result';
import { median } from './stats';
import { formatTable } from './table';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
  // The generator and the arrivals sections run each tool alike: the same warm-up and repetitions.
  const toolRuns = { warmUpSeconds: plan.generatorWarmUpSeconds, repetitions: plan.generatorRepetitions, log };
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
            ...toolRuns,
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
  // Against a sink, not the shop: with no lab running in this process, the sink's clock is its own.
  let arrivals: ArrivalsSection | null = null;
  if (runs('arrivals')) {
    log('bench: arrivals at a sink, ours vs autocannon');
    arrivals = await benchArrivals({ rates: plan.arrivalRates, durationSeconds: plan.arrivalSeconds, ...toolRuns });
  }
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
      `  ${reportMerge.seconds.toFixed(1)} s (${reportMerge.cpuSeconds.toFixed(1)} s CPU), peak RSS ${reportMerge.peakRssMb} MB: the report function needs ${reportMerge.derivedMemoryMb} MB, the stack gives it ${reportMerge.stackMemoryMb} MB (${reportMerge.verdict}): ${reportMerge.record}`,
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
    arrivals,
    outage,
    recovery,
    fleet,
    cost,
    overheadSeconds: overhead?.overheadSeconds ?? null,
    overhead,
    memory,
    soak,
    reportMerge,
    goals: checkGoals({ generator, arrivals, outage, cost, fleet, overhead, soak }),
    wallSeconds: (Date.now() - started) / 1000,
  };
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
