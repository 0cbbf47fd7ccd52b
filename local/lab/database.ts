// The lab's PostgreSQL: PGlite (real Postgres in WASM) served over TCP, or a real server from DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import type { Server, Socket } from 'node:net';
import path from 'node:path';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { DEFAULT_CACHE_DIR, PROJECT_ROOT, installedVersion } from './cache-dir';
import { trackResource } from './leftovers';
import { processRuns } from './process-runs';

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
  /**
   * Where PGlite's initialized data directory is kept between labs; null starts every PGlite cold.
   * @default - `.gameday/cache` in the project
   */
  readonly dataDirCache?: string | null;
  /**
   * Where an embedded PGlite keeps its data directory while it runs: one fresh directory per lab,
   * removed when the lab stops (and, if its process died first, by the next lab that starts).
   * @default - `.gameday/pglite` in the project
   */
  readonly dataDirRoot?: string;
  /**
   * How often an embedded PGlite writes a checkpoint (see `startCheckpointer`).
   * @default 30000
   */
  readonly checkpointEveryMs?: number;
}

/** How often the lab's PGlite writes a checkpoint, by default. */
const CHECKPOINT_EVERY_MS = 30_000;

/** Starts the lab database: a fresh database on the given server, or an embedded PGlite (its data directory on disk). */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<LabDatabase> {
  const serverUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (serverUrl) return createServerDatabase(serverUrl);
  return startPglite({
    maxConnections: options.maxConnections ?? 16,
    cacheDir: options.dataDirCache === undefined ? DEFAULT_CACHE_DIR : options.dataDirCache,
    dataDirRoot: options.dataDirRoot ?? DEFAULT_DATA_DIR_ROOT,
    checkpointEveryMs: options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS,
  });
}

const DEFAULT_DATA_DIR_ROOT = path.join(PROJECT_ROOT, '.gameday', 'pglite');

/**
 * Writes PGlite's initialized data directory into the cache when it is not there yet, so the labs
 * that start next copy it rather than each running initdb (seconds apiece, many more when several
 * cold starts share a busy machine). A cache already written is left alone.
 */
