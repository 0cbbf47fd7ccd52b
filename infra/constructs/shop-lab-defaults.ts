// The Chaos Shop lab's settings and sizes, and the ports its parts talk on.
import * as logs from 'aws-cdk-lib/aws-logs';

/** The seed's settings and the lab's sizes; each is explained in the README's "Default settings". */
export const SHOP_LAB_DEFAULTS = Object.freeze({
  /** At least six times the worker's timeout, as AWS advises for an SQS event source. */
  visibilityTimeoutSeconds: 90,
  /** 10 x 90 s of retries outlast the seed's 180 s outage before an order reaches the DLQ. */
  maxReceiveCount: 10,
  /** One order per invocation: a failed order is retried alone. */
  workerBatchSize: 1,
  /** Long polling. */
  receiveWaitSeconds: 20,
  workerTimeoutSeconds: 15,
  shopTimeoutSeconds: 10,
  shopMemoryMb: 512,
  dlqRetentionDays: 14,
  databaseMinCapacity: 0.5,
  databaseMaxCapacity: 2,
  databaseName: 'shop',
  /** The cluster's master user: only the schema setup connects as it. (Kept from the first lab, so the cluster is not replaced.) */
  databaseMasterUser: 'shop',
  /** The shop's own login role: rights on its two tables only, set up by the schema setup. */
  databaseAppUser: 'shop_app',
  /** Small: Lambda serves one request at a time per environment, and the proxy multiplexes. */
  databasePoolSize: 2,
  /**
   * API Gateway's default account quota in a region (10,000 requests/s, burst 5,000): above every
   * rate the GameDay accepts (at most 10,000 reads + writes per second), so a 429 never fails a verdict.
   */
  apiRateLimitPerSecond: 10_000,
  apiBurstLimit: 5_000,
  logRetention: logs.RetentionDays.ONE_MONTH,
});

/** PostgreSQL's port, on the proxy and on the cluster. */
export const POSTGRES_PORT = 5432;
/** HTTPS, to the VPC endpoints. */
export const HTTPS_PORT = 443;
/** Raise it when the schema setup must run again on a stack update (new tables or grants). */
export const SCHEMA_SETUP_REVISION = '1';
/** The Lambda Node.js runtime's bundle of Amazon CA certificates, the RDS CA among them (not loaded by default since Node.js 20). */
export const LAMBDA_CA_BUNDLE = '/var/runtime/ca-cert.pem';
