import { InvalidShopConfig, loadShopConfig } from '../../shop/config';
import { refusedWith } from '../support/problems';

const required = {
  SHOP_DATABASE_URL: 'postgres://shop:secret@proxy.example:5432/shop',
  ORDER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders',
  PRODUCT_CACHE_TABLE: 'product-cache',
};

const problemsOf = (env: NodeJS.ProcessEnv): readonly string[] =>
  refusedWith(InvalidShopConfig, () => loadShopConfig(env));

describe('loadShopConfig', () => {
  it('applies the documented defaults', () => {
    // Given only the required variables
    // When the config is loaded
    const config = loadShopConfig({ ...required, INSTANCE_ID: 'i-1' });
    // Then every default is in place
    expect(config).toEqual({
      databaseUrl: required.SHOP_DATABASE_URL,
      enableDegradation: true,
      orderQueueUrl: required.ORDER_QUEUE_URL,
      productCacheTable: required.PRODUCT_CACHE_TABLE,
      breakerFailureThreshold: 3,
      breakerRecoveryTimeoutMs: 30_000,
      dbConnectTimeoutMs: 1000,
      dbStatementTimeoutMs: 2000,
      dbPoolSize: 10,
      initialStock: 100_000,
      instanceId: 'i-1',
      initRetry: { initialDelayMs: 2000, maxDelayMs: 30_000 },
      schemaSetup: 'self',
    });
  });

  it.each([
    ['ENABLE_DEGRADATION', 'TRUE', { enableDegradation: true }],
    ['BREAKER_FAILURE_THRESHOLD', '5', { breakerFailureThreshold: 5 }],
    ['BREAKER_RECOVERY_TIMEOUT_SECONDS', '0.5', { breakerRecoveryTimeoutMs: 500 }],
    ['DB_CONNECT_TIMEOUT_MS', '250', { dbConnectTimeoutMs: 250 }],
    ['DB_STATEMENT_TIMEOUT_MS', '750', { dbStatementTimeoutMs: 750 }],
    ['DB_POOL_SIZE', '4', { dbPoolSize: 4 }],
    ['INITIAL_STOCK', '7', { initialStock: 7 }],
    ['INSTANCE_ID', 'shop-a', { instanceId: 'shop-a' }],
    ['INIT_RETRY_INITIAL_DELAY_MS', '10', { initRetry: { initialDelayMs: 10, maxDelayMs: 30_000 } }],
    ['INIT_RETRY_MAX_DELAY_MS', '40000', { initRetry: { initialDelayMs: 2000, maxDelayMs: 40_000 } }],
    ['DB_SCHEMA_SETUP', 'external', { schemaSetup: 'external' }],
  ])('reads the override %s=%s', (variable, value, expected) => {
    // Given that optional variable set
    // When the config is loaded
    const config = loadShopConfig({ ...required, [variable]: value });
    // Then its value is taken (the recovery timeout converted to milliseconds)
    expect(config).toMatchObject(expected);
  });

  it('builds the fragile variant without a queue or cache', () => {
    // Given degradation off and no queue or table
    // When the config is loaded
    const config = loadShopConfig({ SHOP_DATABASE_URL: required.SHOP_DATABASE_URL, ENABLE_DEGRADATION: 'false' });
    // Then it is valid and has neither
    expect(config.enableDegradation).toBe(false);
    expect(config).not.toHaveProperty('orderQueueUrl');
    expect(config).not.toHaveProperty('productCacheTable');
  });

  it('requires the queue and the cache table when degradation is on', () => {
    // Given degradation on by default and neither set
    // When the config is loaded
    const problems = problemsOf({ SHOP_DATABASE_URL: required.SHOP_DATABASE_URL });
    // Then both are named
    expect(problems).toEqual([
      expect.stringMatching(/^ORDER_QUEUE_URL is required/),
      expect.stringMatching(/^PRODUCT_CACHE_TABLE is required/),
    ]);
  });

  it('lists every problem at once', () => {
    // Given five bad values
    const env = {
      SHOP_DATABASE_URL: 'mysql://db',
      ENABLE_DEGRADATION: 'maybe',
      ORDER_QUEUE_URL: 'orders',
      PRODUCT_CACHE_TABLE: 'cache',
      BREAKER_FAILURE_THRESHOLD: '0',
      DB_POOL_SIZE: '2.5',
    };
    // When the config is loaded
    const problems = problemsOf(env);
    // Then each is named
    expect(problems).toEqual([
      expect.stringMatching(/^SHOP_DATABASE_URL must be a postgres:\/\/ URL/),
      expect.stringMatching(/^ENABLE_DEGRADATION must be true or false/),
      expect.stringMatching(/^ORDER_QUEUE_URL must be an http\(s\) URL/),
      expect.stringMatching(/^BREAKER_FAILURE_THRESHOLD must be an integer/),
      expect.stringMatching(/^DB_POOL_SIZE must be an integer/),
    ]);
  });

  it('requires the database URL', () => {
    // Given no SHOP_DATABASE_URL and no DB_HOST
    // When the config is loaded
    const problems = problemsOf({ ENABLE_DEGRADATION: 'false' });
    // Then it is named, with the alternative
    expect(problems).toEqual(['SHOP_DATABASE_URL is required (or DB_HOST, DB_USER and DB_SECRET_ARN)']);
  });

  it('never repeats a database password in its error message', () => {
    // Given a non-postgres URL that carries a password
    // When the config is loaded
    const problems = problemsOf({
      SHOP_DATABASE_URL: 'mysql://shop:hunter2@db:3306/shop',
      ENABLE_DEGRADATION: 'false',
    });
    // Then the password is masked
    expect(problems.join(' ')).not.toContain('hunter2');
  });

  it('rejects a maximum retry delay below the initial one', () => {
    // Given a max delay below the initial delay
    // When the config is loaded
    const problems = problemsOf({ ...required, INIT_RETRY_INITIAL_DELAY_MS: '100', INIT_RETRY_MAX_DELAY_MS: '50' });
    // Then the pair is named
    expect(problems).toEqual([expect.stringMatching(/INIT_RETRY_MAX_DELAY_MS \(50\) must be at least/)]);
  });
});

