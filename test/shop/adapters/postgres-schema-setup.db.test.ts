// The lab's schema setup: run as the master user, it leaves the shop a role that can run the shop and nothing else.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Client, type Pool, type PoolClient } from 'pg';
import { setUpShopSchema } from '../../../shop/adapters/postgres-schema-setup';
import { createPostgresPool, PostgresShopDatabase } from '../../../shop/adapters/postgres-store';
import { silentLogger } from '../../../shop/ports';
import { setUpSchemaFor } from '../../../shop/schema-setup-lambda';
import { startDatabase, type LabDatabase } from '../../support/database';
import { closedPort, DatabaseRelay, dropShopTables } from '../network';
import { DatabaseUnavailable } from '../../../shop/core/errors';

// A PGlite cold start takes seconds, more on a busy machine: on a fresh clone, with the other lab
// files starting their labs at the same time, it took over 30 s.
jest.setTimeout(120_000);

let database: LabDatabase;
/** Roles are global to a PostgreSQL server: a name of its own per test file run. */
const appRole = { username: `shop_app_${randomBytes(3).toString('hex')}`, password: 'app-password' };

beforeAll(async () => {
  database = await startDatabase();
});
afterAll(async () => {
  await resetRole();
  await dropShopTables(database.url);
  await asMaster(async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [appRole.username]);
    if (exists.rowCount) await client.query(`DROP OWNED BY ${appRole.username}; DROP ROLE ${appRole.username}`);
  });
  await database.stop();
});
afterEach(async () => {
  await resetRole();
  await dropShopTables(database.url);
});

/** The embedded server runs every connection in one session, where a SET ROLE outlives its pool. */
async function resetRole(): Promise<void> {
  await asMaster((client) => client.query('RESET ROLE'));
}

function masterPool(): Pool {
  return createPostgresPool(
    { databaseUrl: database.url, connectTimeoutMs: 2000, statementTimeoutMs: 5000, poolSize: 2 },
    silentLogger,
  );
}

async function asMaster<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A pool whose every connection acts as the shop's role (the embedded server knows no passwords). */
function appPool(): Pool {
  const pool = createPostgresPool(
    { databaseUrl: database.url, connectTimeoutMs: 2000, statementTimeoutMs: 5000, poolSize: 2 },
    silentLogger,
  );
  // Only the promise form: the store and appQuery below take clients with connect() and release them.
  const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
  pool.connect = (async () => {
    const client = await connect();
    await client.query(`SET ROLE ${appRole.username}`);
    return client;
  }) as Pool['connect'];
  return pool;
}

async function setUp(): Promise<void> {
  await resetRole();
  const pool = masterPool();
  try {
    await setUpShopSchema(pool, { appRole, initialStock: 5 });
  } finally {
    await pool.end();
  }
}

async function appQuery(sql: string): Promise<unknown> {
  const pool = appPool();
  const client = await pool.connect();
  try {
    return await client.query(sql);
  } finally {
    client.release();
    await pool.end();
  }
}

describe('setUpShopSchema', () => {
  test("leaves a role that can run every query of the shop's store", async () => {
    // Given the schema set up by the master user
    await setUp();
    const store = new PostgresShopDatabase(appPool());
    try {
      // When the shop, as its own role, lists, orders past the stock, reads back and counts
      const products = await store.listProducts();
      const committed = await store.placeOrder({ orderId: 'o-1', productId: 1, quantity: 5, runId: 'run-1' }, 'direct');
      const rejected = await store.placeOrder({ orderId: 'o-2', productId: 1, quantity: 1, runId: 'run-1' }, 'queue');
      const again = await store.placeOrder({ orderId: 'o-1', productId: 1, quantity: 5, runId: 'run-1' }, 'queue');
      const counts = await store.countRunOrders('run-1');

      // Then each works as it does for the master user
      expect(products.length).toBeGreaterThan(0);
      expect([committed.order.status, rejected.order.status, again.duplicate]).toEqual(['committed', 'rejected', true]);
      expect(await store.getOrder('o-2')).toMatchObject({ status: 'rejected', reason: 'insufficient_stock' });
      expect(counts).toMatchObject({ committed: 1, rejected: 1 });
    } finally {
      await store.close();
    }
  });

  test('refuses the role a DELETE of orders', async () => {
    // Given the schema set up by the master user
    await setUp();
    // When the shop's role deletes orders
    // Then PostgreSQL refuses it
    await expect(appQuery('DELETE FROM orders')).rejects.toThrow(/permission denied/);
  });

  test('lets the role write no column of products but the stock', async () => {
    // Given the schema set up by the master user
    await setUp();
    // When the shop's role renames and reprices the products
    // Then PostgreSQL refuses it
    await expect(appQuery("UPDATE products SET name = 'x', price_cents = 0")).rejects.toThrow(/permission denied/);
  });

  test('refuses the role new tables', async () => {
    // Given the schema set up by the master user
    await setUp();
    // When the shop's role creates a table
    // Then PostgreSQL refuses it
    await expect(appQuery('CREATE TABLE intruder (id int)')).rejects.toThrow(/permission denied/);
  });

  test('converges when it runs again: the seed and the orders stay', async () => {
    // Given a set-up schema with one order in it
    await setUp();
    await appQuery(
      "INSERT INTO orders (order_id, product_id, quantity, status, via) VALUES ('kept', 1, 1, 'committed', 'direct')",
    );

    // When the setup runs a second time (a stack update)
    await setUp();

    // Then the order is still there and the role still works
    const store = new PostgresShopDatabase(appPool());
    try {
      expect(await store.getOrder('kept')).toMatchObject({ orderId: 'kept' });
    } finally {
      await store.close();
    }
  });
});

