// The shop's ports: what the core needs from the database, the product cache, the order queue and the logs.
import type {
  OrderRecord,
  OrderRequest,
  OrderVia,
  PlacedOrder,
  Product,
  QueuedOrder,
  RunOrderCounts,
} from './core/orders';

/** Every method throws `DatabaseUnavailable` for infrastructure failures; business outcomes are return values. */
export interface ProductStore {
  /** All products, ordered by id. */
  listProducts(): Promise<Product[]>;
}

export interface OrderStore {
  /**
   * One transaction: record the order (first writer of an orderId wins), then take the stock or
   * record the rejection. A repeated orderId returns the first outcome and never touches stock.
   */
  placeOrder(order: OrderRequest, via: OrderVia): Promise<PlacedOrder>;
  getOrder(orderId: string): Promise<OrderRecord | null>;
  countRunOrders(runId: string): Promise<RunOrderCounts>;
}

export interface ShopDatabase extends ProductStore, OrderStore {
  /** Creates the schema and seeds the catalogue; idempotent, safe to run from several processes at once. */
  initialize(initialStock: number): Promise<void>;
  close(): Promise<void>;
}

/** Last known products, for reads while the database is away. Throws `CacheUnavailable`. */
export interface ProductCache {
  /** Every cached product, ordered by id; empty when nothing was ever cached. */
  getProducts(): Promise<Product[]>;
  putProducts(products: readonly Product[]): Promise<void>;
}

/** Durable buffer for orders the database could not take. Throws `QueueUnavailable`. */
export interface OrderQueue {
  send(order: QueuedOrder): Promise<void>;
}

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface ShopLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One JSON line per event, which CloudWatch Logs Insights can query by field. */
export const consoleLogger: ShopLogger = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
};

export const silentLogger: ShopLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
