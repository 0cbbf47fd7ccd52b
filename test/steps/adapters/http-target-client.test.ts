// The HTTP target client, built from the Chaos Shop's profile, against a tiny real HTTP server.
import { CHAOS_SHOP_PROFILE } from '../../../infra/config-profile';
import {
  createHttpTargetClient,
  type HttpTargetClientOptions,
  TargetResponseError,
} from '../../../steps/adapters/http-target-client';
import type { TemplateValues } from '../../../steps/core/request-template';
import type { TargetRequestFailed, TargetRequestSigner } from '../../../steps/ports';

const createHttpShopClient = (url: string, options?: HttpTargetClientOptions) =>
  createHttpTargetClient(url, CHAOS_SHOP_PROFILE, options);
/** The values of the n-th request of run-1's baseline; the pick lands on product 3. */
const values = (sequence = 1, writeId = `run-1-baseline-${sequence}`): TemplateValues => ({
  runId: 'run-1',
  phase: 'baseline',
  sequence,
  writeId,
  random: () => 0.25,
});
import { json, startTestServer, type TestServer } from '../support/http-server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What the client returns for an answered GET /products. */
const productsRead = (status: number, outcome: string) => ({ request: 'products', status, outcome });

describe('createHttpTargetClient', () => {
  it('reads the build from GET /health', async () => {
    // Given a shop in its resilient build
    server = await startTestServer((_req, res) => json(res, 200, { status: 'ok', degradation: true }));
    // When its health is read
    const health = await createHttpShopClient(server.url).health();
    // Then the build is known
    expect(health).toEqual({ healthy: true, degradation: true });
    expect(server.received[0]).toMatchObject({ method: 'GET', url: '/health' });
  });

  it('reports an unknown build when the health answer has no boolean degradation', async () => {
    // Given a health answer without the field
    server = await startTestServer((_req, res) => json(res, 200, { status: 'ok' }));
    // When its health is read
    // Then the build is unknown
    await expect(createHttpShopClient(server.url).health()).resolves.toEqual({ healthy: true, degradation: null });
  });

  it('reports an unknown build when the shop is unreachable', async () => {
    // Given a port nobody listens on
    const gone = await startTestServer(() => undefined);
    const url = gone.url;
    await gone.close();
    // When its health is read
    // Then the build is unknown
    await expect(createHttpShopClient(url).health()).resolves.toEqual({ healthy: false, degradation: null });
  });

  it('returns the status and source of GET /products', async () => {
    // Given a shop serving from its cache
    server = await startTestServer((_req, res) => json(res, 200, { source: 'cache', products: [] }));
    // When products are listed
    const answer = await createHttpShopClient(server.url).read(values(), new AbortController().signal);
    // Then status and source come back
    expect(answer).toEqual(productsRead(200, 'cache'));
  });

  it('takes the source of GET /products from the shop’s header, without the body', async () => {
    // Given a shop whose header says cache, with a body that is no JSON at all
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'X-Shop-Source': ' cache ' });
      res.end('not json');
    });
    // When products are listed
    const answer = await createHttpShopClient(server.url).read(values());
    // Then the header's source comes back, trimmed, and the body was never parsed
    expect(answer).toEqual(productsRead(200, 'cache'));
  });

  it('counts a read whose body is no JSON as failed when the shop names no source in a header', async () => {
    // Given a shop without the header, answering a body that is no JSON
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('not json');
    });
    // When products are listed / Then the read failed: no rule of the profile matches it
    await expect(createHttpShopClient(server.url).read(values())).resolves.toEqual(productsRead(200, 'failed'));
  });

  it('returns only the status of a failed read', async () => {
    // Given a shop that answers 503
    server = await startTestServer((_req, res) => json(res, 503, { error: 'database unavailable' }));
    // When products are listed
    // Then only the status comes back
    await expect(createHttpShopClient(server.url).read(values(), new AbortController().signal)).resolves.toEqual(
      productsRead(503, 'failed'),
    );
  });

  it('posts the order as JSON to /orders, keeping the base path', async () => {
    // Given a shop behind a path prefix that commits orders
    server = await startTestServer((_req, res) => json(res, 201, { status: 'committed' }));
    const order = { productId: 3, quantity: 1, orderId: 'run-1-baseline-1', runId: 'run-1' };
    // When an order is placed
    const answer = await createHttpShopClient(`${server.url}/prod`).write(
      values(1, order.orderId),
      new AbortController().signal,
    );
    // Then the status comes back and the body was the order
    expect(answer).toEqual({ request: 'order', status: 201, outcome: 'ok' });
    expect(server.received[0]).toMatchObject({ method: 'POST', url: '/prod/orders', body: JSON.stringify(order) });
  });

  it('aborts a request that takes longer than the timeout', async () => {
    // Given a shop that never answers
    server = await startTestServer(() => undefined);
    // When products are listed with a 200 ms timeout
    const listing = createHttpShopClient(server.url, { timeoutMs: 200 }).read(values(), new AbortController().signal);
    // Then the request fails with a timeout
    await expect(listing).rejects.toMatchObject({
      name: 'TargetRequestFailed',
      request: 'products',
      reason: 'timeout',
    });
  });

  it('aborts a request when the caller’s signal aborts', async () => {
    // Given a shop that never answers and a caller that gives up
    server = await startTestServer(() => undefined);
    const caller = new AbortController();
    const listing = createHttpShopClient(server.url).read(values(), caller.signal);
    // When the caller aborts
    caller.abort();
    // Then the request fails
    await expect(listing).rejects.toMatchObject({
      name: 'TargetRequestFailed',
      request: 'products',
      reason: 'aborted',
    });
  });

  it('reads the run’s order counts, escaping the run id', async () => {
    // Given a shop that knows the run's orders
    server = await startTestServer((_req, res) => json(res, 200, { committed: 12, rejected: 2 }));
    // When the counts are read
    const counts = await createHttpShopClient(server.url).recordedCounts('run-1');
    // Then they come back from the run's path
    expect(counts).toEqual({ committed: 12, rejected: 2 });
    expect(server.received[0].url).toBe('/runs/run-1/orders');
  });

  it('reads the rows the queue delivered and when the last one was written, when the shop says', async () => {
    // Given a shop that names its queued rows, and one whose time is not a timestamp
    server = await startTestServer((req, res) =>
      json(
        res,
        200,
        req.url === '/runs/run-1/orders'
          ? { committed: 3, rejected: 0, viaQueue: 2, lastViaQueueAt: '2026-11-27T02:00:41.000Z' }
          : { committed: 1, rejected: 0, viaQueue: 'x', lastViaQueueAt: 'yesterday' },
      ),
    );
    const client = createHttpShopClient(server.url);
    // When both runs' counts are read
    const counts = await client.recordedCounts('run-1');
    const unreadable = await client.recordedCounts('run-2');
    // Then the first carries them, and the unreadable ones are left out rather than guessed
    expect(counts).toEqual({ committed: 3, rejected: 0, viaQueue: 2, lastViaQueueAt: '2026-11-27T02:00:41.000Z' });
    expect(unreadable).toEqual({ committed: 1, rejected: 0 });
  });

  it('refuses order counts that are not numbers', async () => {
    // Given a shop that answers with something else
    server = await startTestServer((_req, res) => json(res, 200, { committed: '12' }));
    // When the counts are read
    // Then it fails with a typed error
    await expect(createHttpShopClient(server.url).recordedCounts('run-1')).rejects.toThrow(TargetResponseError);
  });

  it('refuses an error status for the order counts', async () => {
    // Given a shop whose database is gone
    server = await startTestServer((_req, res) => json(res, 503, {}));
    // When the counts are read
    // Then it fails naming the status
    await expect(createHttpShopClient(server.url).recordedCounts('run-1')).rejects.toThrow(
      'GET /runs/run-1/orders answered 503',
    );
  });

  it('sends every request with the headers its signer returns, given the exact body', async () => {
    // Given a shop and a signer that records what it signs and adds a header
    server = await startTestServer((_req, res) => json(res, 201, { status: 'committed' }));
    const signed: Array<{ method: string; path: string; body?: string }> = [];
    const signer: TargetRequestSigner = {
      sign: async (request) => {
        signed.push({ method: request.method, path: request.url.pathname, body: request.body });
        return { ...request.headers, authorization: 'signed' };
      },
    };
    const order = { productId: 3, quantity: 1, orderId: 'o-1', runId: 'run-1' };

    // When an order is placed through a client with that signer
    await createHttpShopClient(server.url, { signer }).write(values(1, order.orderId), new AbortController().signal);

    // Then the signer saw the very body sent, and the shop received its header
    expect(signed).toEqual([{ method: 'POST', path: '/orders', body: JSON.stringify(order) }]);
    expect(server.received[0].headers).toMatchObject({ authorization: 'signed', 'content-type': 'application/json' });
  });

  it('sends no authorization without a signer, as the local lab expects', async () => {
    // Given a shop
    server = await startTestServer((_req, res) => json(res, 200, { source: 'database', products: [] }));
    // When products are listed by a client without a signer
    await createHttpShopClient(server.url).read(values(), new AbortController().signal);
    // Then the request carries no authorization
    expect(server.received[0].headers.authorization).toBeUndefined();
  });
});

