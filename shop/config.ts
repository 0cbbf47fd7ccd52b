// The shop's configuration, read once from the environment and validated as a whole.
import { hostname } from 'node:os';

export interface ShopConfig {
  /**
   * `postgres://` URL of the database, through the proxy. Built from DB_HOST, DB_PORT, DB_NAME and
   * DB_USER when those are given instead; it then carries no password.
   */
  databaseUrl: string;
  /** The Secrets Manager secret whose JSON `password` the connection uses (DB_SECRET_ARN). @default - the URL's password */
  databaseSecretArn?: string;
  /** true: TLS is required and the server certificate verified (RDS Proxy requires TLS). @default - the URL's own sslmode */
  databaseSsl?: boolean;
  /** false: the fragile build, with no breaker, cache or queue. */
  enableDegradation: boolean;
  /** Required when degradation is on. */
  orderQueueUrl?: string;
  /** Required when degradation is on. */
  productCacheTable?: string;
  breakerFailureThreshold: number;
  breakerRecoveryTimeoutMs: number;
  dbConnectTimeoutMs: number;
  dbStatementTimeoutMs: number;
  dbPoolSize: number;
  /** Stock of each seeded product in a fresh database. */
  initialStock: number;
  /** Reported as `servedBy`, so a run can tell which instance answered. */
  instanceId: string;
  /** Backoff of the background schema-and-seed retry. */
  initRetry: { initialDelayMs: number; maxDelayMs: number };
  /**
   * `self`: the shop creates its schema and seeds the catalogue (the local lab); `external`: a setup
   * step with more rights than the shop's did, and the shop only waits until its catalogue answers
   * (the lab on AWS, where the shop's database role may not create tables).
   * @default 'self'
   */
  schemaSetup?: 'self' | 'external';
}

export class InvalidShopConfig extends Error {
  override readonly name = 'InvalidShopConfig';
  constructor(readonly problems: readonly string[]) {
    super(`invalid shop configuration: ${problems.join('; ')}`);
  }
}

const MAX_INT32 = 2_147_483_647;

const DEFAULT_DB_PORT = 5432;
const DEFAULT_DB_NAME = 'postgres';
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * How long the shop waits to connect to its database. While the database is gone, each request waits this
 * long before its breaker opens: one Lambda environment is held that long per request.
 */
export const DEFAULT_DB_CONNECT_TIMEOUT_MS = 1000;

/**
 * Reads SHOP_DATABASE_URL (or DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_SECRET_ARN), DB_SSL, ENABLE_DEGRADATION, ORDER_QUEUE_URL, PRODUCT_CACHE_TABLE,
 * BREAKER_FAILURE_THRESHOLD, BREAKER_RECOVERY_TIMEOUT_SECONDS, DB_CONNECT_TIMEOUT_MS,
 * DB_STATEMENT_TIMEOUT_MS, DB_POOL_SIZE, INITIAL_STOCK, INSTANCE_ID, INIT_RETRY_INITIAL_DELAY_MS,
 * INIT_RETRY_MAX_DELAY_MS and DB_SCHEMA_SETUP. Throws `InvalidShopConfig` naming every problem at once.
 */
