/**
 * Real photographs (test/fixtures/photos, see SOURCES.md there) seen as a camera would
 * see them, with the faults a street camera meets applied the way they happen: the
 * camera's view is a 16:9 window of the photo (a turn slides the window), a defocus is
 * a Gaussian blur of the optics, a cover sits on the lens (a flat sheet, a bag, a hand —
 * out of focus, so soft-edged), a failed infrared or a capped lens is the light nearly
 * gone, and the day's light is gain, gamma and haze. Every frame gets sensor noise of
 * its own and is encoded as the camera's JPEG, then goes through the service's decode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../../src/geo/prng';

export const PHOTO_DIR = path.join(__dirname, '..', 'fixtures', 'photos');
/** The field of view a window's width stands for, as the analyser is told. */
export const PHOTO_FOV_DEG = 60;
/** The camera's window is this share of the photo's width (room left on each side for a turn). */
const WINDOW_SHARE = 0.6;

export interface Photo {
  name: string;
  /** A black-and-white photo: the camera sees everything in grey (as in infrared night mode). */
  mono: boolean;
  rgb: Buffer;
  width: number;
  height: number;
}

export async function loadPhoto(file: string): Promise<Photo> {
  const { data, info } = await sharp(fs.readFileSync(path.join(PHOTO_DIR, file)))
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  let mono = true;
  for (let i = 0; i < data.length && mono; i += 3) mono = data[i] === data[i + 1] && data[i] === data[i + 2];
  return { name: file, mono, rgb: data, width: info.width, height: info.height };
}

/** Something on the lens, in shares of the frame (x, y from the top left). */
export interface LensCover {
  kind: 'sheet' | 'bag' | 'hand';
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PhotoView {
  /** The camera turned right by this many degrees (the window slides right). */
  turnDeg?: number;
  /** Tilted down by this many degrees (same scale as turnDeg). */
  tiltDeg?: number;
  blurSigma?: number;
  covers?: LensCover[];
  gain?: number;
  /** Output = 255 · (input / 255) ^ gamma. */
  gamma?: number;
  /** Blend towards a bright grey (haze, fog, a dirty dome in the sun): 0 none, 1 all. */
  haze?: number;
  /** Sensor noise, standard deviation in grey levels (default 2). */
  noise?: number;
  noiseSeed?: number;
  quality?: number;
}

/** The camera's window of the photo: 16:9, WINDOW_SHARE of its width, centred. */
function windowOf(p: Photo): { w: number; h: number; left: number; top: number } {
  const w = Math.round(p.width * WINDOW_SHARE);
  const h = Math.min(p.height, Math.round((w * 9) / 16));
  return { w, h, left: Math.round((p.width - w) / 2), top: Math.round((p.height - h) / 2) };
}

/** The largest turn the photo leaves room for, degrees. */
export function maxTurnDeg(p: Photo): number {
  const win = windowOf(p);
  return (win.left / win.w) * PHOTO_FOV_DEG;
}

export async function photoFrame(p: Photo, v: PhotoView = {}): Promise<Buffer> {
  const win = windowOf(p);
  const dx = Math.round(((v.turnDeg ?? 0) / PHOTO_FOV_DEG) * win.w);
  const dy = Math.round(((v.tiltDeg ?? 0) / PHOTO_FOV_DEG) * win.w);
  const left = win.left + dx;
  const top = win.top + dy;
  if (left < 0 || left + win.w > p.width || top < 0 || top + win.h > p.height) {
    throw new Error(`${p.name}: a turn of ${v.turnDeg ?? 0}° / tilt ${v.tiltDeg ?? 0}° leaves the photo (at most ${maxTurnDeg(p).toFixed(1)}°)`);
  }
  let img = sharp(p.rgb, { raw: { width: p.width, height: p.height, channels: 3 } }).extract({ left, top, width: win.w, height: win.h });
  if (v.blurSigma !== undefined && v.blurSigma > 0) img = img.blur(v.blurSigma);
  const px = await img.raw().toBuffer();
  const w = win.w;
  const h = win.h;
  const covers = await Promise.all((v.covers ?? []).map((c) => coverLayer(c, w, h)));
  const gain = v.gain ?? 1;
  const gamma = v.gamma ?? 1;
  const haze = v.haze ?? 0;
  const noise = v.noise ?? 2;
  const rnd = mulberry32(v.noiseSeed ?? 1);
  const out = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const n = noise > 0 ? (rnd() + rnd() + rnd() + rnd() - 2) * 1.732 * noise : 0;
    for (let ch = 0; ch < 3; ch++) {
      let c = px[i * 3 + ch];
      for (const layer of covers) {
        const a = layer.alpha[i];
        if (a > 0) c = c * (1 - a) + layer.rgb[i * 3 + ch] * a;
      }
      if (p.mono && covers.length > 0) c = greyOf(i, ch, px, covers);
      c = 255 * Math.pow(c / 255, gamma);
      c = c * (1 - haze) + 200 * haze;
      out[i * 3 + ch] = Math.max(0, Math.min(255, Math.round(c * gain + n)));
    }
  }
  return sharp(out, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: v.quality ?? 80 })
    .toBuffer();
}

