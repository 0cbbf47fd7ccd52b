// The shop's database adapter: schema, seed and the placeOrder transaction on a pg Pool.
import { Pool, type PoolClient } from 'pg';
import { DatabaseUnavailable } from '../core/errors';
import {
  CATALOGUE,
  type OrderRecord,
  type OrderRequest,
  type OrderVia,
  type PlacedOrder,
  type Product,
  type RejectionReason,
  type RunOrderCounts,
} from '../core/orders';
import type { ShopDatabase, ShopLogger } from '../ports';
import { classifyDatabaseError, isInfrastructureFailure, toUnavailable } from './postgres-errors';

export interface PostgresPoolOptions {
  readonly databaseUrl: string;
  /** How long to wait for a connection; short, so an outage fails a request fast instead of hanging it. */
  readonly connectTimeoutMs: number;
  /** Server-side limit per statement; the client gives up a little later in case the server never answers. */
  readonly statementTimeoutMs: number;
  readonly poolSize: number;
  /** Asked on every new connection; overrides the URL's password. @default - the URL's password */
  readonly password?: () => Promise<string>;
  /** true: TLS required, the server certificate verified against the system's CAs. @default - the URL's sslmode */
  readonly ssl?: boolean;
}

/** A pool whose dropped connections are logged, never thrown: an idle client's error would otherwise crash the process. */
export function createPostgresPool(options: PostgresPoolOptions, logger: ShopLogger): Pool {
  const pool = new Pool({
    ...connectionOf(options),
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + options.connectTimeoutMs,
    idleTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: 'chaos-shop',
  });
  pool.on('error', (error) => logger.warn('idle database connection failed', { error: error.message }));
  return pool;
}

/**
 * The URL as it is, unless a password source or TLS is given: then discrete fields, because pg lets
 * a connection string's (empty) password and sslmode override the fields given beside it.
 */
function connectionOf(options: PostgresPoolOptions): { connectionString: string } | Record<string, unknown> {
  if (options.password === undefined && options.ssl === undefined) return { connectionString: options.databaseUrl };
  const url = new URL(options.databaseUrl);
  return {
    host: url.hostname,
    port: url.port === '' ? 5432 : Number(url.port),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    user: decodeURIComponent(url.username) || undefined,
    password: options.password ?? (decodeURIComponent(url.password) || undefined),
    ...(options.ssl === undefined ? {} : { ssl: options.ssl ? { rejectUnauthorized: true } : false }),
  };
}

