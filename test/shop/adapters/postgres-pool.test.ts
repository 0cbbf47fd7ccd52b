// The pg pool's connection settings: a URL as it is, or discrete fields when a password source or TLS is given.
import type { Pool } from 'pg';
import { createPostgresPool } from '../../../shop/adapters/postgres-store';
import { silentLogger } from '../../../shop/ports';

const base = { connectTimeoutMs: 1000, statementTimeoutMs: 2000, poolSize: 2 };
const pools: Pool[] = [];

function poolWith(
  options: Partial<Parameters<typeof createPostgresPool>[0]> & { databaseUrl: string },
): Record<string, unknown> {
  const pool = createPostgresPool({ ...base, ...options }, silentLogger);
  pools.push(pool);
  return (pool as unknown as { options: Record<string, unknown> }).options;
}

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
});

describe('createPostgresPool', () => {
  test('passes a plain URL through as the connection string', () => {
    // Given only a URL
    // When the pool is created
    const options = poolWith({ databaseUrl: 'postgres://shop:pw@db:5432/shop' });
    // Then pg parses it itself
    expect(options).toMatchObject({ connectionString: 'postgres://shop:pw@db:5432/shop' });
    expect(options.host).toBeUndefined();
  });

  test('connects through discrete fields with the password source and verified TLS', () => {
    // Given a password-less URL, a password source and TLS
    const password = (): Promise<string> => Promise.resolve('s3cret');
    // When the pool is created
    const options = poolWith({ databaseUrl: 'postgres://shop@proxy.example:5432/shop', password, ssl: true });
    // Then host, port, database and user come from the URL, the password from the source, and TLS verifies the certificate
    expect(options).toMatchObject({
      host: 'proxy.example',
      port: 5432,
      database: 'shop',
      user: 'shop',
      password,
      ssl: { rejectUnauthorized: true },
    });
    expect(options.connectionString).toBeUndefined();
  });
});
