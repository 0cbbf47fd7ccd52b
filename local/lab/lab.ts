// The embedded lab: the Chaos Shop and every AWS part it needs, on one machine, with a fault point.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { loadShopConfig } from '../../shop/config';
import { consoleLogger, silentLogger } from '../../shop/ports';
import { createShop, type Shop } from '../../shop/shop';
import { startDatabase, type LabDatabase } from './database';
import { startTables, type LabTables } from './dynamodb';
import { FaultProxy } from './fault-proxy';
import type { OutageMode } from './waiting-clients';
import { MetricsSink } from './metrics-sink';
import { startQueues, type LabQueues } from './sqs-emulator';
import { SqsPoller } from './sqs-poller';
import { TrafficCounter } from './traffic-counter';
import { type ServiceOptions, type ServiceProcess, startService } from './service-process';
import { startCountingPass } from './counting-pass';

/** The name of the lab's change calendar (the local GameDay stack names it among its change calendars). */
export const LAB_CHANGE_CALENDAR = 'lab-change-calendar';

/**
 * The unreserved Lambda concurrency the lab's account answers with: AWS's default quota of a region
 * (1,000 concurrent executions), none of it reserved. A local run is then refused what a fresh
 * account would refuse.
 */
export const LAB_UNRESERVED_CONCURRENCY = 1_000;

export interface LabOptions {
  /**
   * true: the resilient shop (breaker, cache, queue, worker); false: the fragile build.
   * @default true
   */
  readonly degradation?: boolean;
  /** @default - process.env.DATABASE_URL, else embedded PGlite */
  readonly databaseUrl?: string;
  /**
   * Port of the shop's HTTP server.
   * @default 0 (any free port)
   */
  readonly shopPort?: number;
  /**
   * How long a re-registered proxy target stays REGISTERING.
   * @default 1000
   */
  readonly registrationDelayMs?: number;
  /**
   * What the proxy's target does to clients while it is away: `hang`, as on AWS (accepted, then
   * unanswered until the borrow timeout), or `reset` (every connection reset at once).
   * @default 'hang'
   */
  readonly outageMode?: OutageMode;
  /**
   * The proxy's borrow timeout: how long a connection waits for a target that is away (`hang`).
   * @default 120000 (RDS Proxy's default ConnectionBorrowTimeout)
   */
  readonly borrowTimeoutMs?: number;
  /**
   * How long a writer failover of the lab's cluster drops and refuses every connection.
   * @default 5000
   */
  readonly failoverMs?: number;
  /**
   * The order queue's visibility timeout. Short in the lab, so a failed delivery is retried within
   * a short local outage; keep maxReceiveCount x visibility longer than the outage.
   * @default 5
   */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 10 */
  readonly maxReceiveCount?: number;
  /**
   * The breaker's OPEN -> HALF_OPEN timeout.
   * @default 30000 (the seed's 30 s)
   */
  readonly breakerRecoveryTimeoutMs?: number;
  /** @default 100000 */
  readonly initialStock?: number;
  /**
   * Start the queue poller that feeds the recovery worker.
   * @default true
   */
  readonly startWorker?: boolean;
  /**
   * Print the shop's and the worker's structured log lines (a person running the lab wants them;
   * a GameDay's result table and the tests do not).
   * @default false
   */
  readonly shopLogs?: boolean;
  /**
   * The state of the lab's change calendar, which the preflight asks as it asks SSM on AWS.
   * @default 'OPEN'
   */
  readonly changeCalendarState?: 'OPEN' | 'CLOSED';
  /**
   * The account's unreserved Lambda concurrency, which the preflight reads as GetAccountSettings answers it on AWS.
   * @default LAB_UNRESERVED_CONCURRENCY
   */
  readonly unreservedConcurrency?: number;
  /**
   * Where the embedded PGlite's initialized data directory is kept between labs; null starts it cold.
   * @default - `.gameday/cache` in the project
   */
  readonly dataDirCache?: string | null;
  /**
   * Your own service instead of the Chaos Shop: started from its profile's `local` command with the
   * database URL through the fault proxy, a port and the emulators' endpoints.
   * @default - the Chaos Shop, in this process
   */
  readonly service?: ServiceOptions;
}

export interface Lab {
  readonly shopUrl: string;
  readonly degradation: boolean;
  readonly database: LabDatabase;
  readonly proxy: FaultProxy;
  readonly queues: LabQueues;
  readonly tables: LabTables;
  /** The Chaos Shop; undefined when the lab runs your own service. */
  readonly shop: Shop | undefined;
  /** Your own service, when the lab runs one. */
  readonly service: ServiceProcess | undefined;
  /** false: the service buffers no writes in the lab's queue (the GameDay then checks no queue). */
  readonly usesQueue: boolean;
  readonly poller: SqsPoller | undefined;
  readonly metrics: MetricsSink;
  /** The shop's answers as they leave the lab, classified like the traffic generator does. */
  readonly traffic: TrafficCounter;
  /** The lab's SSM Change Calendar: its name is the one the local stack names; its state may change while the lab runs. */
  readonly changeCalendar: { readonly name: string; state: 'OPEN' | 'CLOSED' };
  /** The lab's Lambda account settings: what GetAccountSettings answers; may change while the lab runs. */
  readonly lambdaAccount: { unreservedConcurrentExecutions: number };
  /** The database URL through the fault proxy: what the shop and the worker use. */
  readonly proxiedDatabaseUrl: string;
  /** The Chaos Shop's breaker changes, as they happened (none for the fragile build or your own service). */
  readonly breakerTransitions: readonly BreakerTransition[];
  stop(): Promise<void>;
}

