// Runs the SQS-API emulator (fauxqs, an ES module) in its own process and prints its address.
import { buildApp } from 'fauxqs';

// The parent may be gone before the address is read: nothing to report to then.
process.stdout.on('error', () => process.exit(0));

// Queue URLs must carry the address clients reach the emulator by (http://127.0.0.1:<port>/...):
// otherwise the SDK takes the queue URL's host (fauxqs' default `sqs.<region>.localhost`) as the
// endpoint. A store with no host builds URLs from the request's Host header. fauxqs 1.9 exports no
// store class, so it is loaded from the pinned package's own file.
const { SqsStore } = await import(new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs')).href);
const sqsStore = new SqsStore();
sqsStore.host = '';
const app = buildApp({ logger: false, stores: { sqsStore } });
const address = await app.listen({ port: Number(process.env.SQS_EMULATOR_PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ address })}\n`);

async function shutdown() {
  await app.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
// The runner stops this process once it has settled: a Ctrl-C meant for the runner must not take the queues away first.
process.on('SIGINT', () => undefined);
// The parent owns this process: when it goes away (stdin closes), so does the emulator.
process.stdin.on('end', shutdown);
process.stdin.resume();
// A parent that is gone while stdin stays open (inherited elsewhere) still shows as a new parent.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown();
}, 1000).unref();
