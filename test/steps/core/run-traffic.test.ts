// runTraffic with a scripted shop and a virtual clock: what is sent, when, and how it is counted.
import { runTraffic } from '../../../steps/core/run-traffic';
import type { OrderRequest, ShopClient } from '../../../steps/ports';
import { reads, trafficTotals, writes } from '../support/builders';
import { FakeClock } from '../support/fake-clock';

interface Sent {
  kind: 'read' | 'write';
  at: number;
  order?: OrderRequest;
}

/** A shop that answers at once, recording what was sent at which virtual time. */
function scriptedShop(clock: FakeClock, answers: Partial<Pick<ShopClient, 'listProducts' | 'placeOrder'>> = {}) {
  const sent: Sent[] = [];
  const shop: ShopClient = {
    health: async () => ({ degradation: true }),
    listProducts: async (signal) => {
      sent.push({ kind: 'read', at: clock.now() });
      return answers.listProducts ? answers.listProducts(signal) : { status: 200, source: 'database' };
    },
    placeOrder: async (order, signal) => {
      sent.push({ kind: 'write', at: clock.now(), order });
      return answers.placeOrder ? answers.placeOrder(order, signal) : { status: 201 };
    },
    runOrders: async () => ({ committed: 0, rejected: 0 }),
  };
  return { shop, sent };
}

const options = { runId: 'run-1', phase: 'baseline', durationSeconds: 2, readsPerSecond: 3, writesPerSecond: 1 };

