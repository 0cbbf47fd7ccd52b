// The fault proxy behaves like an RDS Proxy target: deregister leaves clients hanging (or resets them), register restores.
import net from 'node:net';
import { Client } from 'pg';
import {
  FaultProxy,
  type FaultProxyProps,
  ProxyTargetAlreadyRegistered,
  ProxyTargetNotFound,
} from '../../../local/lab/fault-proxy';
import { ClusterFailoverInProgress } from '../../../local/lab/writer-failover';
import { type EchoServer, startEchoServer } from './support/echo-server';

let upstream: EchoServer;

beforeAll(async () => {
  // An echo server stands in for the database: what goes through comes back.
  upstream = await startEchoServer();
});

afterAll(() => upstream.close());

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function echo(socket: net.Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (data) => resolve(data.toString()));
    socket.once('error', reject);
    socket.write(text);
  });
}

/** Resolves with how the connection ended: 'closed' (reset or closed by the proxy) or 'open'. */
function endsWithin(socket: net.Socket, ms: number): Promise<'closed' | 'open'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('open'), ms);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

/** Resolves with the first bytes that come back within `ms`, or 'nothing' (the socket left open). */
function answerWithin(socket: net.Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('nothing'), ms);
    socket.once('data', (data) => {
      clearTimeout(timer);
      resolve(data.toString());
    });
  });
}

const started: FaultProxy[] = [];
async function startProxy(props: Partial<FaultProxyProps> = {}): Promise<FaultProxy> {
  const proxy = new FaultProxy({
    upstreamHost: '127.0.0.1',
    upstreamPort: upstream.port,
    registrationDelayMs: 50,
    ...props,
  });
  await proxy.start();
  started.push(proxy);
  return proxy;
}
afterEach(async () => {
  for (const proxy of started.splice(0)) await proxy.stop();
});

describe('FaultProxy, its deregistered target as on AWS (the default)', () => {
  it('leaves an open connection open and unanswered, then closes it at the borrow timeout', async () => {
    // Given an open connection through a proxy with a short borrow timeout
    const proxy = await startProxy({ borrowTimeoutMs: 600 });
    const socket = await connect(proxy.port);
    expect(await echo(socket, 'ping')).toBe('ping');
    // When the target is deregistered and the client sends again
    proxy.deregister();
    socket.write('anyone?');
    const ended = endsWithin(socket, 3000);
    // Then nothing answers while the connection stays open, and the borrow timeout closes it
    expect(await answerWithin(socket, 300)).toBe('nothing');
    expect(socket.destroyed).toBe(false);
    expect(await ended).toBe('closed');
    expect(proxy.stats()).toMatchObject({ dropped: 0, timedOut: 1, waiting: 0 });
  });

  it('accepts a new connection and fails its startup with a FATAL borrow-timeout error, not a reset', async () => {
    // Given a deregistered target and a short borrow timeout
    const proxy = await startProxy({ borrowTimeoutMs: 500 });
    proxy.deregister();
    // When a PostgreSQL client connects (its own connect timeout longer than the borrow timeout)
    const client = new Client({ host: '127.0.0.1', port: proxy.port, user: 'x', connectionTimeoutMillis: 5000 });
    const connecting = client.connect().then(
      () => 'connected',
      (error: Error & { code?: string }) => error,
    );
    // Then the connection is accepted and waits, and ends with the proxy's error in the protocol
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(proxy.stats()).toMatchObject({ refused: 0, waiting: 1 });
    const outcome = await connecting;
    expect(outcome).toMatchObject({ code: '08006', message: expect.stringMatching(/timed out waiting to borrow/) });
    expect(proxy.stats()).toMatchObject({ refused: 0, waiting: 0, timedOut: 1 });
  });

  it('serves a connection that waited once the target is AVAILABLE within the borrow timeout', async () => {
    // Given a deregistered target, and a client that connected and sent while it was away
    const proxy = await startProxy({ borrowTimeoutMs: 5000 });
    proxy.deregister();
    const socket = await connect(proxy.port);
    const reply = answerWithin(socket, 3000);
    socket.write('waited');
    // When the target is registered again (REGISTERING, then AVAILABLE)
    proxy.register();
    expect(proxy.state).toBe('REGISTERING');
    // Then the bytes it sent reach the database and the answer comes back on the same connection
    expect(await reply).toBe('waited');
    expect(proxy.stats()).toMatchObject({ refused: 0, timedOut: 0, waiting: 0 });
    socket.destroy();
  });

  it('closes a connection that was open when the target went, once the target is back', async () => {
    // Given a connection that was open at the deregistration, and a long borrow timeout
    const proxy = await startProxy({ borrowTimeoutMs: 60_000 });
    const socket = await connect(proxy.port);
    expect(await echo(socket, 'ping')).toBe('ping');
    proxy.deregister();
    const ended = endsWithin(socket, 3000);
    // When the target is AVAILABLE again
    proxy.register();
    // Then that connection is closed (its session cannot be resumed), and a new one is served
    expect(await ended).toBe('closed');
    const fresh = await connect(proxy.port);
    expect(await echo(fresh, 'new')).toBe('new');
    fresh.destroy();
  });

  it('refuses a borrow timeout that is not a whole number of milliseconds', () => {
    // When a proxy is made with a zero borrow timeout
    const make = () => new FaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: upstream.port, borrowTimeoutMs: 0 });
    // Then the error names the setting and its range
    expect(make).toThrow(/borrowTimeoutMs must be a whole number of milliseconds >= 1, got 0/);
  });
});

