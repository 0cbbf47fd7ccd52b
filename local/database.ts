// The lab's PostgreSQL: PGlite (real Postgres in WASM) served over TCP, or a real server from DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface LabDatabase {
  /** A `postgres://` URL that a pg client can connect to directly. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** 'pglite' when embedded, 'postgres' when DATABASE_URL points at a server. */
  readonly kind: 'pglite' | 'postgres';
  stop(): Promise<void>;
}

export interface StartDatabaseOptions {
  /**
   * A real PostgreSQL server to use instead of PGlite. Each lab gets a fresh database on it, so
   * parallel labs and test files never see each other's rows.
   * @default - process.env.DATABASE_URL, else embedded PGlite
   */
  readonly databaseUrl?: string;
  /**
   * Concurrent connections PGlite's socket server multiplexes.
   * @default 16
   */
  readonly maxConnections?: number;
}

/** Starts the lab database: a fresh database on the given server, or an in-memory PGlite. */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<LabDatabase> {
  const serverUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  return serverUrl ? createServerDatabase(serverUrl) : startPglite(options.maxConnections ?? 16);
}

async function startPglite(maxConnections: number): Promise<LabDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const address = server.getServerConn();
  const port = Number(address.split(':').pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    host: '127.0.0.1',
    port,
    kind: 'pglite',
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

async function createServerDatabase(serverUrl: string): Promise<LabDatabase> {
  const name = `gameday_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    host: url.hostname,
    port: Number(url.port || 5432),
    kind: 'postgres',
    async stop() {
      const dropper = new Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
