// The order queue on SQS: one message per order the database could not take at once.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QueueUnavailable } from '../core/errors';
import type { QueuedOrder } from '../core/orders';
import type { OrderQueue } from '../ports';

export interface SqsOrderQueueProps {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

export class SqsOrderQueue implements OrderQueue {
  constructor(private readonly props: SqsOrderQueueProps) {}

  async send(order: QueuedOrder): Promise<void> {
    // Fixed key order, and runId null rather than absent: the worker and any reader see one shape.
    const body = JSON.stringify({
      orderId: order.orderId,
      productId: order.productId,
      quantity: order.quantity,
      runId: order.runId,
      acceptedAt: order.acceptedAt,
    });
    try {
      await this.props.client.send(new SendMessageCommand({ QueueUrl: this.props.queueUrl, MessageBody: body }));
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new QueueUnavailable(`sending order ${order.orderId} failed: ${detail}`, { cause: error });
    }
  }
}