/** A mono camera's grey for a pixel under covers: the luminance of the covered colour. */
function greyOf(i: number, _ch: number, px: Buffer, covers: Array<{ rgb: Float32Array; alpha: Float32Array }>): number {
  const rgb = [px[i * 3], px[i * 3 + 1], px[i * 3 + 2]];
  for (const layer of covers) {
    const a = layer.alpha[i];
    if (a > 0) for (let k = 0; k < 3; k++) rgb[k] = rgb[k] * (1 - a) + layer.rgb[i * 3 + k] * a;
  }
  return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
}

/**
 * A cover's colour and coverage per pixel. On the lens it is far out of focus: its edge
 * is soft (a blurred mask) and its own texture faint — a sheet is flat and light, a bag
 * dark with creases, a hand skin-coloured, rounded and lit from one side.
 */
async function coverLayer(c: LensCover, w: number, h: number): Promise<{ rgb: Float32Array; alpha: Float32Array }> {
  const x0 = c.x * w;
  const y0 = c.y * h;
  const cw = c.w * w;
  const chh = c.h * h;
  const mask = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let inside: boolean;
      if (c.kind === 'hand') {
        const u = (x - (x0 + cw / 2)) / (cw / 2);
        const t = (y - (y0 + chh / 2)) / (chh / 2);
        inside = u * u + t * t <= 1;
      } else inside = x >= x0 && x < x0 + cw && y >= y0 && y < y0 + chh;
      mask[y * w + x] = inside ? 255 : 0;
    }
  }
  const soft = await sharp(mask, { raw: { width: w, height: h, channels: 1 } })
    .blur(Math.max(1, Math.min(w, h) * 0.03))
    .extractChannel(0)
    .raw()
    .toBuffer();
  if (soft.length !== w * h) throw new Error(`cover mask came back with ${soft.length} bytes for ${w}×${h}`);
  const rgb = new Float32Array(w * h * 3);
  const alpha = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      alpha[i] = soft[i] / 255;
      let r: number;
      let g: number;
      let b: number;
      if (c.kind === 'sheet') {
        r = g = b = 185 + 2 * Math.sin(x * 0.05 + y * 0.03);
      } else if (c.kind === 'bag') {
        const crease = 6 * Math.sin(x * 0.08 + 2 * Math.sin(y * 0.05));
        r = 38 + crease;
        g = 36 + crease;
        b = 34 + crease;
      } else {
        // lit from the left: brighter towards x0
        const shade = 0.75 + 0.35 * (1 - (x - x0) / Math.max(1, cw));
        r = 205 * shade;
        g = 150 * shade;
        b = 125 * shade;
      }
      rgb[i * 3] = r;
      rgb[i * 3 + 1] = g;
      rgb[i * 3 + 2] = b;
    }
  }
  return { rgb, alpha };
}
