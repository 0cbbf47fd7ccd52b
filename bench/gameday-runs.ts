// Benchmark section: whole local GameDays (short timings) for the runner's overhead and what one run uses.
import { DEFAULT_EXPERIMENT } from '../infra/config';
import type { Lab } from '../local/lab/lab';
import { LOCAL_EXPERIMENT, localGameDayConfig } from '../local/runner/local-config';
import { runLocalGameDay } from '../local/runner/runner';
import type { StepHandler } from '../local/runner/task-dispatcher';
import { startTrafficWorkerPool, trafficStepInPool } from '../local/runner/traffic-workers';
import { METRIC_SLOT_SECONDS, RUN_LOG_LINES } from '../steps/core/metric-names';
import type { RunSettings } from '../steps/core/contracts';
import { TRAFFIC_SIZE_ENV } from '../steps/core/run-settings';
import { chooseTrafficSize, resolveTrafficWorkers } from '../steps/core/run-limits';
import { nextWindow } from '../steps/core/traffic-windows';
import { STATES } from '../steps/core/workflow-names';
import {
  deriveTransitions,
  estimateCost,
  expectedLoopCounts,
  LIST_PRICES,
  loopCountsOf,
  transitionsFor,
  type CostEstimate,
  type LambdaUse,
  type LoopCounts,
} from './cost';
import { median } from './stats';

export interface ShortRunTimings {
  baselineSeconds: number;
  outageSeconds: number;
  recoverySeconds: number;
}

export interface GameDayRun {
  verdict: string;
  wallMs: number;
  overheadSeconds: number;
  transitions: number;
  entered: Record<string, number>;
  /** Handler seconds per step key, summed over the run's invocations. */
  stepSeconds: Record<string, number[]>;
  /** Per traffic invocation: its handler seconds minus the window it was scheduled to send for (the wait for the last answers). */
  trafficTailSeconds: number[];
  metricDatums: number;
  distinctMetrics: number;
  /** Where the time outside the configured phases went. */
  breakdown: OverheadBreakdown;
  /** The run log's lines: bytes of one slot line (the largest), and of the summary line. */
  runLog: { slotLines: number; slotLineBytes: number; summaryBytes: number };
}

const STEP_MODULES = {
  'validate-input': () => import('../steps/handlers/validate-input'),
  traffic: () => import('../steps/handlers/traffic'),
  'tally-window': () => import('../steps/handlers/tally-window'),
  'verify-orders': () => import('../steps/handlers/verify-orders'),
  report: () => import('../steps/handlers/report'),
} as const;

/** Where a run's time outside its configured phases went, in seconds. */
export interface OverheadBreakdown {
  /** From the call to the first state: synthesis (or the cache), handlers, the state machine. */
  beforeFirstState: number | null;
  /** Preflight: from the first state to the first traffic window. */
  preflight: number | null;
  /** The phases as run (baseline, outage, restoring, recovery) minus the configured ones. */
  phasesBeyondConfigured: number | null;
  /** From the end of the experiment to Drained: the drain polls. */
  drain: number | null;
  /** From Drained to the end of the call: verification, report, metrics, the end state. */
  afterDrain: number | null;
}

/** The seconds a traffic event was scheduled to send for: its window's, or its whole phase's. */
function scheduledSeconds(event: unknown): number {
  const e = event as {
    window?: unknown;
    durationSeconds?: number;
    scheduleStartAt: string;
    elapsedSeconds: number;
    targetSeconds: number;
    windowSeconds: number;
  };
  return e.window === undefined ? (e.durationSeconds ?? 0) : nextWindow(e).durationSeconds;
}

