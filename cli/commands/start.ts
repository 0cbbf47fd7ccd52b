// `gameday start`: a GameDay on AWS, followed live.
import { type Command, Option } from 'commander';
import { ARRIVAL_MODES, type NumericSetting } from '../../steps/core/run-settings';
import type { StartOverrides } from '../aws/commands';
import { wholeNumber } from '../local-command';
import { addToleranceOptions, type ToleranceOptions, tolerancesFrom, withoutTolerances } from '../hypothesis-options';
import { outputPathOption } from '../output-paths';
import { addFaultOptions, brownoutFrom, type FaultFlags } from '../fault-options';
import { type AwsOptions, awsCommands, positiveWholeNumber, type RegisterCommand, withTarget } from './context';

/**
 * The settings `start` overrides, each by the flag of its name (`baselineSeconds`: `--baseline-seconds`), taking a
 * whole number of 1 or more unless it says otherwise, with a note where the stack's default needs one.
 */
const SETTING_FLAGS: ReadonlyArray<{
  readonly setting: NumericSetting;
  readonly parse?: (value: string) => number;
  readonly note?: string;
}> = [
  { setting: 'warmupSeconds', parse: wholeNumber, note: '0: no warm-up' },
  { setting: 'baselineSeconds' },
  { setting: 'outageSeconds' },
  { setting: 'recoverySeconds' },
  { setting: 'readsPerSecond' },
  { setting: 'writesPerSecond' },
  { setting: 'drainTimeoutSeconds' },
  { setting: 'windowSeconds' },
  { setting: 'trafficWorkers', note: 'default: as many as the rates need' },
  { setting: 'errorBudgetPercent', note: 'default: off' },
];

/** Adds the flag of each setting `start` overrides, in the order of the list. */
function addSettingFlags(command: Command): Command {
  for (const { setting, parse = positiveWholeNumber, note } of SETTING_FLAGS) {
    const flag = setting.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    command.option(`--${flag} <n>`, `override the stack default${note ? ` (${note})` : ''}`, parse);
  }
  return command;
}

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
    );
  addSettingFlags(command)
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
