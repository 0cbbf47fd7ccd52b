// The metric names the report step publishes and the dashboards read (as metrics, or as fields of the run log): one list, shared by both.
import type { PhaseCounts, Verdict } from './contracts';

/** CloudWatch namespace of every GameDay metric (the stack may override it). */
export const DEFAULT_METRIC_NAMESPACE = 'GameDay';

export const MetricNames = {
  /** Reads answered from the database, per 10-second slot. */
  ReadsDatabase: 'ReadsDatabase',
  /** Reads answered from the product cache while the database was gone. */
  ReadsCache: 'ReadsCache',
  ReadsFailed: 'ReadsFailed',
  /** Orders committed directly (201). */
  WritesCommitted: 'WritesCommitted',
  /** Orders accepted into the queue (202). */
  WritesQueued: 'WritesQueued',
  /** Orders refused for stock (409): a correct answer, not a failure. */
  WritesStockOut: 'WritesStockOut',
  WritesFailed: 'WritesFailed',
  OrdersAccepted: 'OrdersAccepted',
  OrdersLost: 'OrdersLost',
  OrdersDuplicated: 'OrdersDuplicated',
  QueueRemaining: 'QueueRemaining',
  DlqRemaining: 'DlqRemaining',
  /** 1 for every 10-second slot inside the fault window, else 0: shades the outage on graphs. */
  OutageWindow: 'OutageWindow',
  TimeToFirstDatabaseReadMs: 'TimeToFirstDatabaseReadMs',
  TimeToDrainMs: 'TimeToDrainMs',
  /** The share of the outage's reads the cache served (percent), one datum per run with outage reads. */
  OutageCacheSharePercent: 'OutageCacheSharePercent',
  RunPassed: 'RunPassed',
  RunFailed: 'RunFailed',
  RunInconclusive: 'RunInconclusive',
  RunAborted: 'RunAborted',
  /** A run the preflight's gate skipped (a change freeze, outside the window, halted), and one stopped by `gameday halt`: counted apart from failures. */
  RunSkipped: 'RunSkipped',
  RunHalted: 'RunHalted',
  /** p99 latency per phase: in the run log, an object keyed by phase. */
  LatencyP99Ms: 'LatencyP99Ms',
} as const;

export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/** Width of one slot of the per-slot lines of the run log (OutageWindow, reads and writes by class). */
export const METRIC_SLOT_SECONDS = 10;

/**
 * The only custom metrics: the ones an alarm reads, one datum (0 or 1) per run, with the verdict each
 * counts. Every other name above is a field of the run log, which the dashboard queries with Logs
 * Insights: a custom metric is billed for each hour it is sent in, a log line only by its bytes.
 */
export const ALARM_METRICS: ReadonlyArray<readonly [MetricName, 'failed' | 'inconclusive' | 'aborted']> = Object.freeze(
  [
    [MetricNames.RunFailed, 'failed'],
    [MetricNames.RunInconclusive, 'inconclusive'],
    [MetricNames.RunAborted, 'aborted'],
  ] as const,
);

/** The run log summary's verdict fields: 1 under the metric of the run's verdict, 0 under the others. */
export const VERDICT_METRICS: ReadonlyArray<readonly [MetricName, Verdict]> = Object.freeze([
  [MetricNames.RunPassed, 'passed'] as const,
  ...ALARM_METRICS,
]);

/** The metric (a field of the run log's slot lines) that counts each outcome class of the reads and of the writes. */
export const OUTCOME_METRICS: {
  readonly [K in keyof PhaseCounts]: Readonly<Record<keyof PhaseCounts[K], MetricName>>;
} = Object.freeze({
  reads: { database: MetricNames.ReadsDatabase, cache: MetricNames.ReadsCache, failed: MetricNames.ReadsFailed },
  writes: {
    ok: MetricNames.WritesCommitted,
    queued: MetricNames.WritesQueued,
    stockOut: MetricNames.WritesStockOut,
    failed: MetricNames.WritesFailed,
  },
});

/** The `line` field of the run log's two kinds of line: one per slot of traffic, one per run. */
export const RUN_LOG_LINES = Object.freeze({ slot: 'slot', run: 'run' } as const);

/** The one stream of the run log: every run's lines, each carrying its run id. */
export const RUN_LOG_STREAM = 'runs';
