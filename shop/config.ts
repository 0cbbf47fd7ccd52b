// The shop's configuration, read once from the environment and validated as a whole.
import { hostname } from 'node:os';

export interface ShopConfig {
  /** `postgres://` URL of the database, through the proxy. */
  databaseUrl: string;
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
}

export class InvalidShopConfig extends Error {
  override readonly name = 'InvalidShopConfig';
  constructor(readonly problems: readonly string[]) {
    super(`invalid shop configuration: ${problems.join('; ')}`);
  }
}

const MAX_INT32 = 2_147_483_647;

/**
 * Reads SHOP_DATABASE_URL, ENABLE_DEGRADATION, ORDER_QUEUE_URL, PRODUCT_CACHE_TABLE,
 * BREAKER_FAILURE_THRESHOLD, BREAKER_RECOVERY_TIMEOUT_SECONDS, DB_CONNECT_TIMEOUT_MS,
 * DB_STATEMENT_TIMEOUT_MS, DB_POOL_SIZE, INITIAL_STOCK, INSTANCE_ID, INIT_RETRY_INITIAL_DELAY_MS and
 * INIT_RETRY_MAX_DELAY_MS. Throws `InvalidShopConfig` naming every problem at once.
 */
export function loadShopConfig(env: NodeJS.ProcessEnv): ShopConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const databaseUrl = read.string('SHOP_DATABASE_URL');
  if (databaseUrl === undefined) problems.push('SHOP_DATABASE_URL is required');
  else if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push(`SHOP_DATABASE_URL must be a postgres:// URL, got ${JSON.stringify(redact(databaseUrl))}`);

  const enableDegradation = read.boolean('ENABLE_DEGRADATION', true);
  const orderQueueUrl = read.string('ORDER_QUEUE_URL');
  const productCacheTable = read.string('PRODUCT_CACHE_TABLE');
  if (enableDegradation) {
    if (orderQueueUrl === undefined) problems.push('ORDER_QUEUE_URL is required when degradation is enabled');
    if (productCacheTable === undefined) problems.push('PRODUCT_CACHE_TABLE is required when degradation is enabled');
  }
  if (orderQueueUrl !== undefined && !/^https?:\/\//.test(orderQueueUrl)) problems.push(`ORDER_QUEUE_URL must be an http(s) URL, got ${JSON.stringify(orderQueueUrl)}`);

  const breakerFailureThreshold = read.integer('BREAKER_FAILURE_THRESHOLD', 3, 1, 1000);
  // Seconds as the seed has them; fractions allowed so a short local outage can use a short timeout.
  const recoverySeconds = read.number('BREAKER_RECOVERY_TIMEOUT_SECONDS', 30, 0, 3600);
  const dbConnectTimeoutMs = read.integer('DB_CONNECT_TIMEOUT_MS', 1000, 1, 60_000);
  const dbStatementTimeoutMs = read.integer('DB_STATEMENT_TIMEOUT_MS', 2000, 1, 600_000);
  const dbPoolSize = read.integer('DB_POOL_SIZE', 10, 1, 1000);
  const initialStock = read.integer('INITIAL_STOCK', 100_000, 0, MAX_INT32);
  const initialDelayMs = read.integer('INIT_RETRY_INITIAL_DELAY_MS', 2000, 1, 600_000);
  const maxDelayMs = read.integer('INIT_RETRY_MAX_DELAY_MS', 30_000, 1, 3_600_000);
  if (maxDelayMs < initialDelayMs) problems.push(`INIT_RETRY_MAX_DELAY_MS (${maxDelayMs}) must be at least INIT_RETRY_INITIAL_DELAY_MS (${initialDelayMs})`);
  const instanceId = read.string('INSTANCE_ID') ?? hostname();

  if (problems.length > 0) throw new InvalidShopConfig(problems);
  return {
    databaseUrl: databaseUrl!,
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
  };
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
