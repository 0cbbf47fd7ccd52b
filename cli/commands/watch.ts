// `gameday watch`: follow an execution already started.
import { outputPathOption } from '../output-paths';
import { awsCommands, type RegisterCommand } from './context';

export const registerWatch: RegisterCommand = (program, ctx) => {
  program
    .command('watch')
    .description('follow an execution live: phase, elapsed / planned time, counts, then the table and the verdict')
    .argument('<execution-arn>', 'the execution to follow')
    .option('--region <region>', "AWS region (default: the ARN's region)")
    .addOption(
      outputPathOption('--junit <path>', 'write JUnit XML when the run ends: a test case per part of the hypothesis'),
    )
    .exitOverride()
    .action(async (executionArn: string, options: { region?: string; junit?: string }) => {
      await ctx.aws({ region: options.region, arn: executionArn }, async (clients) =>
        (await awsCommands()).watchCommand(clients, executionArn, ctx.deps.io, { junit: options.junit }),
      );
    });
};
