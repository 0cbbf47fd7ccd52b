// The execution state of the largest run the validator accepts, step by step as the definition builds it, against Step
// Functions' 256 KiB payload limit: the real step handlers build each part (ValidateInput, TallyWindow, BuildReport).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  longestAcceptedConfig,
  longestAcceptedInput,
  LONGEST_RUN_WORKERS,
  workerTimeline,
  worstCaseHistograms,
  worstCaseWorkerResult,
} from '../../../bench/longest-run';
import type { ReportInput, RunConfig, TrafficResult, WindowState } from '../../../steps/core/contracts';
import {
  estimateStatePayloadBytes,
  MAX_RUN_LOG_SLOTS,
  MAX_STATE_PAYLOAD_BYTES,
  STATE_PAYLOAD_BOUNDS,
  STATE_PAYLOAD_LIMIT_BYTES,
} from '../../../steps/core/run-limits';
import { createReportHandler } from '../../../steps/handlers/report';
import { handler as tallyWindow } from '../../../steps/handlers/tally-window';
import type { TimelineKey, TimelineStore } from '../../../steps/ports';
import { T0 } from '../support/builders';

const iso = (ms: number) => new Date(ms).toISOString();
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The start (ms after the phase began) and length of each window of a phase, in order. */
function windowsOf(
  config: RunConfig,
  phase: 'baseline' | 'experiment',
): Array<{ offsetSeconds: number; seconds: number }> {
  const segments =
    phase === 'baseline'
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
  const histogram = '';
  const windows = { baseline: windowsOf(config, 'baseline'), experiment: windowsOf(config, 'experiment') };
  return {
    put: async () => undefined,
    // The report reads no accepted writes (VerifyOrders does).
    getAcceptedWrites: async () => [],
    getMany: async (keys: readonly TimelineKey[]) =>
      keys.map((key) => {
        const window = windows[key.phase as 'baseline' | 'experiment'][key.window];
        return key.worker === 0 && window
          ? workerTimeline(config, starts[key.phase] + window.offsetSeconds * 1000, window.seconds, histogram)
          : [];
      }),
  };
}

