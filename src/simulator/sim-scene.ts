/**
 * The simulated cameras' pictures: a street scene of each camera's own (seeded by its
 * code: sky, buildings, a road, textured verges), light that follows Long An's day
 * (monochrome infrared at night), sensor noise so that no two frames are identical, and
 * the picture faults of the control API (cover, blur, dark, freeze, shift, and `turn`
 * on a fixed camera, which slides the picture).
 *
 * Kept cheap for 1,696 cameras each fetched every 15 minutes: the clean scene is drawn
 * once per camera (and per shift) and kept as a JPEG of about 30 KB; a frame is a
 * decode of it, the light, faults and noise in one pass, and an encode (≈ 10 ms at
 * 480 × 270).
 */
import sharp from 'sharp';
import type { Clock } from '../common/clock';
import { signedAngleDiffDeg } from '../geo/geo.math';
import { finishFrame, sceneRgb } from '../view/synthetic-scene';
import type { DeviceState } from './sim-fault.registry';

export const SIM_FRAME_W = 480;
export const SIM_FRAME_H = 270;
/** Horizontal field of view the simulated pictures are drawn with (the seed's cameras say 60–90°; 60 is the common case). */
export const SIM_FOV_DEG = 60;
const SCENE_CACHE_LIMIT = 4000;

/** The light at a time of day in Long An (UTC+7): gain, and whether the camera is in IR (monochrome) mode. */
export function lightAt(atMs: number): { gain: number; mono: boolean } {
  const hour = (((atMs / 3_600_000 + 7) % 24) + 24) % 24;
  if (hour < 5.5 || hour >= 18.5) return { gain: 0.55, mono: true };
  // sunrise to sunset: from dim to full and back (a half sine)
  const t = (hour - 5.5) / 13;
  return { gain: 0.45 + 0.65 * Math.sin(Math.PI * t), mono: false };
}

function seedOf(code: string): number {
  let h = 2166136261;
  for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class SimSceneRenderer {
  /** Clean scene JPEG per camera and shift (pixels). */
  private readonly scenes = new Map<string, Promise<Buffer>>();
  /** The last frame served per camera: what a `freeze` keeps serving. */
  private readonly lastFrame = new Map<string, Buffer>();
  private frameSeq = 0;

  constructor(private readonly clock: Clock) {}

  async snapshot(s: DeviceState): Promise<Buffer> {
    const code = s.device.code;
    const faults = s.faults;
    if (faults?.has('freeze')) {
      const last = this.lastFrame.get(code);
      if (last !== undefined) return last;
    }
    let shiftDeg = 0;
    const shift = faults?.get('shift')?.fault as { degrees: number } | undefined;
    if (shift) shiftDeg += shift.degrees;
    const turn = faults?.get('turn')?.fault as { heading_deg: number } | undefined;
    // A PTZ camera reports its turn through its pan; a fixed one can only show it in its picture.
    if (turn && !s.device.ptz) shiftDeg += signedAngleDiffDeg(s.device.headingDeg, turn.heading_deg);
    const shiftPx = Math.round((shiftDeg / SIM_FOV_DEG) * SIM_FRAME_W);
    const clean = await this.scene(code, shiftPx);
    const blur = faults?.get('blur')?.fault as { sigma: number } | undefined;
    let img = sharp(clean);
    if (blur) img = img.blur(Math.max(0.3, (blur.sigma * SIM_FRAME_W) / 640));
    const raw = await img.raw().toBuffer();
    const light = lightAt(this.clock.now().getTime());
    const cover = faults?.get('cover')?.fault as { share: number } | undefined;
    const frame = await finishFrame(new Uint8ClampedArray(raw.buffer, raw.byteOffset, raw.length), SIM_FRAME_W, SIM_FRAME_H, {
      gain: faults?.has('dark') ? 0.03 : light.gain,
      mono: light.mono,
      cover: cover?.share ?? 0,
      noise: 2,
      noiseSeed: (seedOf(code) ^ ++this.frameSeq) >>> 0,
      quality: 80,
    });
    this.lastFrame.set(code, frame);
    return frame;
  }

  private scene(code: string, shiftPx: number): Promise<Buffer> {
    const key = `${code}\n${shiftPx}`;
    let p = this.scenes.get(key);
    if (p === undefined) {
      if (this.scenes.size >= SCENE_CACHE_LIMIT) this.scenes.clear();
      const { data } = sceneRgb({ seed: seedOf(code), width: SIM_FRAME_W, height: SIM_FRAME_H, shiftPx });
      p = sharp(Buffer.from(data.buffer, data.byteOffset, data.length), { raw: { width: SIM_FRAME_W, height: SIM_FRAME_H, channels: 3 } })
        .jpeg({ quality: 92 })
        .toBuffer();
      this.scenes.set(key, p);
      p.catch(() => this.scenes.delete(key));
    }
    return p;
  }
}
