// The GameDay's CloudWatch dashboard and alarms, built from the shared dashboard definition and metric factory.
import { Arn, ArnFormat, Aws, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type GameDayAlarmDefinition, gameDayAlarms, MAX_STALE_DAYS, staleAfterDaysFor } from '../monitoring/alarms';
import { GameDayMetricFactory } from '../monitoring/metric-factory';
import { recentRunsQuery, runGraphQuery, runSummaryQuery, trendQuery } from '../monitoring/run-log-queries';
import {
  COLORS,
  OUTAGE_WINDOW,
  RUN_GRAPHS,
  RUN_SUMMARY_SERIES,
  type RunGraph,
  TREND_GRAPHS,
  type TrendGraph,
  VERDICT_SERIES,
} from '../../report/definition';
import { ALARM_METRICS, type MetricName, MetricNames } from '../../steps/core/metric-names';
import { LATEST_REPORT_KEYS } from '../../steps/core/report-storage';
import type { GameDayConfig } from '../config';
import { invalidPropsOf } from './invalid-props';

export interface GameDayDashboardProps {
  /** Queues, proxy, namespace and schedule of the GameDay. */
  readonly config: GameDayConfig;
  readonly stateMachine: sfn.IStateMachine;
  /** Where the report step stores run reports; the dashboard links to the latest. */
  readonly reportBucket: s3.IBucket;
  /** The scheduler target's dead-letter queue name. */
  readonly scheduleDlqName: string;
  /** The run log the report step writes: the graphs of what no alarm reads query it. */
  readonly runLogGroup: logs.ILogGroup;
  /** @default - derived from the stack name */
  readonly dashboardName?: string;
  /**
   * Days without a started execution before the "no GameDay" alarm fires (only with the schedule
   * enabled; at most 7, CloudWatch's longest evaluation range).
   * @default - one schedule interval plus a day, capped at 7; no alarm for schedules rarer than weekly
   */
  readonly staleAfterDays?: number;
  /** @default - none: the alarms change state and show on the dashboard */
  readonly alarmActions?: readonly cloudwatch.IAlarmAction[];
}

/** Raised when the dashboard's props are refused; lists every problem. */
export class InvalidGameDayDashboardProps extends invalidPropsOf('GameDayDashboard') {}

const FULL = 24;
const HALF = 12;
const THIRD = 8;
const GRAPH_HEIGHT = 6;
/** Run-level widgets look back this far; the per-second graphs use the dashboard's own range. */
const HISTORY_RANGE = '-P30D';
/** The verdict trend looks back twelve weeks, a point a day; the run log's graphs follow the dashboard's range. */
const TREND_RANGE = '-P84D';
const TREND_WEEKS = 12;
/** Runs the recent runs table lists, newest first. */
const RECENT_RUNS = 20;

/** A graph of run-level data over the last {@link HISTORY_RANGE}, at the dashboard's graph height. */
function historyGraph(props: Omit<cloudwatch.GraphWidgetProps, 'height' | 'start'>): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ height: GRAPH_HEIGHT, start: HISTORY_RANGE, ...props });
}

