// The execution state of a run at its worst, step by step as the definition builds it: the real step handlers build each
// part (ValidateInput, TallyWindow, BuildReport) from worst-case worker results, so the state-payload test can measure it.
import {
  LONGEST_RUN_WORKERS,
  workerTimeline,
  worstCaseHistograms,
  worstCaseWorkerResult,
} from '../../bench/longest-run';
import type { ReportInput, RunConfig, TrafficResult, WindowState } from '../../steps/core/contracts';
import { validateRunInput } from '../../steps/core/run-config';
import { MAX_FAILURE_NAME_CHARS } from '../../steps/core/run-limits';
import { createReportHandler } from '../../steps/handlers/report';
import { handler as tallyWindow } from '../../steps/handlers/tally-window';
import type { TimelineKey, TimelineStore } from '../../steps/ports';
import { T0 } from '../steps/support/builders';

export { LONGEST_RUN_WORKERS };

const iso = (ms: number) => new Date(ms).toISOString();
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');
/** The stack default's execution timeout is long enough for any accepted run: a limit this high never binds. */
const NO_TIMEOUT_LIMIT = { executionTimeoutSeconds: 366 * 24 * 3600 };

/** A run at the seed's rates on one worker, in 10-second windows: its report has a line for each of 1,100 windows. */
export const THOUSAND_WINDOWS = {
  readsPerSecond: 3,
  writesPerSecond: 1,
  trafficWorkers: 1,
  windowSeconds: 10,
  baselineSeconds: 3600,
  outageSeconds: 3600,
  recoverySeconds: 3600,
  drainTimeoutSeconds: 30,
  runId: 'x'.repeat(64),
};

/** What a run carries at its worst beside its settings. */
export interface WorstCase {
  /** Distinct failure names in every worker's result (a result keeps at most 24), each as long as a name can be. */
  readonly failureNames?: number;
  /** The stop-condition alarms whose ALARM ended the hold: the hold keeps their names to the end of the run. */
  readonly firingAlarms?: readonly string[];
  /** Instances the target's cluster has: DescribeDBProxyTargets lists each beside the cluster. */
  readonly instances?: number;
}

/** `count` distinct failure names of the most characters a name keeps, each with the largest count. */
export function worstCaseFailures(count: number, largest: number): Record<string, number> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`${i} `.padEnd(MAX_FAILURE_NAME_CHARS, 'x'), largest]),
  );
}

/** The start (ms after the phase began) and length of each window of a phase, in order. */
function windowsOf(
  config: RunConfig,
  phase: 'warmup' | 'baseline' | 'experiment',
): Array<{ offsetSeconds: number; seconds: number }> {
  const segments =
    phase === 'warmup'
      ? [{ total: config.warmupSeconds, length: config.windowSeconds }]
      : phase === 'baseline'
        ? [{ total: config.baselineSeconds, length: config.windowSeconds }]
        : [
            { total: config.outageSeconds, length: config.windowSeconds },
            // Restoring windows run until AVAILABLE: at worst until the available timeout.
            { total: config.availableTimeoutSeconds, length: config.availablePollSeconds },
            { total: config.recoverySeconds, length: config.windowSeconds },
          ];
  const windows: Array<{ offsetSeconds: number; seconds: number }> = [];
  let offset = 0;
  for (const { total, length } of segments) {
    for (let done = 0; done < total; done += length) {
      windows.push({ offsetSeconds: offset, seconds: Math.min(length, total - done) });
      offset += Math.min(length, total - done);
    }
  }
  return windows;
}

/**
 * The stored timelines of the run: every window of every worker. Worker 0 carries the counts; the others, and
 * the per-second histograms, add nothing to what the report leaves in the state (its timeline holds counts
 * only), so they stay empty and the report is built in seconds.
 */
function storeFor(config: RunConfig, starts: Record<string, number>): TimelineStore {
  const windows = { baseline: windowsOf(config, 'baseline'), experiment: windowsOf(config, 'experiment') };
  return {
    put: async () => undefined,
    // The report reads no accepted writes (VerifyOrders does).
    getAcceptedWrites: async () => [],
    getMany: async (keys: readonly TimelineKey[]) =>
      keys.map((key) => {
        const window = windows[key.phase as 'baseline' | 'experiment'][key.window];
        return key.worker === 0 && window
          ? workerTimeline(config, starts[key.phase] + window.offsetSeconds * 1000, window.seconds, '')
          : [];
      }),
  };
}

/** The phase's traffic after its last window, as TallyWindow merges it from the workers' results. */
async function phaseTraffic(
  config: RunConfig,
  phase: 'warmup' | 'baseline' | 'experiment',
  startMs: number,
  histograms: ReturnType<typeof worstCaseHistograms>,
  failures: Record<string, number>,
) {
  const windows = windowsOf(config, phase);
  const results = Array.from({ length: config.trafficWorkers }, () => ({
    ...worstCaseWorkerResult(config, phase, startMs, histograms),
    failures,
  }));
  const window: WindowState = {
    phase,
    index: windows.length - 1,
    scheduleStartAt: iso(startMs),
    elapsedSeconds: 0,
    targetSeconds: 1,
    windowSeconds: config.windowSeconds,
    done: false,
    budgetExceeded: false,
    last: null,
  };
  const tally = await tallyWindow({ window, traffic: { windows: 0 }, results });
  // Every window merged: the counts only grow in digits, the histograms are as full as one window's.
  const traffic: TrafficResult = { ...tally.traffic, windows: windows.length };
  return { tally: { ...tally, traffic }, results, traffic };
}

