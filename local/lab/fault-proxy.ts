// The lab's RDS Proxy: a TCP proxy in front of the database whose target can be deregistered.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { DEFAULT_BORROW_TIMEOUT_MS, type OutageMode, WaitingClients } from './waiting-clients';
import { ProxyTargetGroup } from './pool-brownout';
import { type ClusterStatus, WriterFailover } from './writer-failover';

/** Target health as RDS Proxy reports it (`TargetHealth.State`), plus DEREGISTERED for "no target". */
export type ProxyTargetState = 'AVAILABLE' | 'REGISTERING' | 'DEREGISTERED';

/** Thrown by register/deregister when the target is already in the requested state. */
export class ProxyTargetAlreadyRegistered extends Error {
  override readonly name = 'ProxyTargetAlreadyRegistered';
  constructor() {
    super('the proxy target is already registered');
  }
}

export class ProxyTargetNotFound extends Error {
  override readonly name = 'ProxyTargetNotFound';
  constructor() {
    super('the proxy target is not registered');
  }
}

export interface FaultProxyProps {
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  /**
   * How long a registered target stays REGISTERING before it is AVAILABLE (real targets take an
   * undocumented while; the GameDay must wait for AVAILABLE).
   * @default 1000
   */
  readonly registrationDelayMs?: number;
  /**
   * What a target that is away (deregistered or REGISTERING) does to clients: `hang` holds them
   * unanswered until the borrow timeout, as RDS Proxy does; `reset` resets them at once.
   * @default 'hang'
   */
  readonly outageMode?: OutageMode;
  /**
   * How long a connection waits for a target that is away before it is told so and closed (RDS
   * Proxy's `ConnectionBorrowTimeout`). Only with `outageMode: 'hang'`.
   * @default 120000 (RDS Proxy's default)
   */
  readonly borrowTimeoutMs?: number;
  /**
   * How long a writer failover drops and refuses every connection: short enough for a local run
   * (Aurora's takes up to about a minute).
   * @default 5000
   */
  readonly failoverMs?: number;
  /**
   * The database's max connections: the target group's MaxConnectionsPercent is a share of it.
   * @default 16 (the lab database's)
   */
  readonly maxConnections?: number;
  /**
   * Port to listen on.
   * @default 0 (any free port)
   */
  readonly port?: number;
}

export interface FaultProxyStats {
  accepted: number;
  refused: number;
  dropped: number;
  open: number;
  /** Connections held unanswered while the target is away (`hang`). */
  waiting: number;
  /** Waits the borrow timeout ended. */
  timedOut: number;
}

/** A client and its upstream while they are piped; an orphaned client lives on without its upstream. */
interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  orphaned: boolean;
}

/**
 * A TCP proxy with the register/deregister semantics of an RDS Proxy target. Deregistered, by
 * default, means what it means on AWS: open connections stop answering and new ones are accepted
 * and wait, until the borrow timeout ends them (`WaitingClients`); `outageMode: 'reset'` resets
 * them all at once instead, so clients fail fast. Register moves through REGISTERING to AVAILABLE
 * after `registrationDelayMs`; only an AVAILABLE target serves a connection.
 */
export class FaultProxy extends EventEmitter {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly clients = new Set<net.Socket>();
  /** Each open client and its upstream: a stall unpipes them, its end pipes them again. */
  private readonly pairs = new Set<Pair>();
  private readonly waiting: WaitingClients;
  private readonly writerFailover = new WriterFailover();
  /** The target group's pool config, which caps the upstream connections (the pool brownout). */
  readonly targetGroup: ProxyTargetGroup;
  readonly outageMode: OutageMode;
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private targetState: ProxyTargetState = 'AVAILABLE';
  private registrationTimer: NodeJS.Timeout | undefined;
  /** How long the next registration stays REGISTERING; a slow target can be set between runs. */
  registrationDelayMs: number;
  /** How long the next writer failover lasts; a fault case may set it between runs. */
  failoverMs: number;
  private listenPort = 0;
  private readonly counters = { accepted: 0, refused: 0, dropped: 0 };

  constructor(private readonly props: FaultProxyProps) {
    super();
    this.registrationDelayMs = props.registrationDelayMs ?? 1000;
    this.outageMode = props.outageMode ?? 'hang';
    this.failoverMs = props.failoverMs ?? 5000;
    const borrowTimeoutMs = props.borrowTimeoutMs ?? DEFAULT_BORROW_TIMEOUT_MS;
    if (!Number.isInteger(borrowTimeoutMs) || borrowTimeoutMs < 1)
      throw new RangeError(`borrowTimeoutMs must be a whole number of milliseconds >= 1, got ${borrowTimeoutMs}`);
    this.targetGroup = new ProxyTargetGroup(props.maxConnections ?? 16, borrowTimeoutMs);
    this.waiting = new WaitingClients(() => this.targetGroup.borrowTimeout);
    this.server = net.createServer((client) => this.onConnection(client));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.props.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listenPort = (this.server.address() as net.AddressInfo).port;
  }

  get port(): number {
    return this.listenPort;
  }

  get state(): ProxyTargetState {
    return this.targetState;
  }

  describe(): { state: ProxyTargetState } {
    return { state: this.targetState };
  }