describe('loadShopConfig with the database given as host and secret (Lambda behind RDS Proxy)', () => {
  const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-db-AbCdEf';
  const host = {
    DB_HOST: 'shop-proxy.proxy-abc.us-east-1.rds.amazonaws.com',
    DB_USER: 'shop',
    DB_SECRET_ARN: secretArn,
    ENABLE_DEGRADATION: 'false',
  };

  it('builds a password-less URL and takes the secret, with TLS required by default', () => {
    // Given host, user and secret, no port, name or DB_SSL
    // When the config is loaded
    const config = loadShopConfig(host);
    // Then the default port and database name are used, the secret is kept and TLS is on
    expect(config).toMatchObject({
      databaseUrl: 'postgres://shop@shop-proxy.proxy-abc.us-east-1.rds.amazonaws.com:5432/postgres',
      databaseSecretArn: secretArn,
      databaseSsl: true,
    });
  });

  it('reads the port, the database name and DB_SSL', () => {
    // Given every database variable set
    // When the config is loaded
    const config = loadShopConfig({ ...host, DB_PORT: '6543', DB_NAME: 'shop', DB_SSL: 'disable' });
    // Then each is used
    expect(config).toMatchObject({
      databaseUrl: 'postgres://shop@shop-proxy.proxy-abc.us-east-1.rds.amazonaws.com:6543/shop',
      databaseSsl: false,
    });
  });

  it('names every missing or malformed part at once', () => {
    // Given a host without user, a malformed secret ARN, a bad port and a bad DB_SSL
    // When the config is loaded
    const problems = problemsOf({
      DB_HOST: 'proxy',
      DB_SECRET_ARN: 'shop-db',
      DB_PORT: '70000',
      DB_SSL: 'maybe',
      ENABLE_DEGRADATION: 'false',
    });
    // Then each problem is listed
    expect(problems).toEqual([
      expect.stringMatching(/^DB_SSL must be one of require, disable/),
      expect.stringMatching(/^DB_PORT must be an integer from 1 to 65535/),
      'DB_USER is required with DB_HOST',
      expect.stringMatching(/^DB_SECRET_ARN must be a Secrets Manager secret ARN/),
    ]);
  });

  it('refuses a URL and a host together', () => {
    // Given both ways of naming the database
    // When the config is loaded
    const problems = problemsOf({ ...host, SHOP_DATABASE_URL: 'postgres://shop@db:5432/shop' });
    // Then the contradiction is named
    expect(problems).toEqual(['set SHOP_DATABASE_URL or DB_HOST, not both']);
  });

  it('refuses host-only variables beside a URL', () => {
    // Given a URL plus a secret and a user meant for the host form
    // When the config is loaded
    const problems = problemsOf({
      SHOP_DATABASE_URL: 'postgres://shop@db:5432/shop',
      DB_SECRET_ARN: secretArn,
      DB_USER: 'shop',
      ENABLE_DEGRADATION: 'false',
    });
    // Then each stray variable is named
    expect(problems).toEqual(['DB_USER is used only with DB_HOST', 'DB_SECRET_ARN is used only with DB_HOST']);
  });

  it('lets the lab require TLS on a URL with DB_SSL', () => {
    // Given a URL and DB_SSL=require
    // When the config is loaded
    const config = loadShopConfig({
      SHOP_DATABASE_URL: 'postgres://shop@db:5432/shop',
      DB_SSL: 'require',
      ENABLE_DEGRADATION: 'false',
    });
    // Then TLS is on and no secret is involved
    expect(config.databaseSsl).toBe(true);
    expect(config.databaseSecretArn).toBeUndefined();
  });
});
