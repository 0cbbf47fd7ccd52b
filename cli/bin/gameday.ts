// The `gameday` command.
import '../../local/polyfills';
import { Command, CommanderError } from 'commander';
import { addLocalRunOptions, EXIT_USAGE, runLocalCommand, UsageError, type LocalCommandOptions } from '../local-command';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('gameday')
    .description('Chaos-engineering GameDay: does the shop stay useful, and lose nothing, while its database is gone?')
    .exitOverride()
    .showHelpAfterError();
  addLocalRunOptions(
    program
      .command('local', { isDefault: true })
      .description('run a whole GameDay on this machine: the synthesized state machine against the embedded lab')
      .exitOverride(),
  ).action(async (options: LocalCommandOptions) => {
    exitCode = await runLocalCommand(options);
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof UsageError) {
      console.error(`gameday: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`gameday: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
