/**
 * An incremental HTTP/1.x response parser for the lean ONVIF transport
 * (http.keepalive-client.ts): status line, headers, and a body framed by
 * Content-Length, chunked transfer coding, or the end of the connection. Pure: it is
 * fed the bytes a socket delivers and says when a whole response has arrived.
 *
 * Only what a SOAP client needs is kept from the head: the status, whether the
 * connection may carry another request, and the WWW-Authenticate challenges. It is a
 * little more lenient than Node's parser where cameras are sloppy (a bare LF ends a
 * line, obsolete header folding is joined) and as strict where it matters for
 * framing: conflicting Content-Lengths, a bad chunk size or an oversized head are errors.
 */

/** Heads above this size are refused, as Node's HTTP client does (its default limit). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** A response that is not HTTP, or whose framing cannot be trusted. Codes follow llhttp's. */
export class HttpParseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The body is, or says it will be, larger than allowed. */
export class HttpTooLargeError extends Error {}

/** The connection ended before the response was complete. */
export class HttpCutOffError extends Error {
  constructor(
    /** Nothing at all had arrived: on a reused connection, the device had closed it while idle. */
    readonly nothingReceived: boolean,
    /** Still reading the head: the device hung up rather than sent a short body. */
    readonly inHead: boolean,
    readonly bodyBytes: number,
    readonly status: number,
  ) {
    super(inHead ? 'socket hang up' : `cut off after ${bodyBytes} bytes of body`);
  }
}

export interface HttpResponse {
  status: number;
  /** WWW-Authenticate values (empty unless the device sent some). */
  challenges: string[];
  body: Buffer;
  /** The connection may carry another request (keep-alive, nothing unread after this response). */
  reusable: boolean;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' | 'done';

const LF = 10;
const CR = 13;

export class HttpResponseParser {
  private state: State = 'head';
  /** Bytes received but not consumed yet (a head or a chunk-size line split across packets). */
  private pending: Buffer | null = null;
  private received = 0;
  private status = 0;
  private keepAlive = false;
  private challenges: string[] = [];
  /** Body bytes still expected in the current Content-Length body or chunk. */
  private remaining = 0;
  private readonly parts: Buffer[] = [];
  private bodyBytes = 0;

  constructor(private readonly maxBodyBytes: number) {}

