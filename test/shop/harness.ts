// Builds a shop on in-memory ports for HTTP-level tests.
import type { ShopConfig } from '../../shop/config';
import { silentLogger } from '../../shop/ports';
import { createShop, type Shop } from '../../shop/shop';
import { FakeCache, FakeDatabase, FakeQueue, ManualClock } from './fakes';

export interface TestShop {
  shop: Shop;
  database: FakeDatabase;
  cache: FakeCache;
  queue: FakeQueue;
  clock: ManualClock;
  get(path: string): Promise<ShopResponse>;
  postOrder(body: unknown, headers?: Record<string, string>): Promise<ShopResponse>;
  request(path: string, init: RequestInit): Promise<ShopResponse>;
}

/** The fields tests read from the shop's JSON answers. */
export interface ShopJson {
  [field: string]: unknown;
  error?: string;
  problems?: string[];
  orderId?: string;
  products?: Array<Record<string, unknown>>;
}

export interface ShopResponse {
  status: number;
  headers: Headers;
  json(): Promise<ShopJson>;
}

export function testConfig(overrides: Partial<ShopConfig> = {}): ShopConfig {
  return {
    databaseUrl: 'postgres://postgres@127.0.0.1:1/unused',
    enableDegradation: true,
    orderQueueUrl: 'http://127.0.0.1:1/queue/orders',
    productCacheTable: 'product-cache',
    breakerFailureThreshold: 3,
    breakerRecoveryTimeoutMs: 30_000,
    dbConnectTimeoutMs: 200,
    dbStatementTimeoutMs: 500,
    dbPoolSize: 2,
    initialStock: 10,
    instanceId: 'test-shop',
    initRetry: { initialDelayMs: 1, maxDelayMs: 1 },
    ...overrides,
  };
}

/**
 * A shop whose database initialized successfully; pass `ready: false` to leave it initializing, and
 * `databaseAway: true` for a database that went away once the shop was ready.
 */
export async function startTestShop(
  options: { config?: Partial<ShopConfig>; ready?: boolean; databaseAway?: boolean } = {},
): Promise<TestShop> {
  const database = new FakeDatabase();
  const cache = new FakeCache();
  const queue = new FakeQueue();
  const clock = new ManualClock();
  if (options.ready === false) database.initializeFailures = Number.POSITIVE_INFINITY;
  const shop = createShop(testConfig(options.config), {
    database,
    cache,
    queue,
    clock: clock.now,
    logger: silentLogger,
    // An initializer that never gets ready waits forever instead of spinning.
    sleep: (_ms, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    newOrderId: () => 'generated-order-id',
  });
  if (options.ready !== false) await shop.ready();
  if (options.databaseAway) database.down = true;
  return {
    shop,
    database,
    cache,
    queue,
    clock,
    get: (path) => request(shop, path, {}),
    postOrder: (body, headers = { 'content-type': 'application/json' }) =>
      request(shop, '/orders', {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    request: (path, init) => request(shop, path, init),
  };
}

async function request(shop: Shop, path: string, init: RequestInit): Promise<ShopResponse> {
  const response = await shop.app.request(path, init);
  return { status: response.status, headers: response.headers, json: async () => (await response.json()) as ShopJson };
}
