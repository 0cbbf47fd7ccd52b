// The lab's RDS Proxy: a TCP proxy in front of the database whose target can be deregistered.
import { EventEmitter } from 'node:events';
import net from 'node:net';

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
}

/**
 * A TCP proxy with the register/deregister semantics of an RDS Proxy target:
 * deregistered means open connections are dropped and new ones are refused (reset at once,
 * so clients fail fast instead of waiting for a timeout). Register moves through REGISTERING
 * to AVAILABLE after `registrationDelayMs`; connections are refused until AVAILABLE.
 */
export class FaultProxy extends EventEmitter {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly clients = new Set<net.Socket>();
  /** Each open client and its upstream: a stall unpipes them, its end pipes them again. */
  private readonly pairs = new Set<readonly [net.Socket, net.Socket]>();
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private targetState: ProxyTargetState = 'AVAILABLE';
  private registrationTimer: NodeJS.Timeout | undefined;
  /** How long the next registration stays REGISTERING; a slow target can be set between runs. */
  registrationDelayMs: number;
  private listenPort = 0;
  private readonly counters = { accepted: 0, refused: 0, dropped: 0 };

  constructor(private readonly props: FaultProxyProps) {
    super();
    this.registrationDelayMs = props.registrationDelayMs ?? 1000;
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
    return { ...this.counters, open: this.clients.size };
  }

  /** Removes the target: drops every open connection and refuses new ones. */
  deregister(): void {
    if (this.targetState === 'DEREGISTERED') throw new ProxyTargetNotFound();
    clearTimeout(this.registrationTimer);
    this.setState('DEREGISTERED');
    this.counters.dropped += this.clients.size;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  /** Registers the target again; it becomes AVAILABLE after the registration delay. */
  register(): void {
    if (this.targetState !== 'DEREGISTERED') throw new ProxyTargetAlreadyRegistered();
    this.setState('REGISTERING');
    this.registrationTimer = setTimeout(() => this.setState('AVAILABLE'), this.registrationDelayMs);
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
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private setState(state: ProxyTargetState): void {
    this.targetState = state;
    this.emit('state', state);
  }

  private onConnection(client: net.Socket): void {
    if (this.targetState !== 'AVAILABLE') {
      this.counters.refused += 1;
      client.resetAndDestroy();
      return;
    }
    this.counters.accepted += 1;
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    const upstream = net.connect(this.props.upstreamPort, this.props.upstreamHost);
    // A client and its upstream live and die together; errors only end the pair (never the process).
    const pair = [client, upstream] as const;
    this.pairs.add(pair);
    for (const socket of pair) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.pairs.delete(pair);
        for (const other of pair) if (other !== socket && !other.destroyed) other.destroy();
      });
    }
    if (!this.stalled) flow(pair);
  }
}

function flow([client, upstream]: readonly [net.Socket, net.Socket]): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Stops a pair's bytes where they are: each socket keeps what it received until `flow` pipes it again. */
function hold([client, upstream]: readonly [net.Socket, net.Socket]): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}