describe('runTraffic', () => {
  it('sends each request at its scheduled time relative to the start', async () => {
    // Given a virtual clock and a shop that answers at once
    const clock = new FakeClock(10_000);
    const { shop, sent } = scriptedShop(clock);
    // When 2 seconds of 3 reads + 1 write per second run
    await runTraffic(options, shop, clock);
    // Then each second's requests left at its start, the start of its tick (a whole second at so low a
    // rate), in the order of their even spread: reads due at 0, 333 and 667 ms, the write at 500 ms
    expect(sent.map((s) => [s.kind, Math.round(s.at - 10_000)])).toEqual([
      ['read', 0],
      ['read', 0],
      ['write', 0],
      ['read', 0],
      ['read', 1000],
      ['read', 1000],
      ['write', 1000],
      ['read', 1000],
    ]);
  });

  it('names orders after the run and phase, one product of 1..10, quantity 1', async () => {
    // Given a randomness source at both ends of its range
    const clock = new FakeClock();
    const { shop, sent } = scriptedShop(clock);
    const random = jest.fn().mockReturnValueOnce(0).mockReturnValueOnce(0.9999);
    // When the traffic runs
    await runTraffic({ ...options, phase: 'experiment', random }, shop, clock);
    // Then the orders carry the run's id and their sequence number
    expect(sent.filter((s) => s.kind === 'write').map((s) => s.order)).toEqual([
      { productId: 1, quantity: 1, orderId: 'run-1-experiment-1', runId: 'run-1' },
      { productId: 10, quantity: 1, orderId: 'run-1-experiment-2', runId: 'run-1' },
    ]);
  });

  it('counts every answer class and records the shop’s build', async () => {
    // Given a shop whose reads come from the cache and whose orders are queued
    const clock = new FakeClock();
    const { shop } = scriptedShop(clock, {
      listProducts: async () => ({ status: 200, source: 'cache' }),
      placeOrder: async () => ({ status: 202 }),
    });
    // When the traffic runs
    const result = await runTraffic(options, shop, clock);
    // Then the result counts them, per second too
    expect(result).toMatchObject(trafficTotals('baseline', true, { offered: { reads: 6, writes: 2 }, reads: { cache: 6 }, writes: { queued: 2 }, ordersAccepted: 2 }));
    expect(result.timeline.map((b) => [b.reads.cache, b.writes.queued])).toEqual([
      [3, 1],
      [3, 1],
    ]);
  });

  it('counts a request whose call throws as failed', async () => {
    // Given a shop whose every request errors (connection refused)
    const clock = new FakeClock();
    const refused = async (): Promise<never> => {
      throw new TypeError('fetch failed');
    };
    const { shop } = scriptedShop(clock, { listProducts: refused, placeOrder: refused });
    // When the traffic runs
    const result = await runTraffic(options, shop, clock);
    // Then all of it failed
    expect(result.reads).toEqual(reads({ failed: 6 }));
    expect(result.writes).toEqual(writes({ failed: 2 }));
  });

  it('counts a request whose client throws instead of rejecting as failed, and carries on', async () => {
    // Given a shop client whose reads throw synchronously
    const clock = new FakeClock();
    const { shop } = scriptedShop(clock);
    shop.listProducts = () => {
      throw new Error('bad client');
    };
    // When the traffic runs
    const result = await runTraffic(options, shop, clock);
    // Then the reads failed and the writes still went out
    expect(result.reads.failed).toBe(6);
    expect(result.writes.ok).toBe(2);
  });

  it('keeps sending on schedule while earlier requests are unanswered, and counts the unanswered as failed', async () => {
    // Given a shop that never answers
    const clock = new FakeClock();
    const never = (): Promise<never> => new Promise<never>(() => undefined);
    const { shop, sent } = scriptedShop(clock, { listProducts: never, placeOrder: never });
    // When the traffic runs
    const result = await runTraffic({ ...options, requestTimeoutMs: 1_000 }, shop, clock);
    // Then every scheduled request was still sent, and each counts as failed
    expect(sent).toHaveLength(8);
    expect(result.reads.failed).toBe(6);
    expect(result.writes.failed).toBe(2);
  });

  it('lasts its whole schedule, though the last tick leaves at the start of the last second', async () => {
    // Given a shop that answers at once, 2 seconds at 3 reads + 1 write (one tick a second), and a
    // request timeout (100 ms) that bounds the wait for stragglers well inside the last second
    const clock = new FakeClock(5_000);
    const { shop } = scriptedShop(clock);
    // When the traffic runs
    const result = await runTraffic({ ...options, requestTimeoutMs: 100 }, shop, clock);
    // Then it ends at the end of its second second, not just after the last tick's answers
    expect(result.endedAtMs).toBe(5_000 + 2_000);
  });

  it('waits no longer than one request timeout for stragglers after the last send', async () => {
    // Given a shop that never answers and a 1.5-second request timeout
    const clock = new FakeClock(0);
    const never = (): Promise<never> => new Promise<never>(() => undefined);
    const { shop } = scriptedShop(clock, { listProducts: never, placeOrder: never });
    // When the traffic runs
    const result = await runTraffic({ ...options, requestTimeoutMs: 1_500 }, shop, clock);
    // Then it ended one timeout after the last send (at 1000 ms, the tick of the last second's requests)
    expect(result.endedAtMs).toBe(1_000 + 1_500);
  });

  it('measures latency from the scheduled send time, so a late send counts against the latency', async () => {
    // Given a clock whose every sleep overshoots by 300 ms, and a shop that answers at once
    const clock = new FakeClock(0);
    const lateClock = { now: () => clock.now(), sleep: (ms: number) => clock.sleep(ms + 300) };
    const { shop } = scriptedShop(clock);
    // When one second of traffic runs
    const result = await runTraffic({ ...options, durationSeconds: 1 }, shop, lateClock);
    // Then the late sends show as latency, though the shop itself took no time
    expect(result.latencyMs.reads.max).toBeGreaterThanOrEqual(295);
  });

  it('counts a request answered after its timeout once, as failed, and the answer not again', async () => {
    // Given a shop whose first read answers only 2 s after it was sent, past a 1-second timeout
    const clock = new FakeClock(0);
    let slowAnswer: ((answer: { status: number; source: string }) => void) | undefined;
    let reads = 0;
    const { shop } = scriptedShop(clock, {
      listProducts: () => {
        reads += 1;
        if (reads > 1) return Promise.resolve({ status: 200, source: 'database' });
        return new Promise((resolve) => {
          slowAnswer = resolve;
        });
      },
    });
    const sleep = clock.sleep.bind(clock);
    clock.sleep = async (ms: number) => {
      await sleep(ms);
      // The late answer arrives once the clock has passed 2 s.
      if (clock.now() >= 2_000) slowAnswer?.({ status: 200, source: 'database' });
    };
    // When 2 seconds of 3 reads + 1 write per second run
    const result = await runTraffic({ ...options, requestTimeoutMs: 1_000 }, shop, clock);
    // Then that read is one failure, every other request counts by its answer, and nothing counts twice
    expect(result.reads).toEqual({ database: 5, cache: 0, failed: 1 });
    expect(result.writes.ok).toBe(2);
    expect(result.timeline.reduce((sum, b) => sum + b.reads.database + b.reads.failed, 0)).toBe(6);
    expect(result.latencyMs.reads.count + result.latencyMs.writes.count).toBe(8);
  });

  it('counts a straggler as failed at its own timeout while the sending goes on, its latency the timeout', async () => {
    // Given a shop whose first read never answers, with a 600 ms timeout
    const clock = new FakeClock(0);
    let reads = 0;
    const never = new Promise<never>(() => undefined);
    const { shop } = scriptedShop(clock, {
      listProducts: () => (++reads === 1 ? never : Promise.resolve({ status: 200, source: 'cache' })),
    });
    // When 2 seconds of traffic run
    const result = await runTraffic({ ...options, requestTimeoutMs: 600 }, shop, clock);
    // Then the generator woke at that read's deadline and counted it failed in its own second, with the timeout as its latency
    expect(clock.sleeps.reduce((at, ms) => [...at, (at.at(-1) ?? 0) + ms], [] as number[])).toContain(600);
    expect(result.timeline[0].reads).toEqual({ database: 0, cache: 2, failed: 1 });
    expect(result.reads).toEqual({ database: 0, cache: 5, failed: 1 });
    expect(result.latencyMs.reads.max).toBe(600);
  });

  it('sends no abort signal of its own: the client times each request out itself', async () => {
    // Given a shop that records the signals it is handed
    const clock = new FakeClock();
    const signals: Array<AbortSignal | undefined> = [];
    const { shop } = scriptedShop(clock, {
      listProducts: async (signal) => {
        signals.push(signal);
        return { status: 200, source: 'database' };
      },
    });
    // When the traffic runs
    await runTraffic(options, shop, clock);
    // Then no request carried a signal to allocate, follow and drop
    expect(signals).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reports an unknown build when the health check fails', async () => {
    // Given a shop whose health check throws
    const clock = new FakeClock();
    const { shop } = scriptedShop(clock);
    shop.health = async () => {
      throw new Error('unreachable');
    };
    // When the traffic runs
    const result = await runTraffic(options, shop, clock);
    // Then the build is unknown
    expect(result.degradation).toBeNull();
  });
});
