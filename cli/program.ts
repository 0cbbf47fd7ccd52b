// The `gameday` command line: `local` (the default) and the AWS commands, with their clients and terminal injectable.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { commandLineProblem } from './command-rules';
import { EXIT_USAGE, UsageError } from './exit-codes';
import { addLocalRunOptions, type LocalCommandOptions, wholeNumber } from './local-command';
import { checkOutputPaths, outputPathOption, outputPathsOf } from './output-paths';
import { packageVersion } from './package-version';
import type { AwsClients } from './aws/clients';
import type { CommandIo, ScheduleAction, StartOverrides } from './aws/commands';
import { CliError, explainAwsError } from './aws/errors';
import { addToleranceOptions, type ToleranceOptions, tolerancesFrom, withoutTolerances } from './hypothesis-options';

export interface GamedayDeps {
  /** Clients for the region asked for, or the region of the ARN the command names. */
  createClients(options: { region?: string; arn?: string }): Promise<AwsClients>;
  io: CommandIo;
  /** `gameday local`. @default - runs the local GameDay */
  runLocal?: (options: LocalCommandOptions) => Promise<number>;
  /** Where errors go. @default console.error */
  err?: (line: string) => void;
}

interface AwsOptions {
  region?: string;
  stateMachineArn?: string;
  stack?: string;
}

