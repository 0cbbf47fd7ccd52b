// Keep-alive HTTP/1.1 connections to one origin: one request at a time on each, idle ones reused newest first.
import net from 'node:net';
import tls from 'node:tls';
import { Http1ResponseReader, type ParsedResponse } from './http1-response';

/** One request as it goes on the wire. */
export interface Http1Request {
  method: string;
  /** Path and query, as sent on the request line. */
  path: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** Keep the response's body (else it is read and dropped). */
  keepBody: boolean;
}

/** A request in flight: how it ends, and how to give up on it. */
export interface Http1Call {
  readonly done: Promise<ParsedResponse>;
  /** Fails the request with `error` and closes its connection (a half-read answer cannot be reused). */
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
  private reader: Http1ResponseReader | undefined;
  /** The answer of the request on the connection now, if any. */
  private current: Promise<ParsedResponse> | undefined;
  private resolve: ((response: ParsedResponse) => void) | undefined;
  private reject: ((error: Error) => void) | undefined;
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

  send(head: string, body: string | undefined, keepBody: boolean): Promise<ParsedResponse> {
    this.reader = new Http1ResponseReader(keepBody);
    const done = new Promise<ParsedResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.current = done;
    this.socket.ref();
    this.socket.write(body === undefined ? head : head + body);
    return done;
  }

  /** Fails the request whose answer is `done`, if it is still the one on this connection. */
  abort(done: Promise<ParsedResponse>, error: Error): void {
    if (this.current === done) this.fail(error);
  }

  /** Ends the connection, failing its request if it has one. */
  fail(error: Error): void {
    if (!this.closed) {
      this.closed = true;
      this.forget(this);
      this.socket.destroy();
    }
    const reject = this.reject;
    this.settle();
    reject?.(error);
  }

  /** Bytes the socket read into its (reused) read buffer. */
  onData(chunk: Buffer): void {
    if (!this.reader) return this.fail(new ConnectionClosed('the server sent bytes nobody asked for'));
    let response: ParsedResponse | undefined;
    try {
      response = this.reader.push(chunk);
    } catch (error) {
      return this.fail(error as Error);
    }
    if (response) this.complete(response);
  }

  private onEnd(): void {
    const response = this.reader?.end();
    if (response) this.complete(response);
    else this.fail(new ConnectionClosed('the server closed the connection before it answered'));
  }

  private complete(response: ParsedResponse): void {
    const resolve = this.resolve;
    this.settle();
    if (response.close) this.fail(new ConnectionClosed('closed after its answer'));
    else {
      if (response.keepAliveMs !== undefined) this.idleMs = Math.min(IDLE_MS, Math.max(0, response.keepAliveMs - IDLE_MARGIN_MS));
      this.socket.unref();
      this.release(this);
    }
    resolve?.(response);
  }

  private settle(): void {
    this.reader = undefined;
    this.current = undefined;
    this.resolve = undefined;
    this.reject = undefined;
  }
}

/** Connections to one origin (http: or https:), as many as requests are in flight, none pipelined. */
export class Http1Pool {
  private readonly idle: Connection[] = [];
  private readonly hostHeader: string;
  /** Rendered heads of requests without headers, by request line. */
  private readonly heads = new Map<string, string>();
  /** Opens a socket whose reads go to the connection that `connection` returns once it exists. */
  private readonly connect: (connection: () => Connection) => net.Socket;

  constructor(origin: string) {
    const url = new URL(origin);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') throw new TypeError(`only http: and https: shops can be reached (got ${url.protocol})`);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = Number(url.port || (secure ? 443 : 80));
    this.hostHeader = url.host;
    // Plain sockets read into one buffer of the pool, handed to the connection without a stream
    // chunk per read (the reader copies what it keeps). TLS sockets read as streams.
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.connect = secure
      ? (connection) => {
          const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] });
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

  /** Sends `request` on an idle connection, or a new one. */
  request(request: Http1Request): Http1Call {
    const head = this.headOf(request);
    const connection = this.take() ?? this.open();
    const done = connection.send(head, request.body, request.keepBody);
    return { done, abort: (error) => connection.abort(done, error) };
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
   * The request line and headers, up to the content length. A request without headers has the same
   * head each time its line repeats, so it is rendered once.
   */
  private headOf(request: Http1Request): string {
    let head: string | undefined;
    if (request.headers) head = this.renderHead(request);
    else {
      const line = `${request.method} ${request.path}`;
      head = this.heads.get(line);
      if (head === undefined) {
        head = this.renderHead(request);
        // Paths that name a run (`/runs/:runId/orders`) are many over a long life: keep a few.
        if (this.heads.size >= MAX_CACHED_HEADS) this.heads.clear();
        this.heads.set(line, head);
      }
    }
    return request.body === undefined ? `${head}\r\n` : `${head}content-length: ${Buffer.byteLength(request.body)}\r\n\r\n`;
  }

  private renderHead(request: Http1Request): string {
    if (!HEADER_SAFE.test(request.path) || !HEADER_SAFE.test(request.method)) throw new TypeError(`the request line holds a line break`);
    let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'content-length' || lower === 'connection') continue;
      if (!HEADER_SAFE.test(name) || !HEADER_SAFE.test(value)) throw new TypeError(`header ${JSON.stringify(name)} holds a line break`);
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
