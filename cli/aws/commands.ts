// The AWS commands of `gameday`: start and follow a run, watch one, switch the schedule (report and history: report-commands.ts).
import { writeFileSync } from 'node:fs';
import {
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
import type { RunOverrides } from '../../steps/core/contracts';
import { MISSING_TARGET } from '../command-rules';
import { describeEnding } from '../ending';
import { EXIT_CODES } from '../exit-codes';
import { checkRunInput, readValidateInputParameters, UnreadableDefinition } from '../run-input';
import { type AwsClients, readStackOutputs } from './clients';
import { CliError, explainAwsError } from './errors';
import { readSchedule, setScheduleState } from './schedule-state';
import { type CommandIo, stateMachineArnOf, type TargetOptions } from './command-io';
import { type ExecutionView, followExecution, formatProgress, progressMilestone, verdictOf } from './follow';

// The shared shapes and the reading commands stay importable from here.
export type { CommandIo, TargetOptions } from './command-io';
export { historyCommand, reportCommand } from './report-commands';

/** Execution-input overrides a person may pass to `gameday start` (a dry run is its own flag). */
export type StartOverrides = Omit<RunOverrides, 'dryRun'>;

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
