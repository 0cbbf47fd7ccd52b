// An echo server in the database's place behind a fault proxy: what goes through comes back, and it counts the connections it holds.
import net from 'node:net';

/** A started echo server on 127.0.0.1. */
export interface EchoServer {
  readonly port: number;
  /** The connections it holds open now. */
  readonly open: number;
  close(): Promise<void>;
}

/** Starts an echo server on a free port of 127.0.0.1. */
export async function startEchoServer(): Promise<EchoServer> {
  let open = 0;
  const server = net.createServer((socket) => {
    open += 1;
    socket.on('close', () => (open -= 1));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get open() {
      return open;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
