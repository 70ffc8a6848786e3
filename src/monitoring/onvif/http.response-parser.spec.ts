import { HttpCutOffError, HttpParseError, HttpResponseParser, HttpTooLargeError, MAX_HEAD_BYTES, type HttpResponse } from './http.response-parser';

const MAX = 1024;

/** Feeds `text` in pieces of `step` bytes; answers the response (or what end() answers when `closeAfter`). */
function parse(text: string | Buffer, step = Infinity, closeAfter = false): HttpResponse | null {
  const buf = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const p = new HttpResponseParser(MAX);
  for (let i = 0; i < buf.length; i += step === Infinity ? buf.length : step) {
    const r = p.feed(buf.subarray(i, Math.min(buf.length, i + (step === Infinity ? buf.length : step))));
    if (r !== null) return r;
  }
  return closeAfter ? p.end() : null;
}

const SOAP = '<s:Envelope><s:Body>é</s:Body></s:Envelope>';
const soapLen = Buffer.byteLength(SOAP);

describe('HttpResponseParser', () => {
  it.each([Infinity, 1, 3, 7])('a Content-Length reply, fed %p bytes at a time', (step) => {
    const r = parse(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: ${soapLen}\r\n\r\n${SOAP}`), step);
    expect(r).not.toBeNull();
    expect(r!.status).toBe(200);
    expect(r!.body.toString('utf8')).toBe(SOAP);
    expect(r!.reusable).toBe(true);
  });

  it.each([Infinity, 1, 2, 5])('a chunked reply with an extension and a trailer, fed %p bytes at a time', (step) => {
    const r = parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n', step);
    expect(r!.body.toString()).toBe('hello, world');
    expect(r!.reusable).toBe(true);
  });

  it('takes bare LF line endings (sloppy embedded servers) and folded headers', () => {
    const r = parse('HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Digest realm="a",\n nonce="n"\nContent-Length: 2\n\nno');
    expect(r).toMatchObject({ status: 401, challenges: ['Digest realm="a", nonce="n"'] });
    expect(r!.body.toString()).toBe('no');
  });

  it('keeps every WWW-Authenticate challenge', () => {
    const r = parse(
      'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest algorithm="SHA-256"\r\nwww-authenticate: Digest algorithm=MD5\r\nContent-Length: 0\r\n\r\n',
    );
    expect(r!.challenges).toEqual(['Digest algorithm="SHA-256"', 'Digest algorithm=MD5']);
    expect(r!.body.length).toBe(0);
  });

  it('skips a 100 Continue before the real response', () => {
    const r = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 4);
    expect(r).toMatchObject({ status: 200 });
    expect(r!.body.toString()).toBe('ok');
  });

  it('reads an unframed body to the end of the connection, which is then not reused', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<a/>', Infinity)).toBeNull();
    const r = parse('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<a/>', 3, true);
    expect(r!.body.toString()).toBe('<a/>');
    expect(r!.reusable).toBe(false);
  });

  it('says when a connection may carry another request', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')!.reusable).toBe(false);
    expect(parse('HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n')!.reusable).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')!.reusable).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n')!.reusable).toBe(true);
    // Bytes after the response: not ours, so the connection is not trusted again.
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE')!.reusable).toBe(false);
  });

  it('a 204 has no body, whatever follows', () => {
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({ status: 204, reusable: true });
  });

  it('refuses a body declared or grown beyond the limit', () => {
    expect(() => parse(`HTTP/1.1 200 OK\r\nContent-Length: ${MAX + 1}\r\n\r\n`)).toThrow(new HttpTooLargeError(`declares ${MAX + 1} bytes`));
    expect(() => parse(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(MAX + 1).toString(16)}\r\n`)).toThrow(HttpTooLargeError);
    expect(() => parse(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(MAX + 1)}`)).toThrow(new HttpTooLargeError(`exceeds ${MAX} bytes`));
  });

  it('refuses what is not HTTP, or framing it cannot trust', () => {
    const code = (text: string): string | null => {
      try {
        parse(text);
        return null;
      } catch (e) {
        return e instanceof HttpParseError ? e.code : String(e);
      }
    };
    expect(code('<html>hello</html>\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(code('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n')).toBe('HPE_UNEXPECTED_CONTENT_LENGTH');
    expect(code('HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\n')).toBe('HPE_INVALID_CONTENT_LENGTH');
    expect(code('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toBe('HPE_INVALID_CHUNK_SIZE');
    expect(code('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX')).toBe('HPE_STRICT');
    expect(code('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(code(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}`)).toBe('HPE_HEADER_OVERFLOW');
  });

  it('a connection that ends early: nothing at all, a partial head, a partial body', () => {
    const ended = (text: string): HttpCutOffError => {
      const p = new HttpResponseParser(MAX);
      if (text) p.feed(Buffer.from(text));
      try {
        p.end();
      } catch (e) {
        return e as HttpCutOffError;
      }
      throw new Error('end() answered');
    };
    expect(ended('')).toMatchObject({ nothingReceived: true, inHead: true });
    expect(ended('HTTP/1.1 200 OK\r\nContent-')).toMatchObject({ nothingReceived: false, inHead: true });
    expect(ended('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd')).toMatchObject({ inHead: false, bodyBytes: 4, status: 200 });
    expect(ended('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab')).toMatchObject({ inHead: false, bodyBytes: 2 });
  });
});
