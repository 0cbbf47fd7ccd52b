import { databaseForFile } from '../../support/database';
import { createPostgresPool, PostgresShopDatabase } from '../../../shop/adapters/postgres-store';
import { DatabaseUnavailable } from '../../../shop/core/errors';
import type { OrderRequest } from '../../../shop/core/orders';
import { silentLogger, type ShopLogger } from '../../../shop/ports';
import { deferred } from '../fakes';
import { closedPort, DatabaseRelay, dropShopTables, withPort } from '../network';

const database = databaseForFile();
let store: PostgresShopDatabase;

function storeFor(url: string, logger: ShopLogger = silentLogger): PostgresShopDatabase {
  return new PostgresShopDatabase(
    createPostgresPool({ databaseUrl: url, connectTimeoutMs: 1000, statementTimeoutMs: 5000, poolSize: 8 }, logger),
  );
}

/** Each test starts from a freshly seeded catalogue with 5 of everything. */
beforeEach(async () => {
  store = storeFor(database.url);
  await store.initialize(5);
  await store.initialize(5);
});
afterEach(async () => {
  await store.close();
  // A fresh catalogue per test without a fresh database (which costs seconds on PGlite).
  await dropShopTables(database.url);
});

function order(orderId: string, productId = 1, quantity = 1, runId: string | null = 'run-1'): OrderRequest {
  return { orderId, productId, quantity, runId };
}

async function stockOf(productId: number): Promise<number | undefined> {
  return (await store.listProducts()).find((p) => p.id === productId)?.stock;
}

describe('PostgresShopDatabase against a real database', () => {
  it('seeds ten products with the configured stock, idempotently', async () => {
    // Given a schema initialized twice (beforeEach)
    // When the products are listed
    const products = await store.listProducts();
    // Then there are ten, ids 1..10, each with 5 in stock
    expect(products.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(products.every((p) => p.stock === 5 && p.priceCents > 0 && p.name.length > 0)).toBe(true);
  });

  it('does not restock when initialized again after orders', async () => {
    // Given an order that took 2 of product 1
    await store.placeOrder(order('o-1', 1, 2), 'direct');
    // When the schema is initialized again (another instance starting)
    await store.initialize(5);
    // Then the stock is still 3
    expect(await stockOf(1)).toBe(3);
  });

  it('commits an order, takes the stock and records it', async () => {
    // Given 5 of product 2
    // When 3 are ordered
    const placed = await store.placeOrder(order('o-commit', 2, 3), 'direct');
    // Then it is committed, 2 remain, and the record says so
    expect(placed).toMatchObject({
      duplicate: false,
      order: { orderId: 'o-commit', status: 'committed', reason: null, via: 'direct', runId: 'run-1' },
    });
    expect(await stockOf(2)).toBe(2);
    expect(await store.getOrder('o-commit')).toMatchObject({ status: 'committed', productId: 2, quantity: 3 });
  });

  it('records a stock-out as rejected and leaves the stock alone', async () => {
    // Given 5 of product 3
    // When 6 are ordered
    const placed = await store.placeOrder(order('o-short', 3, 6), 'direct');
    // Then it is rejected for stock, and all 5 remain
    expect(placed.order).toMatchObject({ status: 'rejected', reason: 'insufficient_stock' });
    expect(await stockOf(3)).toBe(5);
    expect(await store.getOrder('o-short')).toMatchObject({ status: 'rejected', reason: 'insufficient_stock' });
  });

  it('records an order for an unknown product as rejected', async () => {
    // Given no product 42
    // When it is ordered
    const placed = await store.placeOrder(order('o-unknown', 42, 1), 'direct');
    // Then it is rejected as unknown_product
    expect(placed.order).toMatchObject({ status: 'rejected', reason: 'unknown_product', productId: 42 });
  });

  it('commits the same orderId once and returns the first outcome to the repeat', async () => {
    // Given an order committed by the direct path
    await store.placeOrder(order('o-twice', 4, 2), 'direct');
    // When the same orderId arrives through the queue
    const repeat = await store.placeOrder(order('o-twice', 4, 2), 'queue');
    // Then the repeat is the first outcome, and stock moved once
    expect(repeat).toMatchObject({ duplicate: true, order: { status: 'committed', via: 'direct' } });
    expect(await stockOf(4)).toBe(3);
  });

  it('commits the same orderId once when copies arrive concurrently', async () => {
    // Given eight copies of one order in flight at once
    const copies = Array.from({ length: 8 }, (_, i) =>
      store.placeOrder(order('o-race', 5, 1), i % 2 === 0 ? 'direct' : 'queue'),
    );
    // When they all settle
    const results = await Promise.all(copies);
    // Then exactly one was first, the others saw it as a duplicate, and stock moved once
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.every((r) => r.order.status === 'committed')).toBe(true);
    expect(await stockOf(5)).toBe(4);
  });

  it('never oversells under concurrent orders for the last units', async () => {
    // Given 5 of product 6 and ten concurrent orders of one each
    const orders = Array.from({ length: 10 }, (_, i) => store.placeOrder(order(`o-last-${i}`, 6, 1), 'direct'));
    // When they all settle
    const results = await Promise.all(orders);
    // Then five committed, five were rejected for stock, and none is left
    expect(results.filter((r) => r.order.status === 'committed')).toHaveLength(5);
    expect(results.filter((r) => r.order.reason === 'insufficient_stock')).toHaveLength(5);
    expect(await stockOf(6)).toBe(0);
  });

  it('counts the orders of a run', async () => {
    // Given two committed orders and one rejection in run-a, and one order in run-b
    await store.placeOrder(order('a-1', 1, 2, 'run-a'), 'direct');
    await store.placeOrder(order('a-2', 2, 1, 'run-a'), 'queue');
    await store.placeOrder(order('a-3', 99, 1, 'run-a'), 'direct');
    await store.placeOrder(order('b-1', 1, 1, 'run-b'), 'direct');
    // When run-a is counted
    const counts = await store.countRunOrders('run-a');
    // Then only its orders count, and the queued one is named with the time it was recorded
    const queued = await store.getOrder('a-2');
    expect(counts).toEqual({
      runId: 'run-a',
      committed: 2,
      rejected: 1,
      committedQuantity: 3,
      viaQueue: 1,
      lastViaQueueAt: queued?.createdAt,
    });
  });

  it('names the last order the queue delivered for a run', async () => {
    // Given two orders of run-q that came through the queue, one after the other, and a direct one after both
    await store.placeOrder(order('q-1', 1, 1, 'run-q'), 'queue');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.placeOrder(order('q-2', 2, 1, 'run-q'), 'queue');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.placeOrder(order('q-3', 2, 1, 'run-q'), 'direct');
    // When run-q is counted
    const counts = await store.countRunOrders('run-q');
    // Then the last queued order's time is the drain moment, and the direct order does not move it
    const last = await store.getOrder('q-2');
    expect(counts.viaQueue).toBe(2);
    expect(counts.lastViaQueueAt).toBe(last?.createdAt);
    expect(Date.parse(counts.lastViaQueueAt as string)).toBeLessThan(
      Date.parse((await store.getOrder('q-3'))?.createdAt as string),
    );
  });

  it('returns zero counts for a run without orders', async () => {
    // Given / When an unknown run is counted / Then every count is zero
    expect(await store.countRunOrders('no-such-run')).toEqual({
      runId: 'no-such-run',
      committed: 0,
      rejected: 0,
      committedQuantity: 0,
      viaQueue: 0,
      lastViaQueueAt: null,
    });
  });

  it('returns null for an order it has never seen', async () => {
    // Given / When an unseen order is looked up / Then it is null
    expect(await store.getOrder('never')).toBeNull();
  });
});

