import express from 'express';
import { promises as fs } from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { get, type IncomingHttpHeaders, type Server } from 'node:http';
import request from 'supertest';
import { keptStaticFiles } from './kept-static-files';

describe('keptStaticFiles', () => {
  let dir: string;
  let server: Server;
  let fallback: string[];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'camnet-static-'));
    await fs.mkdir(path.join(dir, 'web'));
    await fs.mkdir(path.join(dir, 'vendor'));
    await fs.writeFile(path.join(dir, 'web/index.html'), '<!doctype html><title>camnet</title>');
    await fs.writeFile(path.join(dir, 'web/app.js'), `export const x = ${JSON.stringify('x'.repeat(5000))};\n`);
    await fs.writeFile(path.join(dir, 'web/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    await fs.writeFile(path.join(dir, 'vendor/lib.css'), '.a { color: red }');
    await fs.writeFile(path.join(dir, 'secret.js'), 'outside');
    fallback = [];
    const app = express();
    app.use(
      keptStaticFiles([
        { serveRoot: '/vendor/lib', rootPath: path.join(dir, 'vendor') },
        { serveRoot: '', rootPath: path.join(dir, 'web') },
      ]),
    );
    app.use((req, res) => {
      fallback.push(req.path);
      res.status(404).end();
    });
    server = app.listen(0);
  });
  afterAll(async () => {
    server.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('answers the same bytes in brotli, gzip and plain, with the type and an ETag', async () => {
    const original = await fs.readFile(path.join(dir, 'web/app.js'));
    const br = await rawGet('/app.js', 'br');
    const gz = await rawGet('/app.js', 'gzip');
    const plain = await rawGet('/app.js', 'identity');
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body)).toEqual(original);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body)).toEqual(original);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toEqual(original);
    expect(br.body.length).toBeLessThan(original.length / 10);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.etag).toBe(br.headers.etag);
    const again = await request(url()).get('/app.js').set('If-None-Match', String(plain.headers.etag));
    expect(again.status).toBe(304);
  });

  it('serves index.html for the root and files under a vendor prefix', async () => {
    const root = await request(url()).get('/');
    expect(root.status).toBe(200);
    expect(root.text).toContain('<title>camnet</title>');
    const css = await request(url()).get('/vendor/lib/lib.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('reads a file again once it changed on disk', async () => {
    const file = path.join(dir, 'web/index.html');
    await fs.writeFile(file, '<!doctype html><title>camnet, edited</title>');
    await fs.utimes(file, new Date(), new Date(Date.now() + 5000));
    expect((await request(url()).get('/index.html')).text).toContain('edited');
  });

  it('leaves other types, missing files, the API and anything outside its folders to what follows', async () => {
    fallback.length = 0;
    for (const p of ['/logo.png', '/missing.js', '/api/summary', '/..%2fsecret.js', '/vendor/lib/../../secret.js']) {
      const res = await request(url()).get(p);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('outside');
    }
    expect(fallback.length).toBe(5);
  });
  it('with warm, reads and compresses the page and the files it names before anyone asks', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'camnet-static-warm-'));
    try {
      const then = new Date('2026-01-01T00:00:00Z');
      const write = async (name: string, text: string) => {
        await fs.writeFile(path.join(root, name), text);
        await fs.utimes(path.join(root, name), then, then);
      };
      await write('index.html', '<script src="named.js"></script><link rel="modulepreload" href="/also.js" />');
      for (const name of ['named.js', 'also.js', 'unnamed.js']) await write(name, 'before');
      const middleware = keptStaticFiles([{ serveRoot: '', rootPath: root }], { warm: true });
      await middleware.warmed;
      // Same size and time: only a file read before this change still answers "before".
      for (const name of ['named.js', 'also.js', 'unnamed.js']) await write(name, 'after!');
      const app = express();
      app.use(middleware);
      for (const [name, text] of [
        ['named.js', 'before'],
        ['also.js', 'before'],
        ['unnamed.js', 'after!'],
      ]) {
        const res = await request(app).get(`/${name}`);
        expect(res.status).toBe(200);
        expect(res.text).toBe(text);
      }
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  /** The bytes as sent (supertest would decompress them). */
  function rawGet(p: string, acceptEncoding: string): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      get(`${url()}${p}`, { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
      }).on('error', reject);
    });
  }
});
