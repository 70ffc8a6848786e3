/**
 * The lean ONVIF client's transport: HTTP/1.1 POSTs over pooled keep-alive TCP
 * connections, written by hand instead of node:http. Why: a check is two small
 * exchanges, and Node's client (a ClientRequest, its agent queue, header validation,
 * an IncomingMessage stream and their listeners per request) cost 74–126 µs of CPU per
 * request on the CI machine, against 20 µs for a request written to a pooled socket
 * and its reply parsed in place (bench:poll and the comparison in the README). One
 * write per request, one set of socket listeners per connection, not per request.
 *
 * Behaviour kept from the node:http version: connections per host and in total are
 * limited (LIFO reuse), a reply is limited in size, a pooled connection the device
 * closed while idle is retried once on a fresh one, no timer of its own (the caller's
 * AbortSignal is the deadline). Idle connections are closed after `idleMs`.
 */
import * as net from 'node:net';
import { HttpCutOffError, HttpParseError, HttpResponseParser, HttpTooLargeError, type HttpResponse } from './http.response-parser';

export interface HttpEndpoint {
  hostname: string;
  port: number;
  path: string;
  /** host:port as the Host header names it (no port when 80). */
  authority: string;
}

/** Why an exchange failed, for the caller to word (it knows the operation). */
export class HttpExchangeError extends Error {
  constructor(
    readonly kind: 'aborted' | 'too_large' | 'cut_off' | 'connection',
    message: string,
    /** For `connection`: the socket's error code (ECONNREFUSED, ETIMEDOUT, ECONNRESET, HPE_…). */
    readonly code: string = '',
    /** For `cut_off`: body bytes received, and the status they came with. */
    readonly bodyBytes = 0,
    readonly status = 0,
  ) {
    super(message);
  }
}

export interface KeepAliveHttpOptions {
  maxSocketsPerHost?: number;
  maxTotalSockets?: number;
  /** Idle connections kept per host. */
  maxIdlePerHost?: number;
  /** An idle connection is closed after this long unused. */
  idleMs?: number;
}

export interface PostRequest {
  /** Header lines after Host and before Content-Length, each ending in CRLF (validated by the caller). */
  headerLines: string;
  body: string;
  maxBodyBytes: number;
}

interface Exchange {
  parser: HttpResponseParser;
  done(err: Error | null, res: HttpResponse | null): void;
}

interface Waiter {
  pool: HostPool;
  signal: AbortSignal;
  start(conn: Connection | null, err: Error | null): void;
}

/** Socket errors that mean the other side closed the connection (a stale pooled one, when nothing came back). */
const HANG_UP_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED']);

class HostPool {
  readonly idle: Connection[] = [];
  busy = 0;
  constructor(
    readonly key: string,
    readonly hostname: string,
    readonly port: number,
  ) {}
}

/** One TCP connection; its listeners stay for its life and feed whichever exchange is current. */
class Connection {
  exchange: Exchange | null = null;
  idleSince = 0;
  /** It has carried at least one complete exchange (so a hang-up may be a stale idle close). */
  used = false;
  closed = false;
  /** The device ended its side: no new exchange may start on it. */
  ended = false;
  private error: NodeJS.ErrnoException | null = null;

  constructor(
    readonly pool: HostPool,
    readonly socket: net.Socket,
    private readonly onIdleClose: (c: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      this.error = e;
    });
    socket.on('end', () => {
      this.ended = true;
    });
    socket.on('close', () => this.onClose());
  }

  private onData(d: Buffer): void {
    const ex = this.exchange;
    if (ex === null) {
      // Bytes nobody asked for: the connection's framing cannot be trusted any more.
      this.socket.destroy();
      return;
    }
    let res: HttpResponse | null;
    try {
      res = ex.parser.feed(d);
    } catch (err) {
      this.exchange = null;
      this.socket.destroy();
      ex.done(err as Error, null);
      return;
    }
    if (res !== null) {
      this.exchange = null;
      ex.done(null, res);
    }
  }

  private onClose(): void {
    this.closed = true;
    const ex = this.exchange;
    this.exchange = null;
    if (ex === null) {
      this.onIdleClose(this);
      return;
    }
    if (this.error !== null && !HANG_UP_CODES.has(this.error.code ?? '')) {
      ex.done(this.error, null);
      return;
    }
    let res: HttpResponse;
    try {
      res = ex.parser.end();
    } catch (err) {
      if (err instanceof HttpCutOffError && err.inHead && this.error !== null) {
        ex.done(Object.assign(new HttpCutOffError(err.nothingReceived, true, 0, 0), { code: this.error.code }), null);
      } else ex.done(err as Error, null);
      return;
    }
    ex.done(null, res);
  }
}

