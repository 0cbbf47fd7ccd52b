// runTraffic with a scripted shop and a virtual clock: what is sent, when, and how it is counted.
import { CHAOS_SHOP_PROFILE } from '../../../infra/config-profile';
import { readClassifier, writeClassifier } from '../../../steps/core/answer-rules';
import { compileJson, type TemplateValues } from '../../../steps/core/request-template';
import { MAX_FAILURE_NAME_CHARS } from '../../../steps/core/run-limits';
import { runTraffic } from '../../../steps/core/run-traffic';
import type { TargetClient } from '../../../steps/ports';
import { reads, trafficTotals, writes } from '../support/builders';
import { FakeClock } from '../support/fake-clock';
import { arrivalSpread } from '../../../bench/stats';

/** An order as the Chaos Shop's profile renders it. */
interface OrderRequest {
  productId: number;
  quantity: number;
  orderId: string;
  runId: string;
}

interface Sent {
  kind: 'read' | 'write';
  at: number;
  order?: OrderRequest;
}

/** How the scripted shop answers: a read's status and source, a write's status. */
interface ShopAnswers {
  listProducts(signal?: AbortSignal): Promise<{ status: number; source?: string }>;
  placeOrder(order: OrderRequest, signal?: AbortSignal): Promise<{ status: number }>;
}

const readClasses = readClassifier(CHAOS_SHOP_PROFILE);
const writeClasses = writeClassifier(CHAOS_SHOP_PROFILE);
const orderBody = compileJson(CHAOS_SHOP_PROFILE.writes[0].request.body);

/**
 * A shop that answers at once, recording what was sent at which virtual time: its answers are
 * classified by the Chaos Shop's profile, its orders rendered from the profile's template.
 */
