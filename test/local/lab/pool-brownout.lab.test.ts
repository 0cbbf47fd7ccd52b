// The lab proxy's target group: its pool config caps the upstream connections, and a borrow past its timeout is refused.
import net from 'node:net';
import { FaultProxy } from '../../../local/lab/fault-proxy';
import { InvalidPoolConfig } from '../../../local/lab/pool-brownout';
import { type EchoServer, startEchoServer } from './support/echo-server';

let upstream: EchoServer;

beforeAll(async () => {
  // An echo server stands in for the database, counting the connections it holds.
  upstream = await startEchoServer();
});

afterAll(() => upstream.close());

const started: FaultProxy[] = [];
async function startProxy(): Promise<FaultProxy> {
  const proxy = new FaultProxy({
    upstreamHost: '127.0.0.1',
    upstreamPort: upstream.port,
    maxConnections: 20,
    borrowTimeoutMs: 5000,
  });
  await proxy.start();
  started.push(proxy);
  return proxy;
}
afterEach(async () => {
  for (const proxy of started.splice(0)) await proxy.stop();
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** The first bytes back, or how the socket ended: 'closed' or 'nothing' within `ms`. */
function answerWithin(socket: net.Socket, ms: number): Promise<Buffer | 'closed' | 'nothing'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('nothing'), ms);
    socket.once('data', (data) => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

/** A PostgreSQL 3.0 startup message, so the proxy answers a failed borrow in the protocol. */
function startupMessage(): Buffer {
  const body = Buffer.from('user\0postgres\0\0', 'utf8');
  const message = Buffer.alloc(8 + body.length);
  message.writeInt32BE(message.length, 0);
  message.writeInt32BE(196_608, 4);
  body.copy(message, 8);
  return message;
}

describe('the lab proxy target group (pool brownout)', () => {
  it('serves at most MaxConnectionsPercent of the max connections, the rest wait for one to close', async () => {
    // Given a clamp to 10% of 20: two upstream connections, and a long borrow timeout
    const proxy = await startProxy();
    proxy.targetGroup.modify({ MaxConnectionsPercent: 10, MaxIdleConnectionsPercent: 5 });
    const first = await connect(proxy.port);
    const second = await connect(proxy.port);
    first.write('a');
    second.write('b');
    expect((await answerWithin(first, 2000)).toString()).toBe('a');
    expect((await answerWithin(second, 2000)).toString()).toBe('b');

    // When a third client writes
    const third = await connect(proxy.port);
    third.write('c');

    // Then it waits unanswered, and is served once one of the two closes
    expect(await answerWithin(third, 300)).toBe('nothing');
    expect(proxy.targetGroup.waiting).toBe(1);
    first.destroy();
    expect((await answerWithin(third, 2000)).toString()).toBe('c');
    expect(upstream.open).toBeLessThanOrEqual(2);
    for (const s of [second, third]) s.destroy();
  });

  it('answers a client that waited past the borrow timeout with a FATAL error and closes it', async () => {
    // Given one upstream connection, taken, and a 1 s borrow timeout
    const proxy = await startProxy();
    proxy.targetGroup.modify({ MaxConnectionsPercent: 5, MaxIdleConnectionsPercent: 0, ConnectionBorrowTimeout: 1 });
    const holder = await connect(proxy.port);
    holder.write('x');
    await answerWithin(holder, 2000);

    // When another client sends its startup message
    const late = await connect(proxy.port);
    late.write(startupMessage());

    // Then it gets an ErrorResponse naming the borrow timeout, and the proxy counts it
    const answer = await answerWithin(late, 4000);
    expect(Buffer.isBuffer(answer) && answer.subarray(0, 1).toString()).toBe('E');
    expect(answer.toString()).toContain('borrow timeout 1000 ms');
    expect(proxy.targetGroup.timedOut).toBe(1);
    holder.destroy();
  });

  it('closes the newest connections above a lowered cap, and keeps the oldest', async () => {
    // Given three open connections
    const proxy = await startProxy();
    const sockets = [await connect(proxy.port), await connect(proxy.port), await connect(proxy.port)];
    for (const s of sockets) s.write('.');
    for (const s of sockets) await answerWithin(s, 2000);

    // When the cap drops to one connection
    const ends = sockets.map((s) => answerWithin(s, 1000));
    proxy.targetGroup.modify({ MaxConnectionsPercent: 5, MaxIdleConnectionsPercent: 5 });

    // Then the two newest are closed and the oldest stays
    expect(await Promise.all(ends)).toEqual(['nothing', 'closed', 'closed']);
    sockets[0]?.destroy();
  });

  it('restores the exact saved pool config, and refuses one RDS would refuse', async () => {
    // Given a target group whose config was saved, then clamped
    const proxy = await startProxy();
    proxy.targetGroup.modify({ MaxConnectionsPercent: 73, MaxIdleConnectionsPercent: 31, ConnectionBorrowTimeout: 17 });
    const saved = proxy.targetGroup.config;
    proxy.targetGroup.modify({ MaxConnectionsPercent: 2, MaxIdleConnectionsPercent: 2, ConnectionBorrowTimeout: 1 });

    // When the saved values are written back
    proxy.targetGroup.modify(saved);

    // Then the config is the saved one, and an idle share above the max is refused
    expect(proxy.targetGroup.config).toEqual({
      MaxConnectionsPercent: 73,
      MaxIdleConnectionsPercent: 31,
      ConnectionBorrowTimeout: 17,
    });
    expect(() => proxy.targetGroup.modify({ MaxConnectionsPercent: 0 })).toThrow(InvalidPoolConfig);
    expect(() => proxy.targetGroup.modify({ MaxConnectionsPercent: 10 })).toThrow(/MaxIdleConnectionsPercent/);
  });
});
