// The recovery worker: drains queued orders into the database through the same placeOrder transaction.
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DatabaseUnavailable } from './core/errors';
import { validateQueuedOrder } from './core/validation';
import type { OrderStore, ShopLogger } from './ports';

export interface OrderWorkerProps {
  readonly store: OrderStore;
  readonly logger: ShopLogger;
}

export type OrderWorker = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * An SQS handler for an event source with ReportBatchItemFailures. Per record:
 * - committed, or rejected for a business reason (unknown product, no stock): recorded, deleted,
 *   never retried — a rejection is an outcome, not an error;
 * - database unavailable: reported, so SQS redelivers it after the visibility timeout and, after
 *   maxReceiveCount tries, moves it to the DLQ;
 * - malformed body: logged and reported too. Deleting it would drop an order without a trace;
 *   the DLQ keeps it for a person to read, and the redrive bound stops the retries.
 * A redelivered order finds its own row and returns the first outcome: stock moves once.
 */
export function createOrderWorker(props: OrderWorkerProps): OrderWorker {
  return async (event) => {
    const failures: SQSBatchItemFailure[] = [];
    let databaseDown = false;
    for (const record of event.Records) {
      // Once the database is known to be away, trying the rest of the batch only adds timeouts.
      if (databaseDown) {
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      const parsed = validateQueuedOrder(record.body);
      if (!parsed.ok) {
        props.logger.error('malformed order message; leaving it to reach the DLQ', {
          messageId: record.messageId,
          problems: parsed.problems.join('; '),
        });
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      const order = parsed.value;
      try {
        const { order: recorded, duplicate } = await props.store.placeOrder(order, 'queue');
        props.logger.info('queued order processed', {
          runId: order.runId,
          messageId: record.messageId,
          orderId: recorded.orderId,
          status: recorded.status,
          reason: recorded.reason,
          duplicate,
        });
      } catch (error) {
        failures.push({ itemIdentifier: record.messageId });
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof DatabaseUnavailable) {
          databaseDown = true;
          props.logger.warn('database unavailable; the order stays queued', {
            runId: order.runId,
            messageId: record.messageId,
            orderId: order.orderId,
            error: message,
          });
        } else {
          props.logger.error('queued order failed unexpectedly; it will be retried', {
            runId: order.runId,
            messageId: record.messageId,
            orderId: order.orderId,
            error: message,
          });
        }
      }
    }
    return { batchItemFailures: failures };
  };
}
