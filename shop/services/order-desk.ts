// Order intake and lookups: the placeOrder transaction first, the queue when the database is away (degraded build only).
import { DatabaseUnavailable, OrderNotAccepted } from '../core/errors';
import type { OrderRecord, OrderRequest, PlacedOrder, QueuedOrder, RunOrderCounts } from '../core/orders';
import type { OrderQueue, OrderStore, ShopLogger } from '../ports';
import type { DatabaseGate } from './database-gate';

export type OrderOutcome = { kind: 'placed'; placed: PlacedOrder } | { kind: 'queued'; queued: QueuedOrder };

export interface OrderDeskProps {
  readonly gate: DatabaseGate;
  readonly store: OrderStore;
  /** null in the fragile build: database errors reach the caller. */
  readonly queue: OrderQueue | null;
  readonly clock: () => number;
  readonly logger: ShopLogger;
}

export class OrderDesk {
  constructor(private readonly props: OrderDeskProps) {}

  /**
   * Only an unavailable database sends the order to the queue; any other error is a defect that
   * replaying from the queue would only repeat. Throws `OrderNotAccepted` when the queue fails too.
   */
  async place(request: OrderRequest): Promise<OrderOutcome> {
    try {
      return {
        kind: 'placed',
        placed: await this.props.gate.call(() => this.props.store.placeOrder(request, 'direct')),
      };
    } catch (error) {
      if (!this.props.queue || !(error instanceof DatabaseUnavailable)) throw error;
      if (error.reason === 'unreachable')
        this.props.logger.warn('order transaction failed; queueing the order', {
          runId: request.runId,
          orderId: request.orderId,
          error: error.message,
        });
      const queued: QueuedOrder = { ...request, acceptedAt: new Date(this.props.clock()).toISOString() };
      try {
        await this.props.queue.send(queued);
      } catch (queueError) {
        const detail = `${error.message}, and ${queueError instanceof Error ? queueError.message : String(queueError)}`;
        this.props.logger.error('order not accepted: database and queue both failed', {
          runId: request.runId,
          orderId: request.orderId,
          error: detail,
        });
        throw new OrderNotAccepted(request.orderId, detail, { cause: queueError });
      }
      return { kind: 'queued', queued };
    }
  }

  /** null when the database has no such order (it may still be waiting in the queue). */
  async find(orderId: string): Promise<OrderRecord | null> {
    return this.props.gate.call(() => this.props.store.getOrder(orderId));
  }

  async countRunOrders(runId: string): Promise<RunOrderCounts> {
    return this.props.gate.call(() => this.props.store.countRunOrders(runId));
  }
}
