// The run log: one line per 10-second slot of a run's traffic and one summary line, each at its own time, for the dashboard's Logs Insights graphs.
import type { PhaseCounts, ReadCounts, RunLogEventJson, RunReport, TimelineBucket, WriteCounts } from './contracts';
import type { FaultWindow, Phase } from './hypothesis';
import { PHASES } from './hypothesis';
import {
  METRIC_SLOT_SECONDS,
  type MetricName,
  MetricNames,
  OUTCOME_METRICS,
  RUN_LOG_LINES,
  VERDICT_METRICS,
} from './metric-names';
import { outageCacheSharePercent } from './run-figures';
import { MAX_RUN_LOG_SLOTS } from './run-limits';
import { addInto } from './traffic';

/** A timeline second and the phase it belongs to. */
export interface LabelledBucket {
  bucket: TimelineBucket;
  phase: Phase;
}

/** The lines ride in the state to PublishRunLog (and one PutLogEvents call): slots are widened past this many. */
export { MAX_RUN_LOG_SLOTS } from './run-limits';

/**
 * The lines of one run, oldest first (PutLogEvents wants them in order): per slot, the sums of the
 * read and write classes and whether the slot touched the outage; then the run's figures at
 * `summaryAtMs`. Field names are the metric names the dashboard definition shares.
 */
export function buildRunLog(
  report: RunReport,
  labelled: readonly LabelledBucket[],
  window: FaultWindow,
  summaryAtMs: number,
): RunLogEventJson[] {
  const events: RunLogEventJson[] = [];
  const line = (Timestamp: number, fields: Record<string, unknown>) =>
    events.push({ Timestamp, Message: JSON.stringify({ runId: report.runId, ...fields }) });

  if (labelled.length > 0) {
    const firstT = labelled[0].bucket.t;
    const lastEnd = lastBucketEnd(labelled) as number;
    const baseSlotMs = METRIC_SLOT_SECONDS * 1000;
    const baseSlots = Math.ceil((lastEnd - Math.floor(firstT / baseSlotMs) * baseSlotMs) / baseSlotMs);
    const slotMs = baseSlotMs * Math.max(1, Math.ceil(baseSlots / MAX_RUN_LOG_SLOTS));
    const start = Math.floor(firstT / slotMs) * slotMs;
    const slots = Array.from({ length: Math.ceil((lastEnd - start) / slotMs) }, () => sumCounts([]));
    for (const { bucket } of labelled) {
      const slot = slots[Math.floor((bucket.t - start) / slotMs)];
      addInto(slot.reads, bucket.reads);
      addInto(slot.writes, bucket.writes);
    }
    const faultEnd = window.availableAtMs ?? lastEnd;
    slots.forEach((counts, i) => {
      const slotStart = start + i * slotMs;
      const inFault =
        window.injected &&
        window.deregisteredAtMs !== null &&
        slotStart < faultEnd &&
        slotStart + slotMs > window.deregisteredAtMs;
      line(slotStart, {
        line: RUN_LOG_LINES.slot,
        slotSeconds: slotMs / 1000,
        ...outcomeFields(counts),
        [MetricNames.OutageWindow]: inFault ? 1 : 0,
      });
    });
  }

  // A phase without requests has no latency (a 0 would read as "fast"); an unknown figure is left out.
  const latency = Object.fromEntries(
    PHASES.filter((phase) => {
      const counts = report.phases[phase];
      return counts !== null && requestCount(counts) > 0;
    }).map((phase) => [phase, report.latencyMs[phase].p99]),
  );
  const figures: Record<string, number | null> = {
    [MetricNames.OrdersAccepted]: report.orders.accepted,
    [MetricNames.OrdersLost]: report.orders.lost,
    [MetricNames.OrdersDuplicated]: report.orders.duplicated,
    [MetricNames.QueueRemaining]: report.queue.remaining,
    [MetricNames.DlqRemaining]: report.queue.dlq,
    [MetricNames.TimeToFirstDatabaseReadMs]: report.recovery.timeToFirstDatabaseReadMs,
    [MetricNames.TimeToDrainMs]: report.recovery.timeToDrainMs,
    [MetricNames.OutageCacheSharePercent]: outageCacheSharePercent(report),
    ...Object.fromEntries(VERDICT_METRICS.map(([metric, verdict]) => [metric, report.verdict === verdict ? 1 : 0])),
  };
  line(Math.max(summaryAtMs, events.at(-1)?.Timestamp ?? summaryAtMs), {
    line: RUN_LOG_LINES.run,
    verdict: report.verdict,
    // Which rung of the fault ladder: the dashboard names it beside each run, so no fault is read as another.
    fault: report.fault.kind ?? 'deregister',
    ...Object.fromEntries(Object.entries(figures).filter(([, value]) => value !== null)),
    [MetricNames.LatencyP99Ms]: latency,
  });
  return events;
}

/** A slot's counts as fields of its line: each outcome class under the name of the metric that counts it. */
function outcomeFields({ reads, writes }: PhaseCounts): Record<string, number> {
  return Object.fromEntries([...byMetric(OUTCOME_METRICS.reads, reads), ...byMetric(OUTCOME_METRICS.writes, writes)]);
}

/** Each outcome class's count beside the metric that counts it, in the metrics' order. */
function byMetric<C extends string>(metrics: Readonly<Record<C, MetricName>>, counts: Record<C, number>) {
  return (Object.keys(metrics) as C[]).map((outcome): [MetricName, number] => [metrics[outcome], counts[outcome]]);
}

export function sumCounts(buckets: readonly Pick<TimelineBucket, 'reads' | 'writes'>[]): PhaseCounts {
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

export function lastBucketEnd(labelled: readonly LabelledBucket[]): number | null {
  return labelled.length === 0 ? null : Math.max(...labelled.map((l) => l.bucket.t)) + 1000;
}
