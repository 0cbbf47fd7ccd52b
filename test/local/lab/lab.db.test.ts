// The embedded lab end to end: a real database behind the fault proxy, real SQS and DynamoDB emulators.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Client } from 'pg';
import { startLab, type Lab } from '../../../local/lab/lab';

jest.setTimeout(120_000);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

function postOrder(lab: Lab, body: unknown): Promise<Response> {
  return fetch(`${lab.shopUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function sql<T extends Record<string, unknown>>(lab: Lab, text: string, values: unknown[] = []): Promise<T[]> {
  // Straight to the database, not through the proxy: the test's view of the truth.
  const client = new Client({ connectionString: lab.database.url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function totalDepth(lab: Lab, url: string): Promise<number> {
  const d = await lab.queues.depth(url);
  return d.visible + d.inFlight + d.delayed;
}

/** Puts one order message on the lab's queue, as the shop does when the database is away; `times` sends it again. */
async function queueOrder(
  lab: Lab,
  order: { orderId: string; productId: number; quantity: number; runId: string },
  times = 1,
): Promise<void> {
  const body = JSON.stringify({ ...order, acceptedAt: new Date().toISOString() });
  for (let i = 0; i < times; i++)
    await lab.queues.client.send(new SendMessageCommand({ QueueUrl: lab.queues.queueUrl, MessageBody: body }));
}

function failedDeliveries(lab: Lab): number {
  const stats = lab.poller!.stats();
  return stats.reportedFailures + stats.handlerErrors;
}

describe('the resilient lab through a database outage', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ breakerRecoveryTimeoutMs: 500, registrationDelayMs: 200, visibilityTimeoutSeconds: 1 });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('serves reads from the cache, queues orders, then commits every accepted order exactly once', async () => {
    // Given a warm cache and the stock before the outage
    expect((await json(await fetch(`${lab.shopUrl}/products`))).source).toBe('database');
    const stockBefore = await sql<{ total: string }>(lab, 'SELECT sum(stock)::text AS total FROM products');

    // When the proxy target is deregistered
    lab.proxy.deregister();
    const reads = await Promise.all(Array.from({ length: 10 }, () => fetch(`${lab.shopUrl}/products`)));
    const orders: Response[] = [];
    for (let i = 0; i < 12; i++)
      orders.push(
        await postOrder(lab, { productId: 1 + (i % 3), quantity: 2, orderId: `outage-${i}`, runId: 'lab-outage' }),
      );

    // Then every read is served, from the cache, and every order is accepted into the queue
    expect(reads.map((r) => r.status)).toEqual(Array(10).fill(200));
    const sources = await Promise.all(reads.map(async (r) => (await json(r)).source));
    expect(new Set(sources)).toEqual(new Set(['cache']));
    expect(orders.map((r) => r.status)).toEqual(Array(12).fill(202));
    // And the lab recorded when the breaker opened (what a local run times the outage by)
    expect(lab.breakerTransitions).toContainEqual(expect.objectContaining({ from: 'CLOSED', to: 'OPEN' }));

    // When the target comes back
    lab.proxy.register();

    // Then the worker drains the queue and the run's orders are all committed, once each
    await waitFor('all orders committed', async () => {
      const counts = await json(await fetch(`${lab.shopUrl}/runs/lab-outage/orders`));
      return counts.committed === 12;
    });
    await waitFor('queue drained', async () => (await totalDepth(lab, lab.queues.queueUrl)) === 0);
    const rows = await sql<{ order_id: string }>(lab, "SELECT order_id FROM orders WHERE run_id = 'lab-outage'");
    expect(rows).toHaveLength(12);
    expect(await totalDepth(lab, lab.queues.dlqUrl)).toBe(0);
    // And stock moved by exactly the committed quantity
    const stockAfter = await sql<{ total: string }>(lab, 'SELECT sum(stock)::text AS total FROM products');
    expect(Number(stockBefore[0].total) - Number(stockAfter[0].total)).toBe(24);
    // And reads come from the database again once the breaker closes
    await waitFor(
      'database reads',
      async () => (await json(await fetch(`${lab.shopUrl}/products`))).source === 'database',
    );
  });

  it('commits a message delivered twice only once', async () => {
    // Given one order message sent to the queue twice
    const [before] = await sql<{ stock: number }>(lab, 'SELECT stock FROM products WHERE id = 4');
    await queueOrder(lab, { orderId: 'dup-1', productId: 4, quantity: 3, runId: 'lab-dup' }, 2);

    // When the worker has processed both
    await waitFor('queue drained', async () => (await totalDepth(lab, lab.queues.queueUrl)) === 0);

    // Then one order row exists and stock moved once
    const rows = await sql(lab, "SELECT * FROM orders WHERE order_id = 'dup-1'");
    expect(rows).toHaveLength(1);
    const [after] = await sql<{ stock: number }>(lab, 'SELECT stock FROM products WHERE id = 4');
    expect(before.stock - after.stock).toBe(3);
  });

  it('records a business rejection and never retries it', async () => {
    // Given an order for a product that does not exist, queued
    await queueOrder(lab, { orderId: 'unknown-product-1', productId: 999, quantity: 1, runId: 'lab-reject' });

    // When the worker has seen it
    await waitFor(
      'rejection recorded',
      async () => (await json(await fetch(`${lab.shopUrl}/runs/lab-reject/orders`))).rejected === 1,
    );
    await waitFor('queue drained', async () => (await totalDepth(lab, lab.queues.queueUrl)) === 0);

    // Then it is rejected, off the queue and not in the DLQ
    expect(await totalDepth(lab, lab.queues.dlqUrl)).toBe(0);
    const [row] = await sql<{ status: string }>(lab, "SELECT status FROM orders WHERE order_id = 'unknown-product-1'");
    expect(row.status).toBe('rejected');
  });

  it('retries a transient failure until the message reaches the DLQ after 10 receives', async () => {
    // Given the database is gone and one order is queued
    lab.proxy.deregister();
    const failuresBefore = failedDeliveries(lab);
    try {
      await queueOrder(lab, { orderId: 'transient-1', productId: 5, quantity: 1, runId: 'lab-transient' });

      // When the outage outlasts maxReceiveCount x visibility timeout
      await waitFor('message in the DLQ', async () => (await totalDepth(lab, lab.queues.dlqUrl)) === 1, 60_000);

      // Then the worker failed each of the maxReceiveCount (10) deliveries SQS made before it gave up, and
      // the message left the order queue. The last delivery may still be failing when the message reaches
      // the DLQ: a hung connection waits out the shop's 1 s connect timeout, as long as the visibility
      // timeout. (Not "exactly" 10: SQS hands the message out again while such a delivery still fails.)
      await waitFor('10 failed deliveries', async () => failedDeliveries(lab) - failuresBefore >= 10, 10_000);
      expect(await totalDepth(lab, lab.queues.queueUrl)).toBe(0);
    } finally {
      lab.proxy.register();
    }
    await waitFor('target available', async () => lab.proxy.state === 'AVAILABLE');
    expect(await sql(lab, "SELECT * FROM orders WHERE order_id = 'transient-1'")).toHaveLength(0);
  });
});

describe('the fragile lab through a database outage', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ degradation: false, registrationDelayMs: 200 });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('answers 500 to reads and orders while the database is gone', async () => {
    // Given the fragile build serves from the database
    expect((await fetch(`${lab.shopUrl}/products`)).status).toBe(200);

    // When the proxy target is deregistered
    lab.proxy.deregister();
    const read = await fetch(`${lab.shopUrl}/products`);
    const order = await postOrder(lab, { productId: 1, quantity: 1 });
    lab.proxy.register();

    // Then both fail with a server error
    expect(read.status).toBe(500);
    expect(order.status).toBe(500);
    // And no queue was used
    expect(await totalDepth(lab, lab.queues.queueUrl)).toBe(0);
  });
});