function positiveWholeNumber(value: string): number {
  const n = wholeNumber(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" must be 1 or more`);
  return n;
}

function withTarget(command: Command): Command {
  return command
    .option('--state-machine-arn <arn>', 'the GameDay state machine')
    .option('--stack <name>', 'the GameDay stack: its outputs name the state machine, the report bucket and the schedule')
    .option('--region <region>', 'AWS region (default: the ARN\'s region, else AWS_REGION or the profile\'s)');
}

/** The line after a usage error: where the command's usage is. */
function usageHint(command: Command): string {
  return `(gameday ${command.name()} --help lists its options)`;
}

/** Runs `gameday` with `argv` (as process.argv); returns the exit code. */
export async function runGameday(argv: readonly string[], deps: GamedayDeps): Promise<number> {
  const err = deps.err ?? ((line: string) => console.error(line));
  let exitCode = 0;
  const program = new Command('gameday')
    .description('Chaos-engineering GameDay: does the shop stay useful, and lose nothing, while its database is gone?')
    .version(packageVersion(), '-V, --version', 'print the version of gameday')
    .exitOverride()
    .configureOutput({ writeErr: (text) => err(text.trimEnd()) })
    // A usage error is one line and a hint, not the whole usage (it buried the error under 50 lines).
    .showHelpAfterError('(gameday --help lists the commands)')
    .addHelpText(
      'after',
      `
Examples:
  gameday                                         a whole GameDay on this machine (same as npm run gameday)
  gameday local --compare --html report.html      BEFORE/AFTER locally, with the HTML report
  gameday start --stack GameDay                   start a run on AWS and follow it live
  gameday start --stack GameDay --dry-run         the same path, fault states skipped
  gameday validate --input '{"outageSeconds":600}'  check an input offline against the synthesized stack
  gameday watch arn:aws:states:...:execution:...  follow a run already started
  gameday report manual-20261127T020000Z-1a2b --stack GameDay --html run.html
  gameday history --stack GameDay                 the runs in the report bucket and their verdicts
  gameday history --local --json                  the runs recorded on this machine, as JSON
  gameday schedule status --stack GameDay         the recurring GameDay's schedule

Exit codes: 0 passed (or the command succeeded), 1 failed, 2 bad usage or an AWS, network or other error (no verdict), 3 inconclusive or aborted, 4 skipped (a change freeze, outside the allowed window, or halted: nothing was harmed).`,
    )
    .hook('preAction', (_program, command) => {
      // Flags that contradict each other, or a target the command lacks, are named before anything else is asked (a region, a lab).
      const problem = commandLineProblem({
        name: command.name(),
        options: command.opts(),
        given: (key) => command.getOptionValueSource(key) === 'cli',
        args: command.processedArgs,
      });
      if (problem) throw new UsageError(problem, usageHint(command));
      // Every file a command will write is checked before it runs, so no run ends with its report lost.
      checkOutputPaths(outputPathsOf(command));
    });

  // `local` is the default only when the first argument is an option (or there is none): a mistyped
  // command is then commander's "unknown command" with its suggestion, not an argument of `local`.
  const first = argv[2];
  const localIsDefault = first === undefined || first.startsWith('-');

  addLocalRunOptions(
    program
      .command('local', { isDefault: localIsDefault })
      .description('run a whole GameDay on this machine: the synthesized state machine against the embedded lab')
      .exitOverride(),
  ).action(async (options: LocalCommandOptions) => {
    const runLocal = deps.runLocal ?? (async (o: LocalCommandOptions) => (await import('./local-command')).runLocalCommand(o));
    exitCode = await runLocal(options);
  });

  const aws = async (options: { region?: string; arn?: string }, run: (clients: AwsClients) => Promise<number>) => {
    try {
      exitCode = await run(await deps.createClients(options));
    } catch (error) {
      // Whatever AWS or the network answered that no command explained is still one line and exit 2.
      throw explainAwsError(error);
    }
  };
  const commands = () => import('./aws/commands');

  addToleranceOptions(withTarget(
    program
      .command('start')
      .description('start a GameDay on AWS (StartExecution with a unique name) and follow it live; Ctrl-C asks whether to stop it')
      .exitOverride(),
  ))
    .addOption(outputPathOption('--junit <path>', 'write JUnit XML when the run ends: a test case per part of the hypothesis'))
    .option('--dry-run', 'the same path with the fault states skipped (the run report says so)', false)
    .option('--baseline-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--outage-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--recovery-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--reads-per-second <n>', 'override the stack default', positiveWholeNumber)
    .option('--writes-per-second <n>', 'override the stack default', positiveWholeNumber)
    .option('--drain-timeout-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--window-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--traffic-workers <n>', 'override the stack default (default: as many as the rates need)', positiveWholeNumber)
    .option('--error-budget-percent <n>', 'override the stack default (default: off)', positiveWholeNumber)
    .action(async (options: AwsOptions & Omit<StartOverrides, 'hypothesis'> & ToleranceOptions & { dryRun: boolean; junit?: string }) => {
      const { region, stateMachineArn, stack, dryRun, junit, ...rest } = options;
      const overrides = Object.fromEntries(Object.entries(withoutTolerances(rest)).filter(([, value]) => value !== undefined)) as StartOverrides;
      const hypothesis = tolerancesFrom(rest);
      if (hypothesis) overrides.hypothesis = hypothesis;
      await aws({ region, arn: stateMachineArn }, async (clients) => (await commands()).startCommand(clients, { stateMachineArn, stack, dryRun, overrides, junit }, deps.io));
    });

  program
    .command('validate')
    .description('check an execution input offline against the GameDay stack synthesized with the same context as cdk synth: exit 0 valid, 2 refused')
    .option('--input <json>', 'the execution input (overrides), as JSON', '{}')
    .option('-c, --context <key=value>', 'context for the app, as for cdk synth (repeatable)', (pair: string, pairs: string[]) => [...pairs, pair], [] as string[])
    .exitOverride()
    .action(async (options: { input: string; context: string[] }) => {
      const { validateCommand } = await import('./validate-command');
      exitCode = await validateCommand({ input: options.input, context: options.context }, { out: (line) => deps.io.out(line), err });
    });

  program
    .command('watch')
    .description('follow an execution live: phase, elapsed / planned time, counts, then the table and the verdict')
    .argument('<execution-arn>', 'the execution to follow')
    .option('--region <region>', 'AWS region (default: the ARN\'s region)')
    .addOption(outputPathOption('--junit <path>', 'write JUnit XML when the run ends: a test case per part of the hypothesis'))
    .exitOverride()
    .action(async (executionArn: string, options: { region?: string; junit?: string }) => {
      await aws({ region: options.region, arn: executionArn }, async (clients) => (await commands()).watchCommand(clients, executionArn, deps.io, { junit: options.junit }));
    });

  program
    .command('report')
    .description('print the run report of an execution (from its history) or of a run id (from the report bucket), optionally as HTML')
    .argument('<execution-arn|run-id>', 'an execution ARN, or a run id (the execution name) for runs Step Functions no longer keeps')
    .addOption(outputPathOption('--html <path>', 'write the HTML report here'))
    .addOption(outputPathOption('--json <path>', 'write the run report JSON here'))
    .option('--stack <name>', 'the GameDay stack whose report bucket holds the run')
    .option('--bucket <name>', 'the report bucket, instead of --stack')
    .option('--region <region>', 'AWS region')
    .exitOverride()
    .action(async (target: string, options: { html?: string; json?: string; stack?: string; bucket?: string; region?: string }) => {
      await aws({ region: options.region, arn: target.startsWith('arn:') ? target : undefined }, async (clients) =>
        (await commands()).reportCommand(clients, { target, html: options.html, json: options.json, stack: options.stack, bucket: options.bucket }, deps.io),
      );
    });

  withTarget(program.command('history').description('the recorded runs, newest first: from the report bucket (or --local), with the verdict counts CloudWatch kept').exitOverride())
    .option('--limit <n>', 'how many runs to list', positiveWholeNumber, 10)
    .option('--days <n>', 'how far back the CloudWatch verdict counts go', positiveWholeNumber, 30)
    .option('--namespace <name>', 'the metric namespace of the stack', 'GameDay')
    .option('--bucket <name>', 'the report bucket, instead of --stack')
    .option('--local', 'the runs gameday local recorded on this machine (no AWS)', false)
    .option('--history-dir <dir>', 'with --local: where the runs are recorded (default .gameday/runs)')
    .option('--json', 'print the runs as a JSON array', false)
    .action(async (options: AwsOptions & { limit: number; days: number; namespace: string; bucket?: string; local: boolean; historyDir?: string; json: boolean }) => {
      if (options.local) {
        exitCode = (await import('./history/history-command')).localHistoryCommand(options, { out: (line) => deps.io.out(line), err });
        return;
      }
      await aws({ region: options.region, arn: options.stateMachineArn }, async (clients) => (await commands()).historyCommand(clients, options, deps.io, err));
    });

  program
    .command('schedule')
    .description('the recurring GameDay schedule: status, enable or disable it')
    .addArgument(new Command().createArgument('<action>', 'status, enable or disable').choices(['status', 'enable', 'disable']))
    .option('--stack <name>', 'the GameDay stack: its ScheduleName output names the schedule')
    .option('--schedule-name <name>', 'the schedule, instead of --stack')
    .addOption(new Option('--group <name>', 'the schedule group').default('default'))
    .option('--region <region>', 'AWS region')
    .exitOverride()
    .action(async (action: ScheduleAction, options: { stack?: string; scheduleName?: string; group: string; region?: string }) => {
      await aws({ region: options.region }, async (clients) => (await commands()).scheduleCommand(clients, action, options, deps.io));
    });

  for (const command of program.commands) command.showHelpAfterError(usageHint(command));

  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof UsageError || error instanceof CliError) {
      err(`gameday: ${error.message}`);
      if (error instanceof UsageError && error.hint) err(error.hint);
      return EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}
