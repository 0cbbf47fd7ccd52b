// The traffic workers of a local GameDay: each a process of its own, running the real traffic step against a tiny shop.
import { CHAOS_SHOP_PROFILE } from '../../../infra/config-profile';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { handler } from '../../../steps/handlers/traffic';
import {
  startTrafficWorkerPool,
  TrafficWorkerDied,
  TrafficWorkerPoolClosed,
  trafficStepInPool,
  type TrafficWorkerPool,
} from '../../../local/runner/traffic-workers';
import { trafficTotals } from '../../steps/support/builders';
import { json, type ReceivedRequest, startTestServer, type TestServer } from '../../steps/support/http-server';

// Worker processes start through tsx (about a second each on a busy machine) and run real seconds of traffic.
jest.setTimeout(30_000);

let pool: TrafficWorkerPool | undefined;
let server: TestServer | undefined;
let silentServer: TestServer | undefined;
const stalled: ServerResponse[] = [];
afterEach(async () => {
  stalled.splice(0).forEach((res) => res.destroy());
  await pool?.close();
  await Promise.all([server?.close(), silentServer?.close()]);
  pool = undefined;
  server = undefined;
  silentServer = undefined;
});

/** A traffic event of one second: 2 reads and 2 orders. */
function trafficEvent(shopUrl: string, runId: string) {
  return {
    shopUrl,
    profile: CHAOS_SHOP_PROFILE,
    runId,
    phase: 'baseline',
    durationSeconds: 1,
    readsPerSecond: 2,
    writesPerSecond: 2,
    requestTimeoutMs: 10_000,
  };
}

/** What one such second gives against a shop that serves every read from the database and commits every order. */
const SERVED_SECOND = trafficTotals('baseline', true, {
  offered: { reads: 2, writes: 2 },
  reads: { database: 2 },
  writes: { ok: 2 },
  ordersAccepted: 2,
});

function serve(req: ReceivedRequest, res: ServerResponse): void {
  if (req.method === 'POST') json(res, 201, {});
  else json(res, 200, { source: 'database', degradation: true });
}

