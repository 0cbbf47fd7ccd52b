// The AWS commands of `gameday`: start and follow a run, watch one, read its report, list runs, switch the schedule.
import { writeFileSync } from 'node:fs';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  type ExecutionListItem,
  ListExecutionsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type JunitSubject, renderJunit } from '../../report/junit';
import { formatRunTable } from '../../report/result-table';
import { unobservedChecks } from '../../steps/core/hypothesis';
import { DEFAULT_TOLERANCES } from '../../steps/core/hypothesis-tolerances';
import type { RunOverrides, RunReport, Verdict } from '../../steps/core/contracts';
import { ALARM_METRICS, DEFAULT_METRIC_NAMESPACE } from '../../steps/core/metric-names';
import { reportKeys } from '../../steps/core/report-storage';
import { MISSING_TARGET } from '../command-rules';
import { describeEnding } from '../ending';
import { EXIT_CODES } from '../exit-codes';
import { checkRunInput, readValidateInputParameters, UnreadableDefinition } from '../run-input';
import { type AwsClients, readStackOutputs } from './clients';
import { CliError, explainAwsError } from './errors';
import { readSchedule, setScheduleState } from './schedule-state';
import {
  type ExecutionView,
  fetchNewEvents,
  foldHistory,
  followExecution,
  formatProgress,
  progressMilestone,
  verdictOf,
} from './follow';

/** How a command talks to the person running it; tests give their own. */
export interface CommandIo {
  out: (line: string) => void;
  /** The live progress line (overwritten in place on a terminal; in a log, written when `milestone` changes). */
  live: (line: string, milestone: string) => void;
  confirm: (question: string) => Promise<boolean>;
  /** Ctrl-C: registers a handler, returns its removal. @default - none */
  onInterrupt?: (handler: () => void) => () => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** Where the state machine is: its ARN, or the stack whose outputs name it. */
export interface TargetOptions {
  stateMachineArn?: string;
  stack?: string;
}

/** Execution-input overrides a person may pass to `gameday start` (a dry run is its own flag). */
export type StartOverrides = Omit<RunOverrides, 'dryRun'>;

async function stateMachineArnOf(clients: AwsClients, target: TargetOptions): Promise<string> {
  if (target.stateMachineArn) return target.stateMachineArn;
  if (target.stack) return (await readStackOutputs(clients.cloudformation, target.stack)).stateMachineArn;
  throw new CliError(MISSING_TARGET.stateMachine);
}

/** `manual-20261127T020000Z-1a2b`: unique, sortable, and a valid execution name and run id. */
export function manualExecutionName(now: Date, random: () => number = Math.random): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `manual-${stamp}-${suffix}`;
}

/** Asks whether to stop the execution; the safety net restores the target after a stop. */
async function askToStop(clients: AwsClients, executionArn: string, io: CommandIo): Promise<void> {
  const stop = await io.confirm(
    `\nStop execution ${executionArn}? The safety net registers the database target again. [y/N] `,
  );
  if (!stop) {
    io.out('Not stopped; still following (the execution runs on if you quit).');
    return;
  }
  try {
    await clients.sfn.send(
      new StopExecutionCommand({ executionArn, error: 'StoppedByOperator', cause: 'stopped from the gameday command' }),
    );
    io.out('Stop requested; following until the execution ends.');
  } catch (error) {
    io.out(`gameday: ${explainAwsError(error, executionArn).message}`);
  }
}

/** Follows an execution live, then prints the table, the verdict and where the report is. */
async function followAndSummarise(
  clients: AwsClients,
  executionArn: string,
  io: CommandIo,
  output: RunOutputs = {},
): Promise<number> {
  let asking = false;
  const off = io.onInterrupt?.(() => {
    if (asking) return;
    asking = true;
    void askToStop(clients, executionArn, io).finally(() => {
      asking = false;
    });
  });
  let view: ExecutionView;
  try {
    view = await followExecution({
      sfn: clients.sfn,
      executionArn,
      sleep: io.sleep,
      onUpdate: (v) => io.live(formatProgress(v, io.now?.() ?? new Date()), progressMilestone(v)),
    });
  } finally {
    off?.();
  }
  return summarise(view, executionArn, io, output);
}

