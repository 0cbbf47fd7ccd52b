// Reading HTTP/1.1 responses from the chunks a socket delivers, however the bytes are cut.
import { Http1ResponseReader, HttpProtocolError } from '../../../steps/adapters/http1-response';

/** Feeds `wire` to a reader in pieces of `size` bytes; the response once it is whole. */
function read(wire: string, size = wire.length, keepBody = true) {
  const reader = new Http1ResponseReader({ keepBody });
  const bytes = Buffer.from(wire, 'latin1');
  for (let at = 0; at < bytes.length; at += size) {
    const response = reader.push(bytes.subarray(at, at + size));
    if (response) return { ...response, fedAll: at + size >= bytes.length };
  }
  return undefined;
}

describe('Http1ResponseReader', () => {
  it.each([1, 7, 1000])('reads a body by its content-length, in pieces of %i bytes', (size) => {
    // Given a 200 with a JSON body of 17 bytes
    const wire =
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 17\r\n\r\n{"source":"cache"}'.replace(
        '{"source":"cache"}',
        '{"source":"dbx"}x',
      );
    // When it arrives in pieces
    const response = read(wire, size);
    // Then it is whole only with its last byte, and the connection stays open
    expect(response).toMatchObject({ status: 200, body: '{"source":"dbx"}x', close: false, fedAll: true });
  });

  it.each([1, 5, 1000])('reads a chunked body with extensions and trailers, in pieces of %i bytes', (size) => {
    // Given a chunked 201 whose chunks carry an extension, and a trailer
    const wire =
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nx-trailer: t\r\n\r\n';
    // When it arrives in pieces
    // Then the chunks join into the body
    expect(read(wire, size)).toMatchObject({ status: 201, body: 'Wikipedia', close: false, fedAll: true });
  });

  it.each([1, 3, 1000])(
    'keeps the value of the header it was asked for, whatever its case and spacing, in pieces of %i bytes',
    (size) => {
      // Given an answer whose names come in mixed case, with blanks around names and values
      const wire =
        'HTTP/1.1 200 OK\r\nX-Shop-Source:\t database \r\nCONTENT-LENGTH : 2\r\nConnection:  Keep-Alive\r\n\r\n{}';
      const reader = new Http1ResponseReader({ keepBody: true, keepHeader: 'x-shop-source' });
      const bytes = Buffer.from(wire, 'latin1');
      let response;
      for (let at = 0; at < bytes.length && !response; at += size)
        response = reader.push(bytes.subarray(at, at + size));
      // Then the value comes back trimmed, the length and keep-alive were read, and the body is whole
      expect(response).toEqual({ status: 200, body: '{}', close: false, header: 'database' });
    },
  );

  it('decodes a body cut inside a multi-byte character, and survives the reuse of the chunks it read', () => {
    // Given a UTF-8 body split inside its two-byte character, each piece in a buffer reused after the push
    const body = Buffer.from('{"name":"Café"}', 'utf8');
    const wire = Buffer.concat([
      Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`, 'latin1'),
      body,
    ]);
    const cut = wire.length - 4;
    const reused = Buffer.alloc(wire.length);
    const reader = new Http1ResponseReader({ keepBody: true });
    wire.copy(reused, 0, 0, cut);
    expect(reader.push(reused.subarray(0, cut))).toBeUndefined();
    reused.fill(0x78);
    wire.copy(reused, 0, cut);
    // When the rest arrives in the same (overwritten) buffer
    const response = reader.push(reused.subarray(0, wire.length - cut));
    // Then the body is the text that was sent
    expect(response?.body).toBe('{"name":"Café"}');
  });

  it('reads the next answer on the same connection after a reset, keeping nothing of the last', () => {
    // Given a reader that read an answer with a header it kept
    const reader = new Http1ResponseReader({ keepBody: true, keepHeader: 'x-shop-source' });
    expect(
      reader.push(
        Buffer.from('HTTP/1.1 200 OK\r\nx-shop-source: cache\r\nKeep-Alive: timeout=5\r\ncontent-length: 1\r\n\r\na'),
      ),
    ).toMatchObject({ header: 'cache', keepAliveMs: 5_000 });
    // When it is reset for an answer without either
    reader.reset({ keepBody: false });
    // Then the second answer carries neither the header nor the keep-alive of the first
    expect(reader.push(Buffer.from('HTTP/1.1 201 Created\r\ncontent-length: 1\r\n\r\nb'))).toEqual({
      status: 201,
      body: '',
      close: false,
    });
  });

  it('skips an interim 100 Continue and reads the answer after it', () => {
    // Given a 100 before the real answer
    const wire = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 409 Conflict\r\ncontent-length: 2\r\n\r\n{}';
    // Then the answer is the 409
    expect(read(wire)).toMatchObject({ status: 409, body: '{}' });
  });

  it('says the connection closes when the server says so, or answers as HTTP/1.0', () => {
    // Given a close header, and an HTTP/1.0 answer without keep-alive
    // Then neither connection is to be reused
    expect(read('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\ncontent-length: 0\r\n\r\n')).toMatchObject({
      status: 503,
      close: true,
    });
    expect(read('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n')).toMatchObject({ close: true });
  });

  it('reads the keep-alive timeout the server names, in milliseconds', () => {
    // Given Node's own server header
    // Then its 5 seconds come back
    expect(read('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\ncontent-length: 0\r\n\r\n')).toMatchObject({
      keepAliveMs: 5_000,
    });
  });

  it('reads a body without length or chunks until the connection ends', () => {
    // Given an answer that ends with the connection
    const reader = new Http1ResponseReader({ keepBody: true });
    // When its bytes arrive and then the connection ends
    expect(reader.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\nhello'))).toBeUndefined();
    const response = reader.end();
    // Then the body is everything up to the end, and the connection is not reused
    expect(response?.body).toBe('hello');
    expect(response?.close).toBe(true);
  });

  it('has no answer when the connection ends inside a body of known length', () => {
    // Given half of a 10-byte body
    const reader = new Http1ResponseReader({ keepBody: true });
    reader.push(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf'));
    // When the connection ends
    // Then there is no answer: a cut-off body is no answer
    expect(reader.end()).toBeUndefined();
  });

  it('drops the body when asked to, and still waits for all of it', () => {
    // Given a 6-byte body to drop, arriving byte by byte
    const response = read('HTTP/1.1 201 Created\r\ncontent-length: 6\r\n\r\n{"a":1', 1, false);
    // Then the answer is whole only at its last byte, with an empty body
    expect(response).toMatchObject({ status: 201, body: '', fedAll: true });
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a bad content-length', 'HTTP/1.1 200 OK\r\ncontent-length: ten\r\n\r\n'],
    ['two different content-lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
  ])('refuses %s', (_name, wire) => {
    // Given a malformed answer
    // Then reading it fails with a protocol error
    expect(() => read(wire)).toThrow(HttpProtocolError);
  });
});
