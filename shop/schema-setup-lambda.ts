// Lambda entry of the lab's schema setup: a CloudFormation custom resource that runs with the master secret, never the shop's.
import { setTimeout as delay } from 'node:timers/promises';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createPostgresPool } from './adapters/postgres-store';
import { createPowertoolsShopLogger } from './adapters/powertools-logger';
import { setUpShopSchema } from './adapters/postgres-schema-setup';
import { readDatabaseCredentials } from './adapters/secrets-extension';
import { DatabaseUnavailable } from './core/errors';
import { consoleLogger, type ShopLogger } from './ports';

/** What the custom resource framework expects back. */
export interface SchemaSetupResult {
  PhysicalResourceId: string;
  Data: { AppUsername: string };
}

const PHYSICAL_ID = 'shop-schema';
/** Within the setup function's 2-minute timeout. */
const SETUP_RETRY = Object.freeze({ attempts: 5, delayMs: 15_000 });

/**
 * Create and Update: schema, seed and the shop's role, connected straight to the cluster as the
 * master user. Delete: nothing, the cluster goes with the stack. The settings come from the
 * environment: DB_HOST, DB_PORT, DB_NAME, MASTER_SECRET_ARN, APP_SECRET_ARN, INITIAL_STOCK.
 */
export async function setUpSchemaFor(
  event: CloudFormationCustomResourceEvent,
  env: NodeJS.ProcessEnv,
  logger: ShopLogger = consoleLogger,
  retry: { attempts: number; delayMs: number } = SETUP_RETRY,
): Promise<SchemaSetupResult> {
  const appSecretArn = required(env, 'APP_SECRET_ARN');
  if (event.RequestType === 'Delete')
    return { PhysicalResourceId: event.PhysicalResourceId, Data: { AppUsername: '' } };

  const master = await readDatabaseCredentials({ secretId: required(env, 'MASTER_SECRET_ARN'), env });
  const appRole = await readDatabaseCredentials({ secretId: appSecretArn, env });
  const pool = createPostgresPool(
    {
      databaseUrl: `postgres://${encodeURIComponent(master.username)}@${required(env, 'DB_HOST')}:${env.DB_PORT ?? '5432'}/${encodeURIComponent(required(env, 'DB_NAME'))}`,
      connectTimeoutMs: 10_000,
      statementTimeoutMs: 30_000,
      poolSize: 1,
      password: async () => master.password,
      // Aurora's certificate comes from the RDS CA: the function loads it through NODE_EXTRA_CA_CERTS.
      ssl: env.DB_SSL !== 'disable',
    },
    logger,
  );
  try {
    // A fresh cluster's endpoint can take a moment to answer after CloudFormation reports it created.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await setUpShopSchema(pool, { appRole, initialStock: Number(env.INITIAL_STOCK ?? '100000') });
        break;
      } catch (error) {
        if (!(error instanceof DatabaseUnavailable) || attempt >= retry.attempts) throw error;
        logger.warn('database not reachable yet; retrying the schema setup', { attempt, error: error.message });
        await delay(retry.delayMs);
      }
    }
  } finally {
    await pool.end();
  }
  logger.info('shop schema set up', { appUsername: appRole.username });
  return { PhysicalResourceId: PHYSICAL_ID, Data: { AppUsername: appRole.username } };
}

/** The handler the setup function runs (Lambda's second argument is its context, not an environment). */
const setupLogger = createPowertoolsShopLogger('schema-setup');

export const schemaSetupHandler = (event: CloudFormationCustomResourceEvent): Promise<SchemaSetupResult> =>
  setUpSchemaFor(event, process.env, setupLogger);

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
