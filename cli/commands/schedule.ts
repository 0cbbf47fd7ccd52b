// `gameday schedule`: the recurring GameDay's schedule, its status, enabled or disabled.
import { Command, Option } from 'commander';
import type { ScheduleAction } from '../aws/commands';
import { awsCommands, type RegisterCommand } from './context';

export const registerSchedule: RegisterCommand = (program, ctx) => {
  program
    .command('schedule')
    .description('the recurring GameDay schedule: status, enable or disable it')
    .addArgument(
      new Command().createArgument('<action>', 'status, enable or disable').choices(['status', 'enable', 'disable']),
    )
    .option('--stack <name>', 'the GameDay stack: its ScheduleName output names the schedule')
    .option('--schedule-name <name>', 'the schedule, instead of --stack')
    .addOption(new Option('--group <name>', 'the schedule group').default('default'))
    .option('--region <region>', 'AWS region')
    .exitOverride()
    .action(
      async (
        action: ScheduleAction,
        options: { stack?: string; scheduleName?: string; group: string; region?: string },
      ) => {
        await ctx.aws({ region: options.region }, async (clients) =>
          (await awsCommands()).scheduleCommand(clients, action, options, ctx.deps.io),
        );
      },
    );
};
