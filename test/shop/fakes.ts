// In-memory stand-ins for the shop's ports, with switches to make each one fail.
import { CacheUnavailable, DatabaseUnavailable, QueueUnavailable } from '../../shop/core/errors';
import {
  CATALOGUE,
  type OrderRecord,
  type OrderRequest,
  type OrderVia,
  type PlacedOrder,
  type Product,
  type QueuedOrder,
  type RunOrderCounts,
} from '../../shop/core/orders';
import type { OrderQueue, ProductCache, ShopDatabase } from '../../shop/ports';

export class FakeDatabase implements ShopDatabase {
  /** true: every call fails the way an unreachable database does. */
  down = false;
  /** Set to make every call throw this instead (a defect, not an outage). */
  defect: Error | null = null;
  calls = 0;
  initializeCalls = 0;
  /** Initialization attempts that fail before one succeeds. */
  initializeFailures = 0;
  readonly products = new Map<number, Product>();
  readonly orders = new Map<string, OrderRecord>();

  async initialize(initialStock: number): Promise<void> {
    this.initializeCalls += 1;
    if (this.initializeFailures > 0) {
      this.initializeFailures -= 1;
      throw new DatabaseUnavailable('unreachable', 'connect ECONNREFUSED 127.0.0.1:1');
    }
    for (const product of CATALOGUE)
      if (!this.products.has(product.id)) this.products.set(product.id, { ...product, stock: initialStock });
  }

  async listProducts(): Promise<Product[]> {
    this.enter();
    return [...this.products.values()].map((p) => ({ ...p }));
  }

  async placeOrder(order: OrderRequest, via: OrderVia): Promise<PlacedOrder> {
    this.enter();
    const existing = this.orders.get(order.orderId);
    if (existing) return { order: existing, duplicate: true };
    const product = this.products.get(order.productId);
    const base = {
      orderId: order.orderId,
      productId: order.productId,
      quantity: order.quantity,
      runId: order.runId,
      via,
      createdAt: new Date(0).toISOString(),
    };
    let record: OrderRecord;
    if (!product) record = { ...base, status: 'rejected', reason: 'unknown_product' };
    else if (product.stock < order.quantity) record = { ...base, status: 'rejected', reason: 'insufficient_stock' };
    else {
      product.stock -= order.quantity;
      record = { ...base, status: 'committed', reason: null };
    }
    this.orders.set(order.orderId, record);
    return { order: record, duplicate: false };
  }

  async getOrder(orderId: string): Promise<OrderRecord | null> {
    this.enter();
    return this.orders.get(orderId) ?? null;
  }

  async countRunOrders(runId: string): Promise<RunOrderCounts> {
    this.enter();
    const tagged = [...this.orders.values()].filter((o) => o.runId === runId);
    const committed = tagged.filter((o) => o.status === 'committed');
    const viaQueue = tagged
      .filter((o) => o.via === 'queue')
      .map((o) => o.createdAt)
      .sort();
    return {
      runId,
      committed: committed.length,
      rejected: tagged.length - committed.length,
      committedQuantity: committed.reduce((sum, o) => sum + o.quantity, 0),
      viaQueue: viaQueue.length,
      lastViaQueueAt: viaQueue.at(-1) ?? null,
    };
  }

  async close(): Promise<void> {}

  private enter(): void {
    this.calls += 1;
    if (this.defect) throw this.defect;
    if (this.down) throw new DatabaseUnavailable('unreachable', 'Connection terminated unexpectedly');
  }
}

export class FakeCache implements ProductCache {
  failing = false;
  products: Product[] = [];
  writes: Product[][] = [];
  /** When set, a write waits for this promise: the write stays in flight until the test releases it. */
  gate: Promise<void> | null = null;

  async getProducts(): Promise<Product[]> {
    if (this.failing) throw new CacheUnavailable('scan failed: ResourceNotFoundException');
    return this.products.map((p) => ({ ...p }));
  }

  async putProducts(products: readonly Product[]): Promise<void> {
    this.writes.push([...products]);
    if (this.gate) await this.gate;
    if (this.failing) throw new CacheUnavailable('batch write failed: ProvisionedThroughputExceededException');
    this.products = products.map((p) => ({ ...p }));
  }
}

export class FakeQueue implements OrderQueue {
  failing = false;
  readonly sent: QueuedOrder[] = [];

  async send(order: QueuedOrder): Promise<void> {
    if (this.failing)
      throw new QueueUnavailable(`sending order ${order.orderId} failed: AWS.SimpleQueueService.NonExistentQueue`);
    this.sent.push(order);
  }
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public nowMs = 1_800_000_000_000) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** A promise and the function that settles it, for holding an async call open. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
