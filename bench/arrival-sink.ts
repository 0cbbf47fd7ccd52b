// A small HTTP sink that timestamps every request it receives: traffic fidelity measured where a service would see it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ArrivalSink {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Epoch milliseconds (fractional) at which each request's head arrived, in arrival order. */
  arrivals(): readonly number[];
  /** Forgets the arrivals so far. */
  reset(): void;
  close(): Promise<void>;
}

const READ_BODY = Buffer.from('[]');
const WRITE_BODY = Buffer.from('{}');
const HEALTH_BODY = Buffer.from('{"status":"ok","degradation":true}');

/**
 * Listens on loopback and answers at once: a read (GET) with 200 and the Chaos Shop's
 * `x-shop-source: database` header, a write with 201, so a generator classifies every answer as
 * served; a health check is answered and not counted. The time is taken when the request's head is parsed, before anything else is done with
 * it, on the sink's own clock (`performance.timeOrigin + performance.now()`: epoch milliseconds,
 * comparable with another process's on the same machine).
 */
export async function startArrivalSink(): Promise<ArrivalSink> {
  let times: number[] = [];
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    const at = performance.timeOrigin + performance.now();
    // A generator's health check is not its traffic.
    if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(HEALTH_BODY);
      return;
    }
    times.push(at);
    const read = request.method === 'GET';
    const body = read ? READ_BODY : WRITE_BODY;
    const answer = () =>
      response
        .writeHead(read ? 200 : 201, {
          'content-type': 'application/json',
          'content-length': body.length,
          ...(read ? { 'x-shop-source': 'database' } : {}),
        })
        .end(body);
    if (read) answer();
    else request.resume().on('end', answer);
  });
  // Autocannon opens a connection per few requests a second: thousands at 4,000/s.
  server.maxConnections = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    arrivals: () => times,
    reset: () => {
      times = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
