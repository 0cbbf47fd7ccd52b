// The report step's merge for the largest accepted run: every window x worker x second of timeline, as BuildReport
// reads them from the store and merges them, timed and with its peak memory; the report function's memory is derived from it.
import type { TimelineKey, TimelineStore } from '../steps/ports';
import { createReportHandler } from '../steps/handlers/report';
import { MEASURED_REPORT_MERGE, REPORT_MEMORY_MB, reportMemoryFor } from '../steps/core/report-sizing';
import type { ReportInput, RunConfig, TimelineBucket } from '../steps/core/contracts';
import {
  longestAcceptedConfig,
  workerTimeline,
  worstCaseHistogram,
  worstCaseHistograms,
  worstCaseWorkerResult,
} from './longest-run';

export interface ReportMergeSection {
  workers: number;
  windows: number;
  buckets: number;
  seconds: number;
  /** CPU the merge used, user and system. */
  cpuSeconds: number;
  peakRssMb: number;
  /** What the report function needs by this run, derived as the stack's figure is (`reportMemoryFor`). */
  derivedMemoryMb: number;
  /** The stack's figure, derived from the recorded measurement (`MEASURED_REPORT_MERGE`). */
  stackMemoryMb: number;
  /** `fits`: this run needs no more than the stack gives; `too small`: record this run's measurement. */
  verdict: 'fits' | 'too small';
  /** The line to record in `MEASURED_REPORT_MERGE` when this run needs more than the recorded one. */
  record: string;
}

/** Where each window starts, in seconds after its phase began. */
function windowStarts(lengths: readonly number[]): number[] {
  let at = 0;
  return lengths.map((length) => {
    const start = at;
    at += length;
    return start;
  });
}

function windowLengths(config: RunConfig, phase: 'baseline' | 'experiment'): number[] {
  const segments =
    phase === 'baseline'
      ? [[config.baselineSeconds, config.windowSeconds]]
      : [
          [config.outageSeconds, config.windowSeconds],
          [config.availableTimeoutSeconds, config.availablePollSeconds],
          [config.recoverySeconds, config.windowSeconds],
        ];
  return segments.flatMap(([total, length]) =>
    Array.from({ length: Math.ceil(total / length) }, (_, i) => Math.min(length, total - i * length)),
  );
}

/** Runs the merge once and samples the process's RSS while it runs. */
export async function benchReportMerge(log: (line: string) => void): Promise<ReportMergeSection> {
  const config = longestAcceptedConfig();
  const t0 = Date.parse('2026-12-01T02:00:00Z');
  const lengths = { baseline: windowLengths(config, 'baseline'), experiment: windowLengths(config, 'experiment') };
  const phaseStart = { baseline: t0, experiment: t0 + config.baselineSeconds * 1000 };
  // Each worker's seconds carry their own histograms, as a real worker's do (about 60 requests a second each).
  const histograms = Array.from({ length: 8 }, (_, i) =>
    worstCaseHistogram(
      10 + i,
      Math.ceil((config.readsPerSecond + config.writesPerSecond) / config.trafficWorkers),
      1_000,
    ),
  );
  const stored = new Map<string, TimelineBucket[]>();
  let buckets = 0;
  for (const phase of ['baseline', 'experiment'] as const) {
    const starts = windowStarts(lengths[phase]);
    lengths[phase].forEach((seconds, window) => {
      for (let worker = 0; worker < config.trafficWorkers; worker++) {
        const timeline = workerTimeline(
          config,
          phaseStart[phase] + starts[window] * 1000,
          seconds,
          histograms[(window + worker) % histograms.length],
        );
        stored.set(`${phase}#${window}#${worker}`, timeline);
        buckets += timeline.length;
      }
    });
  }
  const store: TimelineStore = {
    put: async () => undefined,
    getMany: async (keys: readonly TimelineKey[]) =>
      keys.map((key) => stored.get(`${key.phase}#${key.window}#${key.worker}`) ?? []),
    getAcceptedWrites: async () => [],
  };
  const h = worstCaseHistograms(config);
  const traffic = (phase: 'baseline' | 'experiment') => ({
    ...worstCaseWorkerResult(config, phase, phaseStart[phase], h),
    windows: lengths[phase].length,
  });
  const end = phaseStart.experiment + lengths.experiment.reduce((a, b) => a + b, 0) * 1000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const input: ReportInput = {
    startedAt: iso(t0 - 60_000),
    config,
    baseline: traffic('baseline'),
    experiment: {
      traffic: traffic('experiment'),
      fault: {
        dryRun: false,
        deregisteredAt: iso(phaseStart.experiment),
        registeredAt: iso(phaseStart.experiment + config.outageSeconds * 1000),
        availableAt: iso(end - config.recoverySeconds * 1000),
        stoppedEarly: null,
      },
    },
    drain: {
      startedAt: iso(end),
      endedAt: iso(end + 30_000),
      drained: true,
      polls: 3,
      queue: { visible: 0, inFlight: 0, delayed: 0 },
      dlq: { visible: 0, inFlight: 0, delayed: 0 },
    },
    orders: { accepted: 1, committed: 1, rejected: 0, lost: 0, duplicated: 0, viaQueue: 0, lastViaQueueAt: null },
    timelineTable: 'bench',
  };
  log(
    `  ${buckets.toLocaleString('en-US')} stored buckets (${config.trafficWorkers} workers, ${lengths.baseline.length + lengths.experiment.length} windows)`,
  );
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  await createReportHandler(null, () => store)(input);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const peakRssMb = Math.round(peak / 1024 / 1024);
  const derivedMemoryMb = reportMemoryFor({ cpuSeconds, peakRssMb });
  return {
    workers: config.trafficWorkers,
    windows: lengths.baseline.length + lengths.experiment.length,
    buckets,
    seconds,
    cpuSeconds,
    peakRssMb,
    derivedMemoryMb,
    stackMemoryMb: REPORT_MEMORY_MB,
    verdict: derivedMemoryMb <= REPORT_MEMORY_MB ? 'fits' : 'too small',
    record:
      derivedMemoryMb <= REPORT_MEMORY_MB
        ? `the recorded merge (${MEASURED_REPORT_MERGE.cpuSeconds} s of CPU, peak RSS ${MEASURED_REPORT_MERGE.peakRssMb} MB) still holds`
        : `record { cpuSeconds: ${cpuSeconds.toFixed(1)}, peakRssMb: ${peakRssMb} } in MEASURED_REPORT_MERGE (steps/core/report-sizing.ts)`,
  };
}
