// `gameday start`: a GameDay on AWS, followed live.
import { Option } from 'commander';
import { ARRIVAL_MODES } from '../../steps/core/run-settings';
import type { StartOverrides } from '../aws/commands';
import { wholeNumber } from '../local-command';
import { addToleranceOptions, type ToleranceOptions, tolerancesFrom, withoutTolerances } from '../hypothesis-options';
import { outputPathOption } from '../output-paths';
import { addFaultOptions, brownoutFrom, type FaultFlags } from '../fault-options';
import { type AwsOptions, awsCommands, positiveWholeNumber, type RegisterCommand, withTarget } from './context';

export const registerStart: RegisterCommand = (program, ctx) => {
  const command = addToleranceOptions(
    withTarget(
      program
        .command('start')
        .description(
          'start a GameDay on AWS (StartExecution with a unique name) and follow it live; Ctrl-C asks whether to stop it',
        )
        .exitOverride(),
    ),
  )
    .addOption(
      outputPathOption('--junit <path>', 'write JUnit XML when the run ends: a test case per part of the hypothesis'),
    )
    .option('--dry-run', 'the same path with the fault states skipped (the run report says so)', false)
    .option(
      '--ignore-change-freeze',
      'run even while a change calendar is CLOSED (an explicit override; the halt flag still stops it)',
      false,
    )
    .option('--warmup-seconds <n>', 'override the stack default (0: no warm-up)', wholeNumber)
    .option('--baseline-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--outage-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--recovery-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--reads-per-second <n>', 'override the stack default', positiveWholeNumber)
    .option('--writes-per-second <n>', 'override the stack default', positiveWholeNumber)
    .option('--drain-timeout-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option('--window-seconds <n>', 'override the stack default', positiveWholeNumber)
    .option(
      '--traffic-workers <n>',
      'override the stack default (default: as many as the rates need)',
      positiveWholeNumber,
    )
    .option('--error-budget-percent <n>', 'override the stack default (default: off)', positiveWholeNumber)
    .addOption(
      new Option(
        '--arrivals <mode>',
        'override the stack default: evenly spaced (uniform) or a Poisson process',
      ).choices(ARRIVAL_MODES),
    )
    .option(
      '--arrival-seed <n>',
      'seed of the Poisson arrivals, to replay a run (default: drawn, and recorded in the report)',
      wholeNumber,
    );
  addFaultOptions(command, positiveWholeNumber).action(
    async (
      options: AwsOptions &
        Omit<StartOverrides, 'hypothesis' | 'ignoreChangeFreeze'> &
        ToleranceOptions & { dryRun: boolean; ignoreChangeFreeze: boolean; junit?: string } & FaultFlags,
    ) => {
      const { region, stateMachineArn, stack, dryRun, ignoreChangeFreeze, junit, ...rest } = options;
      const { brownoutMaxConnectionsPercent, brownoutBorrowTimeoutSeconds, ...settings } = rest;
      const overrides = Object.fromEntries(
        Object.entries(withoutTolerances(settings)).filter(([, value]) => value !== undefined),
      ) as StartOverrides;
      const brownout = brownoutFrom({ brownoutMaxConnectionsPercent, brownoutBorrowTimeoutSeconds });
      if (brownout) overrides.brownout = brownout;
      const hypothesis = tolerancesFrom(rest);
      if (hypothesis) overrides.hypothesis = hypothesis;
      if (ignoreChangeFreeze) overrides.ignoreChangeFreeze = true;
      await ctx.aws({ region, arn: stateMachineArn }, async (clients) =>
        (await awsCommands()).startCommand(clients, { stateMachineArn, stack, dryRun, overrides, junit }, ctx.deps.io),
      );
    },
  );
};
