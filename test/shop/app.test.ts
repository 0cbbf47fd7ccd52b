import { startTestShop, type TestShop } from './harness';

let t: TestShop;
afterEach(async () => {
  await t.shop.close();
});

async function openBreaker(): Promise<void> {
  t.database.down = true;
  for (let i = 0; i < 3; i += 1) await t.get('/products');
  expect(t.shop.breakerState()).toBe('OPEN');
}

/** What the shop answers for `order` once the database committed it, without the queue. */
function committedDirectly(order: { productId: number; quantity: number; orderId: string; runId: string }) {
  return { ...order, status: 'committed', via: 'direct' };
}

describe('GET /health', () => {
  it('reports a ready database, a closed breaker and the instance', async () => {
    // Given a shop whose database is initialized
    t = await startTestShop();
    // When health is asked
    const response = await t.get('/health');
    // Then it is 200 with the full report
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      degradation: true,
      database: 'ready',
      breaker: 'CLOSED',
      servedBy: 'test-shop',
    });
  });

  it('answers at once while the database is still unreachable at startup', async () => {
    // Given a shop whose database initialization keeps failing
    t = await startTestShop({ ready: false });
    // When health is asked
    const response = await t.get('/health');
    // Then it is 200 and says the database is initializing
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: 'initializing' });
  });

  it("reports the database unavailable while the breaker is open, the breaker's view", async () => {
    // Given a ready shop whose breaker opened on database failures
    t = await startTestShop();
    await openBreaker();
    // When health is asked
    const body = await (await t.get('/health')).json();
    // Then the database is unavailable, not ready
    expect(body).toMatchObject({ database: 'unavailable', breaker: 'OPEN' });
  });

  it('reports no breaker in the fragile build', async () => {
    // Given the fragile build
    t = await startTestShop({ config: { enableDegradation: false } });
    // When health is asked
    const body = await (await t.get('/health')).json();
    // Then degradation is off and there is no breaker
    expect(body).toMatchObject({ degradation: false, breaker: null });
  });
});

describe('GET /products', () => {
  it('serves the products from the database', async () => {
    // Given a healthy shop
    t = await startTestShop();
    // When products are listed
    const response = await t.get('/products');
    // Then all ten come from the database
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ count: 10, source: 'database', servedBy: 'test-shop' });
    expect(response.headers.get('x-shop-source')).toBe('database');
    expect(body.products?.[0]).toEqual({ id: 1, name: 'Chaos Monkey Plush', priceCents: 1999, stock: 10 });
  });

  it('writes a database read through to the cache', async () => {
    // Given a healthy shop and an empty cache
    t = await startTestShop();
    // When products are listed
    await t.get('/products');
    // Then the ten products were written to the cache
    expect(t.cache.writes).toEqual([
      expect.arrayContaining([{ id: 1, name: 'Chaos Monkey Plush', priceCents: 1999, stock: 10 }]),
    ]);
    expect(t.cache.writes[0]).toHaveLength(10);
  });

  it('writes through at most once per second however many reads there are', async () => {
    // Given a healthy shop
    t = await startTestShop();
    // When five reads arrive within one second, then one more a second later
    for (let i = 0; i < 5; i += 1) await t.get('/products');
    t.clock.advance(1000);
    await t.get('/products');
    // Then the cache was written twice
    expect(t.cache.writes).toHaveLength(2);
  });

  it('falls back to the cache within the same request when the database call fails', async () => {
    // Given a cached catalogue and a database that has just gone away
    t = await startTestShop();
    t.cache.products = (await t.database.listProducts()).slice();
    t.database.down = true;
    // When products are listed
    const response = await t.get('/products');
    // Then the customer sees the cached products, not an error
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ count: 10, source: 'cache' });
    expect(response.headers.get('x-shop-source')).toBe('cache');
  });

  it('answers 503 with a clear message when the database fails and the cache is empty', async () => {
    // Given an empty cache and a database that is away
    t = await startTestShop({ databaseAway: true });
    // When products are listed
    const response = await t.get('/products');
    // Then it is 503, saying both
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatch(/database unavailable.*the product cache is empty/);
  });

  it('answers 503 when the database and the cache both fail', async () => {
    // Given a database that is away and a failing cache
    t = await startTestShop({ databaseAway: true });
    t.cache.failing = true;
    // When products are listed
    const response = await t.get('/products');
    // Then it is 503, naming the cache failure
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatch(/product cache failed too/);
  });

  it('reads from the cache without touching the database while the breaker is open', async () => {
    // Given an open breaker and a cached catalogue
    t = await startTestShop();
    t.cache.products = [{ id: 1, name: 'Cached', priceCents: 1, stock: 1 }];
    await openBreaker();
    const callsBefore = t.database.calls;
    // When products are listed
    const response = await t.get('/products');
    // Then the cache answered and the database was not called
    expect(await response.json()).toMatchObject({ source: 'cache', count: 1 });
    expect(t.database.calls).toBe(callsBefore);
  });

  it('serves the cache while the database is still initializing', async () => {
    // Given a shop still initializing and a cached catalogue
    t = await startTestShop({ ready: false });
    t.cache.products = [{ id: 1, name: 'Cached', priceCents: 1, stock: 1 }];
    // When products are listed
    const response = await t.get('/products');
    // Then the cache answered and the database was not called
    expect(await response.json()).toMatchObject({ source: 'cache' });
    expect(t.database.calls).toBe(0);
  });

  it('goes back to the database once a probe after the recovery timeout succeeds', async () => {
    // Given an open breaker, a warm cache and a database that has come back
    t = await startTestShop();
    await t.get('/products');
    await openBreaker();
    t.database.down = false;
    // When the recovery timeout passes and products are listed
    t.clock.advance(30_000);
    const response = await t.get('/products');
    // Then the database answered and the breaker closed
    expect(await response.json()).toMatchObject({ source: 'database' });
    expect(t.shop.breakerState()).toBe('CLOSED');
  });

  it('answers 500 in the fragile build when the database fails, and never reads the cache', async () => {
    // Given the fragile build, a filled cache, and a database that is away
    t = await startTestShop({ config: { enableDegradation: false }, databaseAway: true });
    t.cache.products = [{ id: 1, name: 'Cached', priceCents: 1, stock: 1 }];
    // When products are listed
    const response = await t.get('/products');
    // Then it is a 500
    expect(response.status).toBe(500);
  });
});

