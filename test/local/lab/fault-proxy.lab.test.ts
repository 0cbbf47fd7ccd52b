// The fault proxy behaves like an RDS Proxy target: deregister drops and refuses, register restores.
import net from 'node:net';
import { FaultProxy, ProxyTargetAlreadyRegistered, ProxyTargetNotFound } from '../../../local/lab/fault-proxy';

let upstream: net.Server;
let upstreamPort: number;

beforeAll(async () => {
  // An echo server stands in for the database: what goes through comes back.
  upstream = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

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

describe('FaultProxy', () => {
  let proxy: FaultProxy;
  beforeEach(async () => {
    proxy = new FaultProxy({ upstreamHost: '127.0.0.1', upstreamPort, registrationDelayMs: 50 });
    await proxy.start();
  });
  afterEach(async () => {
    await proxy.stop();
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

  it('drops open connections when the target is deregistered', async () => {
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

  it('refuses new connections while deregistered', async () => {
    // Given a deregistered target
    proxy.deregister();
    // When a client connects
    const socket = net.connect(proxy.port, '127.0.0.1');
    // Then the connection ends at once
    expect(await endsWithin(socket, 1000)).toBe('closed');
    expect(proxy.stats().refused).toBe(1);
  });

  it('is REGISTERING, still refusing, until the registration delay has passed', async () => {
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