/** Serializes schema creation between processes starting at once (CREATE TABLE IF NOT EXISTS races otherwise). */
const SCHEMA_LOCK_KEY = 4_242_001;

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS products (
  id integer PRIMARY KEY,
  name text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  stock integer NOT NULL CHECK (stock >= 0)
);
CREATE TABLE IF NOT EXISTS orders (
  order_id text PRIMARY KEY,
  product_id integer NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  status text NOT NULL CHECK (status IN ('committed', 'rejected')),
  reason text CHECK (reason IN ('insufficient_stock', 'unknown_product')),
  run_id text,
  via text NOT NULL CHECK (via IN ('direct', 'queue')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS orders_run_id_idx ON orders (run_id);
`;

const ORDER_COLUMNS = 'order_id, product_id, quantity, status, reason, run_id, via, created_at';

interface OrderRow {
  order_id: string;
  product_id: number;
  quantity: number;
  status: 'committed' | 'rejected';
  reason: RejectionReason | null;
  run_id: string | null;
  via: OrderVia;
  created_at: Date;
}

interface ProductRow {
  id: number;
  name: string;
  price_cents: number;
  stock: number;
}

/**
 * Every failure to reach the database (connect, dropped connection, timeout, shutdown) surfaces as
 * `DatabaseUnavailable`; other errors (bugs) pass through unchanged.
 */
export class PostgresShopDatabase implements ShopDatabase {
  constructor(private readonly pool: Pool) {}

  async initialize(initialStock: number): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
      await client.query(SCHEMA_SQL);
      await client.query(
        `INSERT INTO products (id, name, price_cents, stock)
         SELECT c.id, c.name, c.price_cents, $4 FROM unnest($1::int[], $2::text[], $3::int[]) AS c(id, name, price_cents)
         ON CONFLICT (id) DO NOTHING`,
        [CATALOGUE.map((p) => p.id), CATALOGUE.map((p) => p.name), CATALOGUE.map((p) => p.priceCents), initialStock],
      );
    });
  }

  async listProducts(): Promise<Product[]> {
    const rows = await this.query<ProductRow>('SELECT id, name, price_cents, stock FROM products ORDER BY id');
    return rows.map((row) => ({ id: row.id, name: row.name, priceCents: row.price_cents, stock: row.stock }));
  }

  async placeOrder(order: OrderRequest, via: OrderVia): Promise<PlacedOrder> {
    return this.transaction(async (client) => {
      // The order row goes in first: a concurrent twin with the same orderId waits on the unique
      // key here, then finds the row and returns its outcome without touching stock.
      const inserted = await client.query<OrderRow>(
        `INSERT INTO orders (order_id, product_id, quantity, status, run_id, via) VALUES ($1, $2, $3, 'committed', $4, $5)
         ON CONFLICT (order_id) DO NOTHING RETURNING ${ORDER_COLUMNS}`,
        [order.orderId, order.productId, order.quantity, order.runId, via],
      );
      if (inserted.rows.length === 0) {
        const existing = await client.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id = $1`, [
          order.orderId,
        ]);
        return { order: toOrderRecord(existing.rows[0]), duplicate: true };
      }
      const taken = await client.query('UPDATE products SET stock = stock - $2 WHERE id = $1 AND stock >= $2', [
        order.productId,
        order.quantity,
      ]);
      if (taken.rowCount === 1) return { order: toOrderRecord(inserted.rows[0]), duplicate: false };

      const product = await client.query('SELECT 1 FROM products WHERE id = $1', [order.productId]);
      const reason: RejectionReason = product.rowCount === 0 ? 'unknown_product' : 'insufficient_stock';
      const rejected = await client.query<OrderRow>(
        `UPDATE orders SET status = 'rejected', reason = $2 WHERE order_id = $1 RETURNING ${ORDER_COLUMNS}`,
        [order.orderId, reason],
      );
      return { order: toOrderRecord(rejected.rows[0]), duplicate: false };
    });
  }

  async getOrder(orderId: string): Promise<OrderRecord | null> {
    const rows = await this.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id = $1`, [orderId]);
    return rows.length === 0 ? null : toOrderRecord(rows[0]);
  }

  async countRunOrders(runId: string): Promise<RunOrderCounts> {
    const rows = await this.query<{
      committed: string;
      rejected: string;
      committed_quantity: string;
      via_queue: string;
      last_via_queue_at: Date | null;
    }>(
      `SELECT count(*) FILTER (WHERE status = 'committed') AS committed,
              count(*) FILTER (WHERE status = 'rejected') AS rejected,
              coalesce(sum(quantity) FILTER (WHERE status = 'committed'), 0) AS committed_quantity,
              count(*) FILTER (WHERE via = 'queue') AS via_queue,
              max(created_at) FILTER (WHERE via = 'queue') AS last_via_queue_at
       FROM orders WHERE run_id = $1`,
      [runId],
    );
    const row = rows[0];
    return {
      runId,
      committed: Number(row.committed),
      rejected: Number(row.rejected),
      committedQuantity: Number(row.committed_quantity),
      viaQueue: Number(row.via_queue),
      lastViaQueueAt: row.last_via_queue_at === null ? null : new Date(row.last_via_queue_at).toISOString(),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query<R extends object>(text: string, values: unknown[] = []): Promise<R[]> {
    return this.withClient(async (client) => (await client.query<R>(text, values)).rows);
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A dead connection has no transaction left to roll back; the pool discards it below.
        if (!isInfrastructureFailure(error)) await client.query('ROLLBACK');
        throw error;
      }
    });
  }

  /**
   * Any failure to get a connection means the database is away, whatever the error says (a proxy
   * without a target answers in its own words). A client whose connection failed is destroyed
   * rather than returned to the pool.
   */
  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toUnavailable(error);
    }
    // A checked-out client has no pool listener: without this, a connection dropped between two
    // statements of a transaction would be an unhandled 'error' event and kill the process.
    const swallow = () => undefined;
    client.on('error', swallow);
    try {
      const result = await work(client);
      client.removeListener('error', swallow);
      client.release();
      return result;
    } catch (error) {
      const classified = classifyDatabaseError(error);
      const broken = classified instanceof DatabaseUnavailable;
      if (!broken) client.removeListener('error', swallow);
      client.release(broken ? classified : undefined);
      throw classified;
    }
  }
}

function toOrderRecord(row: OrderRow): OrderRecord {
  return {
    orderId: row.order_id,
    productId: row.product_id,
    quantity: row.quantity,
    status: row.status,
    reason: row.reason,
    runId: row.run_id,
    via: row.via,
    createdAt: row.created_at.toISOString(),
  };
}
