import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsOrderQueue } from '../../../shop/adapters/sqs-order-queue';
import { QueueUnavailable } from '../../../shop/core/errors';

const sqs = mockClient(SQSClient);
const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
const queue = new SqsOrderQueue({ client: new SQSClient({}), queueUrl });

/** Three of product 2, accepted at the start of the run `runId`. */
const order = (runId: string | null) => ({
  orderId: 'o-1',
  productId: 2,
  quantity: 3,
  runId,
  acceptedAt: '2026-11-27T02:00:00.000Z',
});

beforeEach(() => sqs.reset());

describe('SqsOrderQueue', () => {
  it('sends the documented message body to the queue', async () => {
    // Given a queue that accepts messages
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    // When an order is sent
    await queue.send(order('run-1'));
    // Then the body carries exactly orderId, productId, quantity, runId and acceptedAt
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: queueUrl,
      MessageBody:
        '{"orderId":"o-1","productId":2,"quantity":3,"runId":"run-1","acceptedAt":"2026-11-27T02:00:00.000Z"}',
    });
  });

  it('writes a missing runId as null so the body always has the same keys', async () => {
    // Given a queue that accepts messages
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    // When an order without a run is sent
    await queue.send(order(null));
    // Then runId is null in the body
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody!)).toHaveProperty(
      'runId',
      null,
    );
  });

  it('wraps an SDK error in QueueUnavailable naming the order', async () => {
    // Given a queue that does not exist
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' }));
    // When an order is sent, then the error is typed and names the order
    const failure = queue.send({
      orderId: 'o-9',
      productId: 1,
      quantity: 1,
      runId: null,
      acceptedAt: '2026-11-27T02:00:00.000Z',
    });
    await expect(failure).rejects.toBeInstanceOf(QueueUnavailable);
    await expect(failure).rejects.toThrow(/order o-9 failed: QueueDoesNotExist/);
  });
});
