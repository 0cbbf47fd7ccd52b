// The benchmark's traffic child process: runs one job (our generator or autocannon) and reports its CPU time.
import autocannon from 'autocannon';
import { CHAOS_SHOP_PROFILE } from '../infra/config-profile';
import { createHttpTargetClient } from '../steps/adapters/http-target-client';
import { runTraffic } from '../steps/core/run-traffic';
import type { TargetClient } from '../steps/ports';
import { runPacedFloor } from './paced-floor';
import type {
  AutocannonJob,
  AutocannonOutcome,
  ChildMessage,
  FloorJob,
  FloorOutcome,
  OursJob,
  OursOutcome,
  TrafficJob,
} from './traffic-jobs';

const PRODUCT_COUNT = 10;

function post(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
  );
}

function cpuMicrosSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function runOurs(job: OursJob): Promise<OursOutcome> {
  const http = createHttpTargetClient(job.shopUrl, CHAOS_SHOP_PROFILE);
  let sent = 0;
  let firstSend = 0;
  let lastSend = 0;
  const mark = () => {
    const now = performance.now();
    if (sent === 0) firstSend = now;
    lastSend = now;
    sent += 1;
  };
  // The same client the traffic step uses, with the send times noted.
  const shop: TargetClient = {
    ...http,
    read: (values, signal) => {
      mark();
      return http.read(values, signal);
    },
    write: (values, signal) => {
      mark();
      return http.write(values, signal);
    },
  };
  if (job.warmUpSeconds > 0) {
    await runTraffic(
      {
        runId: job.runId,
        phase: 'bench-warm-up',
        durationSeconds: job.warmUpSeconds,
        readsPerSecond: job.readsPerSecond,
        writesPerSecond: job.writesPerSecond,
      },
      http,
    );
  }
  await post({ type: 'started', atMs: Date.now() });
  const cpu = process.cpuUsage();
  const traffic = await runTraffic(
    {
      runId: job.runId,
      phase: 'bench',
      durationSeconds: job.durationSeconds,
      readsPerSecond: job.readsPerSecond,
      writesPerSecond: job.writesPerSecond,
    },
    shop,
  );
  return { tool: 'ours', traffic, sent, sendSpanMs: lastSend - firstSend, cpuMicros: cpuMicrosSince(cpu) };
}

async function runAutocannon(job: AutocannonJob): Promise<AutocannonOutcome> {
  const rate = job.readsPerSecond + job.writesPerSecond;
  let sequence = 0;
  const read = { method: 'GET', path: '/products' };
  const readsPerWrite = Math.max(1, Math.round(job.readsPerSecond / job.writesPerSecond));
  const write = {
    method: 'POST',
    path: '/orders',
    headers: { 'content-type': 'application/json' },
    setupRequest: (request: object) => ({
      ...request,
      body: JSON.stringify({
        productId: 1 + (sequence % PRODUCT_COUNT),
        quantity: 1,
        orderId: `${job.runId}-autocannon-${++sequence}`,
        runId: job.runId,
      }),
    }),
  };
  const options = {
    url: job.shopUrl,
    // One read/write cycle per connection per second: every connection keeps the mix, and a
    // closed-loop connection has a whole second for its few requests.
    connections: Math.max(1, Math.round(rate / (readsPerWrite + 1))),
    overallRate: rate,
    timeout: 5,
    requests: [...Array.from({ length: readsPerWrite }, () => read), write],
  };
  if (job.warmUpSeconds > 0) await autocannon({ ...options, duration: job.warmUpSeconds });
  await post({ type: 'started', atMs: Date.now() });
  const cpu = process.cpuUsage();
  const result = await autocannon({ ...options, duration: job.durationSeconds });
  return {
    tool: 'autocannon',
    durationSeconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    cpuMicros: cpuMicrosSince(cpu),
  };
}

async function runFloor(job: FloorJob): Promise<FloorOutcome> {
  const shape = { url: job.shopUrl, readsPerSecond: job.readsPerSecond, writesPerSecond: job.writesPerSecond };
  if (job.warmUpSeconds > 0) await runPacedFloor({ ...shape, durationSeconds: job.warmUpSeconds });
  await post({ type: 'started', atMs: Date.now() });
  const cpu = process.cpuUsage();
  const counts = await runPacedFloor({ ...shape, durationSeconds: job.durationSeconds });
  return { tool: 'floor', ...counts, cpuMicros: cpuMicrosSince(cpu) };
}

function run(job: TrafficJob): Promise<OursOutcome | AutocannonOutcome | FloorOutcome> {
  switch (job.tool) {
    case 'ours':
      return runOurs(job);
    case 'autocannon':
      return runAutocannon(job);
    case 'floor':
      return runFloor(job);
  }
}

process.once('message', (job: TrafficJob) => {
  run(job)
    .then((outcome) => post({ type: 'done', outcome }))
    .catch((error: unknown) =>
      post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    )
    .finally(() => process.disconnect());
});
void post({ type: 'ready' });
