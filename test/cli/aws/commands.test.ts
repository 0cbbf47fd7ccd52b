// The AWS commands of `gameday` against mocked Step Functions, CloudFormation, CloudWatch, Scheduler and S3.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetScheduleCommand, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import 'aws-sdk-client-mock-jest';
import { createAwsClients } from '../../../cli/aws/clients';
import { CliError } from '../../../cli/aws/errors';
import { cloudformation, cloudwatch, resetMocks, RUN, runThrough, s3, scheduler, sfn, stackWithOutputs } from './mocks';
import {
  executionArn,
  gameday,
  gameDayDefinition,
  History,
  MACHINE,
  passedResult,
  passingHistory,
  T0,
  type Terminal,
  terminal,
} from './support';

function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

beforeEach(() => resetMocks());

/** Runs `gameday start` on the state machine MACHINE with these flags. */
function start(term: Terminal, ...flags: string[]): Promise<number> {
  return gameday(term, 'start', '--state-machine-arn', MACHINE, ...flags);
}

describe('gameday start', () => {
  it('starts an execution with a unique valid name and the overrides given', async () => {
    // Given no run in progress and a run that passes
    runThrough(passingHistory(), 5);
    const term = terminal();
    // When a run is started with an outage override
    const code = await start(term, '--outage-seconds', '120');
    // Then StartExecution got a manual-<time>-<hex> name and the override as input
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: expect.stringMatching(/^manual-\d{8}T\d{6}Z-[0-9a-f]{4}$/),
      input: JSON.stringify({ outageSeconds: 120 }),
    });
  });

  it.each([
    {
      test: 'passes the window, worker and error-budget overrides in the execution input',
      // When a run is started with the windowed-traffic overrides
      flags: ['--window-seconds', '30', '--traffic-workers', '4', '--error-budget-percent', '20'],
      // Then they are the execution input
      input: { windowSeconds: 30, trafficWorkers: 4, errorBudgetPercent: 20 },
    },
    {
      test: "passes the hypothesis' tolerances from their flags as the input's hypothesis",
      // When a run is started with a p99 bound, a failed-reads tolerance and a drain bound
      flags: [
        ...['--outage-seconds', '60', '--max-outage-p99-ratio', '1.5'],
        ...['--max-failed-reads-percent', '0.5', '--max-drain-seconds', '30'],
      ],
      // Then they travel under hypothesis, beside the setting override
      input: {
        outageSeconds: 60,
        hypothesis: { maxFailedReadsPercent: 0.5, maxOutageP99Ratio: 1.5, maxDrainSeconds: 30 },
      },
    },
  ])('$test', async ({ flags, input }) => {
    // Given a terminal
    const term = terminal();
    runThrough(passingHistory(), 5);
    const code = await start(term, ...flags);
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { input: JSON.stringify(input) });
  });

  it('refuses a tolerance that is not a number of 0 or more before starting anything', async () => {
    // Given a negative tolerance
    const term = terminal();
    // When a run is started with it
    // Then it is refused with exit 2, nothing started
    await expect(start(term, '--max-failed-writes-percent', '-1')).resolves.toBe(2);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('refuses a JUnit path it could not write before starting anything', async () => {
    // Given a JUnit path in a directory that does not exist
    runThrough(passingHistory(), 5);
    const term = terminal();
    // When a run is started with it
    // Then it is refused with exit 2 and nothing is started
    await expect(start(term, '--junit', '/nonexistent/dir/out.xml')).resolves.toBe(2);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(term.errors.join('\n')).toMatch(/--junit/);
  });

  it('writes JUnit when the run ends, a case per part of the hypothesis', async () => {
    // Given a run that passes
    runThrough(passingHistory(), 5);
    const term = terminal();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gameday-junit-')), 'out.xml');
    // When it is started with --junit
    await start(term, '--junit', file);
    // Then the file holds the report's parts as test cases, and the command says where
    const xml = readFileSync(file, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(7);
    expect(xml).not.toContain('<failure');
    expect(term.lines).toContain(`JUnit written to ${file}`);
  });

  it('shows the phase, the elapsed and planned time and the counts while it runs', async () => {
    // Given a run that is in its baseline at the first poll
    runThrough(passingHistory(), 4);
    const term = terminal();
    // When it is started and followed
    await start(term);
    // Then the live line named the baseline phase with the planned time (the 60 s warm-up's too), then the counts of both traffic steps
    expect(term.live[0]).toMatch(
      /^\[baseline\] BaselineWindow {2}\d+s \/ 2m00s planned traffic {2}reads db=0 cache=0 fail=0/,
    );
    expect(term.live[term.live.length - 1]).toMatch(/reads db=108 cache=60 fail=0/);
  });

  it('ends with the table, the verdict and where the report is stored', async () => {
    // Given a run that passes and stores its report
    runThrough(passingHistory(), 5);
    const term = terminal();
    // When it is started and followed to the end
    await start(term);
    // Then the seed table, the verdict and the S3 location are printed
    const text = term.lines.join('\n');
    expect(text).toContain('Reads:  DB=');
    expect(text).toContain('Verdict: PASSED');
    expect(text).toContain('Run report: s3://gameday-reports/runs/run-1/report.html');
  });

  it('exits 1 when the hypothesis failed', async () => {
    // Given a run whose report says failed
    const result = passedResult();
    result.verdict = 'failed';
    result.report = { ...result.report, verdict: 'failed', reasons: ['3 reads failed'] };
    const history = passingHistory(result);
    history.failed('HypothesisFailed', 'verdict failed');
    runThrough(history, 5);
    const term = terminal();
    // When it is started and followed
    // Then the exit code says failed
    await expect(start(term)).resolves.toBe(1);
  });

  it('finds the state machine in the outputs of the stack named by --stack', async () => {
    // Given a stack whose outputs name the state machine
    cloudformation
      .on(DescribeStacksCommand, { StackName: 'GameDay' })
      .resolves(stackWithOutputs({ StateMachineArn: MACHINE }));
    runThrough(passingHistory(), 5);
    // When a run is started with --stack
    await gameday(terminal(), 'start', '--stack', 'GameDay');
    // Then that state machine is started
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: MACHINE });
  });

  it('passes dryRun in the input and says the fault states are skipped for --dry-run', async () => {
    // Given no run in progress
    runThrough(passingHistory(), 5);
    const term = terminal();
    // When a dry run is started
    await start(term, '--dry-run');
    // Then the input asks for it and the output says so
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { input: JSON.stringify({ dryRun: true }) });
    expect(term.lines.join('\n')).toContain('dry run: the fault states are skipped');
  });

  it('refuses to start while a GameDay is already running, naming it', async () => {
    // Given a running execution
    const other = executionArn('scheduled-20261127T020000Z');
    sfn.on(ListExecutionsCommand, { statusFilter: 'RUNNING' }).resolves({
      executions: [
        { executionArn: other, stateMachineArn: MACHINE, name: 'x', status: 'RUNNING', startDate: new Date(T0) },
      ],
    });
    const term = terminal();
    // When a run is started
    const code = await start(term);
    // Then it is refused in one line, and nothing is started
    expect(code).toBe(2);
    expect(term.errors).toEqual([
      `gameday: a GameDay is already running: ${other} (follow it with: gameday watch ${other})`,
    ]);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("refuses an input the deployed definition's limits refuse, one line per problem, and starts nothing", async () => {
    // Given a deployed GameDay
    runThrough(passingHistory(), 5);
    const term = terminal();
    // When a run with a window longer than allowed and an error budget above 100 % is started
    const code = await start(term, '--window-seconds', '999', '--error-budget-percent', '500');
    // Then it is refused with exit 2, each problem on its own line, and no execution is started
    expect(code).toBe(2);
    const lines = term.errors.join('\n').split('\n');
    expect(lines[0]).toBe('gameday: the input was refused, nothing was started:');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- windowSeconds must be an integer/),
      expect.stringMatching(/^ {2}- errorBudgetPercent must be an integer/),
    ]);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it.each([
    {
      test: 'refuses a run that could outlast the deployed execution timeout, naming it',
      // Given a deployed GameDay whose execution timeout is 20 minutes
      definition: gameDayDefinition({}, { executionTimeoutSeconds: 1200 }),
      // When a run with a one-hour outage is started
      flags: ['--outage-seconds', '3600'],
      // Then it is refused naming the execution timeout
      refusal: 'execution timeout of 1200 s',
    },
    {
      test: 'checks the overrides against the defaults the deployed definition passes',
      // Given a deployed GameDay whose stack polls the drain every 2 s
      definition: gameDayDefinition({ drainPollSeconds: 2 }, { executionTimeoutSeconds: 86_400 }),
      // When a run with an hour's drain timeout is started
      flags: ['--drain-timeout-seconds', '3600'],
      // Then the history limit refuses it
      refusal: '25,000-event history limit',
    },
  ])('$test', async ({ definition, flags, refusal }) => {
    sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: MACHINE, definition });
    runThrough(passingHistory(), 5);
    const term = terminal();
    const code = await start(term, ...flags);
    // (and before StartExecution: nothing is started)
    expect(code).toBe(2);
    expect(term.errors.join('\n')).toContain(refusal);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('says so when the state machine is not a GameDay it can check', async () => {
    // Given a state machine without a ValidateInput state
    sfn.on(DescribeStateMachineCommand).resolves({
      stateMachineArn: MACHINE,
      definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }),
    });
    const term = terminal();
    // When a run is started on it
    const code = await start(term);
    // Then it is refused, saying why, and nothing is started
    expect(code).toBe(2);
    expect(term.errors).toEqual([
      expect.stringMatching(/^gameday: the state machine's definition has no ValidateInput state/),
    ]);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('says in one line when no AWS credentials are found', async () => {
    // Given the SDK finds no credentials
    sfn
      .on(ListExecutionsCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const term = terminal();
    // When a run is started
    // Then the error says how to provide them, in one line, exit 2
    await expect(start(term)).resolves.toBe(2);
    expect(term.errors).toEqual([expect.stringMatching(/^gameday: no AWS credentials found: set AWS_PROFILE/)]);
  });

  it('says in one line when the state machine does not exist', async () => {
    // Given an ARN of no state machine
    sfn.on(ListExecutionsCommand).rejects(awsError('StateMachineDoesNotExist', 'State Machine Does Not Exist'));
    const term = terminal();
    // When a run is started
    // Then the error names it
    await expect(start(term)).resolves.toBe(2);
    expect(term.errors).toEqual([`gameday: unknown state machine ${MACHINE}`]);
  });

  it('says in one line when the stack does not exist', async () => {
    // Given no such stack
    cloudformation.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id Nope does not exist'));
    const term = terminal();
    // When a run is started with it
    // Then the error names the stack
    await expect(gameday(term, 'start', '--stack', 'Nope')).resolves.toBe(2);
    expect(term.errors).toEqual(['gameday: unknown stack Nope: Stack with id Nope does not exist']);
  });

  /** A run followed to its end by a person who answers `answer`, with Ctrl-C at the first poll. */
  async function interruptedRun(answer: boolean) {
    const history = passingHistory();
    runThrough(history, 5);
    const term = terminal(answer);
    sfn
      .on(GetExecutionHistoryCommand)
      .callsFakeOnce(async () => {
        term.interrupt();
        return { events: history.newestFirst().filter((e) => (e.id ?? 0) <= 5) };
      })
      .resolves({ events: history.newestFirst() });
    await start(term);
    return term;
  }

  it('asks on Ctrl-C and stops the execution when told yes', async () => {
    // Given a running run, and a person who answers yes
    // When Ctrl-C comes during the run
    const term = await interruptedRun(true);
    // Then the execution is stopped
    expect(sfn).toHaveReceivedCommandWith(StopExecutionCommand, { executionArn: RUN, error: 'StoppedByOperator' });
    expect(term.lines).toContain('Stop requested; following until the execution ends.');
  });

  it('leaves the execution running on Ctrl-C when told no', async () => {
    // Given a running run, and a person who answers no
    // When Ctrl-C comes during the run
    await interruptedRun(false);
    // Then nothing is stopped
    expect(sfn).not.toHaveReceivedCommand(StopExecutionCommand);
  });
});

describe('gameday watch', () => {
  /** The history of an execution that ended Aborted because another GameDay held the lock. */
  const refusedInPreflight = () =>
    new History()
      .started()
      .entered('AcquireLock')
      .entered('LockHeld')
      .failed('Aborted', 'preflight: another GameDay holds the lock');

  it('follows an execution to its end and prints the verdict', async () => {
    // Given an execution that passes
    runThrough(passingHistory(), 5);
    const term = terminal();
    // When it is watched
    const code = await gameday(term, 'watch', RUN);
    // Then it ends with the verdict and exit code 0
    expect(code).toBe(0);
    expect(term.lines.join('\n')).toContain(`Execution ${RUN} ended SUCCEEDED`);
  });

  it('says in one line when the execution does not exist', async () => {
    // Given an unknown execution
    sfn.on(DescribeExecutionCommand).rejects(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist'));
    const term = terminal();
    // When it is watched
    // Then the error names it and says why it may be gone
    await expect(gameday(term, 'watch', RUN)).resolves.toBe(2);
    expect(term.errors).toEqual([
      expect.stringMatching(
        new RegExp(`^gameday: unknown execution ${RUN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*90 days`),
      ),
    ]);
  });

  it('reports a run that ended before its report step by its ending', async () => {
    // Given an execution refused in preflight
    runThrough(refusedInPreflight(), 100);
    const term = terminal();
    // When it is watched
    const code = await gameday(term, 'watch', RUN);
    // Then the ending and the verdict are printed, exit 3
    expect(code).toBe(3);
    expect(term.lines.join('\n')).toContain(
      'ended ABORTED at its Aborted state (Step Functions status FAILED): preflight: another GameDay holds the lock',
    );
    expect(term.lines.join('\n')).toContain('Verdict: ABORTED (the run ended before its report step)');
  });

  it('writes JUnit for a run that ended before its report step, failing its verdict', async () => {
    // Given an execution refused in preflight
    runThrough(refusedInPreflight(), 100);
    const term = terminal();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gameday-junit-')), 'watch.xml');
    // When it is watched with --junit
    await gameday(term, 'watch', RUN, '--junit', file);
    // Then every part is skipped and the verdict's case fails with the ending
    const xml = readFileSync(file, 'utf8');
    expect(xml.match(/<skipped /g)).toHaveLength(6);
    expect(xml).toMatch(
      /<failure message="the run aborted" type="RunAborted">the run ended FAILED before its report step \(Aborted: preflight: another GameDay holds the lock\)<\/failure>/,
    );
  });
});

describe('gameday report', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gameday-report-'));

  it('prints the report of an execution from its history and writes the HTML', async () => {
    // Given an ended execution
    sfn.on(GetExecutionHistoryCommand).resolves({ events: passingHistory().newestFirst() });
    const term = terminal();
    const html = path.join(dir, 'run.html');
    // When its report is asked for as HTML
    const code = await gameday(term, 'report', RUN, '--html', html);
    // Then the table is printed and the HTML file holds it
    expect(code).toBe(0);
    expect(term.lines.join('\n')).toContain('Verdict: PASSED');
    expect(readFileSync(html, 'utf8')).toContain('<table class="result">');
  });

  it('reads the report of a run id from the report bucket', async () => {
    // Given the report in the bucket
    const report = passedResult().report;
    s3.on(GetObjectCommand, { Bucket: 'gameday-reports', Key: 'runs/run-1/report.json' }).resolves({
      Body: { transformToString: async () => JSON.stringify(report) } as never,
    });
    const term = terminal();
    // When it is asked for by run id
    const code = await gameday(term, 'report', 'run-1', '--bucket', 'gameday-reports');
    // Then it comes from runs/<runId>/report.json
    expect(code).toBe(0);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'gameday-reports',
      Key: 'runs/run-1/report.json',
    });
    expect(term.lines.join('\n')).toContain('run run-1');
  });

  it('says in one line when the bucket holds no report for the run id', async () => {
    // Given no such object
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));
    const term = terminal();
    // When it is asked for
    // Then the error names the object
    await expect(gameday(term, 'report', 'run-9', '--bucket', 'gameday-reports')).resolves.toBe(2);
    expect(term.errors).toEqual([
      expect.stringMatching(/^gameday: no report for run run-9 in s3:\/\/gameday-reports\/runs\/run-9\/report.json/),
    ]);
  });

  it('says where to look when a run id comes without a bucket or stack', async () => {
    // When a run id is asked for with nowhere to look
    const term = terminal();
    // Then it asks for --stack or --bucket, and no file is written
    await expect(gameday(term, 'report', 'run-1', '--html', path.join(dir, 'none.html'))).resolves.toBe(2);
    expect(term.errors).toEqual([
      'gameday: a run id is looked up in the report bucket: pass --stack NAME or --bucket NAME',
      '(gameday report --help lists its options)',
    ]);
    expect(existsSync(path.join(dir, 'none.html'))).toBe(false);
  });

  it('says why an execution that ended before its report step has no report', async () => {
    // Given an execution that was rolled back
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: new History()
        .started()
        .entered('RollbackRegister')
        .failed('RolledBack', 'the experiment failed')
        .newestFirst(),
    });
    const term = terminal();
    // When its report is asked for
    // Then the error says how it ended
    await expect(gameday(term, 'report', RUN)).resolves.toBe(2);
    expect(term.errors).toEqual([
      `gameday: execution ${RUN} has no run report: it ended FAILED before its report step (RolledBack: the experiment failed)`,
    ]);
  });
});

