// The order and product vocabulary shared by the HTTP app, the recovery worker and the stores.

export interface Product {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
}

/** Which path carried an order into the database: the HTTP request itself, or the queue via the worker. */
export type OrderVia = 'direct' | 'queue';

export type RejectionReason = 'insufficient_stock' | 'unknown_product';

/** A validated order: what a client asked for, with its idempotency key. */
export interface OrderRequest {
  orderId: string;
  productId: number;
  quantity: number;
  runId: string | null;
}

/** An order as the database recorded it. */
export interface OrderRecord {
  orderId: string;
  productId: number;
  quantity: number;
  status: 'committed' | 'rejected';
  reason: RejectionReason | null;
  runId: string | null;
  via: OrderVia;
  createdAt: string;
}

/**
 * The result of the placeOrder transaction. `duplicate` is true when the orderId was already
 * recorded: the record is the first outcome and stock was not touched again.
 */
export interface PlacedOrder {
  order: OrderRecord;
  duplicate: boolean;
}

/** Counts of the orders tagged with one run. */
export interface RunOrderCounts {
  runId: string;
  committed: number;
  rejected: number;
  committedQuantity: number;
  /** Orders that came through the queue (committed or rejected by the recovery worker). */
  viaQueue: number;
  /** When the last of them was recorded (ISO), or null when none was: the moment the buffer was worked off. */
  lastViaQueueAt: string | null;
}

/** The queue message body for an order the database could not take at once. */
export interface QueuedOrder {
  orderId: string;
  productId: number;
  quantity: number;
  runId: string | null;
  acceptedAt: string;
}

/** The products every fresh database starts with (ids 1..10); stock is configurable. */
export const CATALOGUE: ReadonlyArray<Omit<Product, 'stock'>> = [
  { id: 1, name: 'Chaos Monkey Plush', priceCents: 1999 },
  { id: 2, name: 'Circuit Breaker Mug', priceCents: 1299 },
  { id: 3, name: 'Dead Letter Notebook', priceCents: 899 },
  { id: 4, name: 'Failover Hoodie', priceCents: 4999 },
  { id: 5, name: 'Blast Radius Poster', priceCents: 1499 },
  { id: 6, name: 'Steady State Socks', priceCents: 999 },
  { id: 7, name: 'GameDay Sticker Pack', priceCents: 499 },
  { id: 8, name: 'Backoff Water Bottle', priceCents: 2499 },
  { id: 9, name: 'Idempotency Key Ring', priceCents: 699 },
  { id: 10, name: 'Graceful Degradation T-Shirt', priceCents: 2999 },
];

/** The one upper bound every product id must respect: the database column is a 32-bit integer. */
export const MAX_PRODUCT_ID = 2_147_483_647;
export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 100;