describe('POST /orders', () => {
  it('commits an order and takes the stock', async () => {
    // Given a healthy shop with 10 of product 2
    t = await startTestShop();
    // When 3 are ordered
    const order = { productId: 2, quantity: 3, orderId: 'o-1', runId: 'run-1' };
    const response = await t.postOrder(order);
    // Then it is 201 committed and 7 remain
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ ...committedDirectly(order), duplicate: false });
    expect(t.database.products.get(2)?.stock).toBe(7);
  });

  it('generates an orderId when the client sent none', async () => {
    // Given a healthy shop
    t = await startTestShop();
    // When an order without orderId is placed
    const response = await t.postOrder({ productId: 1, quantity: 1 });
    // Then the generated id is returned
    expect(await response.json()).toMatchObject({ status: 'committed', orderId: 'generated-order-id' });
  });

  it.each([
    {
      status: 409,
      when: 'when stock is short',
      order: { productId: 1, quantity: 11, orderId: 'o-short', runId: 'run-1' },
      reason: 'insufficient_stock',
    },
    {
      status: 404,
      when: 'for an unknown product',
      order: { productId: 99, quantity: 1, orderId: 'o-unknown' },
      reason: 'unknown_product',
    },
  ])('answers $status and records the rejection $when', async ({ status, order, reason }) => {
    // Given a catalogue of ten products, 10 of each in stock
    t = await startTestShop();
    // When more than the stock, or a product not in it, is ordered
    const response = await t.postOrder(order);
    // Then it is rejected with its status and reason, and the rejection is recorded
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ status: 'rejected', reason, orderId: order.orderId });
    expect(t.database.orders.get(order.orderId)?.status).toBe('rejected');
  });

  it('commits the same orderId once and answers the repeat with the first outcome', async () => {
    // Given an order already committed
    t = await startTestShop();
    await t.postOrder({ productId: 3, quantity: 2, orderId: 'o-twice' });
    // When the same orderId arrives again
    const response = await t.postOrder({ productId: 3, quantity: 2, orderId: 'o-twice' });
    // Then it is the first outcome, flagged as a duplicate, and stock moved once
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ status: 'committed', duplicate: true });
    expect(t.database.products.get(3)?.stock).toBe(8);
  });

  it('queues the order and answers 202 when the database call fails', async () => {
    // Given a database that is away
    t = await startTestShop({ databaseAway: true });
    // When an order is placed
    const response = await t.postOrder({ productId: 4, quantity: 2, orderId: 'o-queued', runId: 'run-9' });
    // Then it is 202 accepted and the queue holds the message the worker expects
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'accepted', orderId: 'o-queued' });
    expect(t.queue.sent).toEqual([
      {
        orderId: 'o-queued',
        productId: 4,
        quantity: 2,
        runId: 'run-9',
        acceptedAt: new Date(t.clock.nowMs).toISOString(),
      },
    ]);
  });

  it('queues without touching the database while the breaker is open', async () => {
    // Given an open breaker
    t = await startTestShop();
    await openBreaker();
    const callsBefore = t.database.calls;
    // When an order is placed
    const response = await t.postOrder({ productId: 1, quantity: 1, orderId: 'o-fast' });
    // Then it is queued and the database was not called
    expect(response.status).toBe(202);
    expect(t.database.calls).toBe(callsBefore);
  });

  it('answers 503 when the database and the queue both fail', async () => {
    // Given a database that is away and a failing queue
    t = await startTestShop({ databaseAway: true });
    t.queue.failing = true;
    // When an order is placed
    const response = await t.postOrder({ productId: 1, quantity: 1, orderId: 'o-lost' });
    // Then it is 503, naming the order and both failures
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.orderId).toBe('o-lost');
    expect(body.error).toMatch(/database unavailable.*order queue unavailable/);
  });

  it('answers 500 in the fragile build when the database fails, and queues nothing', async () => {
    // Given the fragile build and a database that is away
    t = await startTestShop({ config: { enableDegradation: false }, databaseAway: true });
    // When an order is placed
    const response = await t.postOrder({ productId: 1, quantity: 1 });
    // Then it is a 500 and nothing was queued
    expect(response.status).toBe(500);
    expect(t.queue.sent).toHaveLength(0);
  });

  it('answers 500 without queueing when the database fails with a defect rather than an outage', async () => {
    // Given a database call that fails with a programming error
    t = await startTestShop();
    t.database.defect = new Error('column "quantiy" does not exist');
    // When an order is placed
    const response = await t.postOrder({ productId: 1, quantity: 1 });
    // Then it is a 500 that does not leak the error, and nothing was queued
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'internal error', servedBy: 'test-shop' });
    expect(t.queue.sent).toHaveLength(0);
  });
});

