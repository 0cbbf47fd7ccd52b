// Wires the Chaos Shop: one pg Pool, one DynamoDB and one SQS client, the breaker, the app and the worker.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Hono } from 'hono';
import { DynamoDbProductCache } from './adapters/dynamodb-cache';
import { RecentProducts } from './services/recent-products';
import { createPostgresPool, PostgresShopDatabase } from './adapters/postgres-store';
import { extensionSecretPassword } from './adapters/secrets-extension';
import { SqsOrderQueue } from './adapters/sqs-order-queue';
import { createShopApp } from './app';
import { InvalidShopConfig, type ShopConfig } from './config';
import { CircuitBreaker } from './core/circuit-breaker';
import { consoleLogger, type OrderQueue, type ProductCache, type ShopDatabase, type ShopLogger } from './ports';
import { DatabaseGate } from './services/database-gate';
import { DatabaseInitializer, realSleep, type Sleep } from './services/database-initializer';
import { OrderDesk } from './services/order-desk';
import { ProductCatalog } from './services/product-catalog';
import { ThrottledWriteThrough } from './services/write-through';
import { createOrderWorker } from './worker';

export interface Shop {
  app: Hono;
  worker: (event: SQSEvent) => Promise<SQSBatchResponse>;
  /** Resolves when schema and seed are in place; rejects with `ShopClosed` if the shop closes first. */
  ready(): Promise<void>;
  /** 'CLOSED' | 'OPEN' | 'HALF_OPEN', or null in the fragile build. */
  breakerState(): string | null;
  /** Stops the initializer, lets a cache write in flight finish, and closes what the shop created. */
  close(): Promise<void>;
}

/** Replacements for the shop's collaborators; whatever is given is used as is and not closed by `close()`. */
export interface ShopDeps {
  database: ShopDatabase;
  cache: ProductCache;
  queue: OrderQueue;
  /** Milliseconds since the epoch: the breaker, the write-through throttle and `acceptedAt` read it. */
  clock: () => number;
  /** The initializer's wait between attempts. */
  sleep: Sleep;
  logger: ShopLogger;
  /** Idempotency key for orders that came without one. */
  newOrderId: () => string;
  /** Told of every breaker state change besides the log (the lab times the outage by it). @default - the log only */
  onBreakerTransition: (from: string, to: string) => void;
}

/** AWS calls on the request path must fail within a request's patience, not the SDK's defaults. */
const AWS_CLIENT_CONFIG = { maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 } };

