// Local runs of the synthesized GameDay state machine against the embedded lab: outcomes a user checks.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startLab, type Lab } from '../../local/lab';
import { LOCAL_LAB } from '../../local/local-config';
import { labLock } from '../../local/local-safety-net';
import { runLocalGameDay, type LocalRunOptions, type LocalRunResult } from '../../local/runner';
import { TaskError } from '../../local/task-dispatcher';

jest.setTimeout(180_000);

/** Short timings: the whole run takes about 15 s. */
const SHORT = { baselineSeconds: 2, outageSeconds: 6, recoverySeconds: 4, readsPerSecond: 4, writesPerSecond: 2, drainTimeoutSeconds: 30 };

let lab: Lab;
let targetHistory: string[];

beforeAll(async () => {
  lab = await startLab(LOCAL_LAB);
  lab.proxy.on('state', (state: string) => targetHistory.push(state));
});

afterAll(async () => {
  await lab?.stop();
});

beforeEach(() => {
  targetHistory = [];
});

afterEach(async () => {
  // Every test leaves the lab as it found it: target back, no lock.
  if (lab.proxy.state === 'DEREGISTERED') lab.proxy.register();
  while (lab.proxy.state !== 'AVAILABLE') await new Promise((resolve) => setTimeout(resolve, 50));
  // An aborted run's orders are still queued (and its traffic step may still be sending, as a Lambda
  // would after StopExecution): the next run's preflight would rightly refuse a non-empty queue.
  let zeroReadings = 0;
  const deadline = Date.now() + 60_000;
  while (zeroReadings < 3 && Date.now() < deadline) {
    const [queue, dlq] = await Promise.all([lab.queues.depth(lab.queues.queueUrl), lab.queues.depth(lab.queues.dlqUrl)]);
    const total = queue.visible + queue.inFlight + queue.delayed + dlq.visible + dlq.inFlight + dlq.delayed;
    zeroReadings = total === 0 ? zeroReadings + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});

function run(options: Partial<LocalRunOptions> = {}): Promise<LocalRunResult> {
  return runLocalGameDay({ lab, input: SHORT, ...options });
}

/** Resolves when the fault proxy's target reaches `state`. */
function whenTarget(state: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (now: string) => {
      if (now !== state) return;
      lab.proxy.off('state', listener);
      resolve();
    };
    lab.proxy.on('state', listener);
  });
}

