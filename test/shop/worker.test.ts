import { silentLogger } from '../../shop/ports';
import { createOrderWorker } from '../../shop/worker';
import { FakeDatabase } from './fakes';
import { sqsEvent as eventOf, sqsRecord as record } from './sqs-records';

function orderBody(orderId: string, productId = 1, quantity = 1): string {
  return JSON.stringify({ orderId, productId, quantity, runId: 'run-1', acceptedAt: '2026-11-27T02:00:00.000Z' });
}

async function seeded(): Promise<FakeDatabase> {
  const database = new FakeDatabase();
  await database.initialize(5);
  return database;
}

describe('the recovery worker', () => {
  it('reports a malformed message as a failure and still processes the rest of the batch', async () => {
    // Given a batch with a malformed message and a good one
    const database = await seeded();
    const worker = createOrderWorker({ store: database, logger: silentLogger });
    // When it is processed
    const response = await worker(eventOf(record('m-bad', '{"productId": "one"}'), record('m-good', orderBody('o-1'))));
    // Then only the malformed one is reported, and the good one was committed
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    expect(database.orders.get('o-1')?.status).toBe('committed');
  });

  it('logs why a malformed message was left for the DLQ', async () => {
    // Given a worker with a recording logger
    const errors: Array<Record<string, unknown> | undefined> = [];
    const worker = createOrderWorker({
      store: await seeded(),
      logger: { ...silentLogger, error: (_message, fields) => errors.push(fields) },
    });
    // When a message that is not JSON arrives
    await worker(eventOf(record('m-bad', 'not json')));
    // Then the message and the problem are logged
    expect(errors).toEqual([{ messageId: 'm-bad', problems: 'body is not valid JSON' }]);
  });

  it('records an order through the queue path', async () => {
    // Given a healthy database
    const database = await seeded();
    const worker = createOrderWorker({ store: database, logger: silentLogger });
    // When a queued order is processed
    await worker(eventOf(record('m-1', orderBody('o-q'))));
    // Then it is recorded as carried by the queue
    expect(database.orders.get('o-q')?.via).toBe('queue');
  });

  it('fails the rest of the batch without calling the database once it is known to be away', async () => {
    // Given a database that is away and a batch of three
    const database = await seeded();
    database.down = true;
    const worker = createOrderWorker({ store: database, logger: silentLogger });
    // When the batch is processed
    const response = await worker(
      eventOf(record('m-1', orderBody('o-1')), record('m-2', orderBody('o-2')), record('m-3', orderBody('o-3'))),
    );
    // Then all three are reported and the database was tried once
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(database.calls).toBe(1);
  });

  it('reports a message whose transaction fails with a defect, so it is retried and then dead-lettered', async () => {
    // Given a database call that fails with a programming error
    const database = await seeded();
    database.defect = new Error('column "quantiy" does not exist');
    const worker = createOrderWorker({ store: database, logger: silentLogger });
    // When a message is processed
    const response = await worker(eventOf(record('m-1', orderBody('o-1'))));
    // Then it is reported
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });
});
