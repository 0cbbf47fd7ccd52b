// The GameDay stack's dashboard, alarms and report archive.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { staleAfterDaysFor } from '../../infra/monitoring/alarms';
import { ReportArchive } from '../../infra/constructs/report-archive';
import { MetricNames } from '../../steps/core/metric-names';
import { asArray, buildStack, statementsOfRole, templateOf, testConfig, TLS_ONLY_POLICY } from './fixtures';

const template: Template = templateOf();
const scheduled: Template = templateOf(
  testConfig({ schedule: { enabled: true, expression: 'rate(1 day)', timezone: 'UTC' } }),
);

/** The dashboard body with every asset hash replaced, so the snapshot only changes when the dashboard does. */
function dashboardBody(t: Template): unknown {
  const [dashboard] = Object.values(t.findResources('AWS::CloudWatch::Dashboard')) as Array<{
    Properties: { DashboardBody: unknown };
  }>;
  const text = JSON.stringify(dashboard.Properties.DashboardBody).replace(/[0-9a-f]{64}/g, '<asset-hash>');
  return JSON.parse(text);
}

/** The one metric an alarm watches, in the plain form whichever way CloudFormation spells it. */
function watchedMetric(alarm: Record<string, unknown>): Record<string, unknown> {
  const metrics = alarm.Metrics as
    Array<{ MetricStat?: { Metric: Record<string, unknown>; Period: number; Stat: string } }> | undefined;
  if (!metrics)
    return {
      Namespace: alarm.Namespace,
      MetricName: alarm.MetricName,
      Dimensions: alarm.Dimensions,
      Period: alarm.Period,
      Stat: alarm.Statistic,
    };
  const stats = metrics.filter((m) => m.MetricStat);
  if (stats.length !== 1) throw new Error(`the alarm watches ${stats.length} metrics`);
  const { Metric, Period, Stat } = stats[0].MetricStat as {
    Metric: Record<string, unknown>;
    Period: number;
    Stat: string;
  };
  return { ...Metric, Period, Stat };
}

function alarmNamed(t: Template, id: string): Record<string, unknown> {
  const alarms = t.findResources('AWS::CloudWatch::Alarm');
  const entry = Object.entries(alarms).find(([logicalId]) => logicalId.startsWith(`Dashboard${id}`));
  if (!entry) throw new Error(`no alarm ${id} among ${Object.keys(alarms).join(', ')}`);
  return entry[1].Properties as Record<string, unknown>;
}

interface Widget {
  type: string;
  width: number;
  properties: {
    title?: string;
    view?: string;
    start?: string;
    stacked?: boolean;
    metrics?: unknown[][];
    query?: string;
  };
}

