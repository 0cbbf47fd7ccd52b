// The GameDay's CloudWatch dashboard and alarms, built from the shared dashboard definition and metric factory.
import { Arn, ArnFormat, Aws, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type GameDayAlarmDefinition, gameDayAlarms, MAX_STALE_DAYS, staleAfterDaysFor } from '../../dashboards/monitoring/alarms';
import { GameDayMetricFactory } from '../../dashboards/monitoring/metric-factory';
import { OUTAGE_WINDOW, RUN_GRAPHS, RUN_SUMMARY_SERIES, type RunGraph, TREND_GRAPHS, type TrendGraph, VERDICT_SERIES } from '../../dashboards/render/definition';
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
/** The trends look back twelve weeks, a point a day: change over weeks, as a dashboard review reads it. */
const TREND_RANGE = '-P84D';
const TREND_WEEKS = 12;

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

  constructor(scope: Construct, id: string, props: GameDayDashboardProps) {
    super(scope, id);
    const problems: string[] = [];
    if (props.staleAfterDays !== undefined && !Token.isUnresolved(props.staleAfterDays)) {
      if (!Number.isInteger(props.staleAfterDays) || props.staleAfterDays < 1 || props.staleAfterDays > MAX_STALE_DAYS) {
        problems.push(`staleAfterDays must be a whole number from 1 to ${MAX_STALE_DAYS} (got ${props.staleAfterDays})`);
      }
    }
    if (problems.length > 0) throw new InvalidGameDayDashboardProps(problems);

    const c = props.config;
    this.metrics = new GameDayMetricFactory({
      namespace: c.metricNamespace,
      orderQueueName: c.orderQueueArn ? queueName(c.orderQueueArn) : undefined,
      dlqName: c.dlqArn ? queueName(c.dlqArn) : undefined,
      scheduleDlqName: props.scheduleDlqName,
      proxyName: c.proxyName,
      stateMachineArn: props.stateMachine.stateMachineArn,
    });

    const staleAfterDays = props.staleAfterDays ?? staleAfterDaysFor(c.schedule.expression);
    const definitions = gameDayAlarms({ scheduleEnabled: c.schedule.enabled && staleAfterDays !== null, staleAfterDays: staleAfterDays ?? MAX_STALE_DAYS });
    const alarms: Record<string, cloudwatch.Alarm> = {};
    for (const definition of definitions) alarms[definition.id] = this.alarm(definition, props.alarmActions ?? []);
    this.alarms = alarms;

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-GameDay`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [this.header(props.reportBucket), this.verdicts(), this.executions()],
        ...chunk(RUN_GRAPHS.map((graph) => this.runGraph(graph)), 2),
        [this.queues(), this.proxyConnections()],
        [...this.runSummaries(), new cloudwatch.AlarmStatusWidget({ title: 'GameDay alarms', alarms: Object.values(alarms), width: FULL - RUN_SUMMARY_SERIES.length * 6, height: GRAPH_HEIGHT })],
        TREND_GRAPHS.map((graph) => this.trend(graph)),
        [this.verdictTrend()],
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
    const consoleUrl = (key: string) => Fn.join('', ['https://console.aws.amazon.com/s3/object/', bucket.bucketName, '?region=', Aws.REGION, '&prefix=', key]);
    return new cloudwatch.TextWidget({
      width: THIRD,
      height: GRAPH_HEIGHT,
      markdown: Fn.join('', [
        '## GameDay\nDoes the shop stay useful, and lose nothing, while its database is gone?\n\n',
        '* Latest run report: [HTML](', consoleUrl(LATEST_REPORT_KEYS.html), ') · [JSON](', consoleUrl(LATEST_REPORT_KEYS.json), ')\n',
        '* Every run: `s3://', bucket.bucketName, '/runs/<runId>/report.html`, or `gameday report <runId>`\n',
        `* The ${OUTAGE_WINDOW.label} is the red line on the right axis of each timeline graph (1 = database gone).`,
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

  /** One daily sum per verdict, in the verdict's colour. */
  private verdictCounts(): cloudwatch.IMetric[] {
    return VERDICT_SERIES.map((series) => this.metrics.runSummary(series.metric, { label: series.label }).with({ color: series.color }));
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

  /** Per second: the 10-second sums divided by the period; the outage window on the right axis. */
  private runGraph(graph: RunGraph): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: graph.title,
      width: HALF,
      height: GRAPH_HEIGHT,
      left: graph.series.map(
        (series, i) =>
          new cloudwatch.MathExpression({
            expression: `FILL(m${i}, 0) / PERIOD(m${i})`,
            usingMetrics: { [`m${i}`]: this.metrics.runSeries(series.metric) },
            label: series.label,
            color: series.color,
            period: Duration.seconds(10),
          }),
      ),
      leftYAxis: { label: 'per second', min: 0, showUnits: false },
      ...this.outageAxis(),
    });
  }

  private queues(): cloudwatch.IWidget {
    if (this.metrics.sources.orderQueueName === undefined || this.metrics.sources.dlqName === undefined) {
      return new cloudwatch.TextWidget({ width: HALF, height: GRAPH_HEIGHT, markdown: '### Order queue and DLQ depth\nNo order queue is configured: this shop has no write buffer.' });
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
      ...this.outageAxis(),
    });
  }

  private proxyConnections(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'RDS Proxy connections',
      width: HALF,
      height: GRAPH_HEIGHT,
      left: [this.metrics.proxyConnections('client'), this.metrics.proxyConnections('database')],
      leftYAxis: { label: 'connections', min: 0, showUnits: false },
      ...this.outageAxis(),
    });
  }

  private runSummaries(): cloudwatch.GraphWidget[] {
    return RUN_SUMMARY_SERIES.map(
      (series) =>
        historyGraph({
          title: series.label,
          width: 6,
          view: cloudwatch.GraphWidgetView.BAR,
          left: [this.metrics.runSummary(series.metric, { statistic: series.unit === 'ms' ? cloudwatch.Stats.MAXIMUM : cloudwatch.Stats.SUM, label: series.label })],
          leftYAxis: { label: series.unit, min: 0, showUnits: false },
        }),
    );
  }

  /** One figure over {@link TREND_WEEKS} weeks: the worst run of each day (one datum per run). */
  private trend(graph: TrendGraph): cloudwatch.GraphWidget {
    const statistic = graph.worst === 'max' ? cloudwatch.Stats.MAXIMUM : cloudwatch.Stats.MINIMUM;
    const label = `${graph.title} (${graph.worst === 'max' ? 'slowest' : 'smallest'} of the day)`;
    const metric = graph.phase ? this.metrics.phaseLatencyP99(graph.phase).with({ label }) : this.metrics.runSummary(graph.metric, { statistic, label });
    return new cloudwatch.GraphWidget({
      title: `${graph.title}, ${TREND_WEEKS} weeks`,
      width: FULL / TREND_GRAPHS.length,
      height: GRAPH_HEIGHT,
      start: TREND_RANGE,
      left: [metric.with({ color: graph.color })],
      leftYAxis: { label: graph.unit, min: 0, ...(graph.unit === '%' ? { max: 100 } : {}), showUnits: false },
      legendPosition: cloudwatch.LegendPosition.HIDDEN,
    });
  }

  /** The verdict counts per day over the trends' weeks. */
  private verdictTrend(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: `Verdicts per day, ${TREND_WEEKS} weeks`,
      width: FULL,
      height: GRAPH_HEIGHT,
      start: TREND_RANGE,
      view: cloudwatch.GraphWidgetView.BAR,
      stacked: true,
      left: this.verdictCounts(),
      leftYAxis: { label: 'runs', min: 0, showUnits: false },
    });
  }

  /** The outage window on the right axis of a graph, so the fault shows on every timeline. */
  private outageAxis(): Pick<cloudwatch.GraphWidgetProps, 'right' | 'rightYAxis'> {
    return {
      right: [this.metrics.outageWindow().with({ color: OUTAGE_WINDOW.color })],
      rightYAxis: { min: 0, max: 1, label: OUTAGE_WINDOW.label, showUnits: false },
    };
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
