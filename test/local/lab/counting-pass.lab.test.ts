// In front of your own service the lab counts each answer by the profile's classes as it passes, and changes nothing of it.
import exampleProfile from '../../../examples/reservations/profile.json';
import { startCountingPass, type CountingPass } from '../../../local/lab/counting-pass';
import { TrafficCounter } from '../../../local/lab/traffic-counter';
import { parseTargetProfile } from '../../../steps/core/target-profile';
import { json, startTestServer, type TestServer } from '../../steps/support/http-server';
import { RESERVATION_ANSWERS } from '../../support/reservation-answers';

let service: TestServer | undefined;
let pass: CountingPass | undefined;
afterEach(async () => {
  await pass?.stop();
  await service?.close();
  pass = service = undefined;
});

describe('the counting pass-through', () => {
  it('forwards each request whole, answers as the service did, and counts reads and writes by their classes', async () => {
    // Given a service answering rooms live then stale, and reservations confirmed, pending, refused, then 503
    let reads = 0;
    let writes = 0;
    const answers = RESERVATION_ANSWERS;
    service = await startTestServer((req, res) => {
      if (req.url === '/rooms') return json(res, 200, { rooms: [], freshness: reads++ === 0 ? 'live' : 'stale' });
      if (req.method === 'POST') return json(res, answers[writes][0], answers[writes++][1]);
      return json(res, 404, { error: 'no such reservation' });
    });
    const counter = new TrafficCounter();
    pass = await startCountingPass(service.url, parseTargetProfile(exampleProfile), counter);
    // When two reads, four writes and a lookup go through it, one after another
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await fetch(`${pass.url}/rooms`)).status);
    for (let i = 0; i < 4; i++) {
      const answer = await fetch(`${pass.url}/reservations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `run-1-baseline-0-0-${i + 1}` },
        body: JSON.stringify({ room: 'oak', nights: 2 }),
      });
      statuses.push(answer.status);
      expect(await answer.json()).toEqual(answers[i][1]);
    }
    statuses.push((await fetch(`${pass.url}/reservations/run-1-baseline-0-0-1`)).status);
    // Then the service received each request as sent, its key header and body included
    const posts = service.received.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.headers['idempotency-key'])).toEqual([
      'run-1-baseline-0-0-1',
      'run-1-baseline-0-0-2',
      'run-1-baseline-0-0-3',
      'run-1-baseline-0-0-4',
    ]);
    expect(posts.every((r) => r.body === '{"room":"oak","nights":2}')).toBe(true);
    // And the answers came back unchanged, and were counted in their classes; the lookup was not counted
    expect(statuses).toEqual([200, 200, 201, 202, 422, 503, 404]);
    expect(counter.snapshot()).toEqual({
      reads: { database: 1, cache: 1, failed: 0 },
      writes: { ok: 1, queued: 1, stockOut: 1, failed: 1 },
    });
  });

  it('answers 502 and counts a failed read when the service is gone', async () => {
    // Given a pass-through in front of a service that stopped
    service = await startTestServer((_req, res) => json(res, 200, {}));
    const counter = new TrafficCounter();
    pass = await startCountingPass(service.url, parseTargetProfile(exampleProfile), counter);
    await service.close();
    service = undefined;
    // When a read goes through it
    const answer = await fetch(`${pass.url}/rooms`);
    // Then it answers 502 and the read counts as failed
    expect(answer.status).toBe(502);
    expect(counter.snapshot().reads).toEqual({ database: 0, cache: 0, failed: 1 });
  });
});
