// The lab proxy's target group: its connection pool config, and the cap it puts on upstream connections.
import type net from 'node:net';
import { answerBorrowTimeout } from './waiting-clients';

/** The part of RDS Proxy's `ConnectionPoolConfigurationInfo` the lab keeps (SDK v3 names, whole numbers). */
export interface LabPoolConfig {
  /** Percent of the database's max connections the proxy may open, 1-100. */
  readonly MaxConnectionsPercent: number;
  /** Percent of the database's max connections the proxy keeps idle, 0-MaxConnectionsPercent. */
  readonly MaxIdleConnectionsPercent: number;
  /** Seconds a client waits to borrow a database connection before it gets an error. */
  readonly ConnectionBorrowTimeout: number;
}

/** A ModifyDBProxyTargetGroup the lab refuses, as RDS refuses it (`InvalidParameterValue`). */
export class InvalidPoolConfig extends Error {
  override readonly name = 'InvalidPoolConfig';
}

interface Borrower {
  readonly client: net.Socket;
  readonly serve: (client: net.Socket) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The target group of the lab's proxy. A TCP proxy cannot multiplex PostgreSQL sessions, so a
 * client connection holds its upstream connection while it is open: at most
 * `floor(MaxConnectionsPercent x maxConnections / 100)` (at least 1) are open at once. A client
 * beyond that waits, unanswered, for one to close; past the borrow timeout it gets a FATAL error
 * and is closed, as RDS Proxy answers a client it could not lend a connection. Lowering the cap
 * closes the newest connections above it: that is how the lab makes a clamp bite at once, where
 * RDS Proxy would make every next transaction wait for one of fewer connections.
 */
export class ProxyTargetGroup {
  private pool: LabPoolConfig;
  private borrowTimeoutMs: number;
  private readonly open: net.Socket[] = [];
  private readonly queue: Borrower[] = [];
  /** Borrows the borrow timeout ended (beside the outage's own waits). */
  timedOut = 0;

  constructor(
    /** The database's max connections, which the percentages are of. */
    readonly maxConnections: number,
    borrowTimeoutMs: number,
  ) {
    if (!Number.isInteger(maxConnections) || maxConnections < 1)
      throw new RangeError(`maxConnections must be a whole number >= 1, got ${maxConnections}`);
    this.borrowTimeoutMs = borrowTimeoutMs;
    // RDS Proxy's defaults for a new target group.
    this.pool = {
      MaxConnectionsPercent: 100,
      MaxIdleConnectionsPercent: 50,
      ConnectionBorrowTimeout: Math.round(borrowTimeoutMs / 1000),
    };
  }

  /** The pool config as DescribeDBProxyTargetGroups reports it. */
  get config(): LabPoolConfig {
    return { ...this.pool };
  }

  /** How long a client waits to borrow a connection (the outage's hang uses it too). */
  get borrowTimeout(): number {
    return this.borrowTimeoutMs;
  }

  /** Upstream connections the pool config allows at once. */
  get limit(): number {
    return Math.max(1, Math.floor((this.pool.MaxConnectionsPercent * this.maxConnections) / 100));
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** ModifyDBProxyTargetGroup: the members given replace the current ones; the result is checked as RDS checks it. */
  modify(change: Partial<LabPoolConfig>): LabPoolConfig {
    const next = { ...this.pool, ...definedOnly(change) };
    const wrong: string[] = [];
    if (!isWhole(next.MaxConnectionsPercent, 1, 100)) wrong.push('MaxConnectionsPercent must be 1-100');
    if (!isWhole(next.MaxIdleConnectionsPercent, 0, next.MaxConnectionsPercent))
      wrong.push('MaxIdleConnectionsPercent must be 0-MaxConnectionsPercent');
    if (!isWhole(next.ConnectionBorrowTimeout, 0, 3600)) wrong.push('ConnectionBorrowTimeout must be 0-3600 seconds');
    if (wrong.length > 0) throw new InvalidPoolConfig(`${wrong.join('; ')}: got ${JSON.stringify(next)}`);
    this.pool = next;
    if (change.ConnectionBorrowTimeout !== undefined) this.borrowTimeoutMs = next.ConnectionBorrowTimeout * 1000;
    for (const client of this.open.splice(this.limit)) client.destroy();
    this.lendFreed();
    return this.config;
  }

  /** A client asks for an upstream connection: `serve` connects it now, or when one is free within the borrow timeout. */
  borrow(client: net.Socket, serve: (client: net.Socket) => void): void {
    if (this.open.length < this.limit && this.queue.length === 0) return this.lend(client, serve);
    client.pause();
    const timer = setTimeout(() => {
      this.dropFromQueue(client);
      this.timedOut += 1;
      answerBorrowTimeout(client, this.borrowTimeoutMs, false);
    }, this.borrowTimeoutMs);
    this.queue.push({ client, serve, timer });
    client.once('close', () => {
      clearTimeout(timer);
      this.dropFromQueue(client);
    });
  }

  /** Ends every waiting borrow (the proxy stops). */
  stop(): void {
    for (const { client, timer } of this.queue.splice(0)) {
      clearTimeout(timer);
      client.resetAndDestroy();
    }
  }

  private lend(client: net.Socket, serve: (client: net.Socket) => void): void {
    this.open.push(client);
    client.once('close', () => {
      const at = this.open.indexOf(client);
      if (at >= 0) this.open.splice(at, 1);
      this.lendFreed();
    });
    serve(client);
  }

  private lendFreed(): void {
    while (this.open.length < this.limit && this.queue.length > 0) {
      const next = this.queue.shift() as Borrower;
      clearTimeout(next.timer);
      if (!next.client.destroyed) this.lend(next.client, next.serve);
    }
  }

  private dropFromQueue(client: net.Socket): void {
    const at = this.queue.findIndex((b) => b.client === client);
    if (at >= 0) this.queue.splice(at, 1);
  }
}

function isWhole(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function definedOnly(change: Partial<LabPoolConfig>): Partial<LabPoolConfig> {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
}