describe('gameday history', () => {
  it('lists recent executions with their verdicts when no report bucket is named, and the counts CloudWatch kept', async () => {
    // Given a passed run, a run whose hypothesis failed, one the gate skipped and one gameday halt stopped, and only the state machine named
    const listed = (name: string, status: ExecutionStatus, startHour: number, seconds: number) => ({
      executionArn: executionArn(name),
      stateMachineArn: MACHINE,
      name,
      status,
      startDate: new Date(T0 + startHour * 3_600_000),
      stopDate: new Date(T0 + startHour * 3_600_000 + seconds * 1000),
    });
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        listed('d', 'ABORTED', 3, 60),
        listed('c', 'SUCCEEDED', 2, 2),
        listed('b', 'FAILED', 1, 300),
        listed('a', 'SUCCEEDED', 0, 300),
      ],
    });
    sfn
      .on(DescribeExecutionCommand, { executionArn: executionArn('b') })
      .resolves({ status: 'FAILED', error: 'HypothesisFailed' })
      .on(DescribeExecutionCommand, { executionArn: executionArn('a') })
      .resolves({ status: 'SUCCEEDED', output: '{"report":{}}' })
      .on(DescribeExecutionCommand, { executionArn: executionArn('c') })
      .resolves({ status: 'SUCCEEDED', output: '{"skipped":{"reason":"change freeze: release-freeze is CLOSED"}}' })
      .on(DescribeExecutionCommand, { executionArn: executionArn('d') })
      .resolves({ status: 'ABORTED', error: 'GameDayHalted', cause: 'halted by alice at ...: incident 4711' });
    // Three succeeded executions, one of them the skipped run; one halted run
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'v0', Values: [1, 2] },
        { Id: 'v1', Values: [1] },
        { Id: 'v4', Values: [1] },
        { Id: 'v5', Values: [1] },
      ],
    });
    const term = terminal();
    // When the history is listed
    const code = await gameday(term, 'history', '--state-machine-arn', MACHINE);
    // Then each run shows its verdict, and the totals come from the verdict metrics
    expect(code).toBe(0);
    expect(term.lines[1]).toMatch(/^2026-11-27T05:00:00Z\s+ABORTED\s+halted\s+60s\s+d$/);
    expect(term.lines[2]).toMatch(/^2026-11-27T04:00:00Z\s+SUCCEEDED\s+skipped\s+2s\s+c$/);
    expect(term.lines[3]).toMatch(/^2026-11-27T03:00:00Z\s+FAILED\s+failed\s+300s\s+b$/);
    expect(term.lines[4]).toMatch(/^2026-11-27T02:00:00Z\s+SUCCEEDED\s+passed\s+300s\s+a$/);
    expect(term.lines[5]).toBe(
      '(pass --stack NAME or --bucket NAME to list the run reports of the report bucket, past 90 days)',
    );
    // The skipped run succeeded too: passes are the succeeded executions less the skipped ones
    expect(term.lines[6]).toBe(
      'Last 30 days (CloudWatch): 2 passed, 1 failed, 0 inconclusive, 0 aborted, 1 skipped, 1 halted',
    );
    // (passes are the state machine's succeeded executions; the other verdicts the alarms' metrics)
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      MetricDataQueries: [
        expect.objectContaining({
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'AWS/States',
              MetricName: 'ExecutionsSucceeded',
              Dimensions: [{ Name: 'StateMachineArn', Value: MACHINE }],
            },
          }),
        }),
        expect.objectContaining({
          MetricStat: expect.objectContaining({ Metric: { Namespace: 'GameDay', MetricName: 'RunFailed' } }),
        }),
        expect.objectContaining({
          MetricStat: expect.objectContaining({ Metric: { Namespace: 'GameDay', MetricName: 'RunInconclusive' } }),
        }),
        expect.objectContaining({
          MetricStat: expect.objectContaining({ Metric: { Namespace: 'GameDay', MetricName: 'RunAborted' } }),
        }),
        expect.objectContaining({
          MetricStat: expect.objectContaining({ Metric: { Namespace: 'GameDay', MetricName: 'RunSkipped' } }),
        }),
        expect.objectContaining({
          MetricStat: expect.objectContaining({ Metric: { Namespace: 'GameDay', MetricName: 'RunHalted' } }),
        }),
      ],
    });
  });
});