  stats(): FaultProxyStats {
    return { ...this.counters, open: this.clients.size, waiting: this.waiting.size, timedOut: this.waiting.timedOut };
  }

  /**
   * Removes the target. `hang`: every open connection loses its upstream and stops answering;
   * `reset`: every open connection is reset. Either way no new one is served until AVAILABLE.
   */
  deregister(): void {
    if (this.targetState === 'DEREGISTERED') throw new ProxyTargetNotFound();
    clearTimeout(this.registrationTimer);
    this.setState('DEREGISTERED');
    if (this.outageMode === 'reset') {
      this.counters.dropped += this.clients.size + this.waiting.size;
      this.waiting.resetAll();
      for (const socket of this.sockets) socket.resetAndDestroy();
      return;
    }
    for (const pair of this.pairs) {
      hold(pair);
      pair.orphaned = true;
      this.waiting.orphan(pair.client);
      pair.upstream.destroy();
    }
  }

  /**
   * The cluster fails its writer over for `ms`: every connection is dropped and new ones are
   * refused until the new writer serves. The target stays registered; its health is UNAVAILABLE.
   */
  failover(ms: number = this.failoverMs): void {
    this.writerFailover.start(ms, () => this.emit('failover', 'available'));
    this.counters.dropped += this.clients.size + this.waiting.size;
    this.waiting.resetAll();
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.emit('failover', 'failing-over');
  }

  /** Failovers started since the lab started. */
  get failovers(): number {
    return this.writerFailover.count;
  }

  /** The cluster's status: `failing-over` while a failover lasts. */
  get clusterStatus(): ClusterStatus {
    return this.writerFailover.status;
  }

  /** The target's health as DescribeDBProxyTargets reports it: UNAVAILABLE while the writer fails over. */
  get targetHealth(): ProxyTargetState | 'UNAVAILABLE' {
    return this.targetState === 'AVAILABLE' && this.writerFailover.status === 'failing-over'
      ? 'UNAVAILABLE'
      : this.targetState;
  }

  /**
   * The target as a live line shows it: its health, the cluster while it fails over, and the pool's share of
   * the database's connections while it is below all of them (a brownout's clamp).
   */
  get view(): string {
    const failingOver = this.writerFailover.status === 'failing-over' ? ' (cluster failing-over)' : '';
    const share = this.targetGroup.config.MaxConnectionsPercent;
    return `${this.targetHealth}${failingOver}${share < 100 ? `, pool ${share}%` : ''}`;
  }

  /** Registers the target again; it becomes AVAILABLE after the registration delay. */
  register(): void {
    if (this.targetState !== 'DEREGISTERED') throw new ProxyTargetAlreadyRegistered();
    this.setState('REGISTERING');
    this.registrationTimer = setTimeout(() => {
      this.setState('AVAILABLE');
      this.waiting.release((client) => this.serve(client));
    }, this.registrationDelayMs);
  }

  /**
   * The database stalls for `ms`: connections stay open and new ones are accepted, but no byte moves
   * either way until it ends, so queries and connection handshakes wait (and time out at the client).
   * The target stays AVAILABLE: a stall is no deregistration.
   */
  stall(ms: number): void {
    this.stalled = true;
    for (const pair of this.pairs) hold(pair);
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      this.stalled = false;
      for (const pair of this.pairs) flow(pair);
    }, ms);
  }

  async stop(): Promise<void> {
    clearTimeout(this.registrationTimer);
    clearTimeout(this.stallTimer);
    this.waiting.resetAll();
    this.targetGroup.stop();
    this.writerFailover.stop();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private setState(state: ProxyTargetState): void {
    this.targetState = state;
    this.emit('state', state);
  }

  private onConnection(client: net.Socket): void {
    client.on('error', () => undefined);
    if (this.writerFailover.status === 'failing-over') {
      // No writer to route to while the cluster fails over: refused at once, whatever the outage mode.
      this.counters.refused += 1;
      client.resetAndDestroy();
      return;
    }
    if (this.targetState === 'AVAILABLE') {
      this.serve(client);
      return;
    }
    if (this.outageMode === 'reset') {
      this.counters.refused += 1;
      client.resetAndDestroy();
      return;
    }
    // As RDS Proxy does with no target to borrow from: the connection is accepted and waits.
    this.waiting.waitForTarget(client);
  }

  /** Lends a client one of the target group's connections, at once or when one is free. */
  private serve(client: net.Socket): void {
    this.targetGroup.borrow(client, (lent) => this.connect(lent));
  }

  /** Connects a client to the database; a waiting client's first bytes are still unread, and go first. */
  private connect(client: net.Socket): void {
    this.counters.accepted += 1;
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    const upstream = net.connect(this.props.upstreamPort, this.props.upstreamHost);
    // A client and its upstream live and die together (unless the target took the upstream away);
    // errors only end the pair, never the process.
    const pair: Pair = { client, upstream, orphaned: false };
    this.pairs.add(pair);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.pairs.delete(pair);
        if (socket === upstream && pair.orphaned) return;
        for (const other of [client, upstream]) if (other !== socket && !other.destroyed) other.destroy();
      });
    }
    if (!this.stalled) flow(pair);
  }
}

function flow({ client, upstream }: Pair): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Stops a pair's bytes where they are: each socket keeps what it received until `flow` pipes it again. */
function hold({ client, upstream }: Pair): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}