function scriptedShop(clock: FakeClock, answers: Partial<ShopAnswers> = {}) {
  const sent: Sent[] = [];
  const shop: TargetClient & Partial<ShopAnswers> = {
    ...answers,
    health: async () => ({ healthy: true, degradation: true }),
    async read(_values: TemplateValues, signal?: AbortSignal) {
      sent.push({ kind: 'read', at: clock.now() });
      const answer = shop.listProducts ? await shop.listProducts(signal) : { status: 200, source: 'database' };
      return {
        request: 'products',
        status: answer.status,
        outcome: readClasses.classify({
          status: answer.status,
          body: '',
          ...(answer.source ? { header: answer.source } : {}),
        }),
      };
    },
    async write(values: TemplateValues, signal?: AbortSignal) {
      const order = JSON.parse(orderBody.render(values)) as OrderRequest;
      sent.push({ kind: 'write', at: clock.now(), order });
      const answer = shop.placeOrder ? await shop.placeOrder(order, signal) : { status: 201 };
      return {
        request: 'order',
        status: answer.status,
        outcome: writeClasses.classify({ status: answer.status, body: '' }),
      };
    },
    recordedCounts: async () => ({ committed: 0, rejected: 0 }),
    lookup: async () => ({ state: 'missing' }),
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
    // Then each request left at its own time, 250 ms apart, the write the last of each second
    expect(sent.map((s) => [s.kind, s.at - 10_000])).toEqual([
      ['read', 0],
      ['read', 250],
      ['read', 500],
      ['write', 750],
      ['read', 1000],
      ['read', 1250],
      ['read', 1500],
      ['write', 1750],
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
    expect(result).toMatchObject(
      trafficTotals('baseline', true, {
        offered: { reads: 6, writes: 2 },
        reads: { cache: 6 },
        writes: { queued: 2 },
        ordersAccepted: 2,
      }),
    );
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

  it('lasts its whole schedule, though the last request leaves before the end of the last second', async () => {
    // Given a shop that answers at once, 2 seconds at 3 reads + 1 write (the last request at 1750 ms), and a
    // request timeout (100 ms) that bounds the wait for stragglers inside the last second
    const clock = new FakeClock(5_000);
    const { shop } = scriptedShop(clock);
    // When the traffic runs
    const result = await runTraffic({ ...options, requestTimeoutMs: 100 }, shop, clock);
    // Then it ends at the end of its second second, not just after the last answer
    expect(result.endedAtMs).toBe(5_000 + 2_000);
  });

  it('waits no longer than one request timeout for stragglers after the last send', async () => {
    // Given a shop that never answers and a 1.5-second request timeout
    const clock = new FakeClock(0);
    const never = (): Promise<never> => new Promise<never>(() => undefined);
    const { shop } = scriptedShop(clock, { listProducts: never, placeOrder: never });
    // When the traffic runs
    const result = await runTraffic({ ...options, requestTimeoutMs: 1_500 }, shop, clock);
    // Then it ended one timeout after the last send (at 1750 ms)
    expect(result.endedAtMs).toBe(1_750 + 1_500);
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

  it('keeps a failure under a name of at most MAX_FAILURE_NAME_CHARS characters, however long its error', async () => {
    // Given a shop whose reads fail with an error of a 300-character name
    const clock = new FakeClock(0);
    const error = Object.assign(new Error('refused'), { name: 'E'.repeat(300) });
    const { shop } = scriptedShop(clock, { listProducts: () => Promise.reject(error) });
    // When 2 seconds of traffic run
    const result = await runTraffic(options, shop, clock);
    // Then every failed read counts under one name, cut to the bound the state's estimate counts it with
    const names = Object.keys(result.failures ?? {});
    expect(names).toEqual([`read ${'E'.repeat(MAX_FAILURE_NAME_CHARS - 'read '.length)}`]);
    expect(result.failures?.[names[0]]).toBe(result.reads.failed);
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

describe('runTraffic arrivals, as the shop receives them', () => {
  /** The times (ms after the start) at which a scripted shop received each request. */
  async function receivedTimes(
    shape: {
      readsPerSecond: number;
      writesPerSecond: number;
      durationSeconds: number;
      arrivals?: 'uniform' | 'poisson';
      seed?: number;
    },
    clock = new FakeClock(0),
  ): Promise<number[]> {
    const { shop, sent } = scriptedShop(clock);
    await runTraffic({ runId: 'run-1', phase: 'baseline', ...shape }, shop, clock);
    return sent.map((s) => s.at);
  }

  /** The most requests received in any 10 ms, every window [t, t + 10) that starts at a request. */
  function mostInTenMs(times: readonly number[]): number {
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (j < times.length && times[j] < times[i] + 10) j++;
      most = Math.max(most, j - i);
    }
    return most;
  }

  /** Received counts per second; a request due in the last millisecond of the schedule, sent on its next whole millisecond, counts in the last second. */
  function countsPerSecond(times: readonly number[], seconds: number): number[] {
    const counts = new Array<number>(seconds).fill(0);
    for (const t of times) counts[Math.min(seconds - 1, Math.floor(t / 1000))]++;
    return counts;
  }

  it.each([40, 400, 4_000])(
    'puts at most ceil(rate / 100) uniform arrivals in any 10 ms at %p a second',
    async (rate) => {
      // Given uniform arrivals at `rate` a second, 3 reads to 1 write, on a virtual clock
      // When 2 seconds of traffic run
      const times = await receivedTimes({
        readsPerSecond: (rate * 3) / 4,
        writesPerSecond: rate / 4,
        durationSeconds: 2,
      });
      // Then every request was sent, and no 10 ms received more than its share, rounded up
      expect(times).toHaveLength(rate * 2);
      expect(mostInTenMs(times)).toBeLessThanOrEqual(Math.ceil(rate / 100));
    },
  );

  it('sends each second exactly its rate with uniform arrivals', async () => {
    // Given uniform arrivals at 300 reads + 100 writes a second
    // When 3 seconds run
    const times = await receivedTimes({ readsPerSecond: 300, writesPerSecond: 100, durationSeconds: 3 });
    // Then each second received 400
    expect(countsPerSecond(times, 3)).toEqual([400, 400, 400]);
  });

  it('sends Poisson arrivals at 400 a second over 60 s with a dispersion index between 0.8 and 1.2, each second within its Poisson bounds', async () => {
    // Given Poisson arrivals at 300 reads + 100 writes a second, seeded
    // When 60 s run on a virtual clock
    const times = await receivedTimes({
      readsPerSecond: 300,
      writesPerSecond: 100,
      durationSeconds: 60,
      arrivals: 'poisson',
      seed: 27,
    });
    // Then the per-10 ms counts are as dispersed as a Poisson process's (variance / mean about 1)
    const { dispersionIndex } = arrivalSpread(times);
    expect(dispersionIndex).toBeGreaterThanOrEqual(0.8);
    expect(dispersionIndex).toBeLessThanOrEqual(1.2);
    // And each second's count lies within 5 standard deviations (5 x sqrt(400) = 100) of 400
    for (const count of countsPerSecond(times, 60)) {
      expect(count).toBeGreaterThanOrEqual(300);
      expect(count).toBeLessThanOrEqual(500);
    }
  });

  it('never sends a request before its intended time, and sends those due during a late wake in that wake', async () => {
    // Given a clock whose every sleep oversleeps by 4 ms, at 400 a second (a request every 2.5 ms)
    const clock = new FakeClock(0);
    const late = { now: () => clock.now(), sleep: (ms: number) => clock.sleep(ms + 4) };
    const { shop, sent } = scriptedShop(clock);
    // When one second runs
    const result = await runTraffic(
      { runId: 'run-1', phase: 'baseline', readsPerSecond: 300, writesPerSecond: 100, durationSeconds: 1 },
      shop,
      late,
    );
    // Then every request left at or after its intended time (i x 2.5 ms), at most 10 ms after it,
    // and fewer wakes than requests sent them
    const lags = sent.map((s, i) => s.at - i * 2.5);
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lags)).toBeLessThanOrEqual(10);
    expect(clock.sleeps.length).toBeLessThan(400);
    expect(result.sendLag.late).toBe(0);
  });

  it('counts the requests that left more than 10 ms late, and their lag, when the sender stalls', async () => {
    // Given a clock whose first sleep after 500 ms oversleeps by 50 ms, at 40 requests a second (every 25 ms)
    const clock = new FakeClock(0);
    let stalled = false;
    const stalling = {
      now: () => clock.now(),
      sleep: (ms: number) => {
        const stall = !stalled && clock.now() >= 500 ? 50 : 0;
        if (stall) stalled = true;
        return clock.sleep(ms + stall);
      },
    };
    const { shop } = scriptedShop(clock);
    // When one second runs
    const result = await runTraffic(
      { runId: 'run-1', phase: 'baseline', readsPerSecond: 30, writesPerSecond: 10, durationSeconds: 1 },
      shop,
      stalling,
    );
    // Then the requests due at 525 and 550 ms left at 575 ms: one 50 ms late, one 25 ms late, and the
    // one due at 575 on time; the late ones are counted, in their second too
    expect(result.sendLag).toMatchObject({ count: 40, late: 2, max: 50 });
    expect(result.timeline[0].late).toBe(2);
  });
});