/** The dashboard's widgets, with every token inside the body's strings replaced by TOKEN. */
function widgets(t: Template): Widget[] {
  const body = dashboardBody(t) as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** A widget's metrics as [namespace, name, dimension value or null, stat, period]. */
function metricsOf(widget: Widget): Array<[unknown, unknown, unknown, unknown, unknown]> {
  return (widget.properties.metrics ?? []).map((m) => {
    const options = m[m.length - 1] as { stat?: string; period?: number };
    return [m[0], m[1], m.length > 3 ? m[3] : null, options.stat, options.period];
  });
}

describe('dashboard', () => {
  test('keeps its body as recorded', () => {
    // Given the default stack
    // When the dashboard body is read, asset hashes stripped
    // Then it matches the recorded one
    expect(dashboardBody(template)).toMatchSnapshot();
  });

  test('lists the recent runs with the fault each injected, and says what the fault window means for each fault', () => {
    // Given the dashboard's widgets
    const table = widgets(template).find(
      (w) => w.type === 'log' && /^Recent runs: fault and verdict/.test(w.properties.title ?? ''),
    );
    const header = JSON.stringify(dashboardBody(template));
    // Then a table reads the run lines' fault and verdict, newest first
    expect(table?.properties).toMatchObject({ view: 'table' });
    expect(table?.properties.query).toMatch(
      /filter line = "run".*fields @timestamp, runId, fault, verdict.*sort @timestamp desc/s,
    );
    // And the header explains the red line for every rung of the ladder
    for (const fault of ['deregister', 'pool-brownout', 'writer-failover']) expect(header).toContain(`\`${fault}\``);
  });

  test('draws the reads and writes graphs from the run log, every series and the outage window per second', () => {
    // Given the dashboard's widgets
    const graphs = widgets(template).filter(
      (w) => w.type === 'log' && /^(Reads|Writes) per second/.test(w.properties.title ?? ''),
    );
    // Then each queries the run log's slot lines for its series and the outage window
    expect(graphs).toHaveLength(2);
    const queries = graphs.map((w) => w.properties.query ?? '').join('\n');
    for (const name of [
      MetricNames.ReadsDatabase,
      MetricNames.ReadsCache,
      MetricNames.ReadsFailed,
      MetricNames.WritesCommitted,
      MetricNames.WritesQueued,
      MetricNames.WritesStockOut,
      MetricNames.WritesFailed,
    ]) {
      expect(queries).toContain(`sum(${name}) / 10`);
    }
    expect(graphs.map((w) => w.properties.query)).toEqual([
      expect.stringContaining('max(OutageWindow)'),
      expect.stringContaining('max(OutageWindow)'),
    ]);
    expect(
      graphs.every((w) => w.properties.query?.includes('filter line = "slot"') && w.properties.view === 'timeSeries'),
    ).toBe(true);
  });

  test("queries the stack's run log, the log group the state machine writes it to", () => {
    // Given the dashboard's log widgets
    const logWidgets = widgets(template).filter((w) => w.type === 'log');
    // Then every one names the run log group (a token in the body) and no other
    expect(logWidgets.length).toBeGreaterThan(0);
    for (const w of logWidgets) expect(w.properties.query).toMatch(/^SOURCE 'TOKEN' \| /);
  });

  test('publishes as custom metrics only what an alarm reads, and the runs counted apart', () => {
    // Given the dashboard body as text
    const body = JSON.stringify(dashboardBody(template));
    // Then the GameDay namespace holds the three verdicts that fail an execution, the skipped and the halted runs, and no other metric
    const names = new Set([...body.matchAll(/\\"GameDay\\",\\"(\w+)\\"/g)].map((m) => m[1]));
    expect([...names].sort()).toEqual([
      MetricNames.RunAborted,
      MetricNames.RunFailed,
      MetricNames.RunHalted,
      MetricNames.RunInconclusive,
      MetricNames.RunSkipped,
    ]);
  });

  test('shows queue depth, proxy connections and executions from the AWS namespaces', () => {
    // Given the dashboard body as text
    const body = JSON.stringify(dashboardBody(template));
    // Then SQS, RDS Proxy and Step Functions metrics are on it
    expect(body).toContain('AWS/SQS');
    expect(body).toContain('example-shop-orders-dlq');
    expect(body).toContain('\\"AWS/RDS\\",\\"ClientConnections\\",\\"ProxyName\\",\\"example-shop-proxy\\"');
    for (const outcome of ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsAborted'])
      expect(body).toContain(`\\"AWS/States\\",\\"${outcome}\\"`);
  });

  test('follows recovery, drain, cache share and outage p99 from the run log, the worst run of each day', () => {
    // Given the dashboard's widgets
    const trends = widgets(template).filter((w) => w.type === 'log' && w.properties.title?.endsWith('of the day)'));
    // Then each figure of a run's summary line has its own daily series
    expect(trends.map((w) => w.properties.query?.split('| stats ')[1])).toEqual([
      `max(${MetricNames.TimeToFirstDatabaseReadMs}) as \`Recovery: register to first database read\` by bin(1d)`,
      `max(${MetricNames.TimeToDrainMs}) as \`Drain: AVAILABLE to queue and DLQ empty\` by bin(1d)`,
      `min(${MetricNames.OutageCacheSharePercent}) as \`Cache share of outage reads\` by bin(1d)`,
      `max(${MetricNames.LatencyP99Ms}.outage) as \`Outage p99 latency\` by bin(1d)`,
    ]);
  });

  test('counts the verdicts per day over twelve weeks, passed runs as the succeeded executions less the skipped', () => {
    // Given the dashboard's widgets
    const verdicts = widgets(template).find((w) => w.properties.title === 'Verdicts per day, 12 weeks');
    // Then the verdicts, the skipped and the halted runs are summed per day, stacked, over 84 days
    expect(verdicts?.properties).toMatchObject({ view: 'bar', stacked: true, start: '-P84D' });
    const metrics = (verdicts as Widget).properties.metrics ?? [];
    const last = (m: unknown[]) => m[m.length - 1] as Record<string, unknown>;
    // A skipped run succeeds too: "passed" is Step Functions' succeeded executions less the skipped runs
    expect(metrics[0]).toEqual([
      {
        label: 'passed',
        color: expect.any(String),
        expression: 'FILL(succeeded, 0) - FILL(skipped, 0)',
        period: 86400,
      },
    ]);
    expect(metrics[1].slice(0, 2)).toEqual(['AWS/States', 'ExecutionsSucceeded']);
    expect(last(metrics[1])).toMatchObject({ id: 'succeeded', visible: false, stat: 'Sum', period: 86400 });
    // The skipped series is the one the expression subtracts, shown in its own right
    expect(metrics[2].slice(0, 2)).toEqual(['GameDay', MetricNames.RunSkipped]);
    expect(last(metrics[2])).toMatchObject({ id: 'skipped', label: 'skipped', stat: 'Sum', period: 86400 });
    expect(last(metrics[2]).visible).not.toBe(false);
    expect(metricsOf(verdicts as Widget).slice(3)).toEqual(
      [MetricNames.RunFailed, MetricNames.RunInconclusive, MetricNames.RunAborted, MetricNames.RunHalted].map(
        (name) => ['GameDay', name, null, 'Sum', 86400],
      ),
    );
    expect(metrics.slice(3).map((m) => last(m).label)).toEqual(['failed', 'inconclusive', 'aborted', 'halted']);
  });

  test('links to the latest run report in the report bucket', () => {
    // Given the dashboard body as text
    const body = JSON.stringify(dashboardBody(template));
    // Then the header links to latest/report.html in the archive bucket
    expect(body).toContain('latest/report.html');
    expect(body).toMatch(/"Ref":"ReportsBucket[0-9A-F]{8}"/);
  });
});

describe('alarms', () => {
  interface AlarmMetric {
    Expression?: string;
    MetricStat?: {
      Metric: { MetricName: string; Namespace: string; Dimensions?: unknown };
      Period: number;
      Stat: string;
    };
  }

  /**
   * The alarm named `name`, checked to fire on one in its one evaluation period and to keep quiet
   * without data, with its math expression and the [namespace, metric, statistic, period] it reads.
   */
  function countingAlarm(name: string) {
    const alarm = alarmNamed(template, name);
    expect(alarm).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    const metrics = alarm.Metrics as AlarmMetric[];
    const stats = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat!);
    return {
      expression: metrics.find((m) => m.Expression)?.Expression,
      reads: stats.map((m) => [m.Metric.Namespace, m.Metric.MetricName, m.Stat, m.Period]),
      stats,
    };
  }

  test('raise one alarm when a run ends failed or inconclusive', () => {
    // Given the alarm on not-passed runs
    const alarm = countingAlarm('RunNotPassed');
    // Then it sums RunFailed and RunInconclusive per hour and fires on one
    expect(alarm.expression).toBe('FILL(failed, 0) + FILL(inconclusive, 0)');
    expect(alarm.reads).toEqual([
      ['GameDay', 'RunFailed', 'Sum', 3600],
      ['GameDay', 'RunInconclusive', 'Sum', 3600],
    ]);
  });

  test('raise one alarm when a run ends without a verdict: rolled back, refused, stopped or timed out', () => {
    // Given the alarm on runs that never reached their report step
    const alarm = countingAlarm('RunEndedWithoutVerdict');
    // Then it takes the badly ended executions of this state machine, less the runs that published a
    // verdict, per hour, and fires on one
    expect(alarm.expression).toBe(
      'FILL(failed, 0) + FILL(aborted, 0) + FILL(timedOut, 0) - FILL(verdictFailed, 0) - FILL(verdictInconclusive, 0) - FILL(verdictAborted, 0) - FILL(halted, 0)',
    );
    expect(alarm.reads).toEqual([
      ['AWS/States', 'ExecutionsFailed', 'Sum', 3600],
      ['AWS/States', 'ExecutionsAborted', 'Sum', 3600],
      ['AWS/States', 'ExecutionsTimedOut', 'Sum', 3600],
      ['GameDay', 'RunFailed', 'Sum', 3600],
      ['GameDay', 'RunInconclusive', 'Sum', 3600],
      ['GameDay', 'RunAborted', 'Sum', 3600],
      // A run stopped by gameday halt is announced as halted: no alarm.
      ['GameDay', 'RunHalted', 'Sum', 3600],
    ]);
    expect(JSON.stringify(alarm.stats.find((m) => m.Metric.Namespace === 'AWS/States')?.Metric.Dimensions)).toContain(
      'StateMachineArn',
    );
  });

  test("raise one alarm when a message reaches the scheduler's dead-letter queue", () => {
    // Given the alarm on the schedule DLQ
    const alarm = alarmNamed(template, 'ScheduleDeliveryFailed');
    // Then it watches that queue's visible messages and fires on one
    expect(watchedMetric(alarm)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Stat: 'Maximum',
    });
    expect(JSON.stringify(watchedMetric(alarm).Dimensions)).toMatch(
      /"Name":"QueueName","Value":\{"Fn::GetAtt":\["SchedulesScheduleDlq[0-9A-F]{8}","QueueName"\]\}/,
    );
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  test('watch for a missed GameDay only while the schedule is enabled', () => {
    // Given the default stack (schedule disabled) and one with a daily schedule
    // When their alarms are listed
    const ids = (t: Template) =>
      Object.keys(t.findResources('AWS::CloudWatch::Alarm')).filter((id) => id.startsWith('DashboardNoRecentGameDay'));
    // Then only the scheduled one has the "no GameDay" alarm
    expect(ids(template)).toEqual([]);
    expect(ids(scheduled)).toHaveLength(1);
  });

  test('treat a day without any started execution as breaching the "no GameDay" alarm', () => {
    // Given the daily schedule's alarm
    const alarm = alarmNamed(scheduled, 'NoRecentGameDay');
    // Then two empty days (one interval plus a day) fire it
    expect(watchedMetric(alarm)).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsStarted',
      Period: 86400,
      Stat: 'Sum',
    });
    expect(alarm).toMatchObject({
      EvaluationPeriods: 2,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  test('derive the missed-GameDay window from the schedule, within the 7 days CloudWatch can watch', () => {
    // Given schedule expressions of different intervals
    // Then one interval plus a day, capped at 7, and none for a schedule rarer than weekly
    expect(staleAfterDaysFor('rate(12 hours)')).toBe(2);
    expect(staleAfterDaysFor('rate(3 days)')).toBe(4);
    expect(staleAfterDaysFor('rate(7 days)')).toBe(7);
    expect(staleAfterDaysFor('rate(14 days)')).toBeNull();
    expect(staleAfterDaysFor('cron(0 2 ? * TUE *)')).toBe(7);
  });
});

describe('report archive', () => {
  test('encrypts the bucket, blocks public access and refuses plain HTTP', () => {
    // Given the report bucket
    // Then it is encrypted, private and SSL-only
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', TLS_ONLY_POLICY);
  });

  test('expires reports after 400 days by default', () => {
    // Given the report bucket's lifecycle
    // Then reports expire after 400 days and stale uploads after 1
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            ExpirationInDays: 400,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
        ],
      },
    });
  });

  test('keeps the run history when the stack is deleted', () => {
    // Given the report bucket resource
    // Then it is retained
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('lets the report function put objects into the bucket and do nothing else with it', () => {
    // Given the report function role's statements
    const s3Statements = statementsOfRole(template, 'StepsReportRole').filter((statement) =>
      JSON.stringify(statement.Action).includes('s3:'),
    );
    // Then one statement allows s3:PutObject on the bucket's objects only
    expect(s3Statements).toHaveLength(1);
    expect(s3Statements[0]).toMatchObject({ Sid: 'PutRunReports', Effect: 'Allow', Action: 's3:PutObject' });
    expect(JSON.stringify(s3Statements[0].Resource)).toMatch(
      /^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["ReportsBucket[0-9A-F]{8}","Arn"\]\},"\/\*"\]\]\}$/,
    );
    // And no other step function may touch S3
    const others = [
      'StepsValidateInputRole',
      'StepsTrafficRole',
      'StepsVerifyOrdersRole',
      'SafetyNetRole',
      'SchedulesScheduleStartRole',
    ].flatMap((role) => statementsOfRole(template, role));
    expect(
      others
        .flatMap((statement) => asArray(statement.Action as string | string[]))
        .filter((action) => action.startsWith('s3:')),
    ).toEqual([]);
  });

  test('tells the report function which bucket to write to', () => {
    // Given the report function
    // Then REPORT_BUCKET names the archive bucket
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          GAMEDAY_STEP: 'report',
          REPORT_BUCKET: { Ref: Match.stringLikeRegexp('^ReportsBucket') },
        }),
      },
    });
  });

  test('names the bucket, the dashboard and the schedule in the stack outputs for the gameday command', () => {
    // Given the stack's outputs
    const outputs = template.findOutputs('*');
    // Then the CLI finds everything it needs there
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['StateMachineArn', 'ReportBucketName', 'DashboardName', 'ScheduleName']),
    );
  });

  test('refuses an expiry that is not a positive whole number of days', () => {
    // Given a stack
    const { stack } = buildStack();
    // When an archive with 0 days is added
    // Then it is refused with the reason
    expect(() => new ReportArchive(stack, 'Bad', { expireAfterDays: 0 })).toThrow(
      /expireAfterDays must be a positive whole number/,
    );
  });
});