export async function warmDatabaseCache(cacheDir: string = DEFAULT_CACHE_DIR): Promise<void> {
  if (existsSync(cacheFileIn(cacheDir))) return;
  const { PGlite } = await import('@electric-sql/pglite');
  const dataDir = await freshDataDir(DEFAULT_DATA_DIR_ROOT);
  try {
    const db = await createPglite(PGlite, cacheDir, dataDir);
    await db.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * A fresh directory for one PGlite's data, named after the process that owns it. Directories of
 * processes that no longer run (a lab killed before its stop) are removed first.
 */
async function freshDataDir(root: string): Promise<string> {
  await mkdir(root, { recursive: true });
  for (const name of await readdir(root)) {
    const owner = Number(/^(\d+)-/.exec(name)?.[1]);
    if (owner && owner !== process.pid && !processRuns(owner))
      await rm(path.join(root, name), { recursive: true, force: true });
  }
  return mkdtemp(path.join(root, `${process.pid}-`));
}

/** The cached initialized data directory of the installed PGlite. */
function cacheFileIn(cacheDir: string): string {
  return path.join(cacheDir, `pglite-${installedVersion('@electric-sql/pglite')}-initdb.tar`);
}

type PgliteClass = typeof import('@electric-sql/pglite').PGlite;

/**
 * A fresh PGlite with its data directory on disk (`dataDir`), not in PGlite's default in-memory file
 * system: there every row, index page and WAL segment a run writes stays in the process's memory
 * (measured: 120,000 orders grew it by 121 MB; on disk, by none). initdb costs seconds, so the data
 * directory it leaves (before any schema or row) is dumped once per PGlite version and every later
 * lab starts from a copy of it.
 */
async function createPglite(
  PGlite: PgliteClass,
  cacheDir: string | null,
  dataDir: string,
): Promise<InstanceType<PgliteClass>> {
  if (cacheDir === null) return PGlite.create({ dataDir });
  const file = cacheFileIn(cacheDir);
  const cached = await readFile(file).catch(() => null);
  if (cached) {
    try {
      return await PGlite.create({ dataDir, loadDataDir: new Blob([cached]) });
    } catch {
      // A cut-short or foreign dump: start cold (in an emptied directory) and write a good one below.
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir);
    }
  }
  const db = await PGlite.create({ dataDir });
  try {
    // Uncompressed: a gzip dump is a tenth of the size but costs more to write and to load.
    const dump = await db.dumpDataDir('none');
    await mkdir(cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } catch {
    // The cache only saves time: a lab that cannot write it still runs.
  }
  return db;
}

interface PgliteSettings {
  readonly maxConnections: number;
  readonly cacheDir: string | null;
  readonly dataDirRoot: string;
  readonly checkpointEveryMs: number;
}

async function startPglite({
  maxConnections,
  cacheDir,
  dataDirRoot,
  checkpointEveryMs,
}: PgliteSettings): Promise<LabDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const dataDir = await freshDataDir(dataDirRoot);
  let db: InstanceType<PgliteClass> | undefined;
  let server: TcpServer;
  try {
    db = await createPglite(PGlite, cacheDir, dataDir);
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const socketServer = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await socketServer.start();
    try {
      server = followConnections(socketServer);
    } catch (error) {
      await socketServer.stop();
      throw error;
    }
  } catch (error) {
    await db?.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const started = db;
  const untrack = trackResource(`the database directory ${dataDir} (the next lab removes it, or: rm -rf ${dataDir})`);
  const { port } = server;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  const checkpointer = startCheckpointer(url, checkpointEveryMs);
  return {
    url,
    host: '127.0.0.1',
    port,
    kind: 'pglite',
    async stop() {
      await checkpointer.stop();
      await server.stop();
      await started.close();
      await rm(dataDir, { recursive: true, force: true });
      untrack();
    },
  };
}

/** A PGlite served over TCP. */
export interface TcpServer {
  readonly port: number;
  /** Stops serving: every connection still open is ended, as a Postgres fast shutdown ends every session. */
  stop(): Promise<void>;
}

/**
 * A started PGlite socket server (it multiplexes its clients onto one PGlite), whose stop ends every
 * connection still open.
 *
 * Its own stop alone can hang: a connection its own count refuses (one that TCP let in while an old
 * connection's socket was torn down but its close event had not come yet, as in a reconnect storm
 * at the cap) is ended but never read, so it never closes, and the server's close() waits for it.
 * So every connection is followed here, and the ones still open when it stops are destroyed. Its
 * net.Server is a private field, read by name and checked: an upgrade that renames it fails here,
 * at the start, not at the stop.
 */
export function followConnections(server: PGLiteSocketServer): TcpServer {
  const raw = netServerOf(server);
  const open = new Set<Socket>();
  raw.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return {
    port: Number(server.getServerConn().split(':').pop()),
    async stop() {
      const stopped = server.stop();
      for (const socket of open) socket.destroy();
      await stopped;
    },
  };
}

/** The started socket server's net.Server (a private field, read by name and checked). */
export function netServerOf(server: PGLiteSocketServer): Server {
  const raw = (server as unknown as { server?: unknown }).server;
  if (typeof raw !== 'object' || raw === null || typeof (raw as Server).on !== 'function') {
    throw new Error('the PGlite socket server keeps no started net.Server as `server` (not started, or renamed)');
  }
  return raw as Server;
}

/**
 * PGlite runs Postgres as a single-user backend, which has no checkpointer process: nothing
 * checkpoints by time, and `max_wal_size` did not trigger one either (measured: 120,000 inserts
 * left 4 WAL segments of 16 MB whatever it was set to), so a long run keeps its whole WAL (in memory,
 * when the data directory was in memory; on disk now). The lab checkpoints (every 30 s by default) over a connection of its own, queued by
 * the socket server like any client's query (never inside another connection's transaction); the
 * WAL then stays at 2 segments. A failed checkpoint only leaves the WAL longer: it is not retried early.
 */
function startCheckpointer(url: string, everyMs: number): { stop(): Promise<void> } {
  let client: Client | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const checkpoint = async (): Promise<void> => {
    if (!client) {
      const fresh = new Client({ connectionString: url });
      fresh.on('error', () => undefined);
      await fresh.connect();
      client = fresh;
    }
    await client.query('CHECKPOINT');
  };
  const timer = setInterval(() => {
    running = running.then(checkpoint).catch(() => {
      void client?.end().catch(() => undefined);
      client = undefined;
    });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await client?.end().catch(() => undefined);
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
  const untrack = trackResource(`the database ${name} on the DATABASE_URL server (DROP DATABASE ${name} WITH (FORCE))`);
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
        untrack();
      } finally {
        await dropper.end();
      }
    },
  };
}