describe('createHttpTargetClient connections', () => {
  it('sends one request after another on one kept-alive connection', async () => {
    // Given a shop
    server = await startTestServer((_req, res) => json(res, 200, { source: 'database', products: [] }));
    const client = createHttpShopClient(server.url);
    // When three reads go out one after another
    for (let i = 0; i < 3; i++) await client.read(values());
    // Then the shop saw all three on a single connection
    expect(server.received).toHaveLength(3);
    expect(server.connections).toBe(1);
  });

  it('opens a connection per request in flight: none waits behind a slow answer', async () => {
    // Given a shop that answers each request only once three have arrived
    const waiting: Array<() => void> = [];
    server = await startTestServer((_req, res) => {
      waiting.push(() => json(res, 201, {}));
      if (waiting.length === 3) waiting.forEach((answer) => answer());
    });
    const client = createHttpShopClient(server.url);
    // When three orders are placed at once
    const answers = await Promise.all([1, 2, 3].map((n) => client.write(values(n, `o-${n}`))));
    // Then all were answered, each on its own connection
    expect(answers).toEqual([
      { request: 'order', status: 201, outcome: 'ok' },
      { request: 'order', status: 201, outcome: 'ok' },
      { request: 'order', status: 201, outcome: 'ok' },
    ]);
    expect(server.connections).toBe(3);
  });

  it('opens a new connection after the shop closed the last one, and the request still succeeds', async () => {
    // Given a shop that closes the connection after each answer
    server = await startTestServer((_req, res) => {
      res.setHeader('connection', 'close');
      json(res, 200, { source: 'cache', products: [] });
    });
    const client = createHttpShopClient(server.url);
    // When two reads go out one after another
    const first = await client.read(values());
    const second = await client.read(values());
    // Then both succeed, on two connections
    expect([first, second]).toEqual([productsRead(200, 'cache'), productsRead(200, 'cache')]);
    expect(server.connections).toBe(2);
  });

  it('reads a chunked answer', async () => {
    // Given a shop that streams its answer in two chunks
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"source":');
      res.end('"database"}');
    });
    // When products are listed
    // Then the whole body was read
    await expect(createHttpShopClient(server.url).read(values())).resolves.toEqual(productsRead(200, 'database'));
  });

  it('times out every request in flight with one timer, and the next request gets a fresh connection', async () => {
    // Given a shop that never answers its first four requests, then answers
    let seen = 0;
    server = await startTestServer((_req, res) => {
      seen += 1;
      if (seen > 4) json(res, 200, { source: 'database', products: [] });
    });
    const client = createHttpShopClient(server.url, { timeoutMs: 150 });
    // When four reads wait past the timeout, and one more goes out after them
    const stalled = await Promise.allSettled([1, 2, 3, 4].map(() => client.read(values())));
    const after = await client.read(values());
    // Then each of the four failed with a timeout, and the next one was answered on a connection of its own
    expect(stalled.map((s) => (s.status === 'rejected' ? (s.reason as TargetRequestFailed).reason : s.status))).toEqual(
      ['timeout', 'timeout', 'timeout', 'timeout'],
    );
    expect(after).toEqual(productsRead(200, 'database'));
    expect(server.connections).toBe(5);
  });

  it('fails a request whose connection drops before the whole answer', async () => {
    // Given a shop that promises 100 bytes, sends 5 and hangs up
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"sou');
      res.socket?.destroy();
    });
    // When products are listed
    // Then the read fails rather than counting a cut-off body
    await expect(createHttpShopClient(server.url).read(values())).rejects.toThrow();
  });
});
