// Builds the run report, the verdict with its reasons, and the metric data from a finished run.
import type {
  MetricDatumJson,
  PhaseCounts,
  QueueDepth,
  ReadCounts,
  ReportInput,
  ReportOutput,
  RunReport,
  TimelineBucket,
  WriteCounts,
} from './contracts';
import { mergeEncodedHistograms, summarise } from './latency-histogram';
import { METRIC_SLOT_SECONDS, MetricNames, PHASE_DIMENSION } from './metric-names';
import { outageCacheSharePercent } from './run-figures';
import { addInto } from './traffic';
import { alarmNames, type FaultWindow, judgeHypothesis, type Phase, PHASES } from './hypothesis';

export type { Phase } from './hypothesis';


/** PutMetricData takes at most 1,000 datums per call. */
export const MAX_METRIC_DATUMS = 1_000;
/** Datums per slot: seven read/write classes and OutageWindow. */
const DATUMS_PER_SLOT = 8;
/** Summary datums: 5 order/queue counts, 2 timings, the outage cache share, 4 verdicts, 3 phase latencies. */
const MAX_SUMMARY_DATUMS = 15;

/** The report step's input misses a part or carries an unreadable timestamp. */
export class InvalidReportInput extends Error {
  override readonly name = 'InvalidReportInput';
}

interface LabelledBucket {
  bucket: TimelineBucket;
  phase: Phase;
}


/** The report step's output before the report is stored. */
export type BuiltReport = Omit<ReportOutput, 'storage'>;

export function buildReport(input: ReportInput): BuiltReport {
  assertComplete(input);
  const { config, baseline, experiment, drain, orders } = input;
  const hold = experiment.hold;
  const fault = {
    ...experiment.fault,
    stoppedEarly: alarmNames(hold?.stoppedEarly ?? experiment.fault.stoppedEarly),
    haltedBy: hold?.haltedBy ?? null,
    haltWindow: hold?.haltedBy ? (hold.window ?? null) : null,
  };
  const window: FaultWindow = {
    injected: !fault.dryRun && !config.dryRun && fault.deregisteredAt !== null,
    deregisteredAtMs: parseTime(fault.deregisteredAt, 'fault.deregisteredAt'),
    registeredAtMs: parseTime(fault.registeredAt, 'fault.registeredAt'),
    availableAtMs: parseTime(fault.availableAt, 'fault.availableAt'),
  };

  const labelled: LabelledBucket[] = [
    ...baseline.timeline.map((bucket) => ({ bucket, phase: 'baseline' as Phase })),
    ...experiment.traffic.timeline.map((bucket) => ({ bucket, phase: experimentPhase(bucket.t, window) })),
  ].sort((a, b) => a.bucket.t - b.bucket.t);

  const phases = {} as Record<Phase, PhaseCounts>;
  const latencyMs = {} as RunReport['latencyMs'];
  for (const phase of PHASES) {
    const buckets = labelled.filter((l) => l.phase === phase).map((l) => l.bucket);
    phases[phase] = sumCounts(buckets);
    const { p50, p99 } = summarise(mergeEncodedHistograms(buckets.map((b) => b.latencyHistogram)));
    latencyMs[phase] = { p50, p99 };
  }
  const total = sumCounts(labelled.map((l) => l.bucket));

  const queue = { remaining: depth(drain.queue), dlq: depth(drain.dlq) };
  const registeredAtEnd = !window.injected || window.availableAtMs !== null;
  const drainEndedAtMs = parseTime(drain.endedAt, 'drain.endedAt');
  const recovery = {
    timeToFirstDatabaseReadMs: timeToFirstDatabaseRead(labelled, window, window.registeredAtMs),
    timeToFirstDatabaseReadAfterAvailableMs: timeToFirstDatabaseRead(labelled, window, window.availableAtMs),
    timeToDrainMs: timeToDrain(input, total, window),
  };
  const failedWithRow = Math.min(total.writes.failed, Math.max(0, orders.committed + orders.rejected - (total.writes.ok + total.writes.queued + total.writes.stockOut)));
  const neverCommitted = orders.lost + total.writes.failed - failedWithRow;

  const { verdict, reasons, checks } = judgeHypothesis(input, { phases, total, latencyMs, queue, registeredAtEnd, window, recovery, neverCommitted });
  const { runId, ...configWithoutId } = config;
  const report: RunReport = {
    runId,
    startedAt: input.startedAt,
    degradation: baseline.degradation ?? experiment.traffic.degradation ?? null,
    config: configWithoutId,
    verdict,
    reasons,
    reads: total.reads,
    writes: total.writes,
    orders: {
      accepted: orders.accepted, committed: orders.committed, rejected: orders.rejected, lost: orders.lost, duplicated: orders.duplicated,
      failed: total.writes.failed, neverCommitted,
    },
    queue,
    target: { registeredAtEnd, proxyName: input.target?.proxyName ?? null },
    fault: { ...fault, injected: window.injected },
    traffic: {
      workers: config.trafficWorkers,
      windows: { baseline: baseline.windows, experiment: experiment.traffic.windows },
      maxStartLagMs: Math.max(baseline.startLagMs, experiment.traffic.startLagMs),
    },
    phases,
    latencyMs,
    timeline: labelled.map(({ bucket, phase }) => ({ t: bucket.t, phase, reads: { ...bucket.reads }, writes: { ...bucket.writes } })),
    recovery,
    hypothesis: { tolerances: config.hypothesis, checks },
    transitions: input.transitions ?? null,
  };
  const summaryAt = drainEndedAtMs ?? lastBucketEnd(labelled) ?? Date.parse(input.startedAt);
  return { verdict, reasons, report, metricData: buildMetricData(report, labelled, window, summaryAt) };
}