function runIdOf(req: ReceivedRequest): string | undefined {
  return req.method === 'POST' ? (JSON.parse(req.body) as { runId: string }).runId : undefined;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether a process runs; one that ended but was not reaped yet (a zombie) does not. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

describe('traffic worker pool', () => {
  it('runs two events at once, each in a process of its own, and returns their exact results', async () => {
    // Given two workers, and a shop that holds every answer until orders of both runs have arrived
    const held: Array<() => void> = [];
    const runs = new Set<string>();
    server = await startTestServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { degradation: true });
      const runId = runIdOf(req);
      if (runId) runs.add(runId);
      held.push(() => serve(req, res));
      if (runs.size === 2) held.splice(0).forEach((answer) => answer());
    });
    pool = await startTrafficWorkerPool({ size: 2 });
    // When run A goes to worker 0 and run B to worker 1
    const results = Promise.all([
      pool.invoke(trafficEvent(server.url, 'run-a'), 0),
      pool.invoke(trafficEvent(server.url, 'run-b'), 1),
    ]);
    const pids = await Promise.all([pool.workerPid(0), pool.workerPid(1)]);
    // Then both ran to the end with every request served, in two processes that are not this one
    expect(await results).toEqual([expect.objectContaining(SERVED_SECOND), expect.objectContaining(SERVED_SECOND)]);
    expect(new Set([...pids, process.pid]).size).toBe(3);
  });

  it('runs a second event for a busy worker after the first one ended', async () => {
    // Given one worker and a shop that logs every order as it arrives
    const log: string[] = [];
    server = await startTestServer((req, res) => {
      const runId = runIdOf(req);
      if (runId) log.push(`order of ${runId}`);
      serve(req, res);
    });
    pool = await startTrafficWorkerPool({ size: 1 });
    // When two runs are given to that worker at once
    const first = pool.invoke(trafficEvent(server.url, 'run-a'), 0).then(() => log.push('run-a ended'));
    await Promise.all([first, pool.invoke(trafficEvent(server.url, 'run-b'), 0)]);
    // Then the second run sent nothing before the first had ended
    expect(log).toEqual(['order of run-a', 'order of run-a', 'run-a ended', 'order of run-b', 'order of run-b']);
  });

  it('gives an event that names no worker to an idle one', async () => {
    // Given two workers, worker 0 busy with a run against a shop that never answers
    silentServer = await startTestServer((req, res) =>
      req.url === '/health' ? json(res, 200, { degradation: true }) : stalled.push(res),
    );
    server = await startTestServer(serve);
    pool = await startTrafficWorkerPool({ size: 2 });
    const busy = pool.invoke(trafficEvent(silentServer.url, 'run-a'), 0).then(
      () => 'run-a',
      () => 'run-a',
    );
    // When a run that names no worker is given to the pool
    const free = pool.invoke(trafficEvent(server.url, 'run-b'));
    // Then it runs to the end while worker 0 is still busy
    expect(await Promise.race([busy, free])).toEqual(expect.objectContaining(SERVED_SECOND));
  });

  it('rejects with the name and message of the error the traffic handler threw', async () => {
    // Given one worker, and what the traffic handler throws in this process for an event without a shop
    const event = { runId: 'run-c', phase: 'baseline', durationSeconds: 1, readsPerSecond: 0, writesPerSecond: 1 };
    const thrown = (await handler(event as never).catch((error: unknown) => error)) as Error;
    pool = await startTrafficWorkerPool({ size: 1 });
    // When the worker runs the same event
    const rejected = (await pool.invoke(event).catch((error: unknown) => error)) as Error;
    // Then the error carries the same name and message
    expect(thrown.name).toBe('InvalidStepInput');
    expect({ name: rejected.name, message: rejected.message }).toEqual({ name: thrown.name, message: thrown.message });
  });

  it('rejects the event of a worker killed while it runs with TrafficWorkerDied', async () => {
    // Given one worker running an event against a shop that never answers
    server = await startTestServer((req, res) =>
      req.url === '/health' ? json(res, 200, { degradation: true }) : stalled.push(res),
    );
    pool = await startTrafficWorkerPool({ size: 1 });
    const running = pool.invoke(trafficEvent(server.url, 'run-d'), 0);
    await until(() => server!.received.some((req) => req.url === '/products'), 'the worker sent a read');
    // When its process is killed
    process.kill(await pool.workerPid(0), 'SIGKILL');
    // Then the event fails, naming the worker and the signal
    const error = (await running.catch((thrown: unknown) => thrown)) as Error;
    expect(error).toBeInstanceOf(TrafficWorkerDied);
    expect(error.message).toBe('traffic worker 0 died during an event (exit code null, signal SIGKILL)');
  });

  it('runs the next event of a killed worker in a new process', async () => {
    // Given one worker whose process was killed during an event
    let answering = false;
    server = await startTestServer((req, res) =>
      answering || req.url === '/health' ? serve(req, res) : stalled.push(res),
    );
    pool = await startTrafficWorkerPool({ size: 1 });
    const killed = await pool.workerPid(0);
    const running = pool.invoke(trafficEvent(server.url, 'run-e'), 0).catch((error: unknown) => error);
    await until(() => server!.received.some((req) => req.url === '/products'), 'the worker sent a read');
    process.kill(killed, 'SIGKILL');
    await running;
    // When the next event goes to that worker, against a shop that answers
    answering = true;
    const result = await pool.invoke(trafficEvent(server.url, 'run-f'), 0);
    // Then it runs to the end in another process
    expect(result).toEqual(expect.objectContaining(SERVED_SECOND));
    expect(await pool.workerPid(0)).not.toBe(killed);
  });

  it('goes on with its event through a Ctrl-C, as a running Lambda does when its execution stops', async () => {
    // Given one worker running an event against a shop that answers
    server = await startTestServer(serve);
    pool = await startTrafficWorkerPool({ size: 1 });
    const running = pool.invoke(trafficEvent(server.url, 'run-i'), 0);
    await until(() => server!.received.some((req) => req.url === '/products'), 'the worker sent a read');
    // When its process gets the SIGINT a terminal sends on Ctrl-C
    process.kill(await pool.workerPid(0), 'SIGINT');
    // Then the event still runs to the end
    expect(await running).toEqual(expect.objectContaining(SERVED_SECOND));
  });

  it('leaves no worker process running once closed, and refuses events after', async () => {
    // Given two workers
    pool = await startTrafficWorkerPool({ size: 2 });
    const pids = await Promise.all([pool.workerPid(0), pool.workerPid(1)]);
    // When the pool is closed (twice, as a finally after an error might)
    await Promise.all([pool.close(), pool.close()]);
    // Then neither process runs, and an event is refused
    expect(pids.filter(isRunning)).toEqual([]);
    await expect(pool.invoke({})).rejects.toBeInstanceOf(TrafficWorkerPoolClosed);
  });

  it('ends its workers when the process that owns them dies', async () => {
    // Given a process that started two traffic workers
    const owner = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(require.resolve('tsx')).href,
        path.join(__dirname, 'support', 'traffic-pool-owner.ts'),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: owner.stdout }).once('line', resolve);
      owner.once('exit', (code) => reject(new Error(`the owner exited with code ${code}`)));
    });
    const { pids } = JSON.parse(line) as { pids: number[] };
    // When it is killed, with no chance to close them
    owner.kill('SIGKILL');
    // Then its workers end too
    await until(() => !pids.some(isRunning), 'the workers ended');
    expect(pids.filter(isRunning)).toEqual([]);
  });
});

describe('traffic step in a pool', () => {
  const recordingPool = () => {
    const calls: Array<[unknown, number | undefined]> = [];
    const fake: TrafficWorkerPool = {
      size: 2,
      invoke: async (event, workerIndex) => calls.push([event, workerIndex]),
      workerPid: async () => process.pid,
      close: async () => undefined,
    };
    return { calls, step: trafficStepInPool(fake) };
  };

  it('sends the event of Map iteration i to worker i', async () => {
    // Given the traffic step over a pool
    const { calls, step } = recordingPool();
    // When the event of iteration 3 arrives
    await step({ runId: 'run-g', worker: 3 });
    // Then it goes, whole, to worker 3
    expect(calls).toEqual([[{ runId: 'run-g', worker: 3 }, 3]]);
  });

  it('sends an event that names no worker to whichever is idle', async () => {
    // Given the traffic step over a pool
    const { calls, step } = recordingPool();
    // When an event without a numeric worker arrives
    await step({ runId: 'run-h', worker: 'first' });
    // Then no worker is asked for
    expect(calls).toEqual([[{ runId: 'run-h', worker: 'first' }, undefined]]);
  });
});