/** Files a followed run writes when it ends. */
export interface RunOutputs {
  /** JUnit XML: a test case per part of the hypothesis, and the verdict's. */
  readonly junit?: string;
}

function summarise(view: ExecutionView, executionArn: string, io: CommandIo, output: RunOutputs): number {
  io.out('');
  const verdict = verdictOf(view.status, view.error?.error, view.result?.report ?? null, view.skipped);
  io.out(`Execution ${executionArn} ended ${describeEnding(view.status, view.error, verdict)}`);
  if (view.result) {
    io.out(formatRunTable(view.result.report, 'GameDay'));
    io.out(
      view.result.storage?.location
        ? `Run report: s3://${view.result.storage.location.bucket}/${view.result.storage.location.htmlKey} (JSON: ${view.result.storage.location.jsonKey})`
        : `Run report: ${view.result.storage?.note ?? 'not stored'}`,
    );
  } else if (view.skipped !== null) {
    io.out(`Verdict: SKIPPED before any harm: ${view.skipped}`);
  } else {
    io.out(`Verdict: ${String(verdict).toUpperCase()} (the run ended before its report step)`);
  }
  if (output.junit && verdict !== 'running') {
    const reasons =
      view.skipped !== null
        ? [view.skipped]
        : [
            view.error
              ? `the run ended ${view.status} before its report step (${view.error.error}: ${view.error.cause})`
              : `the run ended ${view.status} before its report step`,
          ];
    const subject: JunitSubject = view.result?.report ?? {
      runId: view.config?.runId ?? executionArn.split(':').at(-1) ?? executionArn,
      startedAt: view.startedAt?.toISOString() ?? '',
      verdict,
      reasons,
      degradation: null,
      hypothesis: {
        tolerances: view.config?.hypothesis ?? DEFAULT_TOLERANCES,
        checks: unobservedChecks('the run ended before its report step'),
      },
    };
    writeFileSync(output.junit, renderJunit(subject));
    io.out(`JUnit written to ${output.junit}`);
  }
  return verdict === 'running' ? 0 : EXIT_CODES[verdict];
}

/** `gameday start`: refuses when a run is in progress, starts one with a unique name, follows it. */
export async function startCommand(
  clients: AwsClients,
  options: TargetOptions & RunOutputs & { dryRun?: boolean; overrides?: StartOverrides },
  io: CommandIo,
): Promise<number> {
  // The preflight would skip the run too; refused here it never starts, and the person sees why at once.
  if (options.stack) await (await import('./halt')).refuseWhileHalted(clients, options.stack);
  const stateMachineArn = await stateMachineArnOf(clients, options);
  const name = manualExecutionName(io.now?.() ?? new Date());
  const input: Record<string, unknown> = { ...options.overrides };
  if (options.dryRun) input.dryRun = true;
  const problems = await inputProblems(clients, stateMachineArn, input, name);
  // Refused here, before anything starts: one line per problem, as ValidateInput would refuse it.
  if (problems.length > 0)
    throw new CliError(`the input was refused, nothing was started:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  let running: ExecutionListItem[];
  try {
    running =
      (await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 })))
        .executions ?? [];
  } catch (error) {
    throw explainAwsError(error, stateMachineArn);
  }
  if (running.length > 0) {
    throw new CliError(
      `a GameDay is already running: ${running[0].executionArn} (follow it with: gameday watch ${running[0].executionArn})`,
    );
  }
  let executionArn: string | undefined;
  try {
    executionArn = (
      await clients.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }))
    ).executionArn;
  } catch (error) {
    throw explainAwsError(error, name);
  }
  if (!executionArn) throw new CliError(`StartExecution for ${name} answered without an execution ARN`);
  io.out(`Started ${name}${options.dryRun ? ' (dry run: the fault states are skipped)' : ''}`);
  io.out(`  ${executionArn}`);
  io.out(
    `  https://console.aws.amazon.com/states/home?region=${clients.region}#/v2/executions/details/${encodeURIComponent(executionArn)}`,
  );
  return followAndSummarise(clients, executionArn, io, { junit: options.junit });
}

