// `gameday local` (the default command): a whole GameDay on this machine.
import { addLocalRunOptions, type LocalCommandOptions } from '../local-command';
import type { RegisterCommand } from './context';

export const registerLocal: RegisterCommand = (program, ctx) => {
  // `local` is the default only when the first argument is an option (or there is none): a mistyped
  // command is then commander's "unknown command" with its suggestion, not an argument of `local`.
  const localIsDefault = ctx.firstArgument === undefined || ctx.firstArgument.startsWith('-');
  addLocalRunOptions(
    program
      .command('local', { isDefault: localIsDefault })
      .description('run a whole GameDay on this machine: the synthesized state machine against the embedded lab')
      .exitOverride(),
  ).action(async (options: LocalCommandOptions) => {
    const runLocal =
      ctx.deps.runLocal ?? (async (o: LocalCommandOptions) => (await import('../local-command')).runLocalCommand(o));
    ctx.exit(await runLocal(options));
  });
};
