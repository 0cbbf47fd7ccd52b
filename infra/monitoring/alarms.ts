// The GameDay's alarms as data: what each watches, its threshold and severity; the dashboard construct builds them.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { type MetricName, MetricNames } from '../../steps/core/metric-names';
import type { GameDayMetricFactory } from './metric-factory';

export type AlarmSeverity = 'critical' | 'warning';

/** One alarm: a metric from the factory, and when it breaches. */
export interface GameDayAlarmDefinition {
  /** Construct id, and the alarm name's suffix. */
  readonly id: string;
  readonly severity: AlarmSeverity;
  readonly description: string;
  readonly metric: (metrics: GameDayMetricFactory) => cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/** Breaches on one datum of 1 or more in a period; a period with no data is no breach. */
const ANY_IN_ONE_PERIOD = {
  threshold: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  evaluationPeriods: 1,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
} as const;

/** An hourly sum of runs: `expression` over `usingMetrics`, each summed by the hour. */
function hourlyRuns(
  expression: string,
  usingMetrics: Record<string, cloudwatch.IMetric>,
  label: string,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({ expression, usingMetrics, label, period: Duration.hours(1) });
}

/** The hourly count of runs that published each of these Run<Verdict> metrics, keyed by the name the expression uses. */
function hourlyVerdicts(
  metrics: GameDayMetricFactory,
  verdicts: Record<string, MetricName>,
): Record<string, cloudwatch.IMetric> {
  return Object.fromEntries(
    Object.entries(verdicts).map(([key, metric]) => [key, metrics.runSummary(metric, { period: Duration.hours(1) })]),
  );
}

/** CloudWatch evaluates at most 7 days of data for one alarm. */
export const MAX_STALE_DAYS = 7;

/** The alarms of every GameDay stack; `noRecentGameDay` only exists while a schedule is enabled. */
export function gameDayAlarms(options: { scheduleEnabled: boolean; staleAfterDays: number }): GameDayAlarmDefinition[] {
  const alarms: GameDayAlarmDefinition[] = [
    {
      id: 'RunNotPassed',
      severity: 'critical',
      description:
        'A GameDay ended failed or inconclusive: the hypothesis did not hold, or the fault never bit. Read the run report.',
      metric: (m) =>
        hourlyRuns(
          'FILL(failed, 0) + FILL(inconclusive, 0)',
          hourlyVerdicts(m, { failed: MetricNames.RunFailed, inconclusive: MetricNames.RunInconclusive }),
          'failed or inconclusive runs',
        ),
      ...ANY_IN_ONE_PERIOD,
    },
    {
      id: 'RunEndedWithoutVerdict',
      severity: 'critical',
      description:
        'A GameDay execution failed, was stopped or timed out before its report step (rolled back after a step failed, refused in preflight, stopped by hand, but not by gameday halt): it published no verdict. The safety net restores the target; read the execution history.',
      // Every execution that reached its report step published exactly one Run<Verdict> datum: the
      // executions that ended badly, minus those verdicts, are the runs that ended without one.
      metric: (m) =>
        hourlyRuns(
          'FILL(failed, 0) + FILL(aborted, 0) + FILL(timedOut, 0) - FILL(verdictFailed, 0) - FILL(verdictInconclusive, 0) - FILL(verdictAborted, 0) - FILL(halted, 0)',
          {
            failed: m.executions('Failed', Duration.hours(1)),
            aborted: m.executions('Aborted', Duration.hours(1)),
            timedOut: m.executions('TimedOut', Duration.hours(1)),
            ...hourlyVerdicts(m, {
              verdictFailed: MetricNames.RunFailed,
              verdictInconclusive: MetricNames.RunInconclusive,
              verdictAborted: MetricNames.RunAborted,
              // Stopped by `gameday halt` on purpose: announced as halted, not an alarm.
              halted: MetricNames.RunHalted,
            }),
          },
          'runs that ended without a verdict',
        ),
      ...ANY_IN_ONE_PERIOD,
    },
    {
      id: 'ScheduleDeliveryFailed',
      severity: 'warning',
      description:
        "A scheduled GameDay start (or reconciler call) could not be delivered and landed in the scheduler's dead-letter queue.",
      metric: (m) => m.queueMessages('scheduleDlq'),
      ...ANY_IN_ONE_PERIOD,
    },
  ];
  if (options.scheduleEnabled) {
    alarms.push({
      id: 'NoRecentGameDay',
      severity: 'warning',
      description: `No GameDay execution started for ${options.staleAfterDays} days although the schedule is enabled.`,
      metric: (m) => m.executions('Started', Duration.days(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: options.staleAfterDays,
      // Step Functions publishes nothing on a day without executions: no data is the breach.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
  return alarms;
}

/**
 * How many days without a started execution mean a scheduled GameDay was missed: one schedule
 * interval plus a day, at most {@link MAX_STALE_DAYS}; null when the interval is longer than
 * CloudWatch can watch. Cron expressions are taken as at least weekly.
 */
export function staleAfterDaysFor(expression: string): number | null {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!rate) return MAX_STALE_DAYS;
  const value = Number(rate[1]);
  const days = rate[2].startsWith('minute') ? value / 1440 : rate[2].startsWith('hour') ? value / 24 : value;
  if (days > MAX_STALE_DAYS) return null;
  return Math.min(MAX_STALE_DAYS, Math.ceil(days) + 1);
}