export class KeepAliveHttpClient {
  private readonly pools = new Map<string, HostPool>();
  private readonly waiters: Waiter[] = [];
  /** Every open connection, idle or busy (for close()). */
  private readonly connections = new Set<Connection>();
  private readonly maxPerHost: number;
  private readonly maxTotal: number;
  private readonly maxIdlePerHost: number;
  private readonly idleMs: number;
  private busyTotal = 0;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(opts: KeepAliveHttpOptions = {}) {
    this.maxPerHost = opts.maxSocketsPerHost ?? 64;
    this.maxTotal = opts.maxTotalSockets ?? 1024;
    this.maxIdlePerHost = opts.maxIdlePerHost ?? 256;
    this.idleMs = opts.idleMs ?? 30_000;
  }

  /** Closes every connection; exchanges in flight fail, later ones open new connections. */
  close(): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    for (const w of this.waiters.splice(0)) w.start(null, new HttpExchangeError('connection', 'client closed', 'ECONNRESET'));
    for (const c of [...this.connections]) c.socket.destroy();
    for (const pool of this.pools.values()) pool.idle.length = 0;
  }

  /** One POST; resolves with the reply, rejects with an HttpExchangeError. */
  post(ep: HttpEndpoint, req: PostRequest, signal: AbortSignal): Promise<HttpResponse> {
    const bodyBytes = Buffer.byteLength(req.body);
    const head = `POST ${ep.path} HTTP/1.1\r\nHost: ${ep.authority}\r\n${req.headerLines}Content-Length: ${bodyBytes}\r\nConnection: keep-alive\r\n\r\n`;
    const payload = head + req.body;
    return new Promise<HttpResponse>((resolve, reject) => {
      if (signal.aborted) return reject(aborted());
      const pool = this.pool(ep);
      const attempt = (fresh: boolean): void => {
        this.acquire(pool, fresh, signal, (conn, err) => {
          if (conn === null) return reject(err);
          const reused = conn.used;
          let finished = false;
          const onAbort = (): void => {
            if (finished) return;
            finished = true;
            conn.exchange = null;
            conn.socket.destroy();
            this.release(conn, false);
            reject(aborted());
          };
          conn.exchange = {
            parser: new HttpResponseParser(req.maxBodyBytes),
            done: (e, res) => {
              if (finished) return;
              finished = true;
              signal.removeEventListener('abort', onAbort);
              if (res !== null) {
                conn.used = true;
                this.release(conn, res.reusable);
                return resolve(res);
              }
              this.release(conn, false);
              if (!conn.closed) conn.socket.destroy();
              // A pooled connection the device closed while idle: one retry on a fresh one.
              if (reused && !fresh && e instanceof HttpCutOffError && e.nothingReceived && !signal.aborted) return attempt(true);
              reject(classify(e));
            },
          };
          signal.addEventListener('abort', onAbort, { once: true });
          conn.socket.write(payload);
        });
      };
      attempt(false);
    });
  }

  private pool(ep: HttpEndpoint): HostPool {
    const key = `${ep.hostname}:${ep.port}`;
    let p = this.pools.get(key);
    if (p === undefined) {
      p = new HostPool(key, ep.hostname, ep.port);
      this.pools.set(key, p);
    }
    return p;
  }

  /** A connection for one exchange: an idle one (newest first) unless `fresh`, else a new one within the limits, else wait. */
  private acquire(pool: HostPool, fresh: boolean, signal: AbortSignal, start: (c: Connection | null, err: Error | null) => void): void {
    if (!fresh) {
      while (pool.idle.length > 0) {
        const c = pool.idle.pop()!;
        if (c.closed || c.ended || c.socket.destroyed) {
          c.socket.destroy();
          continue;
        }
        pool.busy++;
        this.busyTotal++;
        return start(c, null);
      }
    }
    if (pool.busy < this.maxPerHost && this.busyTotal < this.maxTotal) return start(this.open(pool), null);
    const w: Waiter = {
      pool,
      signal,
      start: (c, err) => {
        signal.removeEventListener('abort', onAbort);
        start(c, err);
      },
    };
    const onAbort = (): void => {
      const i = this.waiters.indexOf(w);
      if (i >= 0) this.waiters.splice(i, 1);
      start(null, aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.waiters.push(w);
  }

  private open(pool: HostPool): Connection {
    pool.busy++;
    this.busyTotal++;
    const socket = net.connect({ host: pool.hostname, port: pool.port });
    const conn = new Connection(pool, socket, (c) => this.forgetIdle(c));
    this.connections.add(conn);
    socket.once('close', () => this.connections.delete(conn));
    return conn;
  }

  /** An exchange is over: the connection goes to a waiter, back to the idle list, or is closed. */
  private release(conn: Connection, reusable: boolean): void {
    const pool = conn.pool;
    pool.busy--;
    this.busyTotal--;
    if (reusable && !conn.closed && !conn.ended) {
      const i = this.waiters.findIndex((w) => w.pool === pool);
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        pool.busy++;
        this.busyTotal++;
        w.start(conn, null);
        return;
      }
      if (pool.idle.length < this.maxIdlePerHost) {
        conn.idleSince = performance.now();
        pool.idle.push(conn);
        this.ensureSweep();
      } else conn.socket.destroy();
    } else if (!conn.closed) conn.socket.destroy();
    this.serveWaiters();
  }

  /** Starts waiters that the limits now let through, in the order they came. */
  private serveWaiters(): void {
    for (let i = 0; i < this.waiters.length && this.busyTotal < this.maxTotal;) {
      const w = this.waiters[i];
      if (w.pool.busy < this.maxPerHost) {
        this.waiters.splice(i, 1);
        w.start(this.open(w.pool), null);
      } else i++;
    }
  }

  private forgetIdle(c: Connection): void {
    const i = c.pool.idle.indexOf(c);
    if (i >= 0) c.pool.idle.splice(i, 1);
    if (c.pool.idle.length === 0 && c.pool.busy === 0) this.pools.delete(c.pool.key);
  }

  /** Closes connections idle for longer than idleMs; runs only while some are idle. */
  private ensureSweep(): void {
    if (this.sweepTimer !== null) return;
    this.sweepTimer = setInterval(
      () => {
        const cutoff = performance.now() - this.idleMs;
        let idle = 0;
        for (const pool of this.pools.values()) {
          // Oldest first: the list is used from its end.
          while (pool.idle.length > 0 && pool.idle[0].idleSince < cutoff) pool.idle.shift()!.socket.destroy();
          idle += pool.idle.length;
        }
        if (idle === 0 && this.sweepTimer !== null) {
          clearInterval(this.sweepTimer);
          this.sweepTimer = null;
        }
      },
      Math.max(1000, this.idleMs / 3),
    );
    this.sweepTimer.unref();
  }
}

function aborted(): HttpExchangeError {
  return new HttpExchangeError('aborted', 'aborted by the caller');
}

function classify(e: Error | null): HttpExchangeError {
  if (e instanceof HttpExchangeError) return e;
  if (e instanceof HttpTooLargeError) return new HttpExchangeError('too_large', e.message);
  if (e instanceof HttpCutOffError) {
    if (e.inHead) return new HttpExchangeError('connection', 'socket hang up', (e as HttpCutOffError & { code?: string }).code ?? 'ECONNRESET');
    return new HttpExchangeError('cut_off', e.message, '', e.bodyBytes, e.status);
  }
  if (e instanceof HttpParseError) return new HttpExchangeError('connection', `Parse Error: ${e.message}`, e.code);
  const err = e as NodeJS.ErrnoException | null;
  return new HttpExchangeError('connection', err?.message ?? 'connection failed', err?.code ?? 'error');
}