/**
 * A bucket belongs to the outage when its second overlaps [deregistered, available): the second in
 * which the target went away already carries the outage's answers. Before it, the experiment
 * traffic is still steady state; without a fault it is all counted as recovery.
 */
function experimentPhase(t: number, window: FaultWindow): Phase {
  if (!window.injected || window.deregisteredAtMs === null) return 'recovery';
  if (t + 1000 <= window.deregisteredAtMs) return 'baseline';
  if (window.availableAtMs === null || t < window.availableAtMs) return 'outage';
  return 'recovery';
}

/** From `fromMs` (the register, or AVAILABLE) to the start of the first second after it in which the database served a read. */
function timeToFirstDatabaseRead(labelled: readonly LabelledBucket[], window: FaultWindow, fromMs: number | null): number | null {
  if (!window.injected || fromMs === null) return null;
  const first = labelled.find((l) => l.phase !== 'baseline' && l.bucket.t + 1000 > fromMs && l.bucket.reads.database > 0);
  return first ? Math.max(0, first.bucket.t - fromMs) : null;
}

/**
 * From AVAILABLE until the queues were first empty with every queued order recorded: the time the
 * recovery worker wrote the last order that came through the queue, which it does while the recovery
 * traffic still runs. Nothing queued: 0. Unknown (the queues did not drain, an order was lost, or the
 * shop does not say when it wrote the queued orders): null.
 */
function timeToDrain({ drain, orders }: ReportInput, total: PhaseCounts, window: FaultWindow): number | null {
  if (!drain.drained) return null;
  if (total.writes.queued === 0 && !orders.viaQueue) return 0;
  if (orders.lost > 0 || window.availableAtMs === null || !orders.lastViaQueueAt) return null;
  const lastMs = Date.parse(orders.lastViaQueueAt);
  if (Number.isNaN(lastMs)) throw new InvalidReportInput(`orders.lastViaQueueAt is not an ISO timestamp: ${JSON.stringify(orders.lastViaQueueAt)}`);
  return Math.max(0, lastMs - window.availableAtMs);
}

/**
 * Per-slot sums of the read and write classes plus the OutageWindow series, then one datum per
 * summary metric. Slots are 10 s; only a run too long for 1,000 datums gets wider slots.
 */
