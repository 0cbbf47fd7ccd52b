// Keep-alive HTTP/1.1 connections to one origin: one request at a time on each, idle ones reused newest first.
import net from 'node:net';
import tls from 'node:tls';
import { Http1ResponseReader, type ParsedResponse, type ReadOptions } from './http1-response';

/** One request as it goes on the wire, and what to keep of its answer. */
export interface Http1Request extends ReadOptions {
  method: string;
  /** Path and query, as sent on the request line. */
  path: string;
  /**
   * Headers of the request. A frozen object's rendering is kept, for the next request with the same
   * line and the same object; any other is rendered each time.
   */
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

/** Called once per request: with its whole answer, or with why there is none. */
export type Http1Callback = (error: Error | undefined, response: ParsedResponse | undefined) => void;

/** A request in flight. */
export interface Http1Call {
  /** Fails the request with `error`, if it is still in flight, and closes its connection (a half-read answer cannot be reused). */
  abort(error: Error): void;
}

/** The server closed the connection before the whole answer arrived. */
export class ConnectionClosed extends Error {
  override readonly name = 'ConnectionClosed';
}

/**
 * Below the 5 s that Node's HTTP server keeps an idle connection, so a request never goes out on a
 * connection the server is just closing; a shorter `Keep-Alive: timeout` from the server wins.
 */
const IDLE_MS = 4_000;
/** Kept in hand when the server names its keep-alive: that much before the server's own close. */
const IDLE_MARGIN_MS = 1_000;
const HEADER_SAFE = /^[^\r\n]*$/;
const MAX_CACHED_HEADS = 64;
/** One read of a plain socket: a whole answer of the shop fits many times over. */
const READ_BUFFER_BYTES = 64 * 1024;

/** A connection to the origin, idle or carrying one request. */
class Connection {
  /** One reader for the connection's answers, reset for each. */
  private readonly reader = new Http1ResponseReader();
  /** The request on the connection now, if any: its callback. */
  private callback: Http1Callback | undefined;
  closed = false;
  idleSince = 0;
  idleMs = IDLE_MS;

  constructor(
    readonly socket: net.Socket,
    private readonly release: (connection: Connection) => void,
    private readonly forget: (connection: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('end', () => this.onEnd());
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new ConnectionClosed('the server closed the connection before it answered')));
  }

  /**
   * Sends a request; `callback` (a function of its own for each request: it names the request) hears
   * of its answer. The call's `abort` fails the request only while it is still on this connection.
   */
  send(head: string, request: Http1Request, callback: Http1Callback): Http1Call {
    this.reader.reset(request);
    this.callback = callback;
    this.socket.ref();
    this.socket.write(request.body === undefined ? head : head + request.body);
    const call: Http1Call = { abort: (error) => this.abort(callback, error) };
    return call;
  }

  /** Fails the request of `callback`, if it is still the one on this connection. */
  private abort(callback: Http1Callback, error: Error): void {
    if (this.callback === callback) this.fail(error);
  }

  /** Ends the connection, failing its request if it has one. */
  fail(error: Error): void {
    if (!this.closed) {
      this.closed = true;
      this.forget(this);
      this.socket.destroy();
    }
    const callback = this.callback;
    this.callback = undefined;
    callback?.(error, undefined);
  }

  /** Bytes the socket read into its (reused) read buffer. */
  onData(chunk: Buffer): void {
    if (!this.callback) return this.fail(new ConnectionClosed('the server sent bytes nobody asked for'));
    let response: ParsedResponse | undefined;
    try {
      response = this.reader.push(chunk);
    } catch (error) {
      return this.fail(error as Error);
    }
    if (response) this.complete(response);
  }

  private onEnd(): void {
    const response = this.callback ? this.reader.end() : undefined;
    if (response) this.complete(response);
    else this.fail(new ConnectionClosed('the server closed the connection before it answered'));
  }

  private complete(response: ParsedResponse): void {
    const callback = this.callback;
    this.callback = undefined;
    if (response.close) this.fail(new ConnectionClosed('closed after its answer'));
    else {
      if (response.keepAliveMs !== undefined)
        this.idleMs = Math.min(IDLE_MS, Math.max(0, response.keepAliveMs - IDLE_MARGIN_MS));
      this.socket.unref();
      this.release(this);
    }
    callback?.(undefined, response);
  }
}

