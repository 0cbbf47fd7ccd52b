// The VerifyOrders step against a tiny real HTTP shop.
import { CHAOS_SHOP_PROFILE } from '../../../infra/config-profile';
import { handler } from '../../../steps/handlers/verify-orders';
import { InvalidStepInput } from '../../../steps/handlers/input';
import { seconds, T0, trafficResult } from '../support/builders';
import { json, startTestServer, type TestServer } from '../support/http-server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const baseline = trafficResult('baseline', seconds(T0, 10, { database: 3 }, { ok: 1 }));
const experiment = trafficResult('experiment', seconds(T0 + 11_000, 5, { cache: 3 }, { queued: 1 }));

describe('verify-orders handler', () => {
  it('compares the run’s recorded orders with the traffic results', async () => {
    // Given a shop that recorded all 15 orders of run-1
    server = await startTestServer((_req, res) => json(res, 200, { committed: 15, rejected: 0 }));
    // When the step runs with both traffic results
    const result = await handler({
      shopUrl: server.url,
      profile: CHAOS_SHOP_PROFILE,
      runId: 'run-1',
      traffic: [baseline, experiment],
    });
    // Then nothing is lost, and the shop was asked about this run
    expect(result).toEqual({
      accepted: 15,
      committed: 15,
      rejected: 0,
      lost: 0,
      duplicated: 0,
      viaQueue: null,
      lastViaQueueAt: null,
      proof: expect.objectContaining({ method: 'count', population: 15, missing: 0 }),
    });
    expect(server.received.map((r) => r.url)).toEqual(['/runs/run-1/orders']);
  });

  it('refuses an input without traffic results', async () => {
    // Given no traffic
    // When the step runs
    // Then it is refused
    await expect(
      handler({ shopUrl: 'http://127.0.0.1:1', profile: CHAOS_SHOP_PROFILE, runId: 'run-1', traffic: [] }),
    ).rejects.toThrow(InvalidStepInput);
  });
});