describe('FaultProxy', () => {
  let proxy: FaultProxy;
  beforeEach(async () => {
    proxy = await startProxy({ outageMode: 'reset' });
  });

  it('passes bytes through while the target is AVAILABLE', async () => {
    // Given a client connected through the proxy
    const socket = await connect(proxy.port);
    // When it sends bytes
    const reply = await echo(socket, 'ping');
    // Then the upstream answers through the proxy
    expect(reply).toBe('ping');
    expect(proxy.describe()).toEqual({ state: 'AVAILABLE' });
    socket.destroy();
  });

  it('drops open connections when the target is deregistered, with outageMode reset', async () => {
    // Given an open connection
    const socket = await connect(proxy.port);
    await echo(socket, 'ping');
    const ended = endsWithin(socket, 1000);
    // When the target is deregistered
    proxy.deregister();
    // Then the connection is dropped
    expect(await ended).toBe('closed');
    expect(proxy.stats().dropped).toBe(1);
  });

  it('refuses new connections while deregistered, with outageMode reset', async () => {
    // Given a deregistered target
    proxy.deregister();
    // When a client connects
    const socket = net.connect(proxy.port, '127.0.0.1');
    // Then the connection ends at once
    expect(await endsWithin(socket, 1000)).toBe('closed');
    expect(proxy.stats().refused).toBe(1);
  });

  it('is REGISTERING, still refusing with outageMode reset, until the registration delay has passed', async () => {
    // Given a deregistered target
    proxy.deregister();
    // When it is registered again
    proxy.register();
    // (listening for AVAILABLE from now: the delay may pass while the refusal below is checked)
    const available = new Promise<void>((resolve) => proxy.once('state', () => resolve()));
    // Then it reports REGISTERING and refuses connections
    expect(proxy.state).toBe('REGISTERING');
    expect(await endsWithin(net.connect(proxy.port, '127.0.0.1'), 1000)).toBe('closed');
    // And after the delay it is AVAILABLE and passes bytes again
    await available;
    expect(proxy.state).toBe('AVAILABLE');
    const socket = await connect(proxy.port);
    expect(await echo(socket, 'back')).toBe('back');
    socket.destroy();
  });

  it('holds the bytes of open and new connections during a stall, the target AVAILABLE, then delivers them', async () => {
    // Given a client connected through the proxy
    const open = await connect(proxy.port);
    expect(await echo(open, 'before')).toBe('before');
    // When the database stalls, and the client and a new one send
    proxy.stall(800);
    const held = echo(open, 'held');
    const fresh = await connect(proxy.port);
    const heldFresh = echo(fresh, 'new');
    // Then nothing comes back while it lasts, no connection is dropped, and the target stays AVAILABLE
    const early = await Promise.race([held, new Promise((resolve) => setTimeout(() => resolve('nothing yet'), 300))]);
    expect(early).toBe('nothing yet');
    expect(proxy.state).toBe('AVAILABLE');
    expect(proxy.stats()).toMatchObject({ refused: 0, dropped: 0, open: 2 });
    // And once it ends, both answers arrive
    expect(await held).toBe('held');
    expect(await heldFresh).toBe('new');
    open.destroy();
    fresh.destroy();
  });

  it('refuses to register a registered target and to deregister a missing one', () => {
    // Given an AVAILABLE target, registering again is refused
    expect(() => proxy.register()).toThrow(ProxyTargetAlreadyRegistered);
    // And once deregistered, deregistering again is refused
    proxy.deregister();
    expect(() => proxy.deregister()).toThrow(ProxyTargetNotFound);
  });
});

describe('FaultProxy, a writer failover', () => {
  it('drops every connection and refuses new ones for the failover time, then serves again', async () => {
    // Given an open connection through the proxy
    const proxy = await startProxy();
    const socket = await connect(proxy.port);
    expect(await echo(socket, 'ping')).toBe('ping');
    const dropped = endsWithin(socket, 1000);
    // When the writer fails over for 400 ms
    proxy.failover(400);
    // Then the open connection is dropped, a new one is refused, and the cluster says so
    expect(await dropped).toBe('closed');
    expect(await endsWithin(net.connect(proxy.port, '127.0.0.1'), 1000)).toBe('closed');
    expect(proxy.clusterStatus).toBe('failing-over');
    expect(proxy.targetHealth).toBe('UNAVAILABLE');
    expect(proxy.state).toBe('AVAILABLE');
    // And once the failover is over, the new writer serves
    await new Promise<void>((resolve) => proxy.once('failover', () => resolve()));
    expect(proxy.clusterStatus).toBe('available');
    expect(proxy.targetHealth).toBe('AVAILABLE');
    const fresh = await connect(proxy.port);
    expect(await echo(fresh, 'new writer')).toBe('new writer');
    expect(proxy.stats()).toMatchObject({ dropped: 1, refused: 1 });
    fresh.destroy();
  });

  it('refuses a failover while one is in progress', async () => {
    // Given a cluster failing over
    const proxy = await startProxy();
    proxy.failover(500);
    // When another failover is asked for
    // Then it is refused, as RDS refuses a cluster that is not available
    expect(() => proxy.failover(500)).toThrow(ClusterFailoverInProgress);
  });
});
