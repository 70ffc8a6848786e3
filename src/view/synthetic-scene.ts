/**
 * Procedural street-like scenes for tests and the benchmark: a sky gradient, textured
 * ground (value noise at several scales), buildings with windows, a road with
 * markings, drawn in world coordinates so that a pan is an exact shift. Not tuned to
 * the detectors: seeds vary the layout, texture and contrast.
 */
import sharp from 'sharp';
import { mulberry32 } from '../geo/prng';

export interface SceneOptions {
  seed: number;
  width?: number;
  height?: number;
  /** Horizontal pan in pixels (the camera turned right by this much). */
  shiftPx?: number;
  /** Multiplies the light (0.05 ≈ failed IR at night). */
  gain?: number;
  /** Blends towards flat grey (fog, haze): 0 none, 1 all grey. */
  fog?: number;
  /** Sensor noise, standard deviation in grey levels. */
  noise?: number;
  /** Seed of the noise (a new frame = a new noise seed). */
  noiseSeed?: number;
  /** Monochrome (IR night mode). */
  mono?: boolean;
  /** Gaussian blur sigma in pixels (defocus), applied before the noise. */
  blurSigma?: number;
  /** Share of the width covered from the left by a flat, slightly mottled cover. */
  cover?: number;
  quality?: number;
}

/** Raw RGB pixels of a scene (before blur, cover and encoding). */
export function sceneRgb(o: SceneOptions): { data: Uint8ClampedArray; width: number; height: number } {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const rnd = mulberry32(o.seed);
  const shift = o.shiftPx ?? 0;
  const worldW = width * 4;
  // value-noise lattices, in world coordinates
  const lattice = (step: number) => {
    const cols = Math.ceil(worldW / step) + 2;
    const rows = Math.ceil(height / step) + 2;
    const v = new Float32Array(cols * rows);
    for (let i = 0; i < v.length; i++) v[i] = rnd();
    return (u: number, y: number) => {
      const gx = u / step;
      const gy = y / step;
      const x0 = Math.floor(gx);
      const y0 = Math.floor(gy);
      const fx = gx - x0;
      const fy = gy - y0;
      const a = v[y0 * cols + x0];
      const b = v[y0 * cols + x0 + 1];
      const c = v[(y0 + 1) * cols + x0];
      const d = v[(y0 + 1) * cols + x0 + 1];
      return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
    };
  };
  const n1 = lattice(48 + Math.floor(rnd() * 48));
  const n2 = lattice(10 + Math.floor(rnd() * 10));
  const n3 = lattice(3);
  const horizon = Math.round(height * (0.3 + rnd() * 0.15));
  const contrast = 0.6 + rnd() * 0.8;
  const buildings: Array<{ x: number; w: number; top: number; r: number; g: number; b: number; win: number }> = [];
  for (let x = 0; x < worldW;) {
    const w = 30 + Math.floor(rnd() * 120);
    if (rnd() < 0.75) {
      const base = 70 + rnd() * 140;
      buildings.push({
        x,
        w,
        top: Math.round(horizon - height * (0.05 + rnd() * 0.25)),
        r: base * (0.8 + rnd() * 0.4),
        g: base * (0.8 + rnd() * 0.4),
        b: base,
        win: 6 + Math.floor(rnd() * 8),
      });
    }
    x += w + Math.floor(rnd() * 30);
  }
  // which building stands at each world column (-1: none), so drawing is one lookup per pixel
  const colBuilding = new Int16Array(worldW + 1).fill(-1);
  buildings.forEach((bl, k) => {
    for (let u = bl.x; u < Math.min(worldW, bl.x + bl.w); u++) colBuilding[u] = k;
  });
  const roadCentre = worldW / 2 + (rnd() - 0.5) * width;
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x + shift + width * 1.5;
      let r: number;
      let g: number;
      let b: number;
      if (y < horizon) {
        const t = y / horizon;
        r = 120 + 60 * t + 10 * n1(u, y);
        g = 160 + 40 * t + 10 * n1(u, y);
        b = 220 - 10 * t;
        const k = colBuilding[Math.max(0, Math.min(worldW, Math.floor(u)))];
        const bl = k >= 0 ? buildings[k] : undefined;
        if (bl !== undefined && y >= bl.top) {
          const isWin = Math.floor((u - bl.x) / bl.win) % 2 === 1 && Math.floor((y - bl.top) / bl.win) % 2 === 1;
          const m = isWin ? 0.45 : 1;
          const t3 = 12 * n3(u, y);
          r = bl.r * m + t3;
          g = bl.g * m + t3;
          b = bl.b * m + t3;
        }
      } else {
        const depth = (y - horizon) / (height - horizon);
        const halfRoad = 20 + depth * width * 0.5;
        const onRoad = Math.abs(u - roadCentre) < halfRoad;
        const tex = 60 * n1(u, y) + 40 * n2(u, y) + 25 * n3(u, y);
        if (onRoad) {
          const mark = Math.abs(u - roadCentre) < 2 + depth * 6 && Math.floor(y / 12) % 2 === 0;
          r = g = b = mark ? 230 : 80 + 0.4 * tex;
        } else {
          r = 60 + tex * contrast;
          g = 90 + tex * contrast;
          b = 40 + 0.6 * tex * contrast;
        }
      }
      const p = (y * width + x) * 3;
      data[p] = r;
      data[p + 1] = g;
      data[p + 2] = b;
    }
  }
  return { data, width, height };
}

/** A JPEG of the scene with the options' light, fog, blur, cover and noise. */
export async function sceneJpeg(o: SceneOptions): Promise<Buffer> {
  const { data, width, height } = sceneRgb(o);
  let px: Uint8ClampedArray = data;
  if (o.blurSigma !== undefined && o.blurSigma > 0) {
    const blurred = await sharp(Buffer.from(px.buffer), { raw: { width, height, channels: 3 } })
      .blur(o.blurSigma)
      .raw()
      .toBuffer();
    px = new Uint8ClampedArray(blurred.buffer, blurred.byteOffset, blurred.length);
  }
  return finishFrame(px, width, height, o);
}

/** Light, fog, cover and noise on raw pixels, then JPEG (the simulator shares this). */
export async function finishFrame(px: Uint8ClampedArray, width: number, height: number, o: Omit<SceneOptions, 'seed'>): Promise<Buffer> {
  const gain = o.gain ?? 1;
  const fog = o.fog ?? 0;
  const noise = o.noise ?? 2;
  const nrnd = mulberry32(o.noiseSeed ?? 1);
  const coverW = Math.round((o.cover ?? 0) * width);
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      let r = px[p];
      let g = px[p + 1];
      let b = px[p + 2];
      if (x < coverW) {
        // tape or paint: flat, faintly mottled
        r = g = b = 150 + 3 * Math.sin(x * 0.05 + y * 0.03);
      }
      if (o.mono) r = g = b = 0.299 * r + 0.587 * g + 0.114 * b;
      const n = noise > 0 ? gaussian(nrnd) * noise : 0;
      out[p] = clamp((r * (1 - fog) + 128 * fog) * gain + n);
      out[p + 1] = clamp((g * (1 - fog) + 128 * fog) * gain + n);
      out[p + 2] = clamp((b * (1 - fog) + 128 * fog) * gain + n);
    }
  }
  return sharp(out, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: o.quality ?? 80 })
    .toBuffer();
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

function gaussian(rnd: () => number): number {
  // Irwin–Hall with 4 uniforms: close enough to normal for sensor noise, and cheap.
  return (rnd() + rnd() + rnd() + rnd() - 2) * 1.732;
}
