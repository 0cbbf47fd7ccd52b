// The one GameDay dashboard definition: the graphs both the CloudWatch dashboard and the HTML report draw.
import type { PhaseCounts } from '../steps/core/contracts';
import { type MetricName, MetricNames, OUTCOME_METRICS } from '../steps/core/metric-names';

/** One line of a run graph: the field of the run log's slot lines, and the same count in a run report. */
export interface RunSeries {
  readonly metric: MetricName;
  readonly label: string;
  /** Hex colour, the same on the dashboard and in the report. */
  readonly color: string;
  /** The count of one timeline second of a run report. */
  readonly count: (counts: PhaseCounts) => number;
}

/** A graph over a run's timeline, per second. */
export interface RunGraph {
  readonly id: 'reads' | 'writes';
  readonly title: string;
  readonly series: readonly RunSeries[];
}

export const COLORS = Object.freeze({
  database: '#2ca02c',
  cache: '#1f77b4',
  failed: '#d62728',
  queued: '#ff7f0e',
  stockOut: '#9467bd',
  outage: '#d62728',
  baseline: '#2ca02c',
  recovery: '#1f77b4',
  neutral: '#7f7f7f',
});

/** One series per outcome class of `kind`: [the class it counts, label, colour]; its metric is the one that counts the class. */
function outcomeGraph<K extends keyof PhaseCounts>(
  kind: K,
  title: string,
  classes: ReadonlyArray<readonly [keyof PhaseCounts[K] & string, string, string]>,
): RunGraph {
  return {
    id: kind,
    title,
    series: classes.map(([outcome, label, color]) => ({
      metric: OUTCOME_METRICS[kind][outcome],
      label,
      color,
      count: (c: PhaseCounts) => (c[kind] as Record<typeof outcome, number>)[outcome],
    })),
  };
}

/** The reads and writes graphs, by outcome class, as the seed's table counts them. */
export const RUN_GRAPHS: readonly RunGraph[] = [
  outcomeGraph('reads', 'Reads per second by source', [
    ['database', 'database', COLORS.database],
    ['cache', 'cache', COLORS.cache],
    ['failed', 'failed', COLORS.failed],
  ]),
  outcomeGraph('writes', 'Writes per second by outcome', [
    ['ok', 'committed', COLORS.database],
    ['queued', 'queued', COLORS.queued],
    ['stockOut', 'stock-out', COLORS.stockOut],
    ['failed', 'failed', COLORS.failed],
  ]),
];

/**
 * The fault window: 1 while the run's fault held (the database gone, the pool clamped, or the writer failing over
 * until the cluster and the target were healthy), shaded on every graph so the fault is visible wherever one looks.
 */
export const OUTAGE_WINDOW = Object.freeze({
  metric: MetricNames.OutageWindow,
  label: 'fault window',
  color: COLORS.outage,
});

/** The verdict series, one datum (0 or 1) per run. */
export const VERDICT_SERIES: ReadonlyArray<{
  readonly metric: MetricName;
  readonly label: string;
  readonly color: string;
}> = [
  { metric: MetricNames.RunPassed, label: 'passed', color: COLORS.database },
  { metric: MetricNames.RunFailed, label: 'failed', color: COLORS.failed },
  { metric: MetricNames.RunInconclusive, label: 'inconclusive', color: COLORS.queued },
  { metric: MetricNames.RunAborted, label: 'aborted', color: COLORS.neutral },
];

/** One figure of a run's summary line in the run log. */
export interface RunSummarySeries {
  readonly metric: MetricName;
  readonly label: string;
  readonly unit: 'ms' | 'count';
}

/** The recovery timings and the loss count, one per run. */
export const RUN_SUMMARY_SERIES: readonly RunSummarySeries[] = [
  { metric: MetricNames.TimeToFirstDatabaseReadMs, label: 'time to first database read after restore', unit: 'ms' },
  { metric: MetricNames.TimeToDrainMs, label: 'time to drain', unit: 'ms' },
  { metric: MetricNames.OrdersLost, label: 'orders lost', unit: 'count' },
];

/** One figure a trend follows over runs: one per run (a field of the run log's summary line), on the dashboard and in the report's trend. */
export interface TrendGraph {
  readonly id: 'recovery' | 'drain' | 'cacheShare' | 'outageP99';
  readonly title: string;
  readonly metric: MetricName;
  /** The phase of a latency figure (`LatencyP99Ms.<phase>` in the run log). @default - no phase */
  readonly phase?: 'outage';
  readonly unit: 'ms' | '%';
  readonly color: string;
  /** Which of a day's runs is the worst: the slowest timing, the smallest cache share. */
  readonly worst: 'max' | 'min';
}

/** The figures a run is compared on with earlier runs: did recovery get slower, did the cache serve less? */
export const TREND_GRAPHS: readonly TrendGraph[] = [
  {
    id: 'recovery',
    title: 'Recovery: register to first database read',
    metric: MetricNames.TimeToFirstDatabaseReadMs,
    unit: 'ms',
    color: COLORS.database,
    worst: 'max',
  },
  {
    id: 'drain',
    title: 'Drain: AVAILABLE to queue and DLQ empty',
    metric: MetricNames.TimeToDrainMs,
    unit: 'ms',
    color: COLORS.queued,
    worst: 'max',
  },
  {
    id: 'cacheShare',
    title: 'Cache share of outage reads',
    metric: MetricNames.OutageCacheSharePercent,
    unit: '%',
    color: COLORS.cache,
    worst: 'min',
  },
  {
    id: 'outageP99',
    title: 'Outage p99 latency',
    metric: MetricNames.LatencyP99Ms,
    phase: 'outage',
    unit: 'ms',
    color: COLORS.failed,
    worst: 'max',
  },
];
