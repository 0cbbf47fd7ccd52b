// Logs Insights queries over the run log (as query lines: the widget joins them with pipes), built from the shared dashboard definition.
import { METRIC_SLOT_SECONDS, MetricNames, RUN_LOG_LINES } from '../../steps/core/metric-names';
import { OUTAGE_WINDOW, type RunGraph, type RunSummarySeries, type TrendGraph } from '../../report/definition';

/** A name as a Logs Insights alias: backticks, so labels with spaces and hyphens are fine. */
const alias = (label: string) => `\`${label.replace(/`/g, '')}\``;

/** Per second over the 10-second slot lines, each series of the graph and the fault window (1 = the run's fault held). */
export function runGraphQuery(graph: RunGraph): string[] {
  const series = graph.series.map((s) => `sum(${s.metric}) / ${METRIC_SLOT_SECONDS} as ${alias(s.label)}`);
  return [
    `filter line = "${RUN_LOG_LINES.slot}"`,
    `stats ${[...series, `max(${OUTAGE_WINDOW.metric}) as ${alias(OUTAGE_WINDOW.label)}`].join(', ')} by bin(${METRIC_SLOT_SECONDS}s)`,
  ];
}

/** One figure of each run, the worst of each day: the slowest timing, every lost order. */
export function runSummaryQuery(series: RunSummarySeries): string[] {
  const statistic = series.unit === 'ms' ? 'max' : 'sum';
  return [
    `filter line = "${RUN_LOG_LINES.run}" and ispresent(${series.metric})`,
    `stats ${statistic}(${series.metric}) as ${alias(series.label)} by bin(1d)`,
  ];
}

/** A trend: the worst run of each day (the slowest timing, the smallest cache share). */
export function trendQuery(graph: TrendGraph): string[] {
  const field = graph.phase ? `${MetricNames.LatencyP99Ms}.${graph.phase}` : graph.metric;
  return [
    `filter line = "${RUN_LOG_LINES.run}" and ispresent(${field})`,
    `stats ${graph.worst}(${field}) as ${alias(graph.title)} by bin(1d)`,
  ];
}

/** The newest runs, one row each: when, which run, the fault it injected, its verdict. */
export function recentRunsQuery(limit: number): string[] {
  return [
    `filter line = "${RUN_LOG_LINES.run}"`,
    'fields @timestamp, runId, fault, verdict',
    'sort @timestamp desc',
    `limit ${limit}`,
  ];
}
