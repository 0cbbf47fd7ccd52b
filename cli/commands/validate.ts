// `gameday validate`: an execution input checked offline against the synthesized stack.
import type { RegisterCommand } from './context';

export const registerValidate: RegisterCommand = (program, ctx) => {
  program
    .command('validate')
    .description(
      'check an execution input offline against the GameDay stack synthesized with the same context as cdk synth: exit 0 valid, 2 refused',
    )
    .option('--input <json>', 'the execution input (overrides), as JSON', '{}')
    .option(
      '-c, --context <key=value>',
      'context for the app, as for cdk synth (repeatable)',
      (pair: string, pairs: string[]) => [...pairs, pair],
      [] as string[],
    )
    .option(
      '--target <profile>',
      'check a target profile (JSON) against its schema instead, offline: exit 0 valid, 2 refused naming each field by its JSON Pointer',
    )
    .exitOverride()
    .action(async (options: { input: string; context: string[]; target?: string }) => {
      if (options.target !== undefined) {
        const { validateProfileCommand } = await import('../validate-command');
        ctx.exit(await validateProfileCommand(options.target, { out: (line) => ctx.deps.io.out(line), err: ctx.err }));
        return;
      }
      const { validateCommand } = await import('../validate-command');
      ctx.exit(
        await validateCommand(
          { input: options.input, context: options.context },
          { out: (line) => ctx.deps.io.out(line), err: ctx.err },
        ),
      );
    });
};
