// An HTTP/1.1 response read from a socket's chunks: status, the headers a client needs, the body by length, chunks or close.

/** The server's answer could not be read as HTTP/1.1. */
export class HttpProtocolError extends Error {
  override readonly name = 'HttpProtocolError';
}

/** What the reader found once a response was complete. */
export interface ParsedResponse {
  status: number;
  /** The body as UTF-8 text, when the reader was to keep it; else empty. */
  body: string;
  /** The server will close the connection, or asked us to. */
  close: boolean;
  /** The server's `Keep-Alive: timeout=N`, in milliseconds, when it said. */
  keepAliveMs?: number;
  /** The value of the header the reader was asked to keep, when the answer had it. */
  header?: string;
}

/** What to keep of the next response. */
export interface ReadOptions {
  /** Keep the body (else it is read and dropped). */
  keepBody: boolean;
  /** The lower-case name of one header whose value to keep. */
  keepHeader?: string;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
/** Longest head accepted, as Node's own parser limits it. */
const MAX_HEAD_BYTES = 16 * 1024;
const SPACE = 0x20;
const TAB = 0x09;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

type BodyMode =
  | { kind: 'length'; remaining: number }
  | { kind: 'chunked'; remaining: number; trailer: boolean }
  | { kind: 'close' }
  | { kind: 'none' };

/**
 * Reads responses from the chunks a socket delivers, in order, one at a time (`reset` before
 * each). `push` returns the response once it is whole (anything after it belongs to no request:
 * this client never pipelines). A body without a length or chunking ends with the connection
 * (`end`). A chunk may be a buffer the socket reuses for its next read: whatever the reader keeps
 * past `push`, it copies, and a body that arrives within one chunk is decoded straight from it.
 */
export class Http1ResponseReader {
  /** The bytes being read: the chunk of this `push`, after what an earlier one left over. */
  private bytes: Buffer = EMPTY;
  /** How far into `bytes` the reader has read. */
  private at = 0;
  private status = 0;
  private close = false;
  private keepAliveMs: number | undefined;
  private header: string | undefined;
  private mode: BodyMode | undefined;
  /** Copies of the body's pieces read so far, when it spans chunks. */
  private pieces: Buffer[] = [];
  /** The whole body, decoded from the one chunk that held all of it. */
  private text: string | undefined;
  private keepBody: boolean;
  private keepHeader: string | undefined;

  constructor(options: ReadOptions = { keepBody: true }) {
    this.keepBody = options.keepBody;
    this.keepHeader = options.keepHeader;
  }

  /** Readies the reader for the next response on the connection. */
  reset(options: ReadOptions): void {
    this.keepBody = options.keepBody;
    this.keepHeader = options.keepHeader;
    this.bytes = EMPTY;
    this.at = 0;
    this.status = 0;
    this.close = false;
    this.keepAliveMs = undefined;
    this.header = undefined;
    this.mode = undefined;
    if (this.pieces.length > 0) this.pieces = [];
    this.text = undefined;
  }

  /** Feeds a chunk; the response once it is complete, else undefined. */
  push(chunk: Buffer): ParsedResponse | undefined {
    this.bytes = this.at < this.bytes.length ? Buffer.concat([this.bytes.subarray(this.at), chunk]) : chunk;
    this.at = 0;
    let response: ParsedResponse | undefined;
    while (!this.mode && this.readHead());
    // A body reader takes all it can: undefined means it waits for more bytes.
    if (this.mode) response = this.readBody();
    // What waits for the next chunk must outlive this one's buffer.
    if (!response) this.bytes = this.at < this.bytes.length ? Buffer.from(this.bytes.subarray(this.at)) : EMPTY;
    this.at = 0;
    return response;
  }

  /** The connection ended: the response, if its body was to run until the close. */
  end(): ParsedResponse | undefined {
    if (this.mode?.kind !== 'close') return undefined;
    this.take(this.bytes.length - this.at, false);
    return this.finish();
  }

