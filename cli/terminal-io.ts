// How the AWS commands talk to the person at this terminal (or to the log of a CI job).
import { createInterface } from 'node:readline/promises';
import type { CommandIo } from './aws/commands';
import { createLiveLine, type LiveStream } from './live-line';

/** On a terminal the live line is rewritten in place; in a log, a line is written when the phase or the target's state changes. */
export function terminalIo(
  stdout: LiveStream = process.stdout,
  log: (line: string) => void = (line) => console.log(line),
): CommandIo {
  const live = createLiveLine(stdout);
  return {
    out(line) {
      live.end();
      log(line);
    },
    live: (line, milestone) => live.show(line, milestone),
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      // A second Ctrl-C while asking quits at once; the execution runs on.
      rl.on('SIGINT', () => {
        process.stdout.write('\nQuit; the execution runs on.\n');
        process.exit(130);
      });
      try {
        return /^y(es)?$/i.test((await rl.question(question)).trim());
      } finally {
        rl.close();
      }
    },
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}