describe('GET /orders/:orderId', () => {
  it('returns a recorded order', async () => {
    // Given a committed order
    t = await startTestShop();
    const order = { productId: 5, quantity: 1, orderId: 'o-look', runId: 'run-1' };
    await t.postOrder(order);
    // When it is looked up
    const response = await t.get('/orders/o-look');
    // Then its record comes back
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject(committedDirectly(order));
  });

  it('answers 200 unknown for an order the database has not seen', async () => {
    // Given a healthy shop
    t = await startTestShop();
    // When an unseen order is looked up
    const response = await t.get('/orders/never-placed');
    // Then it is unknown, not an error: it may still be in the queue
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ orderId: 'never-placed', status: 'unknown', servedBy: 'test-shop' });
  });

  it('answers 503 while the database is away', async () => {
    // Given a database that is away
    t = await startTestShop({ databaseAway: true });
    // When an order is looked up
    const response = await t.get('/orders/o-1');
    // Then it is 503, saying the database is unavailable
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatch(/database unavailable/);
  });
});

describe('GET /runs/:runId/orders', () => {
  it('counts committed and rejected orders of the run and the committed quantity', async () => {
    // Given two committed orders and one rejection in run-1, and one order in another run
    t = await startTestShop();
    await t.postOrder({ productId: 1, quantity: 2, orderId: 'a', runId: 'run-1' });
    await t.postOrder({ productId: 2, quantity: 3, orderId: 'b', runId: 'run-1' });
    await t.postOrder({ productId: 99, quantity: 1, orderId: 'c', runId: 'run-1' });
    await t.postOrder({ productId: 1, quantity: 1, orderId: 'd', runId: 'run-2' });
    // When run-1 is counted
    const response = await t.get('/runs/run-1/orders');
    // Then only its orders count
    expect(await response.json()).toEqual({
      runId: 'run-1',
      committed: 2,
      rejected: 1,
      committedQuantity: 5,
      viaQueue: 0,
      lastViaQueueAt: null,
      servedBy: 'test-shop',
    });
  });

  it('answers 503 while the database is away', async () => {
    // Given a database that is away
    t = await startTestShop({ databaseAway: true });
    // When a run is counted
    const response = await t.get('/runs/run-1/orders');
    // Then it is 503
    expect(response.status).toBe(503);
  });
});

describe('unknown routes', () => {
  it('answer 404 in JSON', async () => {
    // Given a shop
    t = await startTestShop();
    // When an unknown path is requested
    const response = await t.get('/admin');
    // Then it is a JSON 404
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'no route for GET /admin' });
  });
});
