// What the AWS commands share: how a command talks to the person running it, and where the state machine is.
import { MISSING_TARGET } from '../command-rules';
import { type AwsClients, readStackOutputs } from './clients';
import { CliError } from './errors';

/** How a command talks to the person running it; tests give their own. */
export interface CommandIo {
  out: (line: string) => void;
  /** The live progress line (overwritten in place on a terminal; in a log, written when `milestone` changes). */
  live: (line: string, milestone: string) => void;
  confirm: (question: string) => Promise<boolean>;
  /** Ctrl-C: registers a handler, returns its removal. @default - none */
  onInterrupt?: (handler: () => void) => () => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** Where the state machine is: its ARN, or the stack whose outputs name it. */
export interface TargetOptions {
  stateMachineArn?: string;
  stack?: string;
}

/** The state machine's ARN: as given, or read from the stack's outputs. */
export async function stateMachineArnOf(clients: AwsClients, target: TargetOptions): Promise<string> {
  if (target.stateMachineArn) return target.stateMachineArn;
  if (target.stack) return (await readStackOutputs(clients.cloudformation, target.stack)).stateMachineArn;
  throw new CliError(MISSING_TARGET.stateMachine);
}
