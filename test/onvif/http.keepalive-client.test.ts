/**
 * The lean ONVIF transport against real loopback servers: connection reuse and
 * limits, a pooled connection the device closed while idle, chunked and unframed
 * replies, aborts while waiting for a connection, and the idle sweep.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { HttpExchangeError, KeepAliveHttpClient, type HttpEndpoint } from '../../src/monitoring/onvif/http.keepalive-client';

const REQ = { headerLines: 'Content-Type: application/soap+xml; charset=utf-8\r\n', body: '<s:Envelope/>', maxBodyBytes: 64 * 1024 };

function endpoint(port: number): HttpEndpoint {
  return { hostname: '127.0.0.1', port, path: '/onvif/device_service', authority: `127.0.0.1:${port}` };
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An http.Server that counts connections and answers the request body back. */
async function echoServer(opts: { keepAliveTimeoutMs?: number; delayMs?: number } = {}) {
  let connections = 0;
  let open = 0;
  let maxOpen = 0;
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/soap+xml', 'X-Host': String(req.headers.host), 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      }, opts.delayMs ?? 0);
    });
  });
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 60_000;
  server.on('connection', (s: net.Socket) => {
    connections++;
    open++;
    maxOpen = Math.max(maxOpen, open);
    s.on('close', () => open--);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    bodies,
    get connections() {
      return connections;
    },
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A raw TCP server that answers each request with `reply` (and then does `after` with the socket). */
async function rawServer(reply: string, after: 'keep' | 'end' = 'keep') {
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const he = buf.indexOf('\r\n\r\n');
      if (he < 0) return;
      const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, he))?.[1] ?? 0);
      if (buf.length < he + 4 + len) return;
      buf = buf.slice(he + 4 + len);
      s.write(reply);
      if (after === 'end') s.end();
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

const never = new AbortController().signal;

describe('KeepAliveHttpClient', () => {
  it('sends a well-formed POST (Host, Content-Length of the UTF-8 body) and reuses one connection', async () => {
    const server = await echoServer();
    const client = new KeepAliveHttpClient();
    try {
      for (let i = 0; i < 10; i++) {
        const r = await client.post(endpoint(server.port), { ...REQ, body: `<a>é${i}</a>` }, never);
        expect(r.status).toBe(200);
        expect(r.body.toString('utf8')).toBe(`<a>é${i}</a>`);
      }
      expect(server.connections).toBe(1);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('retries once on a fresh connection when the device closed the pooled one while idle', async () => {
    const server = await echoServer({ keepAliveTimeoutMs: 50 });
    const client = new KeepAliveHttpClient();
    try {
      await client.post(endpoint(server.port), REQ, never);
      await until('the server to close the idle connection', () => server.open === 0);
      const r = await client.post(endpoint(server.port), REQ, never);
      expect(r.status).toBe(200);
      expect(server.connections).toBe(2);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('a device that half-closes after each reply without saying so: the next request still gets through', async () => {
    const server = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'end');
    const client = new KeepAliveHttpClient();
    try {
      for (let i = 0; i < 3; i++) {
        const r = await client.post(endpoint(server.port), REQ, never);
        expect(r.body.toString()).toBe('ok');
      }
      expect(server.connections).toBe(3);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('reads chunked replies and keeps the connection', async () => {
    const server = await rawServer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n<a>\r\n4\r\n</a>\r\n0\r\n\r\n');
    const client = new KeepAliveHttpClient();
    try {
      for (let i = 0; i < 3; i++) expect((await client.post(endpoint(server.port), REQ, never)).body.toString()).toBe('<a></a>');
      expect(server.connections).toBe(1);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('reads an unframed reply to the end of the connection', async () => {
    const server = await rawServer('HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n<whole/>', 'end');
    const client = new KeepAliveHttpClient();
    try {
      const r = await client.post(endpoint(server.port), REQ, never);
      expect(r).toMatchObject({ status: 200, reusable: false });
      expect(r.body.toString()).toBe('<whole/>');
    } finally {
      client.close();
      await server.close();
    }
  });

  it('keeps to the limit of connections per host; the others wait their turn', async () => {
    const server = await echoServer({ delayMs: 30 });
    const client = new KeepAliveHttpClient({ maxSocketsPerHost: 2 });
    try {
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => client.post(endpoint(server.port), { ...REQ, body: `b${i}` }, never)));
      expect(replies.map((r) => r.body.toString())).toEqual(Array.from({ length: 8 }, (_, i) => `b${i}`));
      expect(server.maxOpen).toBe(2);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('an abort while waiting for a connection fails that request only, and sends nothing', async () => {
    const server = await echoServer({ delayMs: 200 });
    const client = new KeepAliveHttpClient({ maxSocketsPerHost: 1 });
    try {
      const first = client.post(endpoint(server.port), { ...REQ, body: 'first' }, never);
      const ac = new AbortController();
      const second = client.post(endpoint(server.port), { ...REQ, body: 'second' }, ac.signal);
      ac.abort();
      await expect(second).rejects.toMatchObject({ kind: 'aborted' });
      expect((await first).body.toString()).toBe('first');
      const third = await client.post(endpoint(server.port), { ...REQ, body: 'third' }, never);
      expect(third.body.toString()).toBe('third');
      expect(server.bodies).toEqual(['first', 'third']);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('a refused connection is a connection failure with its code', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const client = new KeepAliveHttpClient();
    const e = await client.post(endpoint(port), REQ, never).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(HttpExchangeError);
    expect(e).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
    client.close();
  });

  it('closes connections idle for longer than idleMs', async () => {
    const server = await echoServer();
    const client = new KeepAliveHttpClient({ idleMs: 300 });
    try {
      await client.post(endpoint(server.port), REQ, never);
      expect(server.open).toBe(1);
      await until('the idle connection to be closed by the client', () => server.open === 0);
    } finally {
      client.close();
      await server.close();
    }
  });
});
