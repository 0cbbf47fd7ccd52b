// Windowed traffic: each worker's share and window, the exact merge of the workers' results, and the tally between windows.
import type {
  ReadCounts,
  TimelineBucket,
  TrafficResult,
  WindowFigures,
  WindowLateness,
  WindowState,
  WriteCounts,
} from './contracts';
import { encodeHistogram, mergeEncodedHistograms, summarise } from './latency-histogram';
import { addInto, mergeFailures, sendLagSummary } from './traffic';

/** Worker `worker` of `workers` carries this much of `total` per second: the shares add up to the total exactly. */
export function workerShare(total: number, worker: number, workers: number): number {
  return Math.floor(total / workers) + (worker < total % workers ? 1 : 0);
}

/** The next window of a segment: it starts where the last one's schedule ended, and is cut short by the segment's end. */
export function nextWindow(
  window: Pick<WindowState, 'scheduleStartAt' | 'elapsedSeconds' | 'targetSeconds' | 'windowSeconds'>,
): { scheduleStartMs: number; durationSeconds: number } {
  const scheduleStartMs = Date.parse(window.scheduleStartAt);
  if (!Number.isFinite(scheduleStartMs))
    throw new RangeError(`scheduleStartAt is not a time: ${JSON.stringify(window.scheduleStartAt)}`);
  return {
    scheduleStartMs,
    durationSeconds: Math.max(1, Math.min(window.windowSeconds, window.targetSeconds - window.elapsedSeconds)),
  };
}

/** A phase's traffic before its first window: the merge of no results. */
export function emptyTraffic(phase: string): TrafficResult {
  return mergeTraffic(phase, [], 0);
}

/**
 * Merges traffic results exactly: counts add up, latencies merge as histograms (never as averaged
 * percentiles), the timelines merge second by second. `windows` is the merged result's window count.
 */
export function mergeTraffic(phase: string, results: readonly TrafficResult[], windows: number): TrafficResult {
  const started = results.filter((r) => r.windows > 0);
  const reads = results.reduce<ReadCounts>((sum, r) => addInto(sum, r.reads), { database: 0, cache: 0, failed: 0 });
  const writes = results.reduce<WriteCounts>((sum, r) => addInto(sum, r.writes), {
    ok: 0,
    queued: 0,
    stockOut: 0,
    failed: 0,
  });
  const readHistogram = mergeEncodedHistograms(results.map((r) => r.latencyHistograms.reads));
  const writeHistogram = mergeEncodedHistograms(results.map((r) => r.latencyHistograms.writes));
  const sendLag = mergeEncodedHistograms(results.map((r) => r.sendLagHistogram));
  return {
    phase,
    degradation: results.find((r) => r.degradation !== null && r.degradation !== undefined)?.degradation ?? null,
    startedAtMs: started.length > 0 ? Math.min(...started.map((r) => r.startedAtMs)) : 0,
    endedAtMs: started.length > 0 ? Math.max(...started.map((r) => r.endedAtMs)) : 0,
    offered: {
      reads: results.reduce((sum, r) => sum + r.offered.reads, 0),
      writes: results.reduce((sum, r) => sum + r.offered.writes, 0),
    },
    reads,
    writes,
    ordersAccepted: results.reduce((sum, r) => sum + r.ordersAccepted, 0),
    latencyMs: { reads: summarise(readHistogram), writes: summarise(writeHistogram) },
    latencyHistograms: { reads: encodeHistogram(readHistogram), writes: encodeHistogram(writeHistogram) },
    startLagMs: Math.max(0, ...results.map((r) => r.startLagMs)),
    sendLag: sendLagSummary(
      sendLag,
      results.map((r) => r.sendLag),
    ),
    sendLagHistogram: encodeHistogram(sendLag),
    windows,
    timeline: mergeTimelines(results.map((r) => r.timeline)),
    failures: mergeFailures(results.map((r) => r.failures)),
  };
}

