// The `gameday` command: the program with real AWS clients and this terminal.
import '../../local/polyfills';
import { createInterface } from 'node:readline/promises';
import { createAwsClients } from '../aws/clients';
import type { CommandIo } from '../aws/commands';
import { runGameday } from '../program';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** On a terminal the live line is rewritten in place; in a log, a line is written when the phase changes. */
function terminalIo(): CommandIo {
  let lastPhase = '';
  let liveShown = false;
  const out = (line: string) => {
    if (liveShown && process.stdout.isTTY) process.stdout.write('\n');
    liveShown = false;
    console.log(line);
  };
  return {
    out,
    live(line) {
      if (process.stdout.isTTY) {
        process.stdout.write(`\r${line.slice(0, Math.max(40, (process.stdout.columns ?? 160) - 1)).padEnd(Math.min(160, (process.stdout.columns ?? 160) - 1))}`);
        liveShown = true;
        return;
      }
      const phase = line.split(']')[0];
      if (phase !== lastPhase) console.log(line);
      lastPhase = phase;
    },
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

runGameday(process.argv, { createClients: createAwsClients, io: terminalIo() }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    console.error(`gameday: ${name}: ${message.split('\n')[0]}`);
    if (process.env.GAMEDAY_DEBUG) console.error(error);
    process.exit(1);
  },
);