export function createShop(config: ShopConfig, deps: Partial<ShopDeps> = {}): Shop {
  const problems: string[] = [];
  if (config.enableDegradation && !deps.cache && !config.productCacheTable)
    problems.push('productCacheTable is required when degradation is enabled');
  if (config.enableDegradation && !deps.queue && !config.orderQueueUrl)
    problems.push('orderQueueUrl is required when degradation is enabled');
  if (problems.length > 0) throw new InvalidShopConfig(problems);

  const logger = deps.logger ?? consoleLogger;
  const clock = deps.clock ?? Date.now;
  const owned: Array<() => Promise<void> | void> = [];

  const database =
    deps.database ??
    (() => {
      const pool = createPostgresPool(
        {
          databaseUrl: config.databaseUrl,
          connectTimeoutMs: config.dbConnectTimeoutMs,
          statementTimeoutMs: config.dbStatementTimeoutMs,
          poolSize: config.dbPoolSize,
          ...(config.databaseSecretArn
            ? { password: extensionSecretPassword({ secretId: config.databaseSecretArn }) }
            : {}),
          ...(config.databaseSsl === undefined ? {} : { ssl: config.databaseSsl }),
        },
        logger,
      );
      const created = new PostgresShopDatabase(pool);
      owned.push(() => created.close());
      return created;
    })();

  let breaker: CircuitBreaker | null = null;
  let cache: ProductCache | null = null;
  let queue: OrderQueue | null = null;
  if (config.enableDegradation) {
    breaker = new CircuitBreaker({
      failureThreshold: config.breakerFailureThreshold,
      recoveryTimeoutMs: config.breakerRecoveryTimeoutMs,
      clock,
      onTransition: (from, to) => {
        logger.warn('circuit breaker changed state', { from, to });
        deps.onBreakerTransition?.(from, to);
      },
    });
    cache = deps.cache ?? createDynamoDbCache(config.productCacheTable!, owned);
    queue = deps.queue ?? createSqsQueue(config.orderQueueUrl!, owned);
  }

  const initializer = new DatabaseInitializer({
    initialize:
      config.schemaSetup === 'external'
        ? () => awaitCatalogue(database)
        : () => database.initialize(config.initialStock),
    retry: config.initRetry,
    sleep: deps.sleep ?? realSleep,
    logger,
  });
  const gate = new DatabaseGate({ breaker, isReady: () => initializer.isReady() });
  const writeThrough = cache ? new ThrottledWriteThrough({ cache, clock, logger }) : null;
  const catalog = new ProductCatalog({
    gate,
    store: database,
    fallback: cache && writeThrough ? { cache, writeThrough } : null,
    logger,
  });
  const orders = new OrderDesk({ gate, store: database, queue, clock, logger });
  const app = createShopApp({
    catalog,
    orders,
    health: () => ({
      status: 'ok',
      degradation: config.enableDegradation,
      // The breaker's view: while it is OPEN the shop serves no request from the database, whatever the initializer says.
      database: !initializer.isReady() ? 'initializing' : breaker?.state() === 'OPEN' ? 'unavailable' : 'ready',
      breaker: breaker ? breaker.state() : null,
    }),
    newOrderId: deps.newOrderId ?? randomUUID,
    instanceId: config.instanceId,
    enableDegradation: config.enableDegradation,
    logger,
  });
  const worker = createOrderWorker({ store: database, logger });

  initializer.start();

  let closing: Promise<void> | null = null;
  return {
    app,
    worker,
    ready: () => initializer.ready(),
    breakerState: () => (breaker ? breaker.state() : null),
    close() {
      closing ??= (async () => {
        initializer.stop();
        await writeThrough?.flush();
        for (const release of owned.reverse()) {
          try {
            await release();
          } catch (error) {
            logger.warn('closing a shop resource failed', {
              error: error instanceof Error ? error.message : String(error),
            });
          }
        }
      })();
      return closing;
    },
  };
}

/**
 * With the schema set up by someone else, the shop may lack the rights to create it: it is ready
 * once the seeded catalogue answers, and an empty one means the setup has not run yet.
 */
async function awaitCatalogue(database: ShopDatabase): Promise<void> {
  const products = await database.listProducts();
  if (products.length === 0) throw new CatalogueNotSeeded();
}

/** The schema exists but holds no products: the external setup has not seeded it (yet). */
export class CatalogueNotSeeded extends Error {
  override readonly name = 'CatalogueNotSeeded';

  constructor() {
    super('the catalogue is empty: the schema setup has not seeded it yet');
  }
}

function createDynamoDbCache(tableName: string, owned: Array<() => Promise<void> | void>): ProductCache {
  // Endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL_DYNAMODB in the lab).
  const client = new DynamoDBClient(AWS_CLIENT_CONFIG);
  owned.push(() => client.destroy());
  // A second-old copy in front of the table: its reads stay one a second per environment, whatever the rate.
  return new RecentProducts(new DynamoDbProductCache({ client: DynamoDBDocumentClient.from(client), tableName }));
}

function createSqsQueue(queueUrl: string, owned: Array<() => Promise<void> | void>): OrderQueue {
  const client = new SQSClient(AWS_CLIENT_CONFIG);
  owned.push(() => client.destroy());
  return new SqsOrderQueue({ client, queueUrl });
}
