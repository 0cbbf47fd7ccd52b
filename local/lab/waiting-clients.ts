// How the lab's proxy treats clients while its target is away: they wait, unanswered, as RDS Proxy's do.
import type net from 'node:net';

/**
 * What a deregistered (or still REGISTERING) target does to its clients:
 * - `hang`, as RDS Proxy does: new connections are accepted and wait for a database connection,
 *   open ones stop answering; a wait that outlasts the borrow timeout ends in an error and a close;
 * - `reset`: every connection is reset at once and new ones are refused (clients fail fast).
 */
export type OutageMode = 'hang' | 'reset';

export const OUTAGE_MODES: readonly OutageMode[] = ['hang', 'reset'];

/** RDS Proxy's default `ConnectionBorrowTimeout` (120 s), which the lab stack's proxy keeps. */
export const DEFAULT_BORROW_TIMEOUT_MS = 120_000;

/** The PostgreSQL protocol 3.0 startup code: the first message of a connection without TLS. */
const STARTUP_PROTOCOL_3 = 196_608;

interface Waiter {
  readonly timer: NodeJS.Timeout;
  /** true: the connection was open when the target went; its session's database connection is gone. */
  readonly orphaned: boolean;
}

/**
 * The connections the proxy holds unanswered while its target is away. A new one waits to borrow
 * a database connection: it is served if the target is AVAILABLE within the borrow timeout, and
 * otherwise told so in the protocol and closed. An open one lost its database connection with the
 * target: it stops answering and is closed at the borrow timeout or when the target is back,
 * whichever comes first (its session, open transaction and all, cannot be resumed).
 */
export class WaitingClients {
  private readonly waiters = new Map<net.Socket, Waiter>();
  timedOut = 0;

  constructor(private readonly borrowTimeoutMs: () => number) {}

  get size(): number {
    return this.waiters.size;
  }

  /** A new connection while the target is away: nothing is read from it until it is served or ends. */
  waitForTarget(client: net.Socket): void {
    client.pause();
    this.add(client, false);
  }

  /** An open connection whose upstream went with the target: no byte reaches it again. */
  orphan(client: net.Socket): void {
    client.pause();
    this.add(client, true);
  }

  /** The target is AVAILABLE: each new connection still waiting is served; each orphaned one is closed. */
  release(serve: (client: net.Socket) => void): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const [client, waiter] of waiting) {
      clearTimeout(waiter.timer);
      if (client.destroyed) continue;
      if (waiter.orphaned) client.destroy();
      else serve(client);
    }
  }

  /** Ends every waiting connection (the proxy stops, or a reset-mode deregistration). */
  resetAll(): void {
    for (const [client, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      client.resetAndDestroy();
    }
    this.waiters.clear();
  }

  private add(client: net.Socket, orphaned: boolean): void {
    const timer = setTimeout(() => this.timeOut(client), this.borrowTimeoutMs());
    this.waiters.set(client, { timer, orphaned });
    client.once('close', () => {
      const waiter = this.waiters.get(client);
      if (waiter) clearTimeout(waiter.timer);
      this.waiters.delete(client);
    });
  }

  /**
   * The borrow timeout ran out. A client that sent its startup message gets a FATAL ErrorResponse
   * first, as a proxy that could not borrow a connection answers; one whose session was open (the
   * stream may stand mid-message) or that asked for TLS (the lab speaks none) is only closed.
   */
  private timeOut(client: net.Socket): void {
    const waiter = this.waiters.get(client);
    this.waiters.delete(client);
    this.timedOut += 1;
    answerBorrowTimeout(client, this.borrowTimeoutMs(), waiter?.orphaned ?? false);
  }
}

/** Ends a connection whose borrow timed out: with the FATAL error if it sent its startup message unanswered. */
export function answerBorrowTimeout(client: net.Socket, borrowTimeoutMs: number, orphaned: boolean): void {
  if (client.destroyed) return;
  const sent = orphaned ? null : (client.read() as Buffer | null);
  if (sent && sent.length >= 8 && sent.readInt32BE(4) === STARTUP_PROTOCOL_3) {
    client.end(borrowTimeoutError(borrowTimeoutMs), () => client.destroy());
    return;
  }
  client.destroy();
}

/** A PostgreSQL ErrorResponse (FATAL, class 08: connection exception) saying the borrow timed out. */
export function borrowTimeoutError(borrowTimeoutMs: number): Buffer {
  const fields = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', '08006'],
    ['M', `timed out waiting to borrow a database connection (borrow timeout ${borrowTimeoutMs} ms)`],
  ] as const;
  const body = Buffer.concat([
    ...fields.map(([code, value]) => Buffer.from(`${code}${value}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
