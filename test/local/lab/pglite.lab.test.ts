// The embedded lab database (PGlite): its checkpoints, its data directories on disk, its cache and its socket server's stop.
// These are tests of PGlite itself, so they run without DATABASE_URL whatever the shell sets (jest
// gives each test file its own copy of the environment).
import net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { followConnections, netServerOf, startDatabase } from '../../../local/lab/database';

// A PGlite cold start takes seconds, more on a busy machine.
jest.setTimeout(30_000);

delete process.env.DATABASE_URL;

describe('startDatabase with PGlite', () => {
  it('checkpoints on its own, so the WAL of a long run does not pile up', async () => {
    // Given an embedded database that checkpoints every 300 ms, and a client that writes to it
    const db = await startDatabase({ checkpointEveryMs: 300 });
    const client = new Client({ connectionString: db.url });
    try {
      await client.connect();
      const redo = async () =>
        (await client.query<{ lsn: string }>('SELECT redo_lsn::text AS lsn FROM pg_control_checkpoint()')).rows[0].lsn;
      const before = await redo();
      await client.query('CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 10000) g');
      // When a few of its intervals pass
      let after = before;
      for (let tries = 0; tries < 20 && after === before; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        after = await redo();
      }
      // Then a checkpoint has moved the redo point past the writes (WAL before it can be recycled)
      expect(after).not.toBe(before);
    } finally {
      await client.end();
      await db.stop();
    }
  });

  it('stops its socket server when a connection the server refused for too many clients is still open', async () => {
    // Given a PGlite served over TCP to one client at a time, and a client holding that one connection
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create();
    const socketServer = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await socketServer.start();
    const server = followConnections(socketServer);
    const holder = new Client({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/postgres` });
    await holder.connect();
    // And a second connection refused by the socket server's own count of clients. It refuses one that TCP let in
    // while an old connection's socket was torn down but its close event had not come yet (a reconnect storm at the
    // cap); raising TCP's cap above the server's makes that race certain here.
    netServerOf(socketServer).maxConnections = 2;
    const refused = net.connect(server.port, '127.0.0.1');
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        refused.once('error', reject);
        refused.once('connect', () => refused.write(startupMessage('postgres')));
        refused.once('data', (data) => resolve(data.toString('utf8')));
      });
      expect(answer).toContain('Too many connections');
      await holder.end();
      // When the server stops, Then it stops: the refused connection, ended but never read, does not hold it open
      await expect(server.stop()).resolves.toBeUndefined();
    } finally {
      refused.destroy();
      await db.close();
    }
  });

  it('keeps its rows in a data directory of its own on disk, and removes it when it stops', async () => {
    // Given an embedded database whose data directories go under a fresh root
    const root = mkdtempSync(path.join(os.tmpdir(), 'pglite-data-'));
    try {
      const db = await startDatabase({ dataDirRoot: root });
      const [dir] = readdirSync(root);
      const client = new Client({ connectionString: db.url });
      let tableFile: string;
      try {
        await client.connect();
        // When a client writes a table and asks where its rows are kept
        await client.query('CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 10000) g');
        await client.query('CHECKPOINT');
        tableFile = (await client.query<{ file: string }>("SELECT pg_relation_filepath('t') AS file")).rows[0].file;
      } finally {
        await client.end();
      }
      // Then the table's file is on disk, in the one directory named after this process, while it runs
      expect(dir).toMatch(new RegExp(`^${process.pid}-`));
      expect(statSync(path.join(root, dir, tableFile)).size).toBeGreaterThan(0);
      // And the directory is gone once the database stops
      await db.stop();
      expect(readdirSync(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("removes the data directory a process that no longer runs left behind, and keeps a running one's", async () => {
    // Given a root with the directory of a process id that runs no process, and one of a process that runs (this one's parent)
    const root = mkdtempSync(path.join(os.tmpdir(), 'pglite-data-'));
    const deadPid = 2 ** 22 + 1; // above Linux's pid_max: never a running process
    const dead = path.join(root, `${deadPid}-left`);
    const alive = path.join(root, `${process.ppid}-running`);
    mkdirSync(dead);
    mkdirSync(alive);
    try {
      // When a database starts under that root
      const db = await startDatabase({ dataDirRoot: root });
      await db.stop();
      // Then the dead process's directory is gone and the running one's stays
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(alive)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('startDatabase with a data directory cache', () => {
  it("starts a second PGlite from the first one's initialized data directory, with none of its rows", async () => {
    // Given an empty cache, and a first lab that created a table
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'pglite-cache-'));
    try {
      const first = await startDatabase({ dataDirCache: cacheDir });
      const writer = new Client({ connectionString: first.url });
      await writer.connect();
      await writer.query('CREATE TABLE left_behind (id int)');
      await writer.end();
      await first.stop();
      // When a second lab starts from the cache
      const second = await startDatabase({ dataDirCache: cacheDir });
      const reader = new Client({ connectionString: second.url });
      try {
        await reader.connect();
        const tables = await reader.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'left_behind'");
        // Then the cache holds one dump, and the second database is fresh: it answers and has no table of the first
        expect(readdirSync(cacheDir).filter((name) => name.endsWith('.tar'))).toHaveLength(1);
        expect(tables.rows).toEqual([{ n: 0 }]);
      } finally {
        await reader.end();
        await second.stop();
      }
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

/** A PostgreSQL v3 startup message for `user`, as a client sends it first. */
function startupMessage(user: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from(`user\0${user}\0\0`, 'utf8')]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
}
