/**
 * Decodes a snapshot once with sharp (libvips): JPEG shrink-on-load straight to a
 * 320-pixel-wide colour image, from which come the stored thumbnail, the analysis
 * frame (FRAME_W × FRAME_H grey) and the colour saturation that tells day from IR night.
 */
import sharp from 'sharp';
import { extractFeatures, FRAME_H, FRAME_W, frameSignature, type ViewFeatures } from './view.features';

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
    // The stored size is only a metric: read from the JPEG header where it can be, which
    // spares a second trip through libvips per snapshot (metadata() for anything else).
    const size = jpegSize(image) ?? (await img.metadata());
    width = size.width ?? 0;
    height = size.height ?? 0;
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
  // The thumbnail is encoded on libuv's pool while this thread measures the pixels.
  // Huffman optimisation off: a second pass over the data for a thumbnail 5–10 % smaller.
  const thumbnail = sharp(data, { raw: { width: w, height: h, channels: ch as 3 } })
    .jpeg({ quality: 70, mozjpeg: false, optimiseCoding: false })
    .toBuffer();
  // Luminance straight into the analysis frame when the picture is 16:9 (the usual
  // case), into a plane to resample otherwise.
  const direct = w === FRAME_W && h === FRAME_H;
  const lum = direct ? new Uint8Array(w * h) : new Float32Array(w * h);
  const chroma = luminanceAndChroma(data, ch, lum) / (w * h);
  const grey = direct ? (lum as Uint8Array) : resampleGrey(lum as Float32Array, w, h);
  return { grey, chroma, thumbnail: await thumbnail, width, height };
}

/** A snapshot decoded and measured: what a view check judges and stores. */
export interface MeasuredSnapshot extends DecodedFrame {
  features: ViewFeatures;
  /** The half-size frame kept for the next snapshot's frozen check. */
  signature: Uint8Array;
}

/** decodeFrame, then the features and the frozen check's signature. Throws FrameError like decodeFrame. */
export async function measureSnapshot(image: Buffer): Promise<MeasuredSnapshot> {
  const decoded = await decodeFrame(image);
  return { ...decoded, features: extractFeatures(decoded.grey, decoded.chroma), signature: frameSignature(decoded.grey) };
}

/**
 * Writes each pixel's luminance into `out` (rounded to whole grey levels in a
 * Uint8Array) and answers the sum of the pixels' saturation (brightest minus darkest
 * channel), in one pass over the interleaved decode.
 */
function luminanceAndChroma(data: Buffer, ch: number, out: Uint8Array | Float32Array): number {
  // A Uint8Array store truncates, so +0.5 rounds: the same grey levels as Math.round
  // (checked for every r, g, b) at about half the cost of this loop.
  const half = out instanceof Uint8Array ? 0.5 : 0;
  let chroma = 0;
  for (let i = 0, p = 0; i < out.length; i++, p += ch) {
    const r = data[p];
    const g = ch >= 3 ? data[p + 1] : r;
    const b = ch >= 3 ? data[p + 2] : r;
    out[i] = 0.299 * r + 0.587 * g + 0.114 * b + half;
    const hi = r > g ? (r > b ? r : b) : g > b ? g : b;
    const lo = r < g ? (r < b ? r : b) : g < b ? g : b;
    chroma += hi - lo;
  }
  return chroma;
}

/**
 * Width and height from a baseline or progressive JPEG's frame header (SOFn), as stored
 * (before any EXIF rotation, like sharp's metadata()); null when the bytes are not a
 * JPEG whose header can be read this way. Sharp still decodes, and rejects, the picture.
 */
export function jpegSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let p = 2;
  while (p + 9 < b.length) {
    if (b[p] !== 0xff) return null;
    const marker = b[p + 1];
    // Fill bytes before a marker.
    if (marker === 0xff) {
      p++;
      continue;
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): the frame header.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = b.readUInt16BE(p + 5);
      const width = b.readUInt16BE(p + 7);
      return width > 0 && height > 0 ? { width, height } : null;
    }
    // Start of scan before any frame header, or a marker without a length: give up.
    if (marker === 0xda || marker === 0xd9 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) return null;
    p += 2 + b.readUInt16BE(p + 2);
  }
  return null;
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
