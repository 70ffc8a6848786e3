/**
 * Decodes a snapshot once with sharp (libvips): JPEG shrink-on-load straight to a
 * 320-pixel-wide colour image, from which come the stored thumbnail, the analysis
 * frame (FRAME_W × FRAME_H grey) and the colour saturation that tells day from IR night.
 */
import sharp from 'sharp';
import { FRAME_H, FRAME_W } from './view.features';

/** Thumbnails (current view, references) are this wide; height follows the picture. */
export const THUMB_W = 320;
/** Pictures above this many pixels are refused before decoding (a 12 MP camera is 12e6). */
const MAX_PIXELS = 40e6;

export interface DecodedFrame {
  /** FRAME_W × FRAME_H luminance, row-major. */
  grey: Uint8Array;
  /** Mean colour saturation, 0–255. */
  chroma: number;
  /** THUMB_W-wide JPEG. */
  thumbnail: Buffer;
  /** The snapshot's own size. */
  width: number;
  height: number;
}

export class FrameError extends Error {}

/** Throws FrameError when the bytes are not a picture sharp can read. */
export async function decodeFrame(image: Buffer): Promise<DecodedFrame> {
  let data: Buffer;
  let info: sharp.OutputInfo;
  let width: number;
  let height: number;
  try {
    const img = sharp(image, { failOn: 'truncated', limitInputPixels: MAX_PIXELS });
    const meta = await img.metadata();
    width = meta.width ?? 0;
    height = meta.height ?? 0;
    // Honour EXIF orientation so a rotated upload is not "moved"; shrink-on-load does the heavy lifting.
    ({ data, info } = await img
      .autoOrient()
      .resize({ width: THUMB_W, fastShrinkOnLoad: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw new FrameError(`the snapshot is not a readable picture: ${(e as Error).message}`);
  }
  const w = info.width;
  const h = info.height;
  const ch = info.channels;
  const lum = new Float32Array(w * h);
  let chroma = 0;
  for (let i = 0, p = 0; i < w * h; i++, p += ch) {
    const r = data[p];
    const g = ch >= 3 ? data[p + 1] : r;
    const b = ch >= 3 ? data[p + 2] : r;
    lum[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    chroma += Math.max(r, g, b) - Math.min(r, g, b);
  }
  const thumbnail = await sharp(data, { raw: { width: w, height: h, channels: ch as 3 } })
    .jpeg({ quality: 70, mozjpeg: false })
    .toBuffer();
  return { grey: resampleGrey(lum, w, h), chroma: chroma / (w * h), thumbnail, width, height };
}

/** Area-weighted resample of a w × h luminance plane to FRAME_W × FRAME_H (4:3 and 16:9 alike). */
export function resampleGrey(lum: Float32Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(FRAME_W * FRAME_H);
  if (w === FRAME_W && h === FRAME_H) {
    for (let i = 0; i < out.length; i++) out[i] = Math.round(lum[i]);
    return out;
  }
  const sx = w / FRAME_W;
  const sy = h / FRAME_H;
  for (let y = 0; y < FRAME_H; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < FRAME_W; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      let acc = 0;
      let wsum = 0;
      for (let yy = Math.floor(y0); yy < Math.min(h, Math.ceil(y1)); yy++) {
        const wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
        for (let xx = Math.floor(x0); xx < Math.min(w, Math.ceil(x1)); xx++) {
          const wx = Math.min(x1, xx + 1) - Math.max(x0, xx);
          acc += lum[yy * w + xx] * wx * wy;
          wsum += wx * wy;
        }
      }
      out[y * FRAME_W + x] = Math.round(acc / wsum);
    }
  }
  return out;
}
