// The metric names the report step publishes and the dashboards read: one list, shared by both.

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
  /** p99 latency per phase, with dimension {@link PHASE_DIMENSION}. */
  LatencyP99Ms: 'LatencyP99Ms',
} as const;

export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/** Dimension of {@link MetricNames.LatencyP99Ms}: `baseline`, `outage` or `recovery`. */
export const PHASE_DIMENSION = 'Phase';

/** Width of one slot of the per-slot series (OutageWindow, reads and writes by class). */
export const METRIC_SLOT_SECONDS = 10;
