// The AWS commands that read finished runs: `gameday report` (from an execution or the report bucket) and `gameday history`.
import { writeFileSync } from 'node:fs';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, type ExecutionListItem, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { formatRunTable } from '../../report/result-table';
import type { RunReport, Verdict } from '../../steps/core/contracts';
import { ALARM_METRICS, DEFAULT_METRIC_NAMESPACE, MetricNames } from '../../steps/core/metric-names';
import { HALT_STOP_ERROR } from '../../steps/core/notification';
import { reportKeys } from '../../steps/core/report-storage';
import { MISSING_TARGET } from '../command-rules';
import { type AwsClients, readStackOutputs } from './clients';
import { type CommandIo, stateMachineArnOf, type TargetOptions } from './command-io';
import { CliError, explainAwsError } from './errors';
import { fetchNewEvents, foldHistory, verdictOf } from './follow';

/** `gameday report`: the run report of an execution (from its history) or of a run id (from the report bucket). */
export async function reportCommand(
  clients: AwsClients,
  options: { target: string; html?: string; json?: string; bucket?: string; stack?: string },
  io: CommandIo,
): Promise<number> {
  const report = options.target.startsWith('arn:')
    ? await reportFromExecution(clients, options.target)
    : await reportFromBucket(clients, options);
  io.out(formatRunTable(report, 'GameDay'));
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    io.out(`Run report written to ${options.json}`);
  }
  if (options.html) {
    const { renderHtmlReport } = await import('../../report/html-report');
    const history = await trendHistory(clients, options, report, io);
    writeFileSync(options.html, renderHtmlReport(report, undefined, { history }));
    io.out(`HTML report written to ${options.html}`);
  }
  return 0;
}

/** The earlier runs of the report bucket the HTML report draws its trend against; none without a bucket. */
async function trendHistory(
  clients: AwsClients,
  options: { bucket?: string; stack?: string },
  report: RunReport,
  io: CommandIo,
): Promise<RunReport[] | undefined> {
  const bucket =
    options.bucket ??
    (options.stack ? (await readStackOutputs(clients.cloudformation, options.stack)).reportBucket : null);
  if (!bucket) {
    io.out('(no trend against earlier runs: pass --stack NAME or --bucket NAME to read them from the report bucket)');
    return undefined;
  }
  const { bucketTrendHistory } = await import('../history/history-command');
  const { reports, skipped } = await bucketTrendHistory(clients.s3, bucket, report);
  for (const line of skipped) io.out(`(${line})`);
  return reports;
}

async function reportFromExecution(clients: AwsClients, executionArn: string): Promise<RunReport> {
  const view = foldHistory(await fetchNewEvents(clients.sfn, executionArn, 0));
  if (view.result) return view.result.report;
  if (view.status === 'RUNNING')
    throw new CliError(
      `execution ${executionArn} is still running and has no report yet (follow it with: gameday watch ${executionArn})`,
    );
  throw new CliError(
    `execution ${executionArn} has no run report: it ended ${view.status} before its report step${view.error ? ` (${view.error.error}: ${view.error.cause})` : ''}`,
  );
}

async function reportFromBucket(
  clients: AwsClients,
  options: { target: string; bucket?: string; stack?: string },
): Promise<RunReport> {
  let keys;
  try {
    keys = reportKeys(options.target);
  } catch (error) {
    throw new CliError(`not an execution ARN nor a run id: ${(error as Error).message}`);
  }
  const bucket =
    options.bucket ??
    (options.stack ? (await readStackOutputs(clients.cloudformation, options.stack)).reportBucket : null);
  if (!bucket) throw new CliError(MISSING_TARGET.reportBucket);
  try {
    const answer = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys.json }));
    const text = await answer.Body?.transformToString();
    if (!text) throw new CliError(`s3://${bucket}/${keys.json} is empty`);
    return JSON.parse(text) as RunReport;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound')
      throw new CliError(
        `no report for run ${options.target} in s3://${bucket}/${keys.json} (reports expire after the bucket's lifecycle period)`,
      );
    throw explainAwsError(error, `s3://${bucket}/${keys.json}`);
  }
}