/** Connections to one origin (http: or https:), as many as requests are in flight, none pipelined. */
export class Http1Pool {
  private readonly idle: Connection[] = [];
  private readonly hostHeader: string;
  /** Rendered heads, by request line, with the (frozen) headers object they were rendered from. */
  private readonly heads = new Map<string, { headers: Readonly<Record<string, string>> | undefined; head: string }>();
  /** Opens a socket whose reads go to the connection that `connection` returns once it exists. */
  private readonly connect: (connection: () => Connection) => net.Socket;

  constructor(origin: string) {
    const url = new URL(origin);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:')
      throw new TypeError(`only http: and https: shops can be reached (got ${url.protocol})`);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = Number(url.port || (secure ? 443 : 80));
    this.hostHeader = url.host;
    // Plain sockets read into one buffer of the pool, handed to the connection without a stream
    // chunk per read (the reader copies what it keeps). TLS sockets read as streams.
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.connect = secure
      ? (connection) => {
          const socket = tls.connect({
            host,
            port,
            servername: net.isIP(host) ? undefined : host,
            ALPNProtocols: ['http/1.1'],
          });
          socket.on('data', (chunk: Buffer) => connection().onData(chunk));
          return socket;
        }
      : (connection) =>
          net.connect({
            host,
            port,
            onread: {
              buffer: readBuffer,
              callback: (bytes) => {
                connection().onData(readBuffer.subarray(0, bytes));
                return true;
              },
            },
          });
  }

  /** Sends `request` on an idle connection, or a new one; `callback` (its own function per request) hears once of how it ended. Throws on a request that cannot be written. */
  request(request: Http1Request, callback: Http1Callback): Http1Call {
    const head = this.headOf(request);
    const connection = this.take() ?? this.open();
    return connection.send(head, request, callback);
  }

  private open(): Connection {
    // The socket's reads come only after this returns, when the connection exists.
    const connection: Connection = new Connection(
      this.connect(() => connection),
      (c) => this.give(c),
      (c) => this.drop(c),
    );
    return connection;
  }

  /** Closes every idle connection (requests in flight end on their own). */
  close(): void {
    for (const connection of this.idle.splice(0)) connection.fail(new ConnectionClosed('the pool was closed'));
  }

  /**
   * The request line and headers, up to the content length. A request without headers, or with a
   * frozen headers object, has the same head each time its line and headers repeat: rendered once.
   */
  private headOf(request: Http1Request): string {
    const { headers } = request;
    const cacheable = headers === undefined || Object.isFrozen(headers);
    const line = `${request.method} ${request.path}`;
    const cached = cacheable ? this.heads.get(line) : undefined;
    let head: string;
    if (cached !== undefined && cached.headers === headers) head = cached.head;
    else {
      head = this.renderHead(request);
      if (cacheable) {
        // Paths that name a run (`/runs/:runId/orders`) are many over a long life: keep a few.
        if (this.heads.size >= MAX_CACHED_HEADS) this.heads.clear();
        this.heads.set(line, { headers, head });
      }
    }
    return request.body === undefined
      ? `${head}\r\n`
      : `${head}content-length: ${Buffer.byteLength(request.body)}\r\n\r\n`;
  }

  private renderHead(request: Http1Request): string {
    if (!HEADER_SAFE.test(request.path) || !HEADER_SAFE.test(request.method))
      throw new TypeError(`the request line holds a line break`);
    let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'content-length' || lower === 'connection') continue;
      if (!HEADER_SAFE.test(name) || !HEADER_SAFE.test(value))
        throw new TypeError(`header ${JSON.stringify(name)} holds a line break`);
      head += `${name}: ${value}\r\n`;
    }
    return head;
  }

  /** The newest idle connection still within its idle time; older ones past it are closed. */
  private take(): Connection | undefined {
    const now = Date.now();
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (!connection.closed && now - connection.idleSince < connection.idleMs) return connection;
      connection.fail(new ConnectionClosed('idle too long'));
    }
    return undefined;
  }

  private give(connection: Connection): void {
    connection.idleSince = Date.now();
    this.idle.push(connection);
  }

  private drop(connection: Connection): void {
    const index = this.idle.indexOf(connection);
    if (index >= 0) this.idle.splice(index, 1);
  }
}