  /**
   * Takes the next bytes; answers the response once complete (null: more needed).
   * Throws HttpParseError or HttpTooLargeError; after that the connection is unusable.
   */
  feed(chunk: Buffer): HttpResponse | null {
    this.received += chunk.length;
    const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let at = 0;
    while (at < buf.length) {
      switch (this.state) {
        case 'head': {
          const end = headEnd(buf, at);
          if (end < 0) {
            if (buf.length - at > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Header overflow');
            this.pending = buf.subarray(at);
            return null;
          }
          if (end - at > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Header overflow');
          this.readHead(buf.toString('latin1', at, end));
          at = end;
          break;
        }
        case 'length':
        case 'chunk-data': {
          const n = Math.min(this.remaining, buf.length - at);
          this.addBody(buf.subarray(at, at + n));
          at += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = this.state === 'length' ? 'done' : 'chunk-end';
          break;
        }
        case 'chunk-size': {
          const nl = buf.indexOf(LF, at);
          if (nl < 0) {
            if (buf.length - at > 1024) throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');
            this.pending = buf.subarray(at);
            return null;
          }
          const line = buf.toString('latin1', at, nl).replace(/\r$/, '');
          at = nl + 1;
          const sizeText = line.split(';', 1)[0].trim();
          if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');
          const size = parseInt(sizeText, 16);
          if (size === 0) this.state = 'trailers';
          else {
            if (this.bodyBytes + size > this.maxBodyBytes) throw new HttpTooLargeError(`exceeds ${this.maxBodyBytes} bytes`);
            this.remaining = size;
            this.state = 'chunk-data';
          }
          break;
        }
        case 'chunk-end': {
          if (buf[at] === LF) at += 1;
          else if (buf[at] === CR) {
            if (at + 1 >= buf.length) {
              this.pending = buf.subarray(at);
              return null;
            }
            if (buf[at + 1] !== LF) throw new HttpParseError('HPE_STRICT', 'Expected LF after chunk data');
            at += 2;
          } else throw new HttpParseError('HPE_STRICT', 'Expected CRLF after chunk data');
          this.state = 'chunk-size';
          break;
        }
        case 'trailers': {
          const nl = buf.indexOf(LF, at);
          if (nl < 0) {
            if (buf.length - at > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Header overflow');
            this.pending = buf.subarray(at);
            return null;
          }
          const empty = nl === at || (nl === at + 1 && buf[at] === CR);
          at = nl + 1;
          if (empty) this.state = 'done';
          break;
        }
        case 'close':
          this.addBody(at === 0 ? buf : buf.subarray(at));
          at = buf.length;
          break;
        case 'done':
          // Not reached: a complete response is answered below as soon as it is.
          at = buf.length;
          break;
      }
      if (this.state === 'done') {
        // Bytes after a complete response are not ours to read: the connection is not reused.
        if (at < buf.length) this.keepAlive = false;
        return this.response();
      }
    }
    return null;
  }

  /** The connection ended: answers a body read to the end of the connection, else throws HttpCutOffError. */
  end(): HttpResponse {
    if (this.state === 'close') {
      this.state = 'done';
      return this.response();
    }
    throw new HttpCutOffError(this.received === 0, this.state === 'head', this.bodyBytes, this.status);
  }

  private response(): HttpResponse {
    const body = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.bodyBytes);
    return { status: this.status, challenges: this.challenges, body, reusable: this.keepAlive };
  }

  private addBody(b: Buffer): void {
    if (b.length === 0) return;
    this.bodyBytes += b.length;
    if (this.bodyBytes > this.maxBodyBytes) throw new HttpTooLargeError(`exceeds ${this.maxBodyBytes} bytes`);
    this.parts.push(b);
  }

  /** Reads a whole head (status line and headers, up to the empty line) and sets the body's framing. */
  private readHead(head: string): void {
    const lines = head.split('\n');
    const statusLine = lines[0].replace(/\r$/, '');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(statusLine);
    if (!m) throw new HttpParseError('HPE_INVALID_CONSTANT', `Expected HTTP/1.x status line, got "${statusLine.slice(0, 40)}"`);
    const minor = Number(m[1]);
    const status = Number(m[2]);
    let contentLength: number | null = null;
    let chunked = false;
    let connection = '';
    const challenges: string[] = [];
    let last: { name: string; value: string } | null = null;
    const take = (h: { name: string; value: string } | null): void => {
      if (h === null) return;
      const v = h.value.trim();
      switch (h.name) {
        case 'content-length': {
          if (!/^\d+$/.test(v)) throw new HttpParseError('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
          const n = Number(v);
          if (contentLength !== null && contentLength !== n) throw new HttpParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Conflicting Content-Length');
          contentLength = n;
          break;
        }
        case 'transfer-encoding':
          chunked = /(?:^|,)\s*chunked\s*$/i.test(v);
          break;
        case 'connection':
          connection += `${v.toLowerCase()},`;
          break;
        case 'www-authenticate':
          challenges.push(v);
          break;
      }
    };
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i].replace(/\r$/, '');
      if (line === '') break;
      if ((line[0] === ' ' || line[0] === '\t') && last !== null) {
        last.value += ` ${line.trim()}`; // obsolete line folding
        continue;
      }
      take(last);
      const colon = line.indexOf(':');
      if (colon <= 0) throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
      last = { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) };
    }
    take(last);
    if (status >= 100 && status < 200 && status !== 101) {
      // 100 Continue and the like: the real response follows.
      return;
    }
    if (status === 101) throw new HttpParseError('HPE_UNEXPECTED_UPGRADE', 'Unexpected protocol switch (HTTP 101)');
    this.status = status;
    this.challenges = challenges;
    const closes = /(?:^|[\s,])close,/.test(connection);
    this.keepAlive = minor === 1 ? !closes : /(?:^|[\s,])keep-alive,/.test(connection);
    if (status === 204 || status === 304) {
      this.state = 'done';
    } else if (chunked) {
      this.state = 'chunk-size';
    } else if (contentLength !== null) {
      if (contentLength > this.maxBodyBytes) throw new HttpTooLargeError(`declares ${contentLength} bytes`);
      this.remaining = contentLength;
      this.state = contentLength === 0 ? 'done' : 'length';
    } else {
      // No framing: the body runs to the end of the connection, which then cannot be reused.
      this.keepAlive = false;
      this.state = 'close';
    }
  }
}

/** Index just past the empty line that ends a head starting at `from`, or -1. Accepts CRLF and bare LF. */
function headEnd(buf: Buffer, from: number): number {
  let i = buf.indexOf(LF, from);
  while (i >= 0) {
    const next = buf[i + 1];
    if (next === LF) return i + 2;
    if (next === CR && buf[i + 2] === LF) return i + 3;
    if (next === undefined || (next === CR && buf[i + 2] === undefined)) return -1;
    i = buf.indexOf(LF, i + 1);
  }
  return -1;
}
