// `npm run lab`: starts the embedded lab and its control API until Ctrl-C, a signal, or its parent process goes.
import { Command, InvalidArgumentError } from 'commander';
import { serveControlApi } from './control-api';
import { startLab } from './lab';
import { OUTAGE_MODES, type OutageMode } from './waiting-clients';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

function outageMode(value: string): OutageMode {
  const mode = OUTAGE_MODES.find((m) => m === value);
  if (!mode) throw new InvalidArgumentError(`use ${OUTAGE_MODES.join(' or ')}`);
  return mode;
}

function onOff(value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new InvalidArgumentError('use on or off');
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** How long the parts of the lab get to stop before the process exits regardless. */
const STOP_TIMEOUT_MS = 10_000;
/** How often the lab checks that the process that started it is still there. */
const PARENT_CHECK_MS = 1_000;

async function main(): Promise<void> {
  const program = new Command('lab')
    .description('Run the Chaos Shop and its embedded AWS lab on this machine; break its database by hand.')
    .option('--port <port>', 'shop HTTP port', port, 8787)
    .option('--control-port <port>', 'control API port', port, 8788)
    .option('--degradation <on|off>', 'resilient shop (on) or the fragile build (off)', onOff, true)
    .option('--breaker-recovery-seconds <s>', 'circuit breaker OPEN -> HALF_OPEN timeout', Number, 30)
    .option(
      '--outage-mode <hang|reset>',
      'a deregistered target: connections hang until the borrow timeout, as on AWS (hang), or reset at once',
      outageMode,
      'hang',
    )
    .showHelpAfterError();
  program.parse();
  const opts = program.opts<{
    port: number;
    controlPort: number;
    degradation: boolean;
    breakerRecoverySeconds: number;
    outageMode: OutageMode;
  }>();

  console.log(
    `Starting the lab (${process.env.DATABASE_URL ? 'PostgreSQL server from DATABASE_URL' : 'embedded PGlite'})...`,
  );
  const lab = await startLab({
    shopPort: opts.port,
    degradation: opts.degradation,
    breakerRecoveryTimeoutMs: opts.breakerRecoverySeconds * 1000,
    outageMode: opts.outageMode,
    shopLogs: true,
  });
  const control = await serveControlApi(lab, opts.controlPort);
  const controlUrl = control.url;

  console.log(`Chaos Shop   ${lab.shopUrl}   (degradation ${lab.degradation ? 'on' : 'off'})`);
  console.log(`Control API  ${controlUrl}`);
  console.log('');
  console.log(`  curl ${lab.shopUrl}/products`);
  console.log(`  curl -X POST ${controlUrl}/proxy/deregister     # the database is gone`);
  console.log(`  curl ${lab.shopUrl}/products                    # source: "cache"`);
  console.log(
    `  curl -X POST -H 'content-type: application/json' -d '{"productId":1,"quantity":1}' ${lab.shopUrl}/orders`,
  );
  console.log(`  curl -X POST ${controlUrl}/proxy/register       # back; the worker drains the queue`);
  console.log(`  curl -X POST ${controlUrl}/proxy/failover       # the writer fails over: dropped, then back`);
  console.log(`  curl ${controlUrl}/queues`);
  console.log('Ctrl-C stops the lab.');

  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping the lab (${why})...`);
    // A part that does not stop in time must not keep the ports: the process exits anyway.
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    void control.close();
    await lab.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
  // The process that started the lab (npm, a shell) may die without a signal reaching this one
  // (SIGKILL, a closed terminal): then this process is given a new parent, and stops.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('its parent process is gone');
  }, PARENT_CHECK_MS).unref();
}

main().catch((error: unknown) => {
  console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
