/**
 * The picture-health detectors on real photographs (test/fixtures/photos, SOURCES.md
 * there), not only on the procedural scenes they were first tuned on: each photo's
 * 16:9 window is a camera's view; real-world faults are applied to it the way they
 * happen (test/view/photo-faults.ts) and each frame is judged as ViewService.check
 * judges it — decoded by sharp, measured, compared with the reference of its own light
 * (day or night, the other light's reference only for a turn).
 */
import sharp from 'sharp';
import { VIEW_DEFAULTS } from '../../src/config/config';
import { analyse, lightSlot, type Analysis } from '../../src/view/view.analyser';
import { extractFeatures, frameSignature, meanAbsDiff, type ViewFeatures } from '../../src/view/view.features';
import { decodeFrame } from '../../src/view/view.frame';
import { loadPhoto, photoFrame, PHOTO_FOV_DEG, type Photo, type PhotoView } from './photo-faults';

jest.setTimeout(120_000);

const PHOTOS = ['camera.jpg', 'rocket.jpg', 'coffee.jpg', 'chelsea.jpg', 'astronaut.jpg'];

/** Changes of light, weather and encoding a good camera goes through: never an alarm. */
const HARMLESS: Array<[string, PhotoView]> = [
  ['a new frame (new sensor noise)', { noiseSeed: 9 }],
  ['dusk (60 % of the light)', { gain: 0.6 }],
  ['bright sun (130 %)', { gain: 1.3 }],
  ['a brighter exposure curve (gamma 0.7)', { gamma: 0.7 }],
  ['a darker exposure curve (gamma 1.5)', { gamma: 1.5 }],
  ['haze (40 % towards grey)', { haze: 0.4 }],
  ['heavy sensor noise (σ 6)', { noise: 6 }],
  ['a harder JPEG compression (quality 30)', { quality: 30 }],
  ['wind sway (1°)', { turnDeg: 1 }],
];

type Expect = { state: Analysis['state']; check?: (a: Analysis) => void };
const FAULTS: Array<[string, PhotoView, Expect]> = [
  ['turned 12° right', { turnDeg: 12 }, { state: 'moved', check: (a) => expect(Math.abs((a.metrics.shift_deg ?? 0) - 12)).toBeLessThanOrEqual(2) }],
  ['turned 12° left', { turnDeg: -12 }, { state: 'moved', check: (a) => expect(Math.abs((a.metrics.shift_deg ?? 0) + 12)).toBeLessThanOrEqual(2) }],
  ['turned 7° right', { turnDeg: 7 }, { state: 'moved' }],
  ['tilted 5° down', { tiltDeg: 5 }, { state: 'moved' }],
  ['defocused (Gaussian σ 3)', { blurSigma: 3 }, { state: 'blurred' }],
  ['badly defocused (Gaussian σ 5)', { blurSigma: 5 }, { state: 'blurred' }],
  [
    'a sheet over the left half',
    { covers: [{ kind: 'sheet', x: 0, y: 0, w: 0.5, h: 1 }] },
    { state: 'blocked', check: (a) => expect(a.metrics.blocked_kind).toBe('partial') },
  ],
  [
    'a sheet over the whole lens',
    { covers: [{ kind: 'sheet', x: -0.1, y: -0.1, w: 1.2, h: 1.2 }] },
    { state: 'blocked', check: (a) => expect(a.metrics.blocked_kind).toBe('complete') },
  ],
  ['a bag over the lower 60 %', { covers: [{ kind: 'bag', x: -0.1, y: 0.4, w: 1.2, h: 0.7 }] }, { state: 'blocked' }],
  ['a hand over the right side', { covers: [{ kind: 'hand', x: 0.35, y: 0.1, w: 0.9, h: 1.3 }] }, { state: 'blocked' }],
  ['infrared failed at night (4 % of the light)', { gain: 0.04 }, { state: 'dark' }],
];

/**
 * Where the analyser is still wrong on a real photo, said here rather than hidden:
 * these run as `test.failing`, so a change that fixes one shows up as a failure to
 * move it back among the passing cases.
 * - rocket.jpg is a dusk scene: a dark bag over its lower part lies on dark ground and
 *   lights, and its lattice towers above stay visible; the frame also falls below the
 *   night mean, so it is judged as a first night view (no_reference).
 */
const KNOWN_MISSES = new Set(['rocket.jpg: a bag over the lower 60 %']);

describe.each(PHOTOS)('%s', (file) => {
  let photo: Photo;
  let ref: ViewFeatures;
  let refSignature: Uint8Array;

  const features = async (jpeg: Buffer) => {
    const d = await decodeFrame(jpeg);
    return { f: extractFeatures(d.grey, d.chroma), signature: frameSignature(d.grey) };
  };
  /** As ViewService.check: the reference of the frame's own light; the other light's only for a turn. */
  const judge = async (v: PhotoView): Promise<Analysis> => {
    const { f, signature } = await features(await photoFrame(photo, { noiseSeed: 7, ...v }));
    const sameLight = lightSlot(f, VIEW_DEFAULTS) === lightSlot(ref, VIEW_DEFAULTS);
    return analyse(
      {
        features: f,
        madToPrevious: meanAbsDiff(signature, refSignature),
        previousFrozenRun: 0,
        reference: sameLight ? ref : null,
        otherReference: sameLight ? null : ref,
        fovDeg: PHOTO_FOV_DEG,
      },
      VIEW_DEFAULTS,
    );
  };

  beforeAll(async () => {
    photo = await loadPhoto(file);
    ({ f: ref, signature: refSignature } = await features(await photoFrame(photo, { noiseSeed: 100 })));
  });

  test.each(HARMLESS)('%s raises no alarm', async (_name, v) => {
    const a = await judge(v);
    // A change of light that crosses into the other slot is that light's first view (no_reference, made its reference).
    if (a.state === 'no_reference') expect(a.referenceCandidate).toBe(true);
    else expect({ state: a.state, metrics: a.metrics }).toEqual({ state: 'ok', metrics: a.metrics });
  });

  for (const [name, v, want] of FAULTS) {
    const run = KNOWN_MISSES.has(`${file}: ${name}`) ? test.failing : test;
    run(`${name} is ${want.state}`, async () => {
      const a = await judge(v);
      expect({ state: a.state, metrics: a.metrics }).toEqual({ state: want.state, metrics: a.metrics });
      want.check?.(a);
    });
  }

  test('the same picture served again, even re-encoded, is frozen from the third snapshot', async () => {
    const first = await photoFrame(photo, { noiseSeed: 3 });
    const again = await sharp(first).jpeg({ quality: 80 }).toBuffer();
    let previous: Uint8Array | null = null;
    let run = 0;
    const states: string[] = [];
    for (const bytes of [first, again, again]) {
      const { f, signature } = await features(bytes);
      const a = analyse(
        {
          features: f,
          madToPrevious: previous === null ? null : meanAbsDiff(signature, previous),
          previousFrozenRun: run,
          reference: ref,
          otherReference: null,
          fovDeg: PHOTO_FOV_DEG,
        },
        VIEW_DEFAULTS,
      );
      states.push(a.state);
      run = a.frozenRun;
      previous = signature;
    }
    expect(states).toEqual(['ok', 'ok', 'frozen']);
  });
});
