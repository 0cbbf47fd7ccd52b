// The traffic and verify steps driven by the example service's profile against a tiny real HTTP server: the exact requests, and how each answer was classified.
import exampleProfile from '../../../examples/reservations/profile.json';
import { handler as traffic } from '../../../steps/handlers/traffic';
import { handler as verifyOrders } from '../../../steps/handlers/verify-orders';
import { json, type ReceivedRequest, startTestServer, type TestServer } from '../support/http-server';
import { RESERVATION_ANSWERS } from '../../support/reservation-answers';

// Each traffic run sends for a real second.
jest.setTimeout(15_000);

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers as the example service does: reads live then stale; a reservation confirmed, pending, refused (8 nights), then a 503. */
function reservations(lookups: Record<string, number> = {}) {
  let reads = 0;
  let writes = 0;
  return (req: ReceivedRequest, res: Parameters<Parameters<typeof startTestServer>[0]>[1]) => {
    if (req.url === '/health') return json(res, 200, { resilient: true });
    if (req.url === '/rooms') return json(res, 200, { rooms: [], freshness: reads++ % 2 === 0 ? 'live' : 'stale' });
    if (req.method === 'POST') {
      const [status, body] = RESERVATION_ANSWERS[writes++ % RESERVATION_ANSWERS.length];
      return json(res, status, body);
    }
    const key = decodeURIComponent(req.url.split('/').pop() ?? '');
    const status = lookups[key] ?? 404;
    return json(res, status, status === 200 ? { state: 'confirmed', copies: 1 } : { error: 'no such reservation' });
  };
}

/** One second of baseline traffic of the example profile against `server`, at these rates. */
function baselineSecond(server: TestServer, runId: string, readsPerSecond: number, writesPerSecond: number) {
  return traffic({
    shopUrl: server.url,
    profile: JSON.stringify(exampleProfile),
    runId,
    phase: 'baseline',
    durationSeconds: 1,
    readsPerSecond,
    writesPerSecond,
  });
}

describe('the traffic and verify steps with the example profile', () => {
  it('sends the profile’s requests and classifies each answer by its rules', async () => {
    // Given a service answering each class once
    server = await startTestServer(reservations());
    // When one second of 2 reads and 4 writes runs
    const result = await baselineSecond(server, 'run-1', 2, 4);
    // Then the reads went to /rooms, the writes to /reservations with their ids in the Idempotency-Key header and a room and nights from the picks
    const sent = server.received.filter((r) => r.url !== '/health');
    expect(sent.filter((r) => r.method === 'GET').map((r) => r.url)).toEqual(['/rooms', '/rooms']);
    const posts = sent.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.headers['idempotency-key']).sort()).toEqual([
      'run-1-baseline-1',
      'run-1-baseline-2',
      'run-1-baseline-3',
      'run-1-baseline-4',
    ]);
    for (const post of posts) {
      const body = JSON.parse(post.body) as { room: unknown; nights: unknown };
      expect(['oak', 'elm', 'ash', 'fir']).toContain(body.room);
      expect(Number.isInteger(body.nights)).toBe(true);
      expect(post.headers['content-type']).toBe('application/json');
    }
    // And each answer landed in its class: live and stale reads; confirmed, pending, refused and failed writes, the failure named
    expect(result.reads).toEqual({ database: 1, cache: 1, failed: 0 });
    expect(result.writes).toEqual({ ok: 1, queued: 1, stockOut: 1, failed: 1 });
    expect(result.failures).toEqual({ 'write reserve: 503': 1 });
  });

  it('proves each accepted write by its lookup and counts the one never recorded as lost', async () => {
    // Given traffic whose first two writes were accepted, and a service that recorded only the first
    server = await startTestServer(reservations());
    const sent = await baselineSecond(server, 'run-2', 1, 4);
    expect(sent.writes).toMatchObject({ ok: 1, queued: 1 });
    await server.close();
    server = await startTestServer(reservations({ 'run-2-baseline-1': 200 }));
    // When the verify step proves the writes, with no time to settle
    const profile = { ...exampleProfile, proof: { ...exampleProfile.proof, settleSeconds: 0 } };
    const verification = await verifyOrders({
      shopUrl: server.url,
      profile: JSON.stringify(profile),
      runId: 'run-2',
      traffic: [sent],
    });
    // Then it looked up exactly the two accepted ids, and one is lost, named
    const lookups = server.received
      .filter((r) => r.method === 'GET')
      .map((r) => r.url)
      .sort();
    expect(lookups).toEqual(['/reservations/run-2-baseline-1', '/reservations/run-2-baseline-2']);
    expect(verification).toMatchObject({ accepted: 2, committed: 1, lost: 1, duplicated: 0 });
    expect(verification.proof).toMatchObject({
      method: 'lookup',
      population: 2,
      checked: 2,
      sampled: false,
      missing: 1,
      examples: ['run-2-baseline-2 (missing)'],
    });
  });
});
