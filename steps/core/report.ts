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
  Verdict,
  WriteCounts,
} from './contracts';
import { mergeEncodedHistograms, summarise } from './latency-histogram';
import { METRIC_SLOT_SECONDS, MetricNames, PHASE_DIMENSION } from './metric-names';
import { outageCacheSharePercent } from './run-figures';
import { addInto } from './traffic';

export type Phase = 'baseline' | 'outage' | 'recovery';
const PHASES: readonly Phase[] = ['baseline', 'outage', 'recovery'];

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

/** What the fault branch did, in epoch milliseconds. */
interface FaultWindow {
  injected: boolean;
  deregisteredAtMs: number | null;
  registeredAtMs: number | null;
  availableAtMs: number | null;
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
    timeToFirstDatabaseReadMs: timeToFirstDatabaseRead(labelled, window),
    timeToDrainMs:
      drain.drained && window.availableAtMs !== null && drainEndedAtMs !== null ? Math.max(0, drainEndedAtMs - window.availableAtMs) : null,
  };

  const { verdict, reasons } = judge(input, { phases, total, queue, registeredAtEnd, window, recovery });
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
    orders: { accepted: orders.accepted, committed: orders.committed, rejected: orders.rejected, lost: orders.lost, duplicated: orders.duplicated },
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
    transitions: input.transitions ?? null,
  };
  const summaryAt = drainEndedAtMs ?? lastBucketEnd(labelled) ?? Date.parse(input.startedAt);
  return { verdict, reasons, report, metricData: buildMetricData(report, labelled, window, summaryAt) };
}

/**
 * The stop-condition alarms that ended the hold, as a list. The state machine collects them with a
 * `..AlarmName` path, which Step Functions answers with a list; some JSONPath engines (the local
 * runtime among them) answer a single match with the bare string, so one name is taken as a list of one.
 */