export interface BreakerTransition {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly from: string;
  readonly to: string;
}

/** Starts every part of the lab; the returned shop is ready (schema and seed done). */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const degradation = options.degradation ?? true;
  // The emulators accept any credentials; the SDK still insists on having some.
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'lab';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'lab';
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stack.reverse()) await stop().catch(() => undefined);
  };
  try {
    // The database, the SQS emulator (a child process) and dynalite do not depend on each other: they start together.
    const [database, queues, tables] = await startTogether(stack, [
      () =>
        startDatabase({
          databaseUrl: options.databaseUrl,
          ...(options.dataDirCache === undefined ? {} : { dataDirCache: options.dataDirCache }),
        }),
      () =>
        startQueues({
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 5,
          maxReceiveCount: options.maxReceiveCount,
        }),
      () => startTables(),
    ] as const);
    const proxy = new FaultProxy({
      upstreamHost: database.host,
      upstreamPort: database.port,
      registrationDelayMs: options.registrationDelayMs,
      outageMode: options.outageMode,
      borrowTimeoutMs: options.borrowTimeoutMs,
      failoverMs: options.failoverMs,
    });
    await proxy.start();
    stack.push(() => proxy.stop());

    // The shop's SDK clients find the emulators the way they would find any endpoint override.
    process.env.AWS_ENDPOINT_URL_SQS = queues.endpoint;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = tables.endpoint;

    const proxiedUrl = new URL(database.url);
    proxiedUrl.hostname = '127.0.0.1';
    proxiedUrl.port = String(proxy.port);
    const metrics = new MetricsSink();
    // What the preflight asks the lab's account: its change calendar and its Lambda concurrency, both mutable.
    const account = {
      changeCalendar: { name: LAB_CHANGE_CALENDAR, state: options.changeCalendarState ?? 'OPEN' },
      lambdaAccount: { unreservedConcurrentExecutions: options.unreservedConcurrency ?? LAB_UNRESERVED_CONCURRENCY },
    } satisfies Pick<Lab, 'changeCalendar' | 'lambdaAccount'>;
    if (options.service) {
      const service = await startService(options.service, {
        databaseUrl: proxiedUrl.toString(),
        sqsEndpoint: queues.endpoint,
        dynamodbEndpoint: tables.endpoint,
        queueUrl: queues.queueUrl,
        dlqUrl: queues.dlqUrl,
      });
      stack.push(() => service.stop());
      // The run's traffic reaches the service through a pass-through that counts its answers by the profile's classes.
      const traffic = new TrafficCounter();
      const pass = await startCountingPass(service.url, options.service.profile, traffic);
      stack.push(() => pass.stop());
      return {
        shopUrl: pass.url,
        degradation,
        database,
        proxy,
        queues,
        tables,
        shop: undefined,
        service,
        usesQueue: options.service.profile.local?.usesQueue ?? false,
        poller: undefined,
        metrics,
        traffic,
        proxiedDatabaseUrl: proxiedUrl.toString(),
        ...account,
        breakerTransitions: [],
        stop: stopAll,
      };
    }
    const config = loadShopConfig({
      SHOP_DATABASE_URL: proxiedUrl.toString(),
      ENABLE_DEGRADATION: String(degradation),
      ORDER_QUEUE_URL: queues.queueUrl,
      PRODUCT_CACHE_TABLE: tables.cacheTable,
      BREAKER_RECOVERY_TIMEOUT_SECONDS: String((options.breakerRecoveryTimeoutMs ?? 30_000) / 1000),
      INITIAL_STOCK: String(options.initialStock ?? 100_000),
      INSTANCE_ID: 'lab',
    });
    const breakerTransitions: BreakerTransition[] = [];
    const shop = createShop(config, {
      logger: options.shopLogs ? consoleLogger : silentLogger,
      onBreakerTransition: (from, to) => breakerTransitions.push({ at: Date.now(), from, to }),
    });
    stack.push(() => shop.close());
    await shop.ready();

    const traffic = new TrafficCounter();
    const server = await listen(traffic.wrap(shop.app.fetch), options.shopPort ?? 0);
    stack.push(() => closeServer(server));
    const shopUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    let poller: SqsPoller | undefined;
    if (degradation && (options.startWorker ?? true)) {
      poller = new SqsPoller({
        client: queues.client,
        queueUrl: queues.queueUrl,
        queueArn: queues.queueArn,
        handler: shop.worker,
      });
      poller.start();
      const started = poller;
      stack.push(() => started.stop());
    }

    return {
      shopUrl,
      degradation,
      database,
      proxy,
      queues,
      tables,
      shop,
      service: undefined,
      usesQueue: true,
      poller,
      metrics,
      traffic,
      ...account,
      proxiedDatabaseUrl: proxiedUrl.toString(),
      breakerTransitions,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

type Started<T extends readonly (() => Promise<{ stop(): Promise<void> }>)[]> = {
  -readonly [K in keyof T]: Awaited<ReturnType<T[K]>>;
};

/** Starts the parts at once; each one that started is on `stack` to be stopped, even when another failed. */
async function startTogether<T extends readonly (() => Promise<{ stop(): Promise<void> }>)[]>(
  stack: Array<() => Promise<void>>,
  starts: T,
): Promise<Started<T>> {
  const outcomes = await Promise.allSettled(starts.map((start) => start()));
  for (const outcome of outcomes) if (outcome.status === 'fulfilled') stack.push(() => outcome.value.stop());
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as Started<T>;
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, () => resolve(server)) as Server;
    server.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections of clients would hold close() open.
    server.closeAllConnections();
  });
}
