// `gameday halt` and `gameday resume`: one lever that stops every GameDay (on AWS, or in the local lab) and keeps new ones from starting.
import { type RegisterCommand, positiveWholeNumber } from './context';
import { haltReasonProblem } from '../../steps/core/halt';
import { UsageError } from '../exit-codes';

interface LeverOptions {
  stack?: string;
  local: boolean;
  region?: string;
  group: string;
}

export const registerHalt: RegisterCommand = (program, ctx) => {
  program
    .command('halt')
    .description(
      'stop every GameDay and keep new ones from starting: set the halt flag, disable the schedule, stop the running executions, wait for the target to be AVAILABLE',
    )
    .requiredOption('--reason <text>', 'why (shown in every skipped run and to whoever resumes)')
    .option('--by <name>', 'who halts (default: the user running the command)')
    .option('--stack <name>', 'the GameDay stack on AWS')
    .option('--local', 'the local lab on this machine (the runs of npm run gameday)', false)
    .option('--wait-seconds <n>', 'how long to wait for the target to be AVAILABLE again', positiveWholeNumber)
    .option('--group <name>', 'the schedule group', 'default')
    .option('--region <region>', 'AWS region')
    .exitOverride()
    .action(async (options: LeverOptions & { reason: string; by?: string; waitSeconds?: number }) => {
      const problem = haltReasonProblem(options.reason);
      if (problem) throw new UsageError(problem);
      if (options.local) {
        const { localHaltCommand } = await import('../local-halt');
        ctx.exit(await localHaltCommand(options, ctx.deps.io));
        return;
      }
      const stack = options.stack ?? '';
      await ctx.aws({ region: options.region }, async (clients) =>
        (await import('../aws/halt')).haltCommand(clients, { ...options, stack }, ctx.deps.io),
      );
    });

  program
    .command('resume')
    .description('clear the halt flag, and enable the schedule again if the halt found it enabled')
    .option('--stack <name>', 'the GameDay stack on AWS')
    .option('--local', 'the local lab on this machine', false)
    .option('--group <name>', 'the schedule group', 'default')
    .option('--region <region>', 'AWS region')
    .exitOverride()
    .action(async (options: LeverOptions) => {
      if (options.local) {
        const { localResumeCommand } = await import('../local-halt');
        ctx.exit(await localResumeCommand(ctx.deps.io));
        return;
      }
      const stack = options.stack ?? '';
      await ctx.aws({ region: options.region }, async (clients) =>
        (await import('../aws/halt')).resumeCommand(clients, { stack, group: options.group }, ctx.deps.io),
      );
    });
};