describe('the schema setup custom resource', () => {
  /** A stand-in for the Parameters and Secrets extension holding the two secrets. */
  let extension: Server;
  let extensionPort: number;
  const secrets: Record<string, string> = {};
  const MASTER_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf';
  const APP_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';

  beforeAll(async () => {
    extension = createServer((req, res) => {
      const id = new URL(req.url ?? '', 'http://localhost').searchParams.get('secretId') ?? '';
      const secret = secrets[id];
      res.writeHead(secret ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(secret ? { ARN: id, SecretString: secret } : {}));
    });
    await new Promise<void>((resolve) => extension.listen(0, 'localhost', resolve));
    extensionPort = (extension.address() as AddressInfo).port;
    const url = new URL(database.url);
    secrets[MASTER_ARN] = JSON.stringify({
      username: decodeURIComponent(url.username),
      password: 'unused-by-the-embedded-server',
    });
    secrets[APP_ARN] = JSON.stringify(appRole);
  });
  afterAll(() => new Promise<void>((resolve) => extension.close(() => resolve())));

  function envFor(): NodeJS.ProcessEnv {
    const url = new URL(database.url);
    return {
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extensionPort),
      AWS_SESSION_TOKEN: 'token',
      DB_HOST: url.hostname,
      DB_PORT: url.port,
      DB_NAME: decodeURIComponent(url.pathname.slice(1)),
      DB_SSL: 'disable',
      MASTER_SECRET_ARN: MASTER_ARN,
      APP_SECRET_ARN: APP_ARN,
      INITIAL_STOCK: '5',
    };
  }

  function event(requestType: 'Create' | 'Delete'): CloudFormationCustomResourceEvent {
    const common = {
      ServiceToken: 'token',
      ResponseURL: 'https://example.com',
      StackId: 'stack',
      RequestId: 'r',
      LogicalResourceId: 'SchemaSetup',
      ResourceType: 'Custom::ShopSchema',
      ResourceProperties: { ServiceToken: 'token' },
    };
    return requestType === 'Create'
      ? { ...common, RequestType: 'Create' }
      : { ...common, RequestType: 'Delete', PhysicalResourceId: 'shop-schema' };
  }

  test('creates the schema with the master secret and the role named in the app secret', async () => {
    // Given the two secrets behind the extension
    // When CloudFormation creates the resource
    const result = await setUpSchemaFor(event('Create'), envFor(), silentLogger);

    // Then the role of the app secret exists and can read the seeded catalogue
    expect(result.Data.AppUsername).toBe(appRole.username);
    const store = new PostgresShopDatabase(appPool());
    try {
      expect((await store.listProducts()).every((product) => product.stock === 5)).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('retries while the cluster does not answer yet, then sets up', async () => {
    // Given a cluster endpoint that refuses connections until the setup says it will retry
    const url = new URL(database.url);
    const relay = new DatabaseRelay(url.hostname, Number(url.port));
    const port = await relay.start();
    relay.down();
    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (message: string) => {
        warnings.push(message);
        relay.up();
      },
    };
    try {
      // When CloudFormation creates the resource
      const result = await setUpSchemaFor(event('Create'), { ...envFor(), DB_PORT: String(port) }, logger, {
        attempts: 3,
        delayMs: 50,
      });

      // Then it retried once and set the schema up
      expect(warnings).toEqual(['database not reachable yet; retrying the schema setup']);
      expect(result.Data.AppUsername).toBe(appRole.username);
    } finally {
      await relay.stop();
    }
  });

  test('gives up after its attempts, failing the deploy', async () => {
    // Given a cluster endpoint that never answers
    const port = await closedPort();
    // When CloudFormation creates the resource
    // Then the setup fails as the database being unavailable
    await expect(
      setUpSchemaFor(event('Create'), { ...envFor(), DB_PORT: String(port) }, silentLogger, {
        attempts: 2,
        delayMs: 1,
      }),
    ).rejects.toThrow(DatabaseUnavailable);
  });

  test('touches nothing when the resource is deleted', async () => {
    // Given no schema at all
    // When CloudFormation deletes the resource
    const result = await setUpSchemaFor(event('Delete'), envFor(), silentLogger);

    // Then it answers with the same physical id and created no table
    expect(result.PhysicalResourceId).toBe('shop-schema');
    await resetRole();
    const tables = await asMaster((client) => client.query("SELECT 1 FROM pg_tables WHERE tablename = 'products'"));
    expect(tables.rowCount).toBe(0);
  });
});
