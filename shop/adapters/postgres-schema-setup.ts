// The schema setup run with the database's master user: tables, seed, and the shop's own login role with rights on its tables only.
import type { Pool, PoolClient } from 'pg';
import { PostgresShopDatabase } from './postgres-store';

/** The login role the shop connects as, and the password it will show (from its own secret). */
export interface ShopAppRole {
  readonly username: string;
  readonly password: string;
}

export interface ShopSchemaSetupOptions {
  readonly appRole: ShopAppRole;
  /** Stock of each seeded product in a fresh database. */
  readonly initialStock: number;
}

/** Serializes two setups running at once (a retried deploy), as the shop's own schema lock does. */
const ROLE_LOCK_KEY = 4_242_002;

/** A PostgreSQL role name the grants below can quote safely: lower case, digits, underscores. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * What the shop does with its tables, and nothing more: it reads the catalogue and takes stock,
 * inserts an order once and may turn it into a rejection. No DELETE, no DDL, no other table.
 */
export const SHOP_APP_GRANTS: readonly string[] = Object.freeze([
  'GRANT SELECT, UPDATE (stock) ON products TO %I',
  'GRANT SELECT, INSERT, UPDATE (status, reason) ON orders TO %I',
]);

/** The role name is refused before any SQL runs. */
export class InvalidAppRole extends Error {
  override readonly name = 'InvalidAppRole';
}

/**
 * Creates the schema and the seed as the connecting (master) user, who then owns the tables; then
 * creates the shop's role, or sets its password again when it exists, and grants it exactly
 * {@link SHOP_APP_GRANTS}. Safe to run again: every step converges on the same state.
 */
export async function setUpShopSchema(pool: Pool, options: ShopSchemaSetupOptions): Promise<void> {
  const { username, password } = options.appRole;
  if (!ROLE_NAME.test(username))
    throw new InvalidAppRole(
      `the shop's role name must be lower-case letters, digits and underscores (got ${JSON.stringify(username)})`,
    );
  if (password === '') throw new InvalidAppRole(`the shop's role ${username} needs a password`);

  // The same transaction the shop runs in the local lab, so both build the identical schema.
  await new PostgresShopDatabase(pool).initialize(options.initialStock);

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [ROLE_LOCK_KEY]);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username]);
    // Utility statements take no parameters: format() quotes the name and the password on the server.
    const statement =
      exists.rowCount === 0 ? 'CREATE ROLE %I LOGIN PASSWORD %L' : 'ALTER ROLE %I WITH LOGIN PASSWORD %L';
    await execute(client, statement, username, password);
    await execute(client, 'REVOKE ALL ON products, orders FROM %I', username);
    for (const grant of SHOP_APP_GRANTS) await execute(client, grant, username);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Runs `format(template, ...args)` as a statement; the arguments never reach the SQL unquoted. */
async function execute(client: PoolClient, template: string, ...args: string[]): Promise<void> {
  const placeholders = args.map((_, index) => `$${index + 2}::text`).join(', ');
  const formatted = await client.query<{ sql: string }>(`SELECT format($1::text, ${placeholders}) AS sql`, [
    template,
    ...args,
  ]);
  await client.query(formatted.rows[0].sql);
}