describe('a local GameDay', () => {
  it('passes with the resilient shop: nothing failed, nothing lost, queues drained, target back', async () => {
    // When a whole GameDay runs against the resilient shop
    const result = await run();

    // Then the hypothesis held, and the fault really bit
    const report = result.report;
    expect(result.status).toBe('SUCCEEDED');
    expect(report.verdict).toBe('passed');
    expect(report.reads.failed).toBe(0);
    expect(report.writes.failed).toBe(0);
    expect(report.orders.lost).toBe(0);
    expect(report.orders.duplicated).toBe(0);
    expect(report.queue).toEqual({ remaining: 0, dlq: 0 });
    expect(report.target.registeredAtEnd).toBe(true);
    expect(report.reads.cache).toBeGreaterThan(0);
    expect(report.writes.queued).toBeGreaterThan(0);
    expect(report.orders.committed).toBe(report.orders.accepted);
    expect(targetHistory).toEqual(['DEREGISTERED', 'REGISTERING', 'AVAILABLE']);
    // And the metrics were published to one namespace
    const published = lab.metrics.published();
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published.map((d) => d.namespace))).toEqual(new Set(['GameDay']));
    // And the report keeps the transitions its report step was given, before publish, release and verdict ran
    expect(report.transitions).toBeGreaterThan(0);
    expect(report.transitions).toBeLessThan(result.transitions);
  });

  it('rolls back when a step throws mid-outage: the Catch re-registers the target', async () => {
    // Given the experiment's traffic step fails once the database is gone
    const failingTraffic = async (event: unknown) => {
      if ((event as { phase?: string }).phase === 'baseline') return (await import('../../steps/handlers/traffic')).handler(event as never);
      await whenTarget('DEREGISTERED');
      await new Promise((resolve) => setTimeout(resolve, 500));
      throw Object.assign(new Error('traffic generator crashed'), { name: 'TrafficCrashed' });
    };

    // When the GameDay runs, with the safety net switched off so only the rollback can restore
    const result = await run({ stepOverrides: { traffic: failingTraffic }, safetyNet: false });

    // Then the execution fails with the cause, and the target is registered again by the rollback
    expect(result.status).toBe('FAILED');
    expect(`${result.error?.Error} ${result.error?.Cause}`).toMatch(/TrafficCrashed|traffic generator crashed/);
    expect(result.report.target.registeredAtEnd).toBe(true);
    expect(targetHistory).toEqual(['DEREGISTERED', 'REGISTERING', 'AVAILABLE']);
    expect(result.verdict).not.toBe('passed');
  });

  it('restores the target through the safety net when the execution is aborted mid-outage', async () => {
    // Given an abort as soon as the target is gone (no Catch runs for a stopped execution)
    const abort = new AbortController();
    void whenTarget('DEREGISTERED').then(() => setTimeout(() => abort.abort(), 300));

    // When the GameDay runs and is stopped
    const result = await run({ signal: abort.signal });

    // Then the execution is ABORTED and the safety net registered the target
    expect(result.status).toBe('ABORTED');
    expect(result.safetyNet).toEqual({ action: 'registered', lockReleased: true });
    expect(result.report.target.registeredAtEnd).toBe(true);
    expect(result.verdict).toBe('aborted');
  });

  it('leaves the target missing after an abort when there is no safety net (so the safety-net test can fail)', async () => {
    // Given the same abort, with the safety net switched off
    const abort = new AbortController();
    void whenTarget('DEREGISTERED').then(() => setTimeout(() => abort.abort(), 300));

    // When the GameDay runs and is stopped
    const result = await run({ signal: abort.signal, safetyNet: false });

    // Then nothing restored the target
    expect(result.status).toBe('ABORTED');
    expect(result.report.target.registeredAtEnd).toBe(false);
    expect(lab.proxy.state).toBe('DEREGISTERED');
    // And the aborted run still holds the lock (cleaned up here: no safety net released it)
    const lock = labLock(lab);
    const holder = await lock.holder();
    expect(holder).toMatch(new RegExp(`:${result.executionName}$`));
    await lock.release(holder!);
  });

  it('ends inconclusive when the fault never bites', async () => {
    // Given a deregister that does nothing (the target stays AVAILABLE)
    const noOpDeregister = async () => ({});

    // When the GameDay runs
    const result = await run({ taskOverrides: { Deregister: noOpDeregister } });

    // Then it is never green by vacuity
    expect(result.report.verdict).toBe('inconclusive');
    expect(result.status).toBe('FAILED');
    expect(result.report.reads.cache).toBe(0);
    expect(result.report.writes.queued).toBe(0);
    expect(targetHistory).toEqual([]);
  });

  it('refuses a second concurrent run in preflight, before any fault', async () => {
    // Given another execution holds the GameDay lock and is still running
    await lab.tables.client.send(
      new PutItemCommand({
        TableName: lab.tables.lockTable,
        Item: { pk: { S: 'gameday' }, executionArn: { S: 'arn:aws:states:us-east-1:000000000000:execution:GameDay:scheduled-20261127T020000Z' } },
      }),
    );
    try {
      // When a second run starts (the safety net must not touch the running one's lock)
      const result = await run({ safetyNet: false });

      // Then it is aborted in preflight and the target was never touched
      expect(result.verdict).toBe('aborted');
      expect(result.report.reasons.join(' ')).toMatch(/lock|another GameDay|already running/i);
      expect(targetHistory).toEqual([]);
    } finally {
      await labLock(lab).release('arn:aws:states:us-east-1:000000000000:execution:GameDay:scheduled-20261127T020000Z');
    }
  });

  it('refuses to start when the target is not AVAILABLE', async () => {
    // Given the target is already gone
    lab.proxy.deregister();
    targetHistory = [];

    // When a run starts
    const result = await run({ safetyNet: false });

    // Then it is aborted in preflight, saying why, and it deregistered nothing
    expect(result.verdict).toBe('aborted');
    expect(result.report.reasons.join(' ')).toMatch(/not AVAILABLE|target/i);
    expect(targetHistory).toEqual([]);
  });

  it('refuses invalid input before any harm', async () => {
    // When a run starts with a negative outage and a zero rate
    const result = await run({ input: { outageSeconds: -5, readsPerSecond: 0 } });

    // Then it is aborted, naming every problem, and the target was never touched
    expect(result.verdict).toBe('aborted');
    expect(result.report.reasons.join(' ')).toMatch(/outageSeconds/);
    expect(result.report.reasons.join(' ')).toMatch(/readsPerSecond/);
    expect(targetHistory).toEqual([]);
  });

  it('retries a deregister refused for InvalidDbProxyState and still runs the experiment', async () => {
    // Given deregister is refused once: the proxy is in a state that cannot take it yet
    let throttled = 0;
    const beforeTask = (state: string) => {
      if (state === 'Deregister' && throttled === 0) {
        throttled += 1;
        throw new TaskError('Rds.InvalidDbProxyStateException', 'the proxy is busy');
      }
    };

    // When the GameDay runs
    const result = await run({ beforeTask });

    // Then the retry carried it through to a passed run
    expect(throttled).toBe(1);
    expect(result.report.verdict).toBe('passed');
  });
});

describe('a local GameDay against the fragile build', () => {
  it('fails with failed requests', async () => {
    // When a whole GameDay runs against the fragile build
    const result = await runLocalGameDay({ labOptions: { ...LOCAL_LAB, degradation: false }, input: SHORT });

    // Then the hypothesis is broken, the execution fails, and the target is still restored
    expect(result.report.verdict).toBe('failed');
    expect(result.status).toBe('FAILED');
    expect(result.report.reads.failed + result.report.writes.failed).toBeGreaterThan(0);
    expect(result.report.target.registeredAtEnd).toBe(true);
  });
});
