// Test helpers for database tests: a port nobody listens on, a relay that can cut connections, a table reset.
import net from 'node:net';
import { Client } from 'pg';

/** A port on 127.0.0.1 that was free a moment ago: connecting to it is refused at once. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP relay to the database that refuses new connections and drops open ones while `down`. */
export class DatabaseRelay {
  private readonly server: net.Server;
  private readonly open = new Set<net.Socket>();
  private isDown = false;
  /** Connections refused while down: how a test sees that nobody tried. */
  refused = 0;

  constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
  ) {
    this.server = net.createServer((client) => this.relay(client));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Cuts every open connection and refuses new ones. */
  down(): void {
    this.isDown = true;
    for (const socket of this.open) socket.destroy();
  }

  up(): void {
    this.isDown = false;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    if (this.isDown) {
      this.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.upstreamPort, this.upstreamHost);
    for (const socket of [client, upstream]) {
      this.open.add(socket);
      socket.on('close', () => this.open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

/** The database URL with its host and port replaced, e.g. to go through a relay. */
export function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}

/** Removes the shop's tables, so the next initialization seeds a fresh catalogue. */
export async function dropShopTables(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS orders, products');
  } finally {
    await client.end();
  }
}
