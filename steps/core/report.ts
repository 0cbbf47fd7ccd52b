// Builds the run report, the verdict with its reasons, and the metric data from a finished run.
import { addInto, mergeFailures } from './traffic';
import type {
  FaultRecord,
  MetricDatumJson,
  PhaseCounts,
  QueueDepth,
  ReportInput,
  ReportOutput,
  RunConfig,
  RunReport,
  TrafficResult,
  WarmUpFigures,
} from './contracts';
import { mergeEncodedHistograms, summarise } from './latency-histogram';
import { sendLagSummary } from './traffic';
import { windowLateness } from './traffic-windows';
import { ALARM_METRICS } from './metric-names';
import { buildRunLog, type LabelledBucket, lastBucketEnd, sumCounts } from './run-log';
import { alarmNames, type FaultWindow, judgeHypothesis, type Phase, PHASES } from './hypothesis';
import { POOL_BROWNOUT, WRITER_FAILOVER } from './fault-settings';
import { failoverFigures } from './failover-checks';
import type { ClientFailoverWindow } from './failover-window';

export type { Phase } from './hypothesis';

/** The report step's input misses a part or carries an unreadable timestamp. */
export class InvalidReportInput extends Error {
  override readonly name = 'InvalidReportInput';
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
  const window = faultWindowOf(fault, config.dryRun);
  const byPhase = trafficByPhase(baseline, experiment.traffic, window);
  const { labelled, latencyMs, total } = byPhase;
  // The report step judges a run that ran every phase: a phase no second fell in served nothing.
  const phases = Object.fromEntries(PHASES.map((phase) => [phase, byPhase.phases[phase] ?? sumCounts([])])) as Record<
    Phase,
    PhaseCounts
  >;
  const { sendLagMs } = byPhase;
  // Without the stored windows (a run whose steps carried their timelines), each traffic phase counts as one window.
  const lateness = input.windowLateness ?? [
    windowLateness(baseline.phase, 0, baseline.timeline),
    windowLateness(experiment.traffic.phase, 0, experiment.traffic.timeline),
  ];

  const queue = { remaining: depth(drain.queue), dlq: depth(drain.dlq) };
  const registeredAtEnd = !window.injected || window.availableAtMs !== null;
  const drainEndedAtMs = parseTime(drain.endedAt, 'drain.endedAt');
  const recovery = {
    timeToFirstDatabaseReadMs: timeToFirstDatabaseRead(labelled, window, window.registeredAtMs),
    timeToFirstDatabaseReadAfterAvailableMs: timeToFirstDatabaseRead(labelled, window, window.availableAtMs),
    timeToDrainMs: timeToDrain(input, total, window),
  };
  const warmUp = warmUpFigures(input.warmUp, config.warmupSeconds);
  // The orders were proven with the warm-up's writes among them: so are they counted here.
  const writes = warmUp ? addInto({ ...total.writes }, warmUp.writes) : total.writes;
  const failedWithRow = Math.min(
    writes.failed,
    Math.max(0, orders.committed + orders.rejected - (writes.ok + writes.queued + writes.stockOut)),
  );
  const neverCommitted = orders.lost + writes.failed - failedWithRow;

