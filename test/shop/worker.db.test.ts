import type { SQSRecord } from 'aws-lambda';
import { createPostgresPool, PostgresShopDatabase } from '../../shop/adapters/postgres-store';
import { silentLogger } from '../../shop/ports';
import { createOrderWorker, type OrderWorker } from '../../shop/worker';
import { databaseForFile } from '../support/database';
import { closedPort, dropShopTables, withPort } from './network';
import { sqsEvent as eventOf, sqsRecord } from './sqs-records';

const database = databaseForFile();
let store: PostgresShopDatabase;
let worker: OrderWorker;

beforeEach(async () => {
  store = storeFor(database.url);
  await store.initialize(5);
  worker = createOrderWorker({ store, logger: silentLogger });
});
afterEach(async () => {
  await store.close();
  await dropShopTables(database.url);
});

function storeFor(url: string): PostgresShopDatabase {
  return new PostgresShopDatabase(
    createPostgresPool(
      { databaseUrl: url, connectTimeoutMs: 1000, statementTimeoutMs: 5000, poolSize: 4 },
      silentLogger,
    ),
  );
}

function message(messageId: string, order: { orderId: string; productId: number; quantity: number }): SQSRecord {
  return sqsRecord(messageId, JSON.stringify({ ...order, runId: 'run-w', acceptedAt: '2026-11-27T02:00:00.000Z' }));
}

async function stockOf(productId: number): Promise<number | undefined> {
  return (await store.listProducts()).find((p) => p.id === productId)?.stock;
}

describe('the recovery worker against a real database', () => {
  it('commits a queued order and lets the message be deleted', async () => {
    // Given a queued order for 2 of product 1
    // When it is delivered
    const response = await worker(eventOf(message('m-1', { orderId: 'o-1', productId: 1, quantity: 2 })));
    // Then nothing is reported, the order is committed via the queue, and 3 remain
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await store.getOrder('o-1')).toMatchObject({ status: 'committed', via: 'queue', runId: 'run-w' });
    expect(await stockOf(1)).toBe(3);
  });

  it('commits a redelivered message once', async () => {
    // Given a message delivered once already
    const delivery = message('m-1', { orderId: 'o-again', productId: 2, quantity: 2 });
    await worker(eventOf(delivery));
    // When SQS delivers it again
    const response = await worker(eventOf(delivery));
    // Then the second delivery succeeds without taking stock again
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await stockOf(2)).toBe(3);
  });

  it('commits an order once when two deliveries run concurrently', async () => {
    // Given the same order in two concurrent invocations (two pollers got it)
    const order = { orderId: 'o-parallel', productId: 3, quantity: 1 };
    // When both run
    const responses = await Promise.all([
      worker(eventOf(message('m-a', order))),
      worker(eventOf(message('m-b', order))),
    ]);
    // Then both succeed and stock moved once
    expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(await stockOf(3)).toBe(4);
  });

  it('does not take stock again for an order the direct path already committed', async () => {
    // Given an order committed directly whose queued copy also exists (the commit's answer was lost)
    await store.placeOrder({ orderId: 'o-both', productId: 4, quantity: 1, runId: 'run-w' }, 'direct');
    // When the queued copy is delivered
    await worker(eventOf(message('m-1', { orderId: 'o-both', productId: 4, quantity: 1 })));
    // Then stock moved once and the record keeps the first path
    expect(await stockOf(4)).toBe(4);
    expect(await store.getOrder('o-both')).toMatchObject({ via: 'direct' });
  });

  it('records a stock-out as rejected and does not retry it', async () => {
    // Given an order for more than the 5 in stock
    // When it is delivered
    const response = await worker(eventOf(message('m-1', { orderId: 'o-short', productId: 5, quantity: 6 })));
    // Then the message is not reported (it is deleted) and the rejection is recorded
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await store.getOrder('o-short')).toMatchObject({ status: 'rejected', reason: 'insufficient_stock' });
  });

  it('records an unknown product as rejected and does not retry it', async () => {
    // Given an order for a product that does not exist
    // When it is delivered
    const response = await worker(eventOf(message('m-1', { orderId: 'o-unknown', productId: 77, quantity: 1 })));
    // Then the message is not reported and the rejection counts for the run
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await store.countRunOrders('run-w')).toMatchObject({ rejected: 1 });
  });

  it('reports every message for redelivery while the database is unreachable', async () => {
    // Given a worker whose database is a closed port
    const away = storeFor(withPort(database.url, await closedPort()));
    const awayWorker = createOrderWorker({ store: away, logger: silentLogger });
    // When a batch of two is delivered
    const response = await awayWorker(
      eventOf(
        message('m-1', { orderId: 'o-1', productId: 1, quantity: 1 }),
        message('m-2', { orderId: 'o-2', productId: 1, quantity: 1 }),
      ),
    );
    await away.close();
    // Then both are reported, so SQS redelivers them (and dead-letters them after maxReceiveCount)
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
  });
});
