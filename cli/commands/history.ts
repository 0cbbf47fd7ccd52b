// `gameday history`: the recorded runs, from the report bucket or this machine.
import { type AwsOptions, awsCommands, positiveWholeNumber, type RegisterCommand, withTarget } from './context';

export const registerHistory: RegisterCommand = (program, ctx) => {
  withTarget(
    program
      .command('history')
      .description(
        'the recorded runs, newest first: from the report bucket (or --local), with the verdict counts CloudWatch kept',
      )
      .exitOverride(),
  )
    .option('--limit <n>', 'how many runs to list', positiveWholeNumber, 10)
    .option('--days <n>', 'how far back the CloudWatch verdict counts go', positiveWholeNumber, 30)
    .option('--namespace <name>', 'the metric namespace of the stack', 'GameDay')
    .option('--bucket <name>', 'the report bucket, instead of --stack')
    .option('--local', 'the runs gameday local recorded on this machine (no AWS)', false)
    .option('--history-dir <dir>', 'with --local: where the runs are recorded (default .gameday/runs)')
    .option('--json', 'print the runs as a JSON array', false)
    .action(
      async (
        options: AwsOptions & {
          limit: number;
          days: number;
          namespace: string;
          bucket?: string;
          local: boolean;
          historyDir?: string;
          json: boolean;
        },
      ) => {
        if (options.local) {
          ctx.exit(
            (await import('../history/history-command')).localHistoryCommand(options, {
              out: (line) => ctx.deps.io.out(line),
              err: ctx.err,
            }),
          );
          return;
        }
        await ctx.aws({ region: options.region, arn: options.stateMachineArn }, async (clients) =>
          (await awsCommands()).historyCommand(clients, options, ctx.deps.io, ctx.err),
        );
      },
    );
};