  // A failover's window as the clients saw it: judged, and kept in the report's fault.
  const failover = failoverFigures(input);
  const { verdict, reasons, checks } = judgeHypothesis(input, {
    phases,
    total,
    latencyMs,
    queue,
    registeredAtEnd,
    window,
    recovery,
    neverCommitted,
    lateness,
    failover,
  });
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
      accepted: orders.accepted,
      committed: orders.committed,
      rejected: orders.rejected,
      lost: orders.lost,
      duplicated: orders.duplicated,
      failed: writes.failed,
      neverCommitted,
      ...(orders.proof ? { proof: orders.proof } : {}),
    },
    queue,
    target: {
      registeredAtEnd,
      proxyName: input.target?.proxyName ?? null,
      ...(input.target?.profile ? { profile: input.target.profile } : {}),
      ...(input.target?.labels ? { labels: input.target.labels } : {}),
    },
    failures: mergeFailures([baseline.failures, experiment.traffic.failures]),
    warmUp,
    fault: { ...fault, injected: window.injected, ...faultKind(config, failover) },
    traffic: {
      workers: config.trafficWorkers,
      windows: { baseline: baseline.windows, experiment: experiment.traffic.windows },
      maxStartLagMs: Math.max(baseline.startLagMs, experiment.traffic.startLagMs),
      arrivals: config.arrivals,
      arrivalSeed: config.arrivalSeed,
      sendLagMs,
      lateSendsByWindow: lateness,
    },
    phases,
    latencyMs,
    timeline: reportTimeline(labelled),
    recovery,
    hypothesis: { tolerances: config.hypothesis, checks },
    transitions: input.transitions ?? null,
  };
  const summaryAt = drainEndedAtMs ?? lastBucketEnd(labelled) ?? Date.parse(input.startedAt);
  return {
    verdict,
    reasons,
    report,
    metricData: buildMetricData(report, summaryAt),
    runLog: buildRunLog(report, labelled, window, summaryAt),
  };
}

/**
 * The warm-up as the report shows it: its counts, latency and send lag, apart from every phase.
 * null when none ran (no result, or one of no window).
 */
export function warmUpFigures(traffic: ReportInput['warmUp'], seconds: number): WarmUpFigures | null {
  if (!traffic || traffic.windows === 0 || !('reads' in traffic)) return null;
  const latency = summarise(
    mergeEncodedHistograms([traffic.latencyHistograms.reads, traffic.latencyHistograms.writes]),
  );
  return {
    seconds,
    windows: traffic.windows,
    startedAtMs: traffic.startedAtMs,
    endedAtMs: traffic.endedAtMs,
    reads: { ...traffic.reads },
    writes: { ...traffic.writes },
    latencyMs: { p50: latency.p50, p99: latency.p99 },
    sendLagMs: { ...traffic.sendLag },
  };
}

/** The fault as a window in time; injected when the target was deregistered in a run that was not a dry run. */
export function faultWindowOf(fault: FaultRecord, configDryRun: boolean): FaultWindow {
  return {
    injected: !fault.dryRun && !configDryRun && fault.deregisteredAt !== null,
    deregisteredAtMs: parseTime(fault.deregisteredAt, 'fault.deregisteredAt'),
    registeredAtMs: parseTime(fault.registeredAt, 'fault.registeredAt'),
    availableAtMs: parseTime(fault.availableAt, 'fault.availableAt'),
  };
}

/** The report's second-by-second timeline: each bucket with its phase, its counts copied out of the traffic results. */
export function reportTimeline(labelled: readonly LabelledBucket[]): RunReport['timeline'] {
  return labelled.map(({ bucket, phase }) => ({
    t: bucket.t,
    phase,
    reads: { ...bucket.reads },
    writes: { ...bucket.writes },
  }));
}

/**
 * The seconds of traffic cut into phases by the fault window: each phase's counts and latency, the
 * whole run's counts, and every second with its phase. A phase no second fell in is null: not measured.
 */
