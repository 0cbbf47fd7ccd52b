// The `gameday` command line: the program, its help and its usage errors; each command registers itself from cli/commands/.
import { Command, CommanderError } from 'commander';
import { commandLineProblem } from './command-rules';
import { CliError } from './aws/errors';
import { commandContext, type GamedayDeps, type RegisterCommand } from './commands/context';
import { registerHalt } from './commands/halt';
import { registerHistory } from './commands/history';
import { registerLocal } from './commands/local';
import { registerReport } from './commands/report';
import { registerSchedule } from './commands/schedule';
import { registerStart } from './commands/start';
import { registerValidate } from './commands/validate';
import { registerWatch } from './commands/watch';
import { EXIT_USAGE, UsageError } from './exit-codes';
import { checkOutputPaths, outputPathsOf } from './output-paths';
import { packageVersion } from './package-version';

export type { GamedayDeps };

/** The commands, in the order `gameday --help` lists them. */
const COMMANDS: readonly RegisterCommand[] = [
  registerLocal,
  registerStart,
  registerValidate,
  registerWatch,
  registerReport,
  registerHistory,
  registerSchedule,
  registerHalt,
];

/** The line after a usage error: where the command's usage is. */
function usageHint(command: Command): string {
  return `(gameday ${command.name()} --help lists its options)`;
}

/** Runs `gameday` with `argv` (as process.argv); returns the exit code. */
export async function runGameday(argv: readonly string[], deps: GamedayDeps): Promise<number> {
  const ctx = commandContext(deps, argv[2]);
  const err = ctx.err;
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
  gameday halt --stack GameDay --reason "incident 4711"  stop every GameDay of the stack and keep new ones from starting
  gameday resume --stack GameDay                  clear the halt (--local: the lab on this machine)

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

  for (const register of COMMANDS) register(program, ctx);

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
  return ctx.exitCode;
}
