/**
 * The map's own files (web/) and its vendored libraries, kept in memory with their
 * brotli and gzip forms made once per file version: a first load asks for some twenty
 * of them, and compressing each again on every request cost 70–110 ms of the
 * service's one thread on a busy machine, in the middle of the map's first load.
 * A file is read again when its modification time or size changes (someone edits
 * web/ while camnet runs). Answers ETag / If-None-Match like express.static; what is
 * not a kept file (a directory, an unknown type, a missing file) goes on to
 * ServeStaticModule, which stays the fallback. With `warm`, the page and the files it
 * names are read and compressed at start, one after the other in the background,
 * so the first map after a start does not wait for their compression.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import { projectRoot } from '../common/project-root';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Where the static files live: URL prefix → folder. ServeStaticModule serves the same (src/app.module.ts). */
export const STATIC_ROOTS: ReadonlyArray<{ serveRoot: string; rootPath: string }> = [
  { serveRoot: '/vendor/leaflet', rootPath: path.join(projectRoot(), 'node_modules/leaflet/dist') },
  { serveRoot: '/vendor/uplot', rootPath: path.join(projectRoot(), 'node_modules/uplot/dist') },
  { serveRoot: '', rootPath: path.join(projectRoot(), 'web') },
];

/** The types kept (text, worth compressing); anything else goes to ServeStaticModule. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface KeptFile {
  mtimeMs: number;
  size: number;
  type: string;
  etag: string;
  raw: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** The middleware, and when its warming (if asked for) is done. */
export type KeptStaticFiles = ((req: Request, res: Response, next: NextFunction) => void) & { warmed: Promise<void> };

export function keptStaticFiles(roots = STATIC_ROOTS, options: { warm?: boolean } = {}): KeptStaticFiles {
  const kept = new Map<string, Promise<KeptFile>>();

  async function load(file: string, type: string, mtimeMs: number, size: number): Promise<KeptFile> {
    const raw = await fs.readFile(file);
    const [br, gz] = await Promise.all([
      brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
      gzipAsync(raw, { level: 9 }),
    ]);
    const etag = `"${createHash('sha1').update(raw).digest('base64url').slice(0, 27)}"`;
    return { mtimeMs, size, type, etag, raw, br, gzip: gz };
  }

  async function find(urlPath: string): Promise<KeptFile | null> {
    for (const { serveRoot, rootPath } of roots) {
      if (serveRoot !== '' && urlPath !== serveRoot && !urlPath.startsWith(`${serveRoot}/`)) continue;
      let rel = urlPath.slice(serveRoot.length);
      if (rel === '' || rel === '/') rel = '/index.html';
      const file = path.resolve(rootPath, `.${rel}`);
      // Never outside the folder (a "..", an encoded one, an absolute path).
      if (!file.startsWith(rootPath + path.sep)) return null;
      const type = TYPES[path.extname(file).toLowerCase()];
      if (type === undefined) return null;
      const stat = await fs.stat(file).catch(() => null);
      if (stat === null || !stat.isFile()) return null;
      let entry = kept.get(file);
      const current = entry && (await entry.catch(() => null));
      if (!current || current.mtimeMs !== stat.mtimeMs || current.size !== stat.size) {
        entry = load(file, type, stat.mtimeMs, stat.size);
        kept.set(file, entry);
      }
      return entry!;
    }
    return null;
  }

  /** The page and every local file it names (scripts, styles, preloaded modules): what a first load asks for. */
  async function warm(): Promise<void> {
    const page = await find('/index.html').catch(() => null);
    if (page === null) return;
    const named = [...page.raw.toString('utf8').matchAll(/\b(?:src|href)="(\/?[\w./-]+)"/g)].map((m) => (m[1].startsWith('/') ? m[1] : `/${m[1]}`));
    for (const urlPath of named) await find(urlPath).catch(() => null);
  }
  const warmed = options.warm ? warm().catch(() => undefined) : Promise.resolve();

  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    if (urlPath.startsWith('/api/') || urlPath.includes('\0')) return next();
    find(urlPath).then(
      (f) => {
        if (f === null) return next();
        res.setHeader('Content-Type', f.type);
        res.setHeader('ETag', f.etag);
        res.setHeader('Cache-Control', 'public, max-age=0');
        res.setHeader('Vary', 'Accept-Encoding');
        if (req.headers['if-none-match'] === f.etag) {
          res.status(304).end();
          return;
        }
        const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
        const body = encoding === 'br' ? f.br : encoding === 'gzip' ? f.gzip : f.raw;
        if (encoding === 'br' || encoding === 'gzip') res.setHeader('Content-Encoding', encoding);
        res.setHeader('Content-Length', String(body.length));
        res.status(200).end(req.method === 'HEAD' ? undefined : body);
      },
      () => next(),
    );
  };
  return Object.assign(middleware, { warmed });
}