  private readHead(): boolean {
    const bytes = this.bytes;
    const end = bytes.indexOf(HEAD_END, this.at);
    if (end < 0) {
      if (bytes.length - this.at > MAX_HEAD_BYTES)
        throw new HttpProtocolError('the response head is longer than 16 KiB');
      return false;
    }
    const head = bytes.toString('latin1', this.at, end);
    this.at = end + HEAD_END.length;
    // The status line: HTTP/1.0 or HTTP/1.1, a space, three digits.
    const minor = head.charCodeAt(7);
    if (
      !head.startsWith('HTTP/1.') ||
      (minor !== 0x30 && minor !== 0x31) ||
      head.charCodeAt(8) !== SPACE ||
      !isDigits(head, 9, 12)
    ) {
      throw new HttpProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`);
    }
    const status = Number(head.slice(9, 12));
    // An interim answer (100 Continue, 103 Early Hints): the real one follows.
    if (status >= 100 && status < 200) return true;
    this.status = status;
    this.close = minor === 0x30;
    const statusEnd = head.indexOf('\r\n');
    let length: number | undefined;
    let chunked = false;
    // One header line at a time, names compared in place: only the values used are cut out.
    for (let line = statusEnd < 0 ? head.length : statusEnd + 2; line < head.length;) {
      let eol = head.indexOf('\r\n', line);
      if (eol < 0) eol = head.length;
      const colon = head.indexOf(':', line);
      const start = line;
      line = eol + 2;
      if (colon < 0 || colon >= eol) continue;
      const nameStart = skipBlanks(head, start, colon);
      const nameEnd = backOverBlanks(head, nameStart, colon);
      const valueStart = skipBlanks(head, colon + 1, eol);
      const valueEnd = backOverBlanks(head, valueStart, eol);
      if (isName(head, nameStart, nameEnd, 'content-length')) {
        if (!isDigits(head, valueStart, valueEnd))
          throw new HttpProtocolError(`an invalid content-length: ${JSON.stringify(head.slice(valueStart, valueEnd))}`);
        const value = Number(head.slice(valueStart, valueEnd));
        if (length !== undefined && length !== value)
          throw new HttpProtocolError(`an invalid content-length: ${JSON.stringify(head.slice(valueStart, valueEnd))}`);
        length = value;
      } else if (isName(head, nameStart, nameEnd, 'connection')) {
        // Node's own servers say exactly `keep-alive`: that needs no list to be split.
        if (isName(head, valueStart, valueEnd, 'keep-alive')) this.close = false;
        else {
          const value = head.slice(valueStart, valueEnd).toLowerCase();
          this.close =
            value.split(',').some((option) => option.trim() === 'close') ||
            (this.close && !value.includes('keep-alive'));
        }
      } else if (isName(head, nameStart, nameEnd, 'keep-alive')) {
        const timeout = /(?:^|,)\s*timeout=(\d+)/.exec(head.slice(valueStart, valueEnd).toLowerCase());
        if (timeout) this.keepAliveMs = Number(timeout[1]) * 1000;
      } else if (isName(head, nameStart, nameEnd, 'transfer-encoding')) {
        chunked = head
          .slice(valueStart, valueEnd)
          .toLowerCase()
          .split(',')
          .some((coding) => coding.trim() === 'chunked');
      } else if (this.keepHeader !== undefined && isName(head, nameStart, nameEnd, this.keepHeader)) {
        this.header = head.slice(valueStart, valueEnd);
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
        const n = Math.min(mode.remaining, this.bytes.length - this.at);
        mode.remaining -= n;
        this.take(n, mode.remaining === 0);
        return mode.remaining === 0 ? this.finish() : undefined;
      }
      case 'close':
        this.take(this.bytes.length - this.at, false);
        return undefined;
      case 'chunked':
        return this.readChunked(mode);
    }
  }

  /** Chunked body: size lines, data, a zero size, trailers until an empty line. */
  private readChunked(mode: { remaining: number; trailer: boolean }): ParsedResponse | undefined {
    for (;;) {
      if (mode.remaining > 0) {
        const n = Math.min(mode.remaining, this.bytes.length - this.at);
        mode.remaining -= n;
        this.take(n, false);
        if (mode.remaining > 0) return undefined;
        // The CRLF after the data: taken with the next size line.
        continue;
      }
      const eol = this.bytes.indexOf(CRLF, this.at);
      if (eol < 0) return undefined;
      const line = this.bytes.toString('latin1', this.at, eol);
      this.at = eol + CRLF.length;
      if (mode.trailer) {
        if (line === '') return this.finish();
        continue;
      }
      // The empty line that ends a chunk's data.
      if (line === '') continue;
      const size = Number.parseInt(line.split(';')[0].trim(), 16);
      if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+/.test(line))
        throw new HttpProtocolError(`an invalid chunk size: ${JSON.stringify(line.slice(0, 20))}`);
      if (size === 0) mode.trailer = true;
      else mode.remaining = size;
    }
  }

  /**
   * Moves the next `n` bytes into the body (or drops them). The `last` piece of a body that had no
   * earlier piece is decoded in place; any other is copied, as its chunk may be reused.
   */
  private take(n: number, last: boolean): void {
    if (n > 0 && this.keepBody) {
      if (last && this.pieces.length === 0) this.text = this.bytes.toString('utf8', this.at, this.at + n);
      else this.pieces.push(Buffer.from(this.bytes.subarray(this.at, this.at + n)));
    }
    this.at += n;
  }

  private finish(): ParsedResponse {
    if (this.at < this.bytes.length) {
      // Bytes after a whole response, on a connection that never pipelines: it cannot be reused.
      this.close = true;
    }
    let body = '';
    if (this.text !== undefined) body = this.text;
    else if (this.pieces.length > 0)
      body = (this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces)).toString('utf8');
    const response: ParsedResponse = { status: this.status, body, close: this.close };
    if (this.keepAliveMs !== undefined) response.keepAliveMs = this.keepAliveMs;
    if (this.header !== undefined) response.header = this.header;
    return response;
  }
}

/** The first index from `start` (up to `end`) that is not a space or tab. */
function skipBlanks(text: string, start: number, end: number): number {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  return start;
}

/** The end of `text[start, end)` once the spaces and tabs at its end are left off. */
function backOverBlanks(text: string, start: number, end: number): number {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

/** `text[start, end)` is `name` (lower case), in any case. */
function isName(text: string, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    const code = text.charCodeAt(start + i);
    // Letters fold to lower case; '-' and digits are themselves.
    if ((code >= 0x41 && code <= 0x5a ? code | 0x20 : code) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** `text[start, end)` is one or more decimal digits. */
function isDigits(text: string, start: number, end: number): boolean {
  if (end <= start || end > text.length) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < DIGIT_0 || code > DIGIT_9) return false;
  }
  return true;
}