/** The proxy's targets as the definition keeps them (DescribeDBProxyTargets' list as JSON text): the cluster and its instances. */
function proxyTargets(instances: number): { targets: string } {
  const host = 'abcdefghijkl.us-east-1.rds.amazonaws.com';
  const instance = (i: number) => ({
    Endpoint: `gameday-lab-instance-${i}.${host}`,
    TrackedClusterId: 'gameday-lab-cluster',
    RdsResourceId: `gameday-lab-instance-${i}`,
    Port: 5432,
    Type: 'RDS_INSTANCE',
    Role: i === 0 ? 'READ_WRITE' : 'READ_ONLY',
    TargetHealth: {
      State: 'UNAVAILABLE',
      Reason: 'CONNECTION_FAILED',
      Description: 'DBProxy Target unavailable due to an internal error',
    },
  });
  const cluster = {
    TargetArn: null,
    Endpoint: `gameday-lab-cluster.cluster-${host}`,
    TrackedClusterId: 'gameday-lab-cluster',
    RdsResourceId: 'gameday-lab-cluster',
    Port: 5432,
    Type: 'TRACKED_CLUSTER',
    Role: 'READ_WRITE',
    TargetHealth: { State: 'AVAILABLE' },
  };
  return { targets: JSON.stringify([cluster, ...Array.from({ length: instances }, (_, i) => instance(i))]) };
}

export interface StepSize {
  step: string;
  bytes: number;
}

export interface RunState {
  config: RunConfig;
  steps: StepSize[];
  parts: {
    base: number;
    workerResultBytes: number;
    runLogSlotLineBytes: number;
    runLogSummaryLineBytes: number;
    reportBytes: number;
    /** The report without its timeline and its lines by window; the longest such line, and how many there are. */
    reportFixedBytes: number;
    reportWindowLineBytes: number;
    reportWindows: number;
    /** The smallest second of the report's timeline; null when the report left its timeline out. */
    timelineSecondBytes: number | null;
    resultBesideReportBytes: number;
    runLogLines: number;
  };
}

/** The config the validator makes of `input`, with no execution timeout to bind it. */
export function acceptedConfig(input: Record<string, unknown>): RunConfig {
  return validateRunInput(input, {}, undefined, NO_TIMEOUT_LIMIT);
}

/**
 * The config of `input` as the validator would make it if it did not weigh the state: the same run with phases
 * one window long, accepted, then given the input's phases. For measuring a run the validator refuses.
 */
export function configPastTheEstimate(input: Record<string, unknown>): RunConfig {
  const windowSeconds = (input.windowSeconds as number | undefined) ?? 60;
  const short = {
    ...input,
    baselineSeconds: windowSeconds,
    outageSeconds: windowSeconds,
    recoverySeconds: windowSeconds,
  };
  const { baselineSeconds, outageSeconds, recoverySeconds } = input as Record<string, number>;
  return { ...acceptedConfig(short), baselineSeconds, outageSeconds, recoverySeconds };
}

/**
 * The state after each step that adds to it, in the order the definition runs them, for the run `input` asks for
 * (`config`: the run's config, when the validator would not make one of `input`).
 */