export function loadShopConfig(env: NodeJS.ProcessEnv): ShopConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const database = readDatabase(read, problems);

  const enableDegradation = read.boolean('ENABLE_DEGRADATION', true);
  const orderQueueUrl = read.string('ORDER_QUEUE_URL');
  const productCacheTable = read.string('PRODUCT_CACHE_TABLE');
  if (enableDegradation) {
    if (orderQueueUrl === undefined) problems.push('ORDER_QUEUE_URL is required when degradation is enabled');
    if (productCacheTable === undefined) problems.push('PRODUCT_CACHE_TABLE is required when degradation is enabled');
  }
  if (orderQueueUrl !== undefined && !/^https?:\/\//.test(orderQueueUrl))
    problems.push(`ORDER_QUEUE_URL must be an http(s) URL, got ${JSON.stringify(orderQueueUrl)}`);

  const breakerFailureThreshold = read.integer('BREAKER_FAILURE_THRESHOLD', 3, 1, 1000);
  // Seconds as the seed has them; fractions allowed so a short local outage can use a short timeout.
  const recoverySeconds = read.number('BREAKER_RECOVERY_TIMEOUT_SECONDS', 30, 0, 3600);
  const dbConnectTimeoutMs = read.integer('DB_CONNECT_TIMEOUT_MS', DEFAULT_DB_CONNECT_TIMEOUT_MS, 1, 60_000);
  const dbStatementTimeoutMs = read.integer('DB_STATEMENT_TIMEOUT_MS', 2000, 1, 600_000);
  const dbPoolSize = read.integer('DB_POOL_SIZE', 10, 1, 1000);
  const initialStock = read.integer('INITIAL_STOCK', 100_000, 0, MAX_INT32);
  const initialDelayMs = read.integer('INIT_RETRY_INITIAL_DELAY_MS', 2000, 1, 600_000);
  const maxDelayMs = read.integer('INIT_RETRY_MAX_DELAY_MS', 30_000, 1, 3_600_000);
  if (maxDelayMs < initialDelayMs)
    problems.push(
      `INIT_RETRY_MAX_DELAY_MS (${maxDelayMs}) must be at least INIT_RETRY_INITIAL_DELAY_MS (${initialDelayMs})`,
    );
  const instanceId = read.string('INSTANCE_ID') ?? hostname();
  const schemaSetup = read.oneOf('DB_SCHEMA_SETUP', ['self', 'external']) ?? 'self';

  if (problems.length > 0) throw new InvalidShopConfig(problems);
  return {
    ...database,
    enableDegradation,
    ...(orderQueueUrl !== undefined ? { orderQueueUrl } : {}),
    ...(productCacheTable !== undefined ? { productCacheTable } : {}),
    breakerFailureThreshold,
    breakerRecoveryTimeoutMs: Math.round(recoverySeconds * 1000),
    dbConnectTimeoutMs,
    dbStatementTimeoutMs,
    dbPoolSize,
    initialStock,
    instanceId,
    initRetry: { initialDelayMs, maxDelayMs },
    schemaSetup,
  };
}

type DatabaseSettings = Pick<ShopConfig, 'databaseUrl' | 'databaseSecretArn' | 'databaseSsl'>;

/**
 * The database either as one URL (the local lab, a test server) or as host, port, name, user and a
 * secret holding the password (Lambda behind RDS Proxy, where the password lives in Secrets Manager).
 */
function readDatabase(read: EnvReader, problems: string[]): DatabaseSettings {
  const url = read.string('SHOP_DATABASE_URL');
  const host = read.string('DB_HOST');
  const sslMode = read.oneOf('DB_SSL', ['require', 'disable']);
  if (host === undefined) {
    if (url === undefined) problems.push('SHOP_DATABASE_URL is required (or DB_HOST, DB_USER and DB_SECRET_ARN)');
    else if (!/^postgres(ql)?:\/\//.test(url))
      problems.push(`SHOP_DATABASE_URL must be a postgres:// URL, got ${JSON.stringify(redact(url))}`);
    for (const name of ['DB_PORT', 'DB_NAME', 'DB_USER', 'DB_SECRET_ARN']) {
      if (read.string(name) !== undefined) problems.push(`${name} is used only with DB_HOST`);
    }
    return { databaseUrl: url ?? '', ...(sslMode === 'require' ? { databaseSsl: true } : {}) };
  }
  if (url !== undefined) problems.push('set SHOP_DATABASE_URL or DB_HOST, not both');
  const port = read.integer('DB_PORT', DEFAULT_DB_PORT, 1, 65_535);
  const name = read.string('DB_NAME') ?? DEFAULT_DB_NAME;
  const user = read.string('DB_USER');
  if (user === undefined) problems.push('DB_USER is required with DB_HOST');
  const secretArn = read.string('DB_SECRET_ARN');
  if (secretArn === undefined) problems.push('DB_SECRET_ARN is required with DB_HOST');
  else if (!SECRET_ARN.test(secretArn))
    problems.push(`DB_SECRET_ARN must be a Secrets Manager secret ARN, got ${JSON.stringify(secretArn)}`);
  const databaseUrl = `postgres://${encodeURIComponent(user ?? '')}@${host}:${port}/${encodeURIComponent(name)}`;
  // Behind RDS Proxy TLS is required, so it is the default here; only an explicit DB_SSL=disable turns it off.
  return { databaseUrl, databaseSecretArn: secretArn ?? '', databaseSsl: sslMode !== 'disable' };
}

/** Collects problems instead of throwing, so one error lists them all. */
class EnvReader {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly problems: string[],
  ) {}

  /** Unset and blank are the same: absent. */
  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.problems.push(`${name} must be true or false, got ${JSON.stringify(this.env[name])}`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(this.env[name])}`);
    return undefined;
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  }
}

/** Never echo a password into an error message or a log. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