/** Recent executions with the verdict each ended with (Step Functions keeps them 90 days). */
async function printExecutions(
  clients: AwsClients,
  options: TargetOptions & { limit?: number },
  io: CommandIo,
): Promise<void> {
  const stateMachineArn = await stateMachineArnOf(clients, options);
  const limit = options.limit ?? 10;
  let executions: ExecutionListItem[];
  try {
    executions =
      (await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: limit }))).executions ?? [];
  } catch (error) {
    throw explainAwsError(error, stateMachineArn);
  }
  if (executions.length === 0) io.out('No executions in the last 90 days.');
  else io.out(['started (UTC)           ', 'status    ', 'verdict      ', 'duration', 'execution'].join('  '));
  for (const execution of executions) {
    let error: string | undefined;
    let skipped: string | null = null;
    // A failed run's error names its verdict; a succeeded one may have been skipped, a stopped one halted.
    if (execution.status !== 'RUNNING' && execution.executionArn) {
      try {
        const described = await clients.sfn.send(
          new DescribeExecutionCommand({ executionArn: execution.executionArn }),
        );
        error = described.error;
        skipped = skipReasonOfOutput(described.output);
      } catch (caught) {
        throw explainAwsError(caught, execution.executionArn);
      }
    }
    const verdict =
      execution.status === 'ABORTED' && error === HALT_STOP_ERROR
        ? 'halted'
        : verdictOf(execution.status ?? 'RUNNING', error, null, skipped);
    const started = execution.startDate?.toISOString().replace(/\.\d{3}Z$/, 'Z') ?? '?';
    const seconds =
      execution.startDate && execution.stopDate
        ? Math.round((execution.stopDate.getTime() - execution.startDate.getTime()) / 1000)
        : null;
    io.out(
      [
        started.padEnd(24),
        String(execution.status).padEnd(10),
        String(verdict).padEnd(13),
        (seconds === null ? '-' : `${seconds}s`).padEnd(8),
        execution.name ?? '',
      ].join('  '),
    );
  }
  io.out('(pass --stack NAME or --bucket NAME to list the run reports of the report bucket, past 90 days)');
}

/** `gameday history`: the runs of the report bucket (or, with no bucket known, recent executions), and the verdict counts CloudWatch kept. */
export async function historyCommand(
  clients: AwsClients,
  options: TargetOptions & { limit?: number; days?: number; namespace?: string; bucket?: string; json?: boolean },
  io: CommandIo,
  err: (line: string) => void = (line) => io.out(line),
): Promise<number> {
  const bucket =
    options.bucket ??
    (options.stack ? (await readStackOutputs(clients.cloudformation, options.stack)).reportBucket : null);
  if (bucket) {
    const { printBucketHistory } = await import('../history/history-command');
    await printBucketHistory(clients.s3, bucket, options, { out: (line) => io.out(line), err });
    // The JSON is the list of runs alone, so it parses.
    if (options.json) return 0;
  } else if (options.json) {
    throw new CliError(MISSING_TARGET.historyJson);
  } else {
    await printExecutions(clients, options, io);
  }
  const days = options.days ?? 30;
  const end = io.now?.() ?? new Date();
  const start = new Date(end.getTime() - days * 86_400_000);
  // A pass and a skip are the two ways an execution succeeds: passed runs are Step Functions' count
  // less the skipped runs, the other verdicts the metrics the alarms read, skipped and halted runs the
  // notifier's counts. Without the state machine, passes are not known.
  const stateMachineArn =
    options.stateMachineArn ??
    (options.stack ? (await readStackOutputs(clients.cloudformation, options.stack)).stateMachineArn : null);
  const namespace = options.namespace ?? DEFAULT_METRIC_NAMESPACE;
  const series: Array<
    [
      Verdict | 'halted',
      { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: string }> } | null,
    ]
  > = [
    [
      'passed',
      stateMachineArn
        ? {
            Namespace: 'AWS/States',
            MetricName: 'ExecutionsSucceeded',
            Dimensions: [{ Name: 'StateMachineArn', Value: stateMachineArn }],
          }
        : null,
    ],
    ...ALARM_METRICS.map(
      ([metricName, verdict]) =>
        [verdict, { Namespace: namespace, MetricName: metricName }] as [
          Verdict,
          { Namespace: string; MetricName: string },
        ],
    ),
    ['skipped', { Namespace: namespace, MetricName: MetricNames.RunSkipped }],
    ['halted', { Namespace: namespace, MetricName: MetricNames.RunHalted }],
  ];
  try {
    const answer = await clients.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        MetricDataQueries: series.flatMap(([, metric], i) =>
          metric ? [{ Id: `v${i}`, MetricStat: { Metric: metric, Period: 86_400, Stat: 'Sum' } }] : [],
        ),
      }),
    );
    const sums = series.map(([, metric], i) =>
      metric
        ? (answer.MetricDataResults?.find((r) => r.Id === `v${i}`)?.Values ?? []).reduce((a, b) => a + b, 0)
        : null,
    );
    const skippedRuns = sums[series.findIndex(([verdict]) => verdict === 'skipped')] ?? 0;
    const totals = series.map(([verdict], i) => {
      const sum = sums[i];
      if (sum === null) return `n/a ${verdict}`;
      return `${verdict === 'passed' ? Math.max(0, sum - skippedRuns) : sum} ${verdict}`;
    });
    io.out(`Last ${days} days (CloudWatch): ${totals.join(', ')}`);
  } catch (error) {
    throw explainAwsError(error, 'GetMetricData');
  }
  return 0;
}

/** The reason the gate's `Skipped` state left in a succeeded execution's output, or null. */
function skipReasonOfOutput(output: string | undefined): string | null {
  try {
    const reason = (JSON.parse(output ?? 'null') as { skipped?: { reason?: unknown } } | null)?.skipped?.reason;
    return typeof reason === 'string' ? reason : null;
  } catch {
    return null;
  }
}
