// A process that owns two busy traffic workers: it prints their pids, then waits to be killed.
import { startTrafficWorkerPool } from '../../../../local/runner/traffic-workers';

// An hour of traffic to a port nobody listens on: the worker stays busy until something ends it.
const endless = {
  shopUrl: 'http://127.0.0.1:9',
  runId: 'owner',
  phase: 'baseline',
  durationSeconds: 3600,
  readsPerSecond: 1,
  writesPerSecond: 1,
};

void startTrafficWorkerPool({ size: 2 }).then(async (pool) => {
  for (const worker of [0, 1]) void pool.invoke(endless, worker).catch(() => undefined);
  // A worker answers in order: once it told its pid, it holds its event.
  const pids = await Promise.all([pool.workerPid(0), pool.workerPid(1)]);
  process.stdout.write(`${JSON.stringify({ pids })}\n`);
  setInterval(() => undefined, 60_000);
});