function alarmNames(stoppedEarly: string[] | string | null | undefined): string[] | null {
  if (stoppedEarly === null || stoppedEarly === undefined) return null;
  return typeof stoppedEarly === 'string' ? [stoppedEarly] : stoppedEarly;
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

function timeToFirstDatabaseRead(labelled: readonly LabelledBucket[], window: FaultWindow): number | null {
  const registeredAt = window.registeredAtMs;
  if (!window.injected || registeredAt === null) return null;
  const first = labelled.find((l) => l.phase !== 'baseline' && l.bucket.t + 1000 > registeredAt && l.bucket.reads.database > 0);
  return first ? Math.max(0, first.bucket.t - registeredAt) : null;
}

interface Evidence {
  phases: Record<Phase, PhaseCounts>;
  total: PhaseCounts;
  queue: { remaining: number; dlq: number };
  registeredAtEnd: boolean;
  window: FaultWindow;
  recovery: RunReport['recovery'];
}

function judge(input: ReportInput, evidence: Evidence): { verdict: Verdict; reasons: string[] } {
  const broken = brokenRules(input, evidence);
  const alarms = alarmNames(input.experiment.hold?.stoppedEarly ?? input.experiment.fault.stoppedEarly) ?? [];
  if (alarms.length > 0) {
    const stopped = `aborted: stop condition ${alarms.length === 1 ? 'alarm' : 'alarms'} ${alarms.join(', ')} in ALARM ended the hold early`;
    return { verdict: 'aborted', reasons: [stopped, ...broken] };
  }
  if (broken.length > 0) return { verdict: 'failed', reasons: broken };

  const { phases, window } = evidence;
  const notTested = ' (the experiment traffic is counted as recovery); the hypothesis was not tested';
  if (input.config.dryRun || input.experiment.fault.dryRun) {
    return { verdict: 'inconclusive', reasons: [`dry run: the fault was not injected${notTested}`] };
  }
  if (!window.injected) {
    return { verdict: 'inconclusive', reasons: [`the fault was not injected: no deregistration was recorded${notTested}`] };
  }
  const cacheReads = phases.outage.reads.cache + phases.recovery.reads.cache;
  const queued = phases.outage.writes.queued + phases.recovery.writes.queued;
  // Failed requests would have failed the run above, so only cache reads and queued orders remain as bite.
  if (cacheReads === 0 && queued === 0) {
    return {
      verdict: 'inconclusive',
      reasons: ['the fault never bit: no read was served from cache, no order was queued and no request failed during the outage and recovery'],
    };
  }
  return { verdict: 'passed', reasons: [passedSummary(input, evidence, cacheReads, queued)] };
}

/** One reason per broken rule of the hypothesis, each with its numbers. */
function brokenRules(input: ReportInput, { phases, total, queue, registeredAtEnd, window }: Evidence): string[] {
  const reasons: string[] = [];
  const { orders, drain, config } = input;
  const hold = input.experiment.hold;
  if (hold?.haltedBy === 'errorBudget') {
    const w = hold.window;
    reasons.push(
      `error budget spent: ${w ? `outage window ${w.index + 1} failed ${w.failedPercent}% of its requests (${w.failed} of ${w.requests})` : 'an outage window failed too many requests'}, ` +
        `more than errorBudgetPercent ${config.errorBudgetPercent}%; the hold ended early and the target was registered again`,
    );
  }
  if (total.reads.failed > 0) {
    reasons.push(`${plural(total.reads.failed, 'read', 'reads')} failed (${byPhase(phases, (p) => p.reads.failed)})`);
  }
  if (total.writes.failed > 0) {
    reasons.push(`${plural(total.writes.failed, 'write', 'writes')} failed (${byPhase(phases, (p) => p.writes.failed)})`);
  }
  if (orders.lost > 0) {
    reasons.push(
      `${plural(orders.lost, 'order', 'orders')} lost: ${orders.accepted} accepted (201/202), ${orders.committed} committed, ${orders.rejected} rejected`,
    );
  }
  if (orders.duplicated > 0) {
    const answered = total.writes.ok + total.writes.queued + total.writes.stockOut;
    reasons.push(
      `${plural(orders.duplicated, 'order', 'orders')} duplicated: ${orders.committed + orders.rejected} order rows recorded for ${answered} answered writes`,
    );
  }
  if (queue.remaining > 0) {
    reasons.push(`order queue not empty at the end: ${queue.remaining} messages (${describeDepth(drain.queue)})`);
  }
  if (queue.dlq > 0) {
    const held =
      window.deregisteredAtMs !== null && window.availableAtMs !== null
        ? Math.round((window.availableAtMs - window.deregisteredAtMs) / 1000)
        : config.outageSeconds;
    const policy = input.queuePolicy;
    const budget = policy
      ? `maxReceiveCount ${policy.maxReceiveCount} x visibility timeout ${policy.visibilityTimeoutSeconds} s = ${policy.maxReceiveCount * policy.visibilityTimeoutSeconds} s`
      : 'maxReceiveCount x visibility timeout';
    reasons.push(
      `DLQ holds ${plural(queue.dlq, 'order', 'orders')} at the end (${describeDepth(drain.dlq)}): the outage (${held} s) outlasted the queue's retry budget (${budget})`,
    );
  }
  if (!drain.drained) {
    reasons.push(`queue and DLQ not drained within ${config.drainTimeoutSeconds} s (${plural(drain.polls, 'poll', 'polls')})`);
  }
  if (!registeredAtEnd) {
    reasons.push('proxy target not registered and AVAILABLE at the end: the fault branch recorded no availableAt');
  }
  return reasons;
}

function passedSummary(input: ReportInput, { window, recovery }: Evidence, cacheReads: number, queued: number): string {
  const { orders } = input;
  const held =
    window.deregisteredAtMs !== null && window.availableAtMs !== null
      ? `${Math.round((window.availableAtMs - window.deregisteredAtMs) / 1000)} s`
      : `${input.config.outageSeconds} s`;
  const parts = [
    `hypothesis held: the database was gone for ${held}`,
    `${plural(cacheReads, 'read', 'reads')} served from cache and ${plural(queued, 'order', 'orders')} queued, no request failed`,
    `all ${orders.accepted} accepted orders recorded (${orders.committed} committed, ${orders.rejected} rejected), none lost or duplicated`,
    recovery.timeToDrainMs !== null
      ? `queue and DLQ drained ${Math.round(recovery.timeToDrainMs / 1000)} s after the target was AVAILABLE`
      : 'queue and DLQ drained',
  ];
  if (recovery.timeToFirstDatabaseReadMs !== null) {
    parts.push(`first database read ${recovery.timeToFirstDatabaseReadMs} ms after re-registration`);
  }
  return parts.join('; ');
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

function describeDepth(q: QueueDepth): string {
  return `visible ${q.visible}, in flight ${q.inFlight}, delayed ${q.delayed}`;
}

function byPhase(phases: Record<Phase, PhaseCounts>, count: (p: PhaseCounts) => number): string {
  return PHASES.map((phase) => `${phase} ${count(phases[phase])}`).join(', ');
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
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
