// Benchmark sections: the peak RSS of a whole local GameDay, and a soak at the outage rates in windows.
import { startLab } from '../local/lab/lab';
import { LOCAL_LAB } from '../local/runner/local-config';
import { runLocalGameDay, type Progress } from '../local/runner/runner';
import type { RunReport } from '../steps/core/contracts';
import { STATES } from '../steps/core/workflow-names';
import { growthPercent, peakOf, startSampling, type MemorySample, type ProcessRole } from './process-memory';

/** What the runner's own process holds at its peak, from process.memoryUsage() (MB). */
export interface RootBreakdown {
  rssMb: number;
  /** The JavaScript heap: the runner, the shop, the SDK clients, dynalite. */
  heapUsedMb: number;
  /** ArrayBuffers, PGlite's WebAssembly memory among them. */
  arrayBuffersMb: number;
}

export interface MemorySection {
  timings: { baselineSeconds: number; outageSeconds: number; recoverySeconds: number };
  sampleMs: number;
  /** The highest RSS summed over every process of the run at one sample: runner and lab, SQS emulator, traffic workers. */
  peakRssMb: number;
  peakByRoleMb: Partial<Record<ProcessRole, number>>;
  /** The runner's process at the sample where its RSS peaked. */
  runnerAtPeak: RootBreakdown | null;
  verdict: string;
  wallSeconds: number;
  samples: MemorySample[];
  note: string;
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Samples the tree and, alongside, this process's own heap and buffers. */
function startRunSampling(intervalMs: number) {
  const sampler = startSampling(intervalMs);
  const root: Array<RootBreakdown> = [];
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    root.push({ rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), arrayBuffersMb: mb(usage.arrayBuffers) });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      const samples = await sampler.stop();
      const runnerAtPeak = root.reduce<RootBreakdown | null>(
        (best, s) => (best === null || s.rssMb > best.rssMb ? s : best),
        null,
      );
      return { samples, runnerAtPeak };
    },
  };
}

/**
 * One local GameDay as `npm run gameday` runs it (its own lab and traffic worker pool), every
 * process of it sampled from /proc from before the lab starts until it has stopped.
 */
export async function benchMemory(timings: MemorySection['timings'], sampleMs = 250): Promise<MemorySection> {
  const sampling = startRunSampling(sampleMs);
  const started = Date.now();
  let stopped: Awaited<ReturnType<typeof sampling.stop>> = { samples: [], runnerAtPeak: null };
  let verdict = 'error';
  try {
    verdict = (await runLocalGameDay({ labOptions: LOCAL_LAB, input: { ...timings } })).verdict;
  } finally {
    // A failed run still stops the sampler before the error goes on.
    stopped = await sampling.stop();
  }
  const { samples, runnerAtPeak } = stopped;
  const peak = peakOf(samples);
  return {
    timings,
    sampleMs,
    peakRssMb: peak.peakMb,
    peakByRoleMb: peak.peakByRoleMb,
    runnerAtPeak,
    verdict,
    wallSeconds: (Date.now() - started) / 1000,
    samples,
    note: "VmRSS of every process of the run summed per sample (/proc/<pid>/status), every 250 ms; a role's peak is its own highest sample. The runner and lab share one process: PGlite's WebAssembly memory is in its ArrayBuffers.",
  };
}

export interface SoakSection {
  minutes: number;
  input: {
    baselineSeconds: number;
    outageSeconds: number;
    recoverySeconds: number;
    readsPerSecond: number;
    writesPerSecond: number;
    windowSeconds: number;
    dryRun: boolean;
  };
  sampleSeconds: number;
  /** Samples taken during the traffic windows (after the first): the ones the growth is judged on. */
  judgedSamples: number;
  /** The spans compared: the first and last `comparedMinutes` of the samples (5, or a quarter of a shorter soak). */
  comparedMinutes: number;
  growthPercent: number | null;
  growthByRolePercent: Partial<Record<ProcessRole, number | null>>;
  peakRssMb: number;
  verdict: string;
  reads: RunReport['reads'] | null;
  writes: RunReport['writes'] | null;
  ordersLost: number | null;
  samples: MemorySample[];
}

/** Growth of one role's RSS, the same spans as the total. */
function roleGrowth(samples: readonly MemorySample[], role: ProcessRole, minutes: number): number | null {
  return growthPercent(
    samples.map((s) => ({ ...s, totalMb: s.byRoleMb[role] ?? 0 })),
    minutes,
  );
}

/**
 * A local GameDay held at 300 reads + 100 writes a second in 10 s windows for `minutes` (a dry run:
 * almost all of it baseline, then 5 s of outage windows with the target left alone, and 10 s of
 * recovery), its process tree's RSS sampled every 10 s.
 */
export async function benchSoak(minutes: number, log: (line: string) => void): Promise<SoakSection> {
  const sampleSeconds = 10;
  // A dry run: the windows and their tallies without the fault, which the outage section measures.
  // As many traffic workers as the validator asks for at this rate (the local default is one).
  const input = {
    baselineSeconds: Math.max(10, Math.round(minutes * 60) - 15),
    outageSeconds: 5,
    recoverySeconds: 10,
    readsPerSecond: 300,
    writesPerSecond: 100,
    windowSeconds: 10,
    trafficWorkers: null,
    dryRun: true,
  };
  const lab = await startLab({ ...LOCAL_LAB });
  const sampler = startSampling(sampleSeconds * 1000);
  let report: RunReport | null = null;
  let verdict = 'error';
  let samples: MemorySample[] = [];
  // The growth is judged over the traffic windows only: the worker process starts with the first and ends after the last.
  const traffic = { fromMs: Number.POSITIVE_INFINITY, toMs: Number.POSITIVE_INFINITY };
  const onProgress = (progress: Progress) => {
    if (progress.state === STATES.startBaseline && traffic.fromMs === Number.POSITIVE_INFINITY)
      traffic.fromMs = Date.now() - sampler.sinceMs;
    if (progress.state === STATES.startDrain && traffic.toMs === Number.POSITIVE_INFINITY)
      traffic.toMs = Date.now() - sampler.sinceMs;
  };
  try {
    const result = await runLocalGameDay({ lab, input, onProgress });
    report = result.report;
    verdict = result.verdict;
  } finally {
    samples = await sampler.stop();
    await lab.stop();
  }
  const comparedMinutes = Math.min(5, minutes / 4);
  // The first sample in the windows may catch the worker process still loading: it starts one sample in.
  const judged = samples.filter((s) => s.t >= traffic.fromMs + sampleSeconds * 1000 && s.t <= traffic.toMs);
  const roles = [...new Set(judged.flatMap((s) => Object.keys(s.byRoleMb) as ProcessRole[]))];
  const growth = growthPercent(judged, comparedMinutes);
  log(
    `  soak: ${judged.length} of ${samples.length} samples in the windows, RSS ${judged[0]?.totalMb ?? 'n/a'} -> ${judged[judged.length - 1]?.totalMb ?? 'n/a'} MB, growth ${growth === null ? 'n/a' : growth.toFixed(2)} %`,
  );
  return {
    minutes,
    input,
    sampleSeconds,
    comparedMinutes,
    growthPercent: growth,
    growthByRolePercent: Object.fromEntries(roles.map((role) => [role, roleGrowth(judged, role, comparedMinutes)])),
    judgedSamples: judged.length,
    peakRssMb: peakOf(samples).peakMb,
    verdict,
    reads: report?.reads ?? null,
    writes: report?.writes ?? null,
    ordersLost: report?.orders.lost ?? null,
    samples,
  };
}
