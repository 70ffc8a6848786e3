/**
 * A JSON answer serialised and compressed once, then sent as it is to every
 * client that asks until its owner drops it: for large answers that change
 * rarely (the map's reference layers, 420 KB of JSON), where serialising and
 * compressing on every request would cost more than the work behind them.
 * Brotli and gzip are made at their best ratio, once, off the event loop; a
 * client that accepts neither gets the JSON itself. The compression middleware
 * leaves an answer that already has a Content-Encoding alone.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Request, Response } from 'express';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export class KeptAnswer {
  private constructor(
    readonly json: Buffer,
    readonly br: Buffer,
    readonly gzip: Buffer,
  ) {}

  static async of(value: unknown): Promise<KeptAnswer> {
    const json = Buffer.from(JSON.stringify(value), 'utf8');
    const [br, gz] = await Promise.all([
      brotli(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } }),
      gzipAsync(json, { level: 9 }),
    ]);
    return new KeptAnswer(json, br, gz);
  }

  /** Sends the best encoding the request accepts, with the headers Express would have set for the JSON. */
  send(req: Request, res: Response): void {
    const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
    const body = encoding === 'br' ? this.br : encoding === 'gzip' ? this.gzip : this.json;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Vary', 'Accept-Encoding');
    if (encoding === 'br' || encoding === 'gzip') res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', String(body.length));
    res.status(200).end(req.method === 'HEAD' ? undefined : body);
  }
}