/** Buckets of the same second (workers of one window) merge into one; the rest are kept, in time order. */
export function mergeTimelines(timelines: ReadonlyArray<readonly TimelineBucket[]>): TimelineBucket[] {
  const bySecond = new Map<number, TimelineBucket[]>();
  for (const bucket of timelines.flat()) {
    const same = bySecond.get(bucket.t);
    if (same) same.push(bucket);
    else bySecond.set(bucket.t, [bucket]);
  }
  return [...bySecond.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, buckets]) =>
      buckets.length === 1
        ? buckets[0]
        : {
            t,
            reads: buckets.reduce<ReadCounts>((sum, b) => addInto(sum, b.reads), { database: 0, cache: 0, failed: 0 }),
            writes: buckets.reduce<WriteCounts>((sum, b) => addInto(sum, b.writes), {
              ok: 0,
              queued: 0,
              stockOut: 0,
              failed: 0,
            }),
            latencyHistogram: encodeHistogram(mergeEncodedHistograms(buckets.map((b) => b.latencyHistogram))),
            sendLagHistogram: encodeHistogram(mergeEncodedHistograms(buckets.map((b) => b.sendLagHistogram))),
            late: buckets.reduce((sum, b) => sum + b.late, 0),
          },
    );
}

export interface TallyInput {
  window: WindowState;
  traffic: TrafficResult;
  /** The workers' results of the window just run (the Map state's output). */
  results: TrafficResult[];
  /** Percent of failed requests in one window above which the budget is spent; null: no budget here. */
  errorBudgetPercent: number | null;
}

/** After a window: the phase's traffic with the window merged in, and where the segment stands. */
export function tallyWindow({ window, traffic, results, errorBudgetPercent }: TallyInput): {
  window: WindowState;
  traffic: TrafficResult;
} {
  if (results.length === 0) throw new RangeError('a window needs the result of at least one worker');
  const merged = mergeTraffic(
    traffic.phase,
    [traffic, ...results.map((r) => ({ ...r, timeline: [] }))],
    traffic.windows + 1,
  );
  const { durationSeconds, scheduleStartMs } = nextWindow(window);
  const figures = windowFigures(window.index, results);
  const elapsedSeconds = window.elapsedSeconds + durationSeconds;
  return {
    traffic: { ...merged, timeline: [] },
    window: {
      ...window,
      index: window.index + 1,
      scheduleStartAt: new Date(scheduleStartMs + durationSeconds * 1000).toISOString(),
      elapsedSeconds,
      done: elapsedSeconds >= window.targetSeconds,
      budgetExceeded: errorBudgetPercent !== null && figures.failedPercent > errorBudgetPercent,
      last: figures,
    },
  };
}

/** The counts of one window over all its workers. */
export function windowFigures(index: number, results: readonly TrafficResult[]): WindowFigures {
  const requests = results.reduce(
    (sum, r) =>
      sum +
      r.reads.database +
      r.reads.cache +
      r.reads.failed +
      r.writes.ok +
      r.writes.queued +
      r.writes.stockOut +
      r.writes.failed,
    0,
  );
  const failed = results.reduce((sum, r) => sum + r.reads.failed + r.writes.failed, 0);
  return {
    index,
    startedAtMs: Math.min(...results.map((r) => r.startedAtMs)),
    offered: results.reduce((sum, r) => sum + r.offered.reads + r.offered.writes, 0),
    requests,
    failed,
    failedPercent: requests === 0 ? 0 : Math.round((10_000 * failed) / requests) / 100,
    startLagMs: Math.max(0, ...results.map((r) => r.startLagMs)),
    lateSends: results.reduce((sum, r) => sum + r.sendLag.late, 0),
  };
}

/** One window's sends from its buckets (every worker's): the requests it scheduled and how many left late. */
export function windowLateness(phase: string, window: number, buckets: readonly TimelineBucket[]): WindowLateness {
  const requests = buckets.reduce(
    (sum, b) =>
      sum +
      b.reads.database +
      b.reads.cache +
      b.reads.failed +
      b.writes.ok +
      b.writes.queued +
      b.writes.stockOut +
      b.writes.failed,
    0,
  );
  const late = buckets.reduce((sum, b) => sum + b.late, 0);
  return {
    phase,
    window,
    startedAtMs: buckets.length > 0 ? Math.min(...buckets.map((b) => b.t)) : 0,
    requests,
    late,
    latePercent: requests === 0 ? 0 : Math.round((10_000 * late) / requests) / 100,
  };
}
