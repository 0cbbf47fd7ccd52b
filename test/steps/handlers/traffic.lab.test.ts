// The traffic step end to end against a tiny real HTTP shop: open loop, classification, buckets.
import { CHAOS_SHOP_PROFILE } from '../../../infra/config-profile';
import type { ServerResponse } from 'node:http';
import { handler } from '../../../steps/handlers/traffic';
import { InvalidStepInput } from '../../../steps/handlers/input';
import { reads, trafficTotals, writes } from '../support/builders';
import { json, type ReceivedRequest, startTestServer, type TestServer } from '../support/http-server';

// Each run sends for 1-2 real seconds and waits for its request timeouts.
jest.setTimeout(15_000);

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const stalled: ServerResponse[] = [];
afterEach(() => stalled.splice(0).forEach((res) => res.destroy()));

describe('traffic handler', () => {
  it('keeps sending the offered load while the shop stalls every answer', async () => {
    // Given a shop that answers its health check but never answers a read or an order
    server = await startTestServer((req: ReceivedRequest, res) =>
      req.url === '/health' ? json(res, 200, { degradation: true }) : stalled.push(res),
    );
    // When 2 seconds of 10 reads + 5 writes per second run with a 1-second request timeout
    const result = await handler({
      shopUrl: server.url,
      profile: CHAOS_SHOP_PROFILE,
      runId: 'run-1',
      phase: 'baseline',
      durationSeconds: 2,
      readsPerSecond: 10,
      writesPerSecond: 5,
      requestTimeoutMs: 1_000,
    });
    // Then the shop received all 30 requests though none was answered, and all count as failed
    const sent = server.received.filter((r) => r.url !== '/health');
    expect(sent.filter((r) => r.method === 'GET')).toHaveLength(20);
    expect(sent.filter((r) => r.method === 'POST')).toHaveLength(10);
    expect(result.reads).toEqual(reads({ failed: 20 }));
    expect(result.writes).toEqual(writes({ failed: 10 }));
    expect(result.ordersAccepted).toBe(0);
  });

  it('classifies the shop’s answers and counts them per scheduled second', async () => {
    // Given a shop cycling through every kind of answer
    let readsAnswered = 0;
    let writesAnswered = 0;
    const readAnswers: Array<[number, unknown]> = [
      [200, { source: 'database' }],
      [200, { source: 'cache' }],
      [503, { error: 'down' }],
      [200, { products: [] }],
    ];
    const writeStatuses = [201, 202, 409, 500];
    server = await startTestServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { degradation: false });
      if (req.method === 'GET') return json(res, ...readAnswers[readsAnswered++ % 4]);
      return json(res, writeStatuses[writesAnswered++ % 4], {});
    });
    // When 2 seconds of 4 reads + 4 writes per second run
    const result = await handler({
      shopUrl: server.url,
      profile: CHAOS_SHOP_PROFILE,
      runId: 'run-2',
      phase: 'experiment',
      durationSeconds: 2,
      readsPerSecond: 4,
      writesPerSecond: 4,
    });
    // Then every class is counted, the build recorded, and each second holds its 8 requests
    expect(result).toMatchObject(
      trafficTotals('experiment', false, {
        offered: { reads: 8, writes: 8 },
        reads: { database: 2, cache: 2, failed: 4 },
        writes: { ok: 2, queued: 2, stockOut: 2, failed: 2 },
        ordersAccepted: 4,
      }),
    );
    expect(result.timeline).toHaveLength(2);
    expect(result.timeline.map((b) => b.t - result.startedAtMs)).toEqual([0, 1000]);
    for (const b of result.timeline) {
      expect(b.reads.database + b.reads.cache + b.reads.failed).toBe(4);
      expect(b.writes.ok + b.writes.queued + b.writes.stockOut + b.writes.failed).toBe(4);
    }
  });

  it('sends orders named after the run and phase', async () => {
    // Given a shop that commits every order
    server = await startTestServer((req, res) =>
      json(res, req.method === 'POST' ? 201 : 200, { source: 'database', degradation: true }),
    );
    // When one second of 1 read + 2 writes per second runs
    await handler({
      shopUrl: server.url,
      profile: CHAOS_SHOP_PROFILE,
      runId: 'run-3',
      phase: 'baseline',
      durationSeconds: 1,
      readsPerSecond: 1,
      writesPerSecond: 2,
    });
    // Then the two orders carry the run's id, numbered
    const orders = server.received
      .filter((r) => r.method === 'POST')
      .map((r) => JSON.parse(r.body) as { orderId: string; runId: string; productId: number });
    expect(orders.map((o) => [o.orderId, o.runId])).toEqual([
      ['run-3-baseline-1', 'run-3'],
      ['run-3-baseline-2', 'run-3'],
    ]);
    expect(orders.every((o) => Number.isInteger(o.productId) && o.productId >= 1 && o.productId <= 10)).toBe(true);
  });

  it('refuses input it cannot run, naming every problem', async () => {
    // Given an input with a bad URL, a zero duration and a missing phase
    const input = { shopUrl: 'ftp://shop', runId: 'run-1', durationSeconds: 0, readsPerSecond: 1, writesPerSecond: 1 };
    // When the step runs
    const running = handler(input as never);
    // Then it is refused with all three problems
    await expect(running).rejects.toThrow(InvalidStepInput);
    await expect(running).rejects.toThrow(/phase must be .*durationSeconds must be .*shopUrl must be an http\(s\) URL/);
  });
});
