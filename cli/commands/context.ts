// What every command of the `gameday` command line is given: its dependencies, where errors go, and how it sets the exit code.
import { type Command, InvalidArgumentError } from 'commander';
import type { AwsClients } from '../aws/clients';
import type { CommandIo } from '../aws/commands';
import { explainAwsError } from '../aws/errors';
import type { LocalCommandOptions } from '../local-command';
import { wholeNumber } from '../local-command';

export interface GamedayDeps {
  /** Clients for the region asked for, or the region of the ARN the command names. */
  createClients: (options: { region?: string; arn?: string }) => Promise<AwsClients>;
  io: CommandIo;
  /** `gameday local`. @default - runs the local GameDay */
  runLocal?: (options: LocalCommandOptions) => Promise<number>;
  /** Where errors go. @default console.error */
  err?: (line: string) => void;
}

/** One run of the command line, as a command's action sees it. */
export interface CommandContext {
  readonly deps: GamedayDeps;
  readonly err: (line: string) => void;
  /** The first argument after `gameday`, if any (it decides whether `local` is the default). */
  readonly firstArgument: string | undefined;
  /** Sets the code the command line exits with. */
  exit(code: number): void;
  /** Runs an AWS command with clients for `options`; whatever AWS or the network answered that no command explained is one line and exit 2. */
  aws(options: { region?: string; arn?: string }, run: (clients: AwsClients) => Promise<number>): Promise<void>;
}

/** A command: adds itself, its options and its action to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** The context of one run of the command line. */
export function commandContext(
  deps: GamedayDeps,
  firstArgument: string | undefined,
): CommandContext & { readonly exitCode: number } {
  let exitCode = 0;
  const err = deps.err ?? ((line: string) => console.error(line));
  return {
    deps,
    err,
    firstArgument,
    get exitCode() {
      return exitCode;
    },
    exit(code) {
      exitCode = code;
    },
    async aws(options, run) {
      try {
        exitCode = await run(await deps.createClients(options));
      } catch (error) {
        throw explainAwsError(error);
      }
    },
  };
}

/** The AWS commands' module, loaded when a command needs it (the local run never does). */
export const awsCommands = () => import('../aws/commands');

/** A whole number of 1 or more, for an option. */
export function positiveWholeNumber(value: string): number {
  const n = wholeNumber(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" must be 1 or more`);
  return n;
}

/** The options that name the GameDay on AWS. */
export function withTarget(command: Command): Command {
  return command
    .option('--state-machine-arn <arn>', 'the GameDay state machine')
    .option(
      '--stack <name>',
      'the GameDay stack: its outputs name the state machine, the report bucket and the schedule',
    )
    .option('--region <region>', "AWS region (default: the ARN's region, else AWS_REGION or the profile's)");
}

export interface AwsOptions {
  region?: string;
  stateMachineArn?: string;
  stack?: string;
}