function buildMetricData(report: RunReport, labelled: readonly LabelledBucket[], window: FaultWindow, summaryAtMs: number): MetricDatumJson[] {
  const data: MetricDatumJson[] = [];
  const summaryTimestamp = new Date(summaryAtMs).toISOString();

  if (labelled.length > 0) {
    const firstT = labelled[0].bucket.t;
    const lastEnd = lastBucketEnd(labelled) as number;
    const maxSlots = Math.floor((MAX_METRIC_DATUMS - MAX_SUMMARY_DATUMS) / DATUMS_PER_SLOT);
    const baseSlotMs = METRIC_SLOT_SECONDS * 1000;
    const startBase = Math.floor(firstT / baseSlotMs) * baseSlotMs;
    const baseSlots = Math.ceil((lastEnd - startBase) / baseSlotMs);
    const slotMs = baseSlotMs * Math.max(1, Math.ceil(baseSlots / maxSlots));
    const start = Math.floor(firstT / slotMs) * slotMs;
    const slotCount = Math.ceil((lastEnd - start) / slotMs);
    const slots = Array.from({ length: slotCount }, () => sumCounts([]));
    for (const { bucket } of labelled) {
      const slot = slots[Math.floor((bucket.t - start) / slotMs)];
      addInto(slot.reads, bucket.reads);
      addInto(slot.writes, bucket.writes);
    }
    const faultEnd = window.availableAtMs ?? lastEnd;
    const resolution = slotMs < 60_000 ? { StorageResolution: 1 as const } : {};
    slots.forEach((counts, i) => {
      const slotStart = start + i * slotMs;
      const Timestamp = new Date(slotStart).toISOString();
      const inFault = window.injected && window.deregisteredAtMs !== null && slotStart < faultEnd && slotStart + slotMs > window.deregisteredAtMs;
      const series: Array<[string, number, MetricDatumJson['Unit']]> = [
        [MetricNames.ReadsDatabase, counts.reads.database, 'Count'],
        [MetricNames.ReadsCache, counts.reads.cache, 'Count'],
        [MetricNames.ReadsFailed, counts.reads.failed, 'Count'],
        [MetricNames.WritesCommitted, counts.writes.ok, 'Count'],
        [MetricNames.WritesQueued, counts.writes.queued, 'Count'],
        [MetricNames.WritesStockOut, counts.writes.stockOut, 'Count'],
        [MetricNames.WritesFailed, counts.writes.failed, 'Count'],
        [MetricNames.OutageWindow, inFault ? 1 : 0, 'None'],
      ];
      for (const [MetricName, Value, Unit] of series) data.push({ MetricName, Timestamp, Value, Unit, ...resolution });
    });
  }

  const summary: Array<[string, number | null, MetricDatumJson['Unit']]> = [
    [MetricNames.OrdersAccepted, report.orders.accepted, 'Count'],
    [MetricNames.OrdersLost, report.orders.lost, 'Count'],
    [MetricNames.OrdersDuplicated, report.orders.duplicated, 'Count'],
    [MetricNames.QueueRemaining, report.queue.remaining, 'Count'],
    [MetricNames.DlqRemaining, report.queue.dlq, 'Count'],
    [MetricNames.TimeToFirstDatabaseReadMs, report.recovery.timeToFirstDatabaseReadMs, 'Milliseconds'],
    [MetricNames.TimeToDrainMs, report.recovery.timeToDrainMs, 'Milliseconds'],
    [MetricNames.OutageCacheSharePercent, outageCacheSharePercent(report), 'Percent'],
    // Every verdict series gets a datum (0 or 1), so an alarm on RunFailed sees 0, not missing data.
    [MetricNames.RunPassed, report.verdict === 'passed' ? 1 : 0, 'Count'],
    [MetricNames.RunFailed, report.verdict === 'failed' ? 1 : 0, 'Count'],
    [MetricNames.RunInconclusive, report.verdict === 'inconclusive' ? 1 : 0, 'Count'],
    [MetricNames.RunAborted, report.verdict === 'aborted' ? 1 : 0, 'Count'],
  ];
  for (const [MetricName, Value, Unit] of summary) {
    if (Value !== null) data.push({ MetricName, Timestamp: summaryTimestamp, Value, Unit });
  }
  for (const phase of PHASES) {
    const counts = report.phases[phase];
    // A phase without requests has no latency: a 0 would read as "fast".
    if (requestCount(counts) === 0) continue;
    data.push({
      MetricName: MetricNames.LatencyP99Ms,
      Dimensions: [{ Name: PHASE_DIMENSION, Value: phase }],
      Timestamp: summaryTimestamp,
      Value: report.latencyMs[phase].p99,
      Unit: 'Milliseconds',
    });
  }
  return data;
}

function sumCounts(buckets: readonly Pick<TimelineBucket, 'reads' | 'writes'>[]): PhaseCounts {
  const reads: ReadCounts = { database: 0, cache: 0, failed: 0 };
  const writes: WriteCounts = { ok: 0, queued: 0, stockOut: 0, failed: 0 };
  for (const bucket of buckets) {
    addInto(reads, bucket.reads);
    addInto(writes, bucket.writes);
  }
  return { reads, writes };
}

function requestCount({ reads, writes }: PhaseCounts): number {
  return reads.database + reads.cache + reads.failed + writes.ok + writes.queued + writes.stockOut + writes.failed;
}

function depth(q: QueueDepth): number {
  return q.visible + q.inFlight + q.delayed;
}


function lastBucketEnd(labelled: readonly LabelledBucket[]): number | null {
  return labelled.length === 0 ? null : Math.max(...labelled.map((l) => l.bucket.t)) + 1000;
}

function parseTime(iso: string | null | undefined, field: string): number | null {
  if (iso === null || iso === undefined) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new InvalidReportInput(`${field} is not an ISO timestamp: ${JSON.stringify(iso)}`);
  return ms;
}

function assertComplete(input: ReportInput): void {
  const missing: string[] = [];
  const parts: Array<[string, unknown]> = [
    ['startedAt', input?.startedAt],
    ['config', input?.config],
    ['baseline', input?.baseline?.timeline],
    ['experiment.traffic', input?.experiment?.traffic?.timeline],
    ['experiment.fault', input?.experiment?.fault],
    ['drain', input?.drain?.queue && input.drain.dlq],
    ['orders', input?.orders],
  ];
  for (const [name, value] of parts) if (value === undefined || value === null) missing.push(name);
  if (missing.length > 0) throw new InvalidReportInput(`the report input misses ${missing.join(', ')}`);
}