export function trafficByPhase(
  baseline: TrafficResult | null,
  experiment: TrafficResult | null,
  window: FaultWindow,
): {
  labelled: LabelledBucket[];
  phases: Record<Phase, PhaseCounts | null>;
  latencyMs: RunReport['latencyMs'];
  sendLagMs: RunReport['traffic']['sendLagMs'];
  total: PhaseCounts;
} {
  const labelled: LabelledBucket[] = [
    ...(baseline?.timeline ?? []).map((bucket): LabelledBucket => ({ bucket, phase: 'baseline' })),
    ...(experiment?.timeline ?? []).map((bucket) => ({ bucket, phase: experimentPhase(bucket.t, window) })),
  ].sort((a, b) => a.bucket.t - b.bucket.t);
  const phases = {} as Record<Phase, PhaseCounts | null>;
  const latencyMs = {} as RunReport['latencyMs'];
  const sendLagMs = {} as RunReport['traffic']['sendLagMs'];
  for (const phase of PHASES) {
    const buckets = labelled.filter((l) => l.phase === phase).map((l) => l.bucket);
    phases[phase] = buckets.length === 0 ? null : sumCounts(buckets);
    const { p50, p99 } = summarise(mergeEncodedHistograms(buckets.map((b) => b.latencyHistogram)));
    latencyMs[phase] = { p50, p99 };
    sendLagMs[phase] = sendLagSummary(mergeEncodedHistograms(buckets.map((b) => b.sendLagHistogram)), buckets);
  }
  return { labelled, phases, latencyMs, sendLagMs, total: sumCounts(labelled.map((l) => l.bucket)) };
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
function timeToFirstDatabaseRead(
  labelled: readonly LabelledBucket[],
  window: FaultWindow,
  fromMs: number | null,
): number | null {
  if (!window.injected || fromMs === null) return null;
  const first = labelled.find(
    (l) => l.phase !== 'baseline' && l.bucket.t + 1000 > fromMs && l.bucket.reads.database > 0,
  );
  return first ? Math.max(0, first.bucket.t - fromMs) : null;
}

/**
 * From AVAILABLE until the queues were first empty with every queued order recorded: the time the
 * recovery worker wrote the last order that came through the queue, which it does while the recovery
 * traffic still runs. Nothing queued: 0. Unknown (the queues did not drain, an order was lost, the
 * shop does not say when it wrote the queued orders, or the build has no queue): null.
 */
function timeToDrain(
  { drain, orders, baseline, experiment }: ReportInput,
  total: PhaseCounts,
  window: FaultWindow,
): number | null {
  if (!drain.drained) return null;
  // The fragile build has no queue: nothing drained, and its "0 s" read as a fast drain.
  if ((baseline.degradation ?? experiment.traffic.degradation) === false) return null;
  if (total.writes.queued === 0 && !orders.viaQueue) return 0;
  if (orders.lost > 0 || window.availableAtMs === null || !orders.lastViaQueueAt) return null;
  const lastMs = Date.parse(orders.lastViaQueueAt);
  if (Number.isNaN(lastMs))
    throw new InvalidReportInput(
      `orders.lastViaQueueAt is not an ISO timestamp: ${JSON.stringify(orders.lastViaQueueAt)}`,
    );
  return Math.max(0, lastMs - window.availableAtMs);
}

/**
 * The metrics an alarm reads, one datum per run: every verdict that fails the execution, 0 or 1, so
 * an alarm sees 0, not missing data. Everything else a dashboard shows is in the run log
 * ({@link buildRunLog}): a custom metric is billed for every hour it is sent in, a log line is not.
 */
function buildMetricData(report: RunReport, summaryAtMs: number): MetricDatumJson[] {
  const Timestamp = new Date(summaryAtMs).toISOString();
  return ALARM_METRICS.map(([MetricName, verdict]) => ({
    MetricName,
    Timestamp,
    Value: report.verdict === verdict ? 1 : 0,
    Unit: 'Count' as const,
  }));
}

function depth(q: QueueDepth): number {
  return q.visible + q.inFlight + q.delayed;
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

/**
 * Which fault the run injected; the brownout's clamp when it was the brownout; the clients' failover window when it
 * was the writer failover (null when no failover was recorded).
 */
export function faultKind(
  config: Pick<RunConfig, 'fault' | 'brownout'> | null | undefined,
  failover: ClientFailoverWindow | null = null,
): Pick<RunReport['fault'], 'kind' | 'brownout' | 'failover'> {
  if (config === undefined || config === null) return {};
  if (config.fault === POOL_BROWNOUT) return { kind: config.fault, brownout: config.brownout };
  if (config.fault === WRITER_FAILOVER) return { kind: config.fault, failover };
  return { kind: config.fault };
}