describe('gameday schedule', () => {
  const schedule = {
    Name: 'GameDaySchedule',
    GroupName: 'default',
    State: 'DISABLED' as const,
    ScheduleExpression: 'rate(7 days)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    Target: {
      Arn: 'arn:aws:lambda:us-east-1:123456789012:function:start',
      RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      Input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}',
    },
  };

  it('shows whether the schedule is enabled, and its expression', async () => {
    // Given a disabled schedule
    scheduler.on(GetScheduleCommand).resolves(schedule);
    const term = terminal();
    // When its status is asked for
    await gameday(term, 'schedule', 'status', '--schedule-name', 'GameDaySchedule');
    // Then it says so
    expect(term.lines).toEqual(['Schedule default/GameDaySchedule: DISABLED  rate(7 days) (UTC)']);
  });

  it('enables the schedule, keeping its target, expression and time window', async () => {
    // Given a disabled schedule named in the stack outputs
    cloudformation
      .on(DescribeStacksCommand)
      .resolves(stackWithOutputs({ StateMachineArn: MACHINE, ScheduleName: 'GameDaySchedule' }));
    scheduler.on(GetScheduleCommand).resolves(schedule);
    // When it is enabled
    await gameday(terminal(), 'schedule', 'enable', '--stack', 'GameDay');
    // Then UpdateSchedule sends the whole schedule back with State ENABLED
    expect(scheduler).toHaveReceivedCommandWith(UpdateScheduleCommand, {
      Name: 'GameDaySchedule',
      GroupName: 'default',
      State: 'ENABLED',
      ScheduleExpression: 'rate(7 days)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: schedule.Target,
    });
  });

  it('leaves a schedule that is already disabled alone', async () => {
    // Given a disabled schedule
    scheduler.on(GetScheduleCommand).resolves(schedule);
    const term = terminal();
    // When it is disabled
    await gameday(term, 'schedule', 'disable', '--schedule-name', 'GameDaySchedule');
    // Then nothing is updated
    expect(scheduler).not.toHaveReceivedCommand(UpdateScheduleCommand);
    expect(term.lines[0]).toContain('(unchanged)');
  });

  it('says in one line when the schedule does not exist', async () => {
    // Given no such schedule
    scheduler.on(GetScheduleCommand).rejects(awsError('ResourceNotFoundException', 'Schedule Nope does not exist.'));
    const term = terminal();
    // When its status is asked for
    // Then the error names it
    await expect(gameday(term, 'schedule', 'status', '--schedule-name', 'Nope')).resolves.toBe(2);
    expect(term.errors).toEqual(['gameday: not found schedule default/Nope: Schedule Nope does not exist.']);
  });

  it('refuses an action other than status, enable or disable', async () => {
    // When an unknown action is given
    const term = terminal();
    // Then commander refuses it with exit code 2
    await expect(gameday(term, 'schedule', 'pause', '--schedule-name', 'GameDaySchedule')).resolves.toBe(2);
    expect(term.errors.join('\n')).toMatch(/Allowed choices are status, enable, disable/);
  });
});

describe('AWS region', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('is taken from the ARN the command names', async () => {
    // Given no region flag and an ARN in eu-west-1
    // When clients are made for it
    const clients = await createAwsClients({ arn: 'arn:aws:states:eu-west-1:123456789012:execution:GameDay:x' });
    // Then they talk to eu-west-1
    expect(clients.region).toBe('eu-west-1');
  });

  it('is asked for in one line when neither flag, ARN nor environment gives one', async () => {
    // Given no region anywhere
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = path.join(tmpdir(), 'gameday-no-such-config');
    process.env.AWS_PROFILE = 'gameday-no-such-profile';
    // When clients are made
    // Then the error says how to give one
    await expect(createAwsClients({})).rejects.toThrow(new CliError('no AWS region: pass --region or set AWS_REGION'));
  });
});
