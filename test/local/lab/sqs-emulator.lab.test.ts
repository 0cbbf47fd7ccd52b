// The SQS emulator process: the order queue and its DLQ, spoken to with the real SDK client.
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startQueues, type LabQueues } from '../../../local/lab/sqs-emulator';

// The emulator starts as a child process.
jest.setTimeout(30_000);

describe('startQueues', () => {
  let queues: LabQueues;
  beforeAll(async () => {
    queues = await startQueues({ visibilityTimeoutSeconds: 7, maxReceiveCount: 4 });
  });
  afterAll(async () => {
    await queues?.stop();
  });

  it('creates the order queue with a redrive policy to its DLQ', async () => {
    // When the queue's attributes are read
    const { Attributes } = await queues.client.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['All'] }),
    );
    // Then the redrive policy names the DLQ and the receive budget
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: queues.dlqArn, maxReceiveCount: 4 });
    expect(Attributes!.VisibilityTimeout).toBe('7');
  });

  it('counts a sent message as visible', async () => {
    // Given one message sent
    await queues.client.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{}' }));
    // Then the depth shows it
    expect(await queues.depth(queues.queueUrl)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    expect(await queues.depth(queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