/** The input checked as the deployed ValidateInput step will check it: with the defaults and limits its definition passes. */
async function inputProblems(
  clients: AwsClients,
  stateMachineArn: string,
  input: unknown,
  name: string,
): Promise<readonly string[]> {
  let definition: unknown;
  try {
    const described = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    definition = JSON.parse(described.definition ?? '');
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new CliError(`the definition of ${stateMachineArn} is not JSON: the input cannot be checked`);
    throw explainAwsError(error, stateMachineArn);
  }
  try {
    const check = checkRunInput(input, readValidateInputParameters(definition), name);
    return check.valid ? [] : check.problems;
  } catch (error) {
    if (error instanceof UnreadableDefinition) throw new CliError(error.message);
    throw error;
  }
}

/** `gameday watch`: follows a running (or ended) execution and summarises it. */
export async function watchCommand(
  clients: AwsClients,
  executionArn: string,
  io: CommandIo,
  output: RunOutputs = {},
): Promise<number> {
  return followAndSummarise(clients, executionArn, io, output);
}

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
    if (execution.status === 'FAILED' && execution.executionArn) {
      try {
        error = (await clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }))).error;
      } catch (caught) {
        throw explainAwsError(caught, execution.executionArn);
      }
    }
    const verdict = verdictOf(execution.status ?? 'RUNNING', error, null);
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
  // A pass is the only way an execution succeeds: passed runs are Step Functions' own count, the
  // other verdicts the metrics the alarms read. Without the state machine, passes are not known.
  const stateMachineArn =
    options.stateMachineArn ??
    (options.stack ? (await readStackOutputs(clients.cloudformation, options.stack)).stateMachineArn : null);
  const namespace = options.namespace ?? DEFAULT_METRIC_NAMESPACE;
  const series: Array<
    [Verdict, { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: string }> } | null]
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
    const totals = series.map(([verdict, metric], i) => {
      if (!metric) return `n/a ${verdict}`;
      const values = answer.MetricDataResults?.find((r) => r.Id === `v${i}`)?.Values ?? [];
      return `${values.reduce((a, b) => a + b, 0)} ${verdict}`;
    });
    io.out(`Last ${days} days (CloudWatch, runs that reached their report): ${totals.join(', ')}`);
  } catch (error) {
    throw explainAwsError(error, 'GetMetricData');
  }
  return 0;
}

export type ScheduleAction = 'status' | 'enable' | 'disable';

/** `gameday schedule status|enable|disable`: the recurring GameDay's schedule (EventBridge Scheduler). */
export async function scheduleCommand(
  clients: AwsClients,
  action: ScheduleAction,
  options: { scheduleName?: string; group?: string; stack?: string },
  io: CommandIo,
): Promise<number> {
  const name =
    options.scheduleName ??
    (options.stack ? (await readStackOutputs(clients.cloudformation, options.stack)).scheduleName : null);
  if (!name) throw new CliError(MISSING_TARGET.schedule);
  const ref = { name, group: options.group ?? 'default' };
  const schedule = await readSchedule(clients, ref);
  const describe = (state: string | undefined) =>
    `Schedule ${ref.group}/${name}: ${state ?? 'UNKNOWN'}  ${schedule.ScheduleExpression ?? ''}${schedule.ScheduleExpressionTimezone ? ` (${schedule.ScheduleExpressionTimezone})` : ''}`;
  if (action === 'status') {
    io.out(describe(schedule.State));
    return 0;
  }
  const wanted = action === 'enable' ? 'ENABLED' : 'DISABLED';
  if (schedule.State === wanted) {
    io.out(`${describe(schedule.State)} (unchanged)`);
    return 0;
  }
  await setScheduleState(clients, ref, schedule, wanted);
  io.out(describe(wanted));
  io.out(
    'Note: the stack sets the schedule state too; the next deployment applies its own setting (schedule.enabled).',
  );
  return 0;
}