/** The dashboard of the GameDay stack, and its alarms. */
export class GameDayDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly metrics: GameDayMetricFactory;
  /** Alarms by definition id (`RunNotPassed`, `ScheduleDeliveryFailed`, `NoRecentGameDay`). */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  private readonly runLogGroupName: string;

  constructor(scope: Construct, id: string, props: GameDayDashboardProps) {
    super(scope, id);
    const problems: string[] = [];
    if (props.staleAfterDays !== undefined && !Token.isUnresolved(props.staleAfterDays)) {
      if (
        !Number.isInteger(props.staleAfterDays) ||
        props.staleAfterDays < 1 ||
        props.staleAfterDays > MAX_STALE_DAYS
      ) {
        problems.push(
          `staleAfterDays must be a whole number from 1 to ${MAX_STALE_DAYS} (got ${props.staleAfterDays})`,
        );
      }
    }
    if (problems.length > 0) throw new InvalidGameDayDashboardProps(problems);

    const c = props.config;
    this.runLogGroupName = props.runLogGroup.logGroupName;
    this.metrics = new GameDayMetricFactory({
      namespace: c.metricNamespace,
      orderQueueName: c.orderQueueArn ? queueName(c.orderQueueArn) : undefined,
      dlqName: c.dlqArn ? queueName(c.dlqArn) : undefined,
      scheduleDlqName: props.scheduleDlqName,
      proxyName: c.proxyName,
      stateMachineArn: props.stateMachine.stateMachineArn,
    });

    const staleAfterDays = props.staleAfterDays ?? staleAfterDaysFor(c.schedule.expression);
    const definitions = gameDayAlarms({
      scheduleEnabled: c.schedule.enabled && staleAfterDays !== null,
      staleAfterDays: staleAfterDays ?? MAX_STALE_DAYS,
    });
    const alarms: Record<string, cloudwatch.Alarm> = {};
    for (const definition of definitions) alarms[definition.id] = this.alarm(definition, props.alarmActions ?? []);
    this.alarms = alarms;

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-GameDay`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [this.header(props.reportBucket), this.verdicts(), this.executions()],
        ...chunk(
          RUN_GRAPHS.map((graph) => this.runGraph(graph)),
          2,
        ),
        [this.queues(), this.proxyConnections()],
        [
          ...this.runSummaries(),
          new cloudwatch.AlarmStatusWidget({
            title: 'GameDay alarms',
            alarms: Object.values(alarms),
            width: FULL - RUN_SUMMARY_SERIES.length * 6,
            height: GRAPH_HEIGHT,
          }),
        ],
        TREND_GRAPHS.map((graph) => this.trend(graph)),
        [this.recentRuns(), this.verdictTrend()],
      ],
    });
  }

  private alarm(definition: GameDayAlarmDefinition, actions: readonly cloudwatch.IAlarmAction[]): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, definition.id, {
      metric: definition.metric(this.metrics),
      alarmDescription: `[${definition.severity}] ${definition.description}`,
      threshold: definition.threshold,
      comparisonOperator: definition.comparisonOperator,
      evaluationPeriods: definition.evaluationPeriods,
      treatMissingData: definition.treatMissingData,
    });
    if (actions.length > 0) alarm.addAlarmAction(...actions);
    return alarm;
  }

  /** What the dashboard shows, and the link to the newest run report. */
  private header(bucket: s3.IBucket): cloudwatch.TextWidget {
    const consoleUrl = (key: string) =>
      Fn.join('', [
        'https://console.aws.amazon.com/s3/object/',
        bucket.bucketName,
        '?region=',
        Aws.REGION,
        '&prefix=',
        key,
      ]);
    return new cloudwatch.TextWidget({
      width: THIRD,
      height: GRAPH_HEIGHT,
      markdown: Fn.join('', [
        '## GameDay\nDoes the shop stay useful, and lose nothing, while its database is gone?\n\n',
        '* Latest run report: [HTML](',
        consoleUrl(LATEST_REPORT_KEYS.html),
        ') · [JSON](',
        consoleUrl(LATEST_REPORT_KEYS.json),
        ')\n',
        '* Every run: `s3://',
        bucket.bucketName,
        '/runs/<runId>/report.html`, or `gameday report <runId>`\n',
        `* The ${OUTAGE_WINDOW.label} is the red line of the reads and writes graphs: 1 while the run's fault held. ` +
          'For `deregister` the database was gone; for `pool-brownout` the pool was clamped; for `writer-failover` the writer failed over, until the cluster and the proxy target were healthy. ' +
          "The recent runs table names each run's fault.\n",
        `* The reads, writes, timings and trends come from the run log (Logs Insights, over the dashboard's range: widen it to ${TREND_WEEKS} weeks for the trends); only what an alarm reads is a metric.`,
      ]),
    });
  }

  private verdicts(): cloudwatch.GraphWidget {
    return historyGraph({
      title: 'Verdict of recent runs',
      width: THIRD,
      view: cloudwatch.GraphWidgetView.BAR,
      stacked: true,
      left: this.verdictCounts(),
    });
  }

  /**
   * One daily sum per verdict, in the verdict's colour, then the skipped and the halted runs, which
   * judged nothing and are counted apart from the verdicts. A pass is the only verdict with which an
   * execution succeeds, but a skipped run succeeds too (at its `Skipped` state): passed runs are Step
   * Functions' count of succeeded executions less the skipped ones. The other verdicts are the
   * alarms' metrics; skipped and halted runs are counted by the notifier.
   */
  private verdictCounts(): cloudwatch.IMetric[] {
    const alarmMetrics = new Set<MetricName>(ALARM_METRICS.map(([name]) => name));
    const skipped = this.metrics.runSummary(MetricNames.RunSkipped, { label: 'skipped' }).with({ color: COLORS.cache });
    const verdicts = VERDICT_SERIES.map((series) =>
      alarmMetrics.has(series.metric)
        ? this.metrics.runSummary(series.metric, { label: series.label }).with({ color: series.color })
        : new cloudwatch.MathExpression({
            expression: 'FILL(succeeded, 0) - FILL(skipped, 0)',
            usingMetrics: {
              succeeded: this.metrics.executions('Succeeded'),
              skipped,
            },
            label: series.label,
            color: series.color,
            period: Duration.days(1),
          }),
    );
    return [
      ...verdicts,
      skipped,
      this.metrics.runSummary(MetricNames.RunHalted, { label: 'halted' }).with({ color: COLORS.stockOut }),
    ];
  }

  /** A Logs Insights graph over the run log. */
  private runLogGraph(
    title: string,
    width: number,
    view: cloudwatch.LogQueryVisualizationType,
    queryLines: string[],
  ): cloudwatch.LogQueryWidget {
    return new cloudwatch.LogQueryWidget({
      title,
      width,
      height: GRAPH_HEIGHT,
      logGroupNames: [this.runLogGroupName],
      view,
      queryLines,
    });
  }

  private executions(): cloudwatch.GraphWidget {
    return historyGraph({
      title: 'Executions (Step Functions)',
      width: THIRD,
      stacked: true,
      left: [
        this.metrics.executions('Succeeded').with({ color: '#2ca02c' }),
        this.metrics.executions('Failed').with({ color: '#d62728' }),
        this.metrics.executions('Aborted').with({ color: '#7f7f7f' }),
        this.metrics.executions('TimedOut').with({ color: '#ff7f0e' }),
      ],
    });
  }

  /** Per second: the 10-second slot sums of the run log divided by the slot, with the outage window. */
  private runGraph(graph: RunGraph): cloudwatch.LogQueryWidget {
    return this.runLogGraph(graph.title, HALF, cloudwatch.LogQueryVisualizationType.LINE, runGraphQuery(graph));
  }

  private queues(): cloudwatch.IWidget {
    if (this.metrics.sources.orderQueueName === undefined || this.metrics.sources.dlqName === undefined) {
      return new cloudwatch.TextWidget({
        width: HALF,
        height: GRAPH_HEIGHT,
        markdown: '### Order queue and DLQ depth\nNo order queue is configured: this shop has no write buffer.',
      });
    }
    return new cloudwatch.GraphWidget({
      title: 'Order queue and DLQ depth (SQS)',
      width: HALF,
      height: GRAPH_HEIGHT,
      left: [
        this.metrics.queueMessages('orders', 'visible'),
        this.metrics.queueMessages('orders', 'inFlight'),
        this.metrics.queueMessages('dlq', 'visible').with({ color: '#d62728' }),
      ],
      leftYAxis: { label: 'messages', min: 0, showUnits: false },
    });
  }

  private proxyConnections(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'RDS Proxy connections',
      width: HALF,
      height: GRAPH_HEIGHT,
      left: [this.metrics.proxyConnections('client'), this.metrics.proxyConnections('database')],
      leftYAxis: { label: 'connections', min: 0, showUnits: false },
    });
  }

  private runSummaries(): cloudwatch.LogQueryWidget[] {
    return RUN_SUMMARY_SERIES.map((series) =>
      this.runLogGraph(series.label, 6, cloudwatch.LogQueryVisualizationType.BAR, runSummaryQuery(series)),
    );
  }

  /** One figure over the dashboard's range: the worst run of each day. */
  private trend(graph: TrendGraph): cloudwatch.LogQueryWidget {
    const worst = graph.worst === 'max' ? 'slowest' : 'smallest';
    return this.runLogGraph(
      `${graph.title} (${worst} of the day)`,
      FULL / TREND_GRAPHS.length,
      cloudwatch.LogQueryVisualizationType.LINE,
      trendQuery(graph),
    );
  }

  /** The newest runs with the fault each injected: runs of different faults are not one series. */
  private recentRuns(): cloudwatch.LogQueryWidget {
    return this.runLogGraph(
      `Recent runs: fault and verdict (last ${RECENT_RUNS})`,
      THIRD,
      cloudwatch.LogQueryVisualizationType.TABLE,
      recentRunsQuery(RECENT_RUNS),
    );
  }

  /** The verdict counts per day over the trends' weeks. */
  private verdictTrend(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: `Verdicts per day, ${TREND_WEEKS} weeks`,
      width: FULL - THIRD,
      height: GRAPH_HEIGHT,
      start: TREND_RANGE,
      view: cloudwatch.GraphWidgetView.BAR,
      stacked: true,
      left: this.verdictCounts(),
      leftYAxis: { label: 'runs', min: 0, showUnits: false },
    });
  }
}

/** The queue name (last ARN part), tokens included. */
function queueName(queueArn: string): string {
  return Arn.split(queueArn, ArnFormat.NO_RESOURCE_NAME).resource;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}