export async function stateAfterEachStep(
  input: Record<string, unknown>,
  worst: WorstCase = {},
  config: RunConfig = acceptedConfig(input),
): Promise<RunState> {
  const histograms = worstCaseHistograms(config);
  const warmUpStart = T0 - config.warmupSeconds * 1000;
  const baselineStart = T0;
  const experimentStart = T0 + config.baselineSeconds * 1000;
  const trafficSeconds =
    config.baselineSeconds + config.outageSeconds + config.availableTimeoutSeconds + config.recoverySeconds;
  const requests = (config.readsPerSecond + config.writesPerSecond) * (config.warmupSeconds + trafficSeconds);
  const failures = worstCaseFailures(worst.failureNames ?? 0, requests);
  // The warm-up's merged traffic rides in the state to the end of the run (VerifyOrders proves its writes).
  const warmUp =
    config.warmupSeconds > 0 ? await phaseTraffic(config, 'warmup', warmUpStart, histograms, failures) : null;
  const baseline = await phaseTraffic(config, 'baseline', baselineStart, histograms, failures);
  const experiment = await phaseTraffic(config, 'experiment', experimentStart, histograms, failures);
  const deregisteredAt = iso(experimentStart);
  const registeredAt = iso(experimentStart + config.outageSeconds * 1000);
  const availableAt = iso(experimentStart + (config.outageSeconds + config.availableTimeoutSeconds) * 1000);
  const end = experimentStart + trafficSeconds * 1000 - config.baselineSeconds * 1000;
  const fault = { dryRun: false, deregisteredAt, registeredAt, availableAt, stoppedEarly: null };
  const firing = worst.firingAlarms ?? [];
  const hold = {
    stoppedEarly: firing.length > 0 ? [...firing] : null,
    haltedBy: firing.length > 0 ? ('stopCondition' as const) : null,
    window: baseline.tally.window.last,
  };
  const drain = {
    startedAt: iso(end),
    endedAt: iso(end + config.drainTimeoutSeconds * 1000),
    drained: true,
    polls: config.drainPollIterations,
    queue: { visible: 0, inFlight: 0, delayed: 0 },
    dlq: { visible: 0, inFlight: 0, delayed: 0 },
  };
  const accepted = config.writesPerSecond * (config.warmupSeconds + trafficSeconds);
  const orders = {
    accepted,
    committed: accepted,
    rejected: accepted,
    lost: accepted,
    duplicated: accepted,
    viaQueue: accepted,
    lastViaQueueAt: iso(end),
  };
  const target = proxyTargets(worst.instances ?? 1);
  const preflight = {
    halt: {},
    target,
    queue: drain.queue,
    dlq: drain.dlq,
    alarms: { MetricAlarms: [], CompositeAlarms: [] },
  };
  const reportInput: ReportInput = {
    startedAt: iso(warmUpStart - 60_000),
    config,
    warmUp: warmUp?.traffic ?? { windows: 0 },
    baseline: baseline.traffic,
    experiment: { traffic: experiment.traffic, fault, hold },
    drain,
    orders,
    timelineTable: 'GameDay-LockTable',
    target: { proxyName: 'gameday-lab-proxy' },
  };
  const report = await createReportHandler(null, () =>
    storeFor(config, { baseline: baselineStart, experiment: experimentStart }),
  )(reportInput);

  const state: Record<string, unknown> = {};
  const steps: StepSize[] = [];
  const add = (step: string, part: Record<string, unknown>) => {
    Object.assign(state, part);
    steps.push({ step, bytes: jsonBytes(state) });
  };
  add('ReadInput', { input });
  add('ValidateInput', { config });
  add('Preflight', { preflight });
  if (warmUp) {
    add('the last warm-up window (Map)', { tally: { ...warmUp.tally, results: warmUp.results } });
    add('TallyWarmUpWindow', { tally: warmUp.tally });
    add('RecordWarmUp', { warmUp: warmUp.traffic });
  } else add('NoWarmUp', { warmUp: { phase: 'warmup', windows: 0 } });
  add('the last baseline window (Map)', { tally: { ...baseline.tally, results: baseline.results } });
  add('TallyBaselineWindow', { tally: baseline.tally });
  add('RecordBaseline', { baseline: baseline.traffic });
  // The Parallel's branch carries its own state, the hold and the target's health among it (the hold's alarm check
  // lands under $.tally, which the restoring windows' start replaces); its output lands at $.experiment.
  add('the last experiment window (Map)', {
    tally: { ...experiment.tally, results: experiment.results },
    fault,
    hold,
    targetAfterRegister: target,
  });
  add('TallyRecoveryWindow', { tally: experiment.tally });
  add('Experiment', { experiment: { traffic: experiment.traffic, fault, hold } });
  for (const key of ['fault', 'hold', 'targetAfterRegister']) delete state[key];
  steps[steps.length - 1].bytes = jsonBytes(state);
  add('Drain', { drain });
  add('VerifyOrders', { orders });
  add('BuildReport', { result: report });

  const workerResultBytes = Math.max(...[...baseline.results, ...experiment.results].map(jsonBytes));
  const runLogSlotLineBytes = Math.max(...report.runLog.slice(0, -1).map(jsonBytes));
  const runLogSummaryLineBytes = jsonBytes(report.runLog.at(-1));
  const base = jsonBytes({
    input,
    config,
    preflight,
    warmUp: warmUp?.traffic ?? { windows: 0 },
    baseline: baseline.traffic,
    experiment: { traffic: experiment.traffic, fault, hold },
    tally: experiment.tally,
    drain,
    orders,
  });
  const { timeline, traffic } = report.report;
  return {
    config,
    steps,
    parts: {
      base,
      workerResultBytes,
      runLogSlotLineBytes,
      runLogSummaryLineBytes,
      reportBytes: jsonBytes(report.report),
      reportFixedBytes: jsonBytes({ ...report.report, timeline: [], traffic: { ...traffic, lateSendsByWindow: [] } }),
      reportWindowLineBytes: Math.max(0, ...traffic.lateSendsByWindow.map(jsonBytes)),
      reportWindows: traffic.lateSendsByWindow.length,
      timelineSecondBytes: timeline.length > 0 ? Math.min(...timeline.map(jsonBytes)) : null,
      resultBesideReportBytes: jsonBytes({ ...report, report: null, runLog: null }),
      runLogLines: report.runLog.length,
    },
  };
}
