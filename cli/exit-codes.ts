// Exit codes of the `gameday` command, local and on AWS: 0 passed, 1 failed, 2 nothing was judged (bad usage, an AWS or network error), 3 inconclusive or aborted, 4 skipped (a change freeze, outside the allowed window, or halted).
import type { Verdict } from '../steps/core/contracts';

/** The exit code of a run that ended with this verdict. */
/** A skipped run judged nothing and harmed nothing on purpose: neither a pass (0) nor a failure (1), and no error (2, 3). */
export const EXIT_CODES: Readonly<Record<Verdict, number>> = {
  passed: 0,
  failed: 1,
  inconclusive: 3,
  aborted: 3,
  skipped: 4,
};

/** The command line was refused, or an AWS or network error stopped the command: no verdict. */
export const EXIT_USAGE = 2;

/** A second Ctrl-C quit at once, without a report (128 + SIGINT, as a shell reports a process ended by it). */
export const EXIT_INTERRUPTED = 130;

/** The command line was refused before anything ran; the command exits EXIT_USAGE with its message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /** @param hint a line printed after the message, e.g. where the usage is; none when the message says it all */
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