/** The real step handlers, each timed; the traffic step runs in `traffic` (the worker processes), as in a local run. */
async function timedSteps(
  into: Record<string, number[]>,
  tails: number[],
  traffic: StepHandler,
): Promise<Record<string, StepHandler>> {
  const entries = await Promise.all(
    Object.entries(STEP_MODULES).map(async ([step, load]) => {
      const handler = step === 'traffic' ? traffic : ((await load()).handler as StepHandler);
      const timed: StepHandler = async (event) => {
        const started = performance.now();
        try {
          return await handler(event);
        } finally {
          const seconds = (performance.now() - started) / 1000;
          (into[step] ??= []).push(seconds);
          if (step === 'traffic') tails.push(seconds - scheduledSeconds(event));
        }
      };
      return [step, timed] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * One local GameDay with short timings on `lab`, counting every state it enters. Its traffic runs in
 * worker processes started as the local runner starts them; the pool starts before the run (a local
 * run starts it while it synthesizes), so its start-up is not in the overhead.
 */
export async function runShortGameDay(lab: Lab, timings: ShortRunTimings): Promise<GameDayRun> {
  const entered: Record<string, number> = {};
  const firstEnteredMs: Record<string, number> = {};
  const stepSeconds: Record<string, number[]> = {};
  const trafficTailSeconds: number[] = [];
  const metricsBefore = lab.metrics.published().length;
  const linesBefore = lab.metrics.runLog().length;
  let seen = 0;
  const pool = await startTrafficWorkerPool({ size: resolveTrafficWorkers(LOCAL_EXPERIMENT) });
  const result = await runLocalGameDay({
    lab,
    input: { ...timings },
    stepOverrides: await timedSteps(stepSeconds, trafficTailSeconds, trafficStepInPool(pool)),
    // Progress comes once per state entered and once a second; only a new transition names a new state.
    onProgress: (progress) => {
      if (progress.transitions === seen) return;
      seen = progress.transitions;
      entered[progress.state] = (entered[progress.state] ?? 0) + 1;
      firstEnteredMs[progress.state] ??= progress.elapsedMs;
    },
  }).finally(() => pool.close());
  const wallMs = result.wallMs;
  const published = lab.metrics.published().slice(metricsBefore);
  const distinct = new Set(
    published.map((d) => `${d.metricName}|${JSON.stringify(Object.entries(d.dimensions).sort())}`),
  );
  const configured = timings.baselineSeconds + timings.outageSeconds + timings.recoverySeconds;
  const lines = lab.metrics
    .runLog()
    .slice(linesBefore)
    .map((l) => ({
      bytes: Buffer.byteLength(l.message) + LOG_EVENT_OVERHEAD_BYTES,
      slot: (JSON.parse(l.message) as { line?: string }).line === RUN_LOG_LINES.slot,
    }));
  const slotLines = lines.filter((l) => l.slot);
  return {
    verdict: result.verdict,
    wallMs,
    overheadSeconds: wallMs / 1000 - configured,
    transitions: result.transitions,
    entered,
    stepSeconds,
    trafficTailSeconds,
    metricDatums: published.length,
    distinctMetrics: distinct.size,
    breakdown: overheadBreakdown(firstEnteredMs, wallMs, configured),
    runLog: {
      slotLines: slotLines.length,
      slotLineBytes: Math.max(0, ...slotLines.map((l) => l.bytes)),
      summaryBytes: lines.filter((l) => !l.slot).reduce((sum, l) => sum + l.bytes, 0),
    },
  };
}

/** CloudWatch Logs bills each event's message plus 26 bytes. */
const LOG_EVENT_OVERHEAD_BYTES = 26;

/** The overhead split at the states that bound it; a bound the run never entered leaves its parts null. */
export function overheadBreakdown(
  firstEnteredMs: Readonly<Record<string, number>>,
  wallMs: number,
  configuredSeconds: number,
): OverheadBreakdown {
  const at = (state: string) => (firstEnteredMs[state] === undefined ? null : firstEnteredMs[state] / 1000);
  const between = (from: number | null, to: number | null) => (from === null || to === null ? null : to - from);
  const first = at(STATES.readInput);
  const baseline = at(STATES.startBaseline);
  const drain = at(STATES.startDrain);
  const drained = at(STATES.drained);
  const phases = between(baseline, drain);
  return {
    beforeFirstState: first,
    preflight: between(first, baseline),
    phasesBeyondConfigured: phases === null ? null : phases - configuredSeconds,
    drain: between(drain, drained),
    afterDrain: between(drained, wallMs / 1000),
  };
}

/**
 * Memory of each step function as the GameDay stack synthesizes it, by step key; the traffic step
 * at the size a default run picks (the small one), and each traffic size as `traffic:<size>` too.
 */
export async function stepMemoryMb(lab: Lab): Promise<Record<string, number>> {
  const { synthesizeGameDay } = await import('../infra/synth');
  const { template } = synthesizeGameDay(localGameDayConfig(lab));
  const resources = (
    template as {
      Resources: Record<
        string,
        { Type: string; Properties?: { MemorySize?: number; Environment?: { Variables?: Record<string, unknown> } } }
      >;
    }
  ).Resources;
  const defaultSize = chooseTrafficSize(DEFAULT_EXPERIMENT);
  const memory: Record<string, number> = {};
  for (const resource of Object.values(resources)) {
    const variables = resource.Properties?.Environment?.Variables;
    const step = variables?.GAMEDAY_STEP;
    if (resource.Type !== 'AWS::Lambda::Function' || typeof step !== 'string') continue;
    const mb = resource.Properties?.MemorySize ?? 128;
    const size = variables?.[TRAFFIC_SIZE_ENV];
    if (typeof size === 'string') memory[`${step}:${size}`] = mb;
    if (typeof size !== 'string' || size === defaultSize) memory[step] = mb;
  }
  return memory;
}

/** Assumptions of the derived default run: what a local run cannot measure. */
export const DEFAULT_RUN_ASSUMPTIONS = Object.freeze({
  registrationSeconds: 60,
  nonZeroDrainReadings: 0,
  coldStartSecondsPerInvocation: 0.5,
  note: 'RDS Proxy documents no registration time: 60 s assumed (polled every availablePollSeconds). The queue is assumed empty at the first drain poll (60 s of recovery traffic came first). Every invocation is assumed cold, with 0.5 s of billed init. Handler durations are the local ones (I/O-bound steps; a 256 MB arm64 function has less CPU than this machine).',
});

export interface CostSection {
  measured: {
    timings: ShortRunTimings & { windowSeconds: number };
    transitions: number;
    loops: LoopCounts;
    entered: Record<string, number>;
    /** Median of each traffic invocation's seconds beyond its window (negative: windows that started late and caught up). */
    trafficTailSeconds: number | null;
  };
  defaultRun: {
    settings: Pick<
      RunSettings,
      | 'warmupSeconds'
      | 'baselineSeconds'
      | 'outageSeconds'
      | 'recoverySeconds'
      | 'windowSeconds'
      | 'availablePollSeconds'
      | 'drainPollSeconds'
    >;
    loops: LoopCounts;
    lambda: LambdaUse[];
    estimate: CostEstimate;
    derivedFrom: string;
  };
  transitions: number;
  lambdaGbSeconds: number;
  cloudWatchCalls: number;
  cloudWatchDistinctMetrics: number;
  usdPerRun: number;
  fisUsdPerRun: number;
  prices: typeof LIST_PRICES;
  assumptions: typeof DEFAULT_RUN_ASSUMPTIONS;
}

/** Prices a default GameDay from a measured short one: loops recounted, traffic steps stretched to the default phases. */
export function costOfDefaultRun(
  measured: GameDayRun,
  timings: ShortRunTimings,
  memoryMb: Record<string, number>,
  windowSeconds: number,
): CostSection {
  const workers = resolveTrafficWorkers(DEFAULT_EXPERIMENT);
  const d = DEFAULT_EXPERIMENT;
  const loops = expectedLoopCounts(d, DEFAULT_RUN_ASSUMPTIONS);
  const transitions = deriveTransitions(measured.entered, loops);
  const init = DEFAULT_RUN_ASSUMPTIONS.coldStartSecondsPerInvocation;
  const secondsOf = (step: string) => measured.stepSeconds[step] ?? [];
  // A window's invocation takes its traffic plus the wait for the last answers: keep that tail (measured
  // against each invocation's own window), stretch the phases.
  const trafficTail = median(measured.trafficTailSeconds) ?? 0;
  const windows =
    loops.warmUpWindows + loops.baselineWindows + loops.outageWindows + loops.restoringWindows + loops.recoveryWindows;
  const restoringSeconds = loops.restoringWindows * d.availablePollSeconds;
  const lambda: LambdaUse[] = Object.keys(STEP_MODULES).map((step) => {
    // Every window invokes each worker once and the tally once.
    const invocations = step === 'traffic' ? windows * workers : step === 'tally-window' ? windows : 1;
    const handlerSeconds =
      step === 'traffic'
        ? workers * (d.warmupSeconds + d.baselineSeconds + d.outageSeconds + restoringSeconds + d.recoverySeconds) +
          invocations * Math.max(0, trafficTail)
        : (median(secondsOf(step)) ?? 0) * invocations;
    return { step, memoryMb: memoryMb[step] ?? 128, invocations, seconds: handlerSeconds + invocations * init };
  });
  const entered = measured.entered;
  const estimate = estimateCost({
    transitions,
    lambda,
    cloudWatch: {
      putMetricDataCalls: entered.PublishMetrics ?? 0,
      distinctMetrics: measured.distinctMetrics,
      otherCalls: (entered.CheckStopConditions ?? 0) + loops.outageWindows,
      // One slot line per 10 s of traffic in the default run, and its summary line.
      logIngestBytes:
        Math.ceil(
          (d.baselineSeconds + d.outageSeconds + restoringSeconds + d.recoverySeconds) / METRIC_SLOT_SECONDS + 1,
        ) *
          measured.runLog.slotLineBytes +
        measured.runLog.summaryBytes,
    },
    sqsRequests: (entered.QueueDepth ?? 0) + (entered.DlqDepth ?? 0) + 2 * loops.drainPolls,
    dynamoDbWrites: (entered.AcquireLock ?? 0) + (entered.ReleaseLock ?? 0),
    outageSeconds: d.outageSeconds,
  });
  return {
    measured: {
      timings: { ...timings, windowSeconds },
      transitions: transitionsFor(entered, loopCountsOf(entered)),
      loops: loopCountsOf(entered),
      entered,
      trafficTailSeconds: median(measured.trafficTailSeconds),
    },
    defaultRun: {
      settings: {
        warmupSeconds: d.warmupSeconds,
        baselineSeconds: d.baselineSeconds,
        outageSeconds: d.outageSeconds,
        recoverySeconds: d.recoverySeconds,
        windowSeconds: d.windowSeconds,
        availablePollSeconds: d.availablePollSeconds,
        drainPollSeconds: d.drainPollSeconds,
      },
      loops,
      lambda,
      estimate,
      derivedFrom:
        'states outside the loops: counted in the measured local run; loop states: iterations x states per iteration for the default timings; Lambda memory: the synthesized stack',
    },
    transitions,
    lambdaGbSeconds: estimate.lambdaGbSeconds,
    cloudWatchCalls: estimate.cloudWatchCalls,
    cloudWatchDistinctMetrics: measured.distinctMetrics,
    usdPerRun: estimate.usdPerRun,
    fisUsdPerRun: estimate.fisUsdPerRun,
    prices: LIST_PRICES,
    assumptions: DEFAULT_RUN_ASSUMPTIONS,
  };
}