/** The phase's traffic after its last window, as TallyWindow merges it from the workers' results. */
async function phaseTraffic(
  config: RunConfig,
  phase: 'baseline' | 'experiment',
  startMs: number,
  histograms: ReturnType<typeof worstCaseHistograms>,
) {
  const windows = windowsOf(config, phase);
  const results = Array.from({ length: config.trafficWorkers }, () =>
    worstCaseWorkerResult(config, phase, startMs, histograms),
  );
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

interface StepSize {
  step: string;
  bytes: number;
}

/** The state after each step that adds to it, in the order the definition runs them. */
async function stateAfterEachStep(): Promise<{
  config: RunConfig;
  steps: StepSize[];
  parts: {
    base: number;
    workerResultBytes: number;
    runLogSlotLineBytes: number;
    runLogSummaryLineBytes: number;
    reportBytes: number;
    runLogLines: number;
  };
}> {
  const input = longestAcceptedInput();
  const config = longestAcceptedConfig();
  const histograms = worstCaseHistograms(config);
  const baselineStart = T0;
  const experimentStart = T0 + config.baselineSeconds * 1000;
  const baseline = await phaseTraffic(config, 'baseline', baselineStart, histograms);
  const experiment = await phaseTraffic(config, 'experiment', experimentStart, histograms);
  const deregisteredAt = iso(experimentStart);
  const registeredAt = iso(experimentStart + config.outageSeconds * 1000);
  const availableAt = iso(experimentStart + (config.outageSeconds + config.availableTimeoutSeconds) * 1000);
  const end = experimentStart + (config.outageSeconds + config.availableTimeoutSeconds + config.recoverySeconds) * 1000;
  const fault = { dryRun: false, deregisteredAt, registeredAt, availableAt, stoppedEarly: null };
  const hold = { stoppedEarly: null, haltedBy: null, window: baseline.tally.window.last };
  const drain = {
    startedAt: iso(end),
    endedAt: iso(end + config.drainTimeoutSeconds * 1000),
    drained: true,
    polls: config.drainPollIterations,
    queue: { visible: 0, inFlight: 0, delayed: 0 },
    dlq: { visible: 0, inFlight: 0, delayed: 0 },
  };
  const accepted =
    config.writesPerSecond *
    (config.baselineSeconds + config.outageSeconds + config.availableTimeoutSeconds + config.recoverySeconds);
  const orders = {
    accepted,
    committed: accepted,
    rejected: accepted,
    lost: accepted,
    duplicated: accepted,
    viaQueue: accepted,
    lastViaQueueAt: iso(end),
  };
  const targets = JSON.stringify([
    {
      TargetArn: null,
      Endpoint: 'gameday-lab-cluster.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com',
      TrackedClusterId: 'gameday-lab-cluster',
      RdsResourceId: 'gameday-lab-cluster',
      Port: 5432,
      Type: 'TRACKED_CLUSTER',
      Role: 'READ_WRITE',
      TargetHealth: { State: 'AVAILABLE' },
    },
    {
      Endpoint: 'gameday-lab-writer.abcdefghijkl.us-east-1.rds.amazonaws.com',
      TrackedClusterId: 'gameday-lab-cluster',
      RdsResourceId: 'gameday-lab-writer',
      Port: 5432,
      Type: 'RDS_INSTANCE',
      Role: 'READ_WRITE',
      TargetHealth: { State: 'AVAILABLE' },
    },
  ]);
  const preflight = {
    target: { targets },
    queue: drain.queue,
    dlq: drain.dlq,
    alarms: { MetricAlarms: [], CompositeAlarms: [] },
  };
  const reportInput: ReportInput = {
    startedAt: iso(T0 - 60_000),
    config,
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
    steps.push({ step, bytes: bytes(state) });
  };
  add('ReadInput', { input });
  add('ValidateInput', { config });
  add('Preflight', { preflight });
  add('the last baseline window (Map)', { tally: { ...baseline.tally, results: baseline.results } });
  add('TallyBaselineWindow', { tally: baseline.tally });
  add('RecordBaseline', { baseline: baseline.traffic });
  // The Parallel's branch carries its own state; its output replaces the window's at $.experiment.
  add('the last experiment window (Map)', { tally: { ...experiment.tally, results: experiment.results }, fault, hold });
  add('TallyRecoveryWindow', { tally: experiment.tally });
  add('Experiment', { experiment: { traffic: experiment.traffic, fault, hold } });
  add('Drain', { drain });
  add('VerifyOrders', { orders });
  add('BuildReport', { result: report });
  const workerResultBytes = Math.max(...[...baseline.results, ...experiment.results].map(bytes));
  const runLogSlotLineBytes = Math.max(...report.runLog.slice(0, -1).map(bytes));
  const runLogSummaryLineBytes = bytes(report.runLog.at(-1));
  const base = bytes({
    input,
    config,
    preflight,
    baseline: baseline.traffic,
    experiment: { traffic: experiment.traffic, fault, hold },
    tally: experiment.tally,
    drain,
    orders,
  });
  return {
    config,
    steps,
    parts: {
      base,
      workerResultBytes,
      runLogSlotLineBytes,
      runLogSummaryLineBytes,
      reportBytes: bytes(report.report),
      runLogLines: report.runLog.length,
    },
  };
}

const computed = stateAfterEachStep();

describe('the state of the largest accepted run', () => {
  test('is the run at the highest rates with the most workers', async () => {
    // Given the largest run the validator accepts
    const { config } = await computed;
    // When its settings are read
    // Then it runs at 7,500 + 2,500/s with 40 workers, and for longer than an hour of traffic
    expect({ reads: config.readsPerSecond, writes: config.writesPerSecond, workers: config.trafficWorkers }).toEqual({
      reads: 7500,
      writes: 2500,
      workers: LONGEST_RUN_WORKERS,
    });
    expect(config.baselineSeconds + config.outageSeconds + config.recoverySeconds).toBeGreaterThan(3600);
  });

  test('stays under the 256 KiB payload limit, with margin, after every step', async () => {
    // Given the state after each step that adds to it, BuildReport's output built by the report handler
    const { steps } = await computed;
    // When each is measured
    const over = steps.filter((step) => step.bytes > MAX_STATE_PAYLOAD_BYTES);
    // Then none comes within the margin of Step Functions' limit (the figures are printed for docs/aws.md)
    console.log(
      `state after each step of the largest accepted run (limit ${STATE_PAYLOAD_LIMIT_BYTES} bytes):\n${steps.map((s) => `  ${s.step}: ${s.bytes}`).join('\n')}`,
    );
    expect(over).toEqual([]);
  });

  test("is bounded by the validator's estimate after every step", async () => {
    // Given the measured state after each step and the estimate the validator refuses runs by
    const { config, steps } = await computed;
    const estimate = estimateStatePayloadBytes(config);
    // When they are compared
    // Then the estimate is at least every measured state: a run it accepts cannot outgrow it
    expect(steps.filter((step) => step.bytes > estimate)).toEqual([]);
  });

  test('is the table docs/aws.md prints, its peak and estimate as the docs and the README state them', async () => {
    // Given the measured state after each step, the docs' section on payloads and the README
    const { config, steps } = await computed;
    const root = path.resolve(__dirname, '..', '..', '..');
    const aws = readFileSync(path.join(root, 'docs', 'aws.md'), 'utf8');
    const start = aws.indexOf('### Every state payload bounded');
    const section = aws.slice(start, aws.indexOf('\n## ', start));
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    // When the section's table rows and figures are read
    const rows = [...section.matchAll(/^\| (.+?) \| ([\d,]+) \|$/gm)].map(([, step, figure]) => ({
      step,
      bytes: Number(figure.replaceAll(',', '')),
    }));
    const kb = (n: number) => `${Math.round(n / 1000)} KB`;
    const peak = steps.reduce((top, step) => (step.bytes > top.bytes ? step : top));
    // Then the table is the measurement, and the peak and the estimate are the ones printed
    expect(rows).toEqual(steps);
    expect(section).toContain(`The peak, **${kb(peak.bytes)} of 256 KiB**, is ${peak.step}'s output`);
    expect(section).toContain(`is ${kb(estimateStatePayloadBytes(config))}.`);
    expect(readme).toContain(`state peaks at ${kb(peak.bytes)} of 256 KiB`);
  });

  test('has every part within the bound the estimate counts it with', async () => {
    // Given the parts of the largest run's state, as the real steps built them
    const { parts } = await computed;
    // When each is compared with its bound
    // Then none is larger, and the run log was widened to its line budget
    expect(parts.base).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.base);
    expect(parts.workerResultBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.perWorkerResult);
    expect(parts.runLogSlotLineBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.runLogSlotLine);
    expect(parts.runLogSummaryLineBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.runLogSummaryLine);
    expect(parts.reportBytes).toBeLessThanOrEqual(STATE_PAYLOAD_BOUNDS.reportInState);
    expect(parts.runLogLines).toBeLessThanOrEqual(MAX_RUN_LOG_SLOTS + 1);
  });
});
