// The `gameday` command: the program with real AWS clients and this terminal.
import '../../local/runner/polyfills';
import { createAwsClients } from '../aws/clients';
import { EXIT_USAGE } from '../exit-codes';
import { runGameday } from '../program';
import { terminalIo } from '../terminal-io';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

runGameday(process.argv, { createClients: createAwsClients, io: terminalIo() }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // An error no command explained stopped it before any verdict: one line, and exit 2 (not 1, which means a failed hypothesis).
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    console.error(`gameday: ${name}: ${message.split('\n')[0]} (GAMEDAY_DEBUG=1 prints the stack)`);
    if (process.env.GAMEDAY_DEBUG) console.error(error);
    process.exit(EXIT_USAGE);
  },
);