describe('PostgresShopDatabase when the database is away', () => {
  it('surfaces a refused connection as DatabaseUnavailable', async () => {
    // Given a store pointed at a closed port
    const away = storeFor(withPort(database.url, await closedPort()));
    // When an order is placed
    const attempt = away.placeOrder(order('o-away'), 'direct');
    // Then it fails with DatabaseUnavailable
    await expect(attempt).rejects.toBeInstanceOf(DatabaseUnavailable);
    await away.close();
  });

  it('surfaces a failed initialization as DatabaseUnavailable', async () => {
    // Given a store pointed at a closed port
    const away = storeFor(withPort(database.url, await closedPort()));
    // When it initializes, then it fails with DatabaseUnavailable
    await expect(away.initialize(5)).rejects.toBeInstanceOf(DatabaseUnavailable);
    await away.close();
  });

  it('survives a dropped idle connection and serves again once the database is back', async () => {
    // Given a store with an idle pooled connection through a relay
    const relay = new DatabaseRelay(database.host, database.port);
    const dropLogged = deferred<string>();
    const flaky = storeFor(withPort(database.url, await relay.start()), {
      ...silentLogger,
      warn: (message) => dropLogged.resolve(message),
    });
    try {
      await flaky.listProducts();
      // When the relay drops every connection, and comes back once the pool has noticed
      relay.down();
      const logged = await dropLogged.promise;
      const duringOutage = flaky.listProducts();
      await expect(duringOutage).rejects.toBeInstanceOf(DatabaseUnavailable);
      relay.up();
      const afterwards = await flaky.listProducts();
      // Then the drop was logged rather than thrown, and the store serves again
      expect(logged).toBe('idle database connection failed');
      expect(afterwards).toHaveLength(10);
    } finally {
      await flaky.close();
      await relay.stop();
    }
  });
});
