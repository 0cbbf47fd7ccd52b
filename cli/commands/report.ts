// `gameday report`: the run report of an execution or of a recorded run.
import { outputPathOption } from '../output-paths';
import { awsCommands, type RegisterCommand } from './context';

export const registerReport: RegisterCommand = (program, ctx) => {
  program
    .command('report')
    .description(
      'print the run report of an execution (from its history) or of a run id (from the report bucket), optionally as HTML',
    )
    .argument(
      '<execution-arn|run-id>',
      'an execution ARN, or a run id (the execution name) for runs Step Functions no longer keeps',
    )
    .addOption(outputPathOption('--html <path>', 'write the HTML report here'))
    .addOption(outputPathOption('--json <path>', 'write the run report JSON here'))
    .option('--stack <name>', 'the GameDay stack whose report bucket holds the run')
    .option('--bucket <name>', 'the report bucket, instead of --stack')
    .option('--region <region>', 'AWS region')
    .exitOverride()
    .action(
      async (
        target: string,
        options: { html?: string; json?: string; stack?: string; bucket?: string; region?: string },
      ) => {
        await ctx.aws(
          { region: options.region, arn: target.startsWith('arn:') ? target : undefined },
          async (clients) =>
            (await awsCommands()).reportCommand(
              clients,
              { target, html: options.html, json: options.json, stack: options.stack, bucket: options.bucket },
              ctx.deps.io,
            ),
        );
      },
    );
};
