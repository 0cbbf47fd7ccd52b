// An HTTP/1.1 response read from a socket's chunks: status, the headers a client needs, the body by length, chunks or close.

/** The server's answer could not be read as HTTP/1.1. */
export class HttpProtocolError extends Error {
  override readonly name = 'HttpProtocolError';
}

/** What the reader found once a response was complete. */
export interface ParsedResponse {
  status: number;
  body: Buffer;
  /** The server will close the connection, or asked us to. */
  close: boolean;
  /** The server's `Keep-Alive: timeout=N`, in milliseconds, when it said. */
  keepAliveMs?: number;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/**
 * First letters, or'ed with 0x20 (lower case), of the lines that may carry a header the reader uses
 * (content-length, connection, keep-alive, transfer-encoding): c, k, t, and the space (0x20) or tab
 * (0x09 | 0x20) a sloppy server may put before a name.
 */
const MAYBE_WANTED_HEADER = new Set([0x63, 0x6b, 0x74, 0x20, 0x29]);
/** Longest head accepted, as Node's own parser limits it. */
const MAX_HEAD_BYTES = 16 * 1024;

type BodyMode = { kind: 'length'; remaining: number } | { kind: 'chunked'; remaining: number; trailer: boolean } | { kind: 'close' } | { kind: 'none' };

/**
 * Reads one response from the chunks a socket delivers, in order. `push` returns the response once
 * it is whole (anything after it belongs to no request: this client never pipelines). A body
 * without a length or chunking ends with the connection (`end`). A chunk may be a buffer the socket
 * reuses for its next read: whatever the reader keeps past `push`, it copies.
 */
export class Http1ResponseReader {
  private pending: Buffer = Buffer.alloc(0);
  private status = 0;
  private close = false;
  private keepAliveMs: number | undefined;
  private mode: BodyMode | undefined;
  private readonly body: Buffer[] = [];

  constructor(private readonly keepBody: boolean) {}

  /** Feeds a chunk; the response once it is complete, else undefined. */
  push(chunk: Buffer): ParsedResponse | undefined {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let response: ParsedResponse | undefined;
    while (!this.mode && this.readHead());
    // A body reader takes all it can: undefined means it waits for more bytes.
    if (this.mode) response = this.readBody();
    // What waits for the next chunk must outlive this one's buffer.
    if (!response && this.pending.length > 0) this.pending = Buffer.from(this.pending);
    return response;
  }

  /** The connection ended: the response, if its body was to run until the close. */
  end(): ParsedResponse | undefined {
    if (this.mode?.kind !== 'close') return undefined;
    this.take(this.pending.length);
    return this.finish();
  }

  private readHead(): boolean {
    const end = this.pending.indexOf(HEAD_END);
    if (end < 0) {
      if (this.pending.length > MAX_HEAD_BYTES) throw new HttpProtocolError('the response head is longer than 16 KiB');
      return false;
    }
    const head = this.pending.toString('latin1', 0, end);
    this.pending = this.pending.subarray(end + HEAD_END.length);
    const statusEnd = head.indexOf('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(statusEnd < 0 ? head : head.slice(0, statusEnd));
    if (!statusLine) throw new HttpProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`);
    const status = Number(statusLine[2]);
    // An interim answer (100 Continue, 103 Early Hints): the real one follows.
    if (status >= 100 && status < 200) return true;
    this.status = status;
    this.close = statusLine[1] === '0';
    let length: number | undefined;
    let chunked = false;
    // One header line at a time, without splitting the head: most lines are skipped by their first letter.
    for (let start = statusEnd < 0 ? head.length : statusEnd + 2; start < head.length; ) {
      let eol = head.indexOf('\r\n', start);
      if (eol < 0) eol = head.length;
      const line = start;
      start = eol + 2;
      if (!MAYBE_WANTED_HEADER.has(head.charCodeAt(line) | 0x20)) continue;
      const colon = head.indexOf(':', line);
      if (colon < 0 || colon >= eol) continue;
      const name = head.slice(line, colon).trim().toLowerCase();
      if (name === '') continue;
      if (name === 'content-length') {
        const value = head.slice(colon + 1, eol).trim();
        if (!/^\d+$/.test(value) || (length !== undefined && length !== Number(value))) throw new HttpProtocolError(`an invalid content-length: ${JSON.stringify(value)}`);
        length = Number(value);
      } else if (name === 'transfer-encoding') chunked = head.slice(colon + 1, eol).toLowerCase().split(',').some((coding) => coding.trim() === 'chunked');
      else if (name === 'connection') {
        const value = head.slice(colon + 1, eol).toLowerCase();
        this.close = value.split(',').some((option) => option.trim() === 'close') || (this.close && !value.includes('keep-alive'));
      } else if (name === 'keep-alive') {
        const timeout = /(?:^|,)\s*timeout=(\d+)/.exec(head.slice(colon + 1, eol).trim().toLowerCase());
        if (timeout) this.keepAliveMs = Number(timeout[1]) * 1000;
      }
    }
    if (status === 204 || status === 304) this.mode = { kind: 'none' };
    else if (chunked) this.mode = { kind: 'chunked', remaining: 0, trailer: false };
    else if (length !== undefined) this.mode = { kind: 'length', remaining: length };
    else {
      this.mode = { kind: 'close' };
      this.close = true;
    }
    return true;
  }

  private readBody(): ParsedResponse | undefined {
    const mode = this.mode!;
    switch (mode.kind) {
      case 'none':
        return this.finish();
      case 'length': {
        mode.remaining -= this.take(Math.min(mode.remaining, this.pending.length));
        return mode.remaining === 0 ? this.finish() : undefined;
      }
      case 'close':
        this.take(this.pending.length);
        return undefined;
      case 'chunked':
        return this.readChunked(mode);
    }
  }

  /** Chunked body: size lines, data, a zero size, trailers until an empty line. */
  private readChunked(mode: { remaining: number; trailer: boolean }): ParsedResponse | undefined {
    for (;;) {
      if (mode.remaining > 0) {
        mode.remaining -= this.take(Math.min(mode.remaining, this.pending.length));
        if (mode.remaining > 0) return undefined;
        // The CRLF after the data: taken with the next size line.
        continue;
      }
      const eol = this.pending.indexOf(CRLF);
      if (eol < 0) return undefined;
      const line = this.pending.toString('latin1', 0, eol);
      this.pending = this.pending.subarray(eol + CRLF.length);
      if (mode.trailer) {
        if (line === '') return this.finish();
        continue;
      }
      // The empty line that ends a chunk's data.
      if (line === '') continue;
      const size = Number.parseInt(line.split(';')[0].trim(), 16);
      if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+/.test(line)) throw new HttpProtocolError(`an invalid chunk size: ${JSON.stringify(line.slice(0, 20))}`);
      if (size === 0) mode.trailer = true;
      else mode.remaining = size;
    }
  }

  /** Moves `n` bytes of what is pending into the body (or drops them); returns `n`. */
  private take(n: number): number {
    if (n === 0) return 0;
    if (this.keepBody) this.body.push(Buffer.from(this.pending.subarray(0, n)));
    this.pending = this.pending.subarray(n);
    return n;
  }

  private finish(): ParsedResponse {
    if (this.pending.length > 0) {
      // Bytes after a whole response, on a connection that never pipelines: it cannot be reused.
      this.close = true;
    }
    const body = this.body.length === 1 ? this.body[0] : Buffer.concat(this.body);
    const response: ParsedResponse = { status: this.status, body, close: this.close };
    if (this.keepAliveMs !== undefined) response.keepAliveMs = this.keepAliveMs;
    return response;
  }
}
