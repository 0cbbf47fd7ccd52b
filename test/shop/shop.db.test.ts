import type { ShopConfig } from '../../shop/config';
import { silentLogger } from '../../shop/ports';
import { createShop, type Shop } from '../../shop/shop';
import { databaseForFile } from '../support/database';
import { FakeCache, FakeQueue } from './fakes';
import { testConfig } from './harness';
import { closedPort, DatabaseRelay, dropShopTables, withPort } from './network';
import { sqsEvent, sqsRecord } from './sqs-records';

const database = databaseForFile();
let relay: DatabaseRelay;
let shop: Shop | undefined;
let cache: FakeCache;
let queue: FakeQueue;

beforeEach(async () => {
  relay = new DatabaseRelay(database.host, database.port);
  cache = new FakeCache();
  queue = new FakeQueue();
});
afterEach(async () => {
  await shop?.close();
  shop = undefined;
  await relay.stop();
  await dropShopTables(database.url);
});

async function shopThroughRelay(overrides: Partial<ShopConfig> = {}): Promise<Shop> {
  const config = testConfig({
    databaseUrl: withPort(database.url, await relay.start()),
    dbConnectTimeoutMs: 1000,
    initRetry: { initialDelayMs: 10, maxDelayMs: 50 },
    ...overrides,
  });
  shop = createShop(config, { cache, queue, logger: silentLogger });
  return shop;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

function postOrder(target: Shop, body: Record<string, unknown>): Promise<Response> {
  return Promise.resolve(
    target.app.request('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

describe('the Chaos Shop on a real database', () => {
  it('answers /health at once while the database is unreachable, and comes up when the database does', async () => {
    // Given a database that refuses connections when the shop starts
    relay.down();
    const started = await shopThroughRelay();
    // When health is asked before the database is reachable
    const early = await json(await started.app.request('/health'));
    // And the database becomes reachable
    relay.up();
    await started.ready();
    // Then health answered "initializing" at first, the shop initialized on its own, and serves from the database
    expect(early).toMatchObject({ status: 'ok', database: 'initializing' });
    expect(await json(await started.app.request('/health'))).toMatchObject({ database: 'ready', breaker: 'CLOSED' });
    expect(await json(await started.app.request('/products'))).toMatchObject({ source: 'database', count: 10 });
  });

  it('commits an order over HTTP and counts it for its run', async () => {
    // Given a ready shop
    const ready = await shopThroughRelay();
    await ready.ready();
    // When an order is placed and its run counted
    const placed = await postOrder(ready, { productId: 1, quantity: 4, orderId: 'o-http', runId: 'run-http' });
    const lookedUp = await json(await ready.app.request('/orders/o-http'));
    const counts = await json(await ready.app.request('/runs/run-http/orders'));
    // Then it was committed, can be looked up, and counts once
    expect(placed.status).toBe(201);
    expect(lookedUp).toMatchObject({ orderId: 'o-http', status: 'committed' });
    expect(counts).toMatchObject({ committed: 1, rejected: 0, committedQuantity: 4 });
  });

  it('stays useful through an outage and loses no order: cache reads, queued writes, drained once afterwards', async () => {
    // Given a ready shop whose cache was warmed by a read
    const resilient = await shopThroughRelay();
    await resilient.ready();
    await resilient.app.request('/products');
    // When the database goes away, a customer reads and orders
    relay.down();
    const read = await resilient.app.request('/products');
    const order = await postOrder(resilient, { productId: 2, quantity: 3, orderId: 'o-outage', runId: 'run-outage' });
    // And the database comes back and the queued message is delivered twice
    relay.up();
    const delivery = sqsRecord('m-1', JSON.stringify(queue.sent[0]));
    const first = await resilient.worker(sqsEvent(delivery));
    const second = await resilient.worker(sqsEvent(delivery));
    // Then the read came from the cache, the order was accepted, and it was committed exactly once
    expect(read.status).toBe(200);
    expect(await json(read)).toMatchObject({ source: 'cache' });
    expect(order.status).toBe(202);
    expect([first, second]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const counts = await json(await resilient.app.request('/runs/run-outage/orders'));
    expect(counts).toMatchObject({ committed: 1, committedQuantity: 3, viaQueue: 1 });
    expect(counts.lastViaQueueAt).toBe((await json(await resilient.app.request('/orders/o-outage'))).createdAt);
    const products = (await json(await resilient.app.request('/products'))).products as Array<{
      id: number;
      stock: number;
    }>;
    expect(products.find((p) => p.id === 2)?.stock).toBe(7);
  });

  it('opens the breaker after three failed calls and then stops calling the database', async () => {
    // Given a ready shop and a database that has gone away
    const guarded = await shopThroughRelay();
    await guarded.ready();
    relay.down();
    // When three orders fail over to the queue
    for (let i = 0; i < 3; i += 1) await postOrder(guarded, { productId: 1, quantity: 1 });
    // Then the breaker is open and the next order is queued without a connection attempt
    expect(guarded.breakerState()).toBe('OPEN');
    const refusedBefore = relay.refused;
    expect((await postOrder(guarded, { productId: 1, quantity: 1 })).status).toBe(202);
    expect(relay.refused).toBe(refusedBefore);
  });

  it('gives the fragile build a 500 during an outage', async () => {
    // Given the fragile build, ready, and a database that has gone away
    const fragile = await shopThroughRelay({ enableDegradation: false });
    await fragile.ready();
    relay.down();
    // When a customer reads and orders
    const read = await fragile.app.request('/products');
    const order = await postOrder(fragile, { productId: 1, quantity: 1 });
    // Then both are 500s and nothing was queued or cached
    expect([read.status, order.status]).toEqual([500, 500]);
    expect(queue.sent).toHaveLength(0);
  });

  it('answers 503, never 500, with its own AWS clients when nothing at all is reachable', async () => {
    // Given a shop built with its own pg Pool, DynamoDB and SQS clients, all pointed at closed ports
    const port = await closedPort();
    const saved = { ...process.env };
    process.env.AWS_ENDPOINT_URL_SQS = `http://127.0.0.1:${port}`;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${port}`;
    try {
      const config = testConfig({
        databaseUrl: withPort(database.url, port),
        orderQueueUrl: `http://127.0.0.1:${port}/000000000000/orders`,
        initRetry: { initialDelayMs: 50, maxDelayMs: 50 },
      });
      shop = createShop(config, { logger: silentLogger });
      // When a customer reads and orders
      const read = await shop.app.request('/products');
      const order = await postOrder(shop, { productId: 1, quantity: 1 });
      // Then both are 503s that say what failed
      expect([read.status, order.status]).toEqual([503, 503]);
      expect((await json(order)).error).toMatch(/order queue unavailable/);
    } finally {
      process.env = saved;
    }
  });
});
