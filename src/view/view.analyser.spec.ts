import { VIEW_DEFAULTS } from '../config/config';
import { analyse, lightSlot, type Analysis } from './view.analyser';
import { extractFeatures, frameSignature, meanAbsDiff, packFeatures, unpackFeatures, type ViewFeatures } from './view.features';
import { decodeFrame, type DecodedFrame } from './view.frame';
import { sceneJpeg, type SceneOptions } from './synthetic-scene';

// Every image is made here: procedural scenes (sky gradient, value-noise texture at three
// scales, buildings, a road), each seed a different layout and contrast, JPEG-encoded
// and decoded through the real sharp pipeline.
const SEEDS = [2, 5, 11];
const W = 480;
const H = 270;

async function frame(o: SceneOptions): Promise<DecodedFrame> {
  return decodeFrame(await sceneJpeg({ width: W, height: H, noiseSeed: 7, ...o }));
}
function features(f: DecodedFrame): ViewFeatures {
  return extractFeatures(f.grey, f.chroma);
}

describe.each(SEEDS)('scene %i', (seed) => {
  let ref: DecodedFrame;
  let refF: ViewFeatures;
  const judge = async (o: Partial<SceneOptions>, previous: DecodedFrame = ref): Promise<Analysis> => {
    const f = await frame({ seed, ...o });
    return analyse(
      { features: features(f), madToPrevious: meanAbsDiff(f.grey, previous.grey), previousFrozenRun: 0, reference: refF, otherReference: null, fovDeg: 60 },
      VIEW_DEFAULTS,
    );
  };
  beforeAll(async () => {
    ref = await frame({ seed, noiseSeed: 100 });
    refF = features(ref);
  });

  test.each([
    ['a new frame (new sensor noise)', {}],
    ['dusk (40 % of the light)', { gain: 0.4 }],
    ['bright sun (130 %)', { gain: 1.3 }],
    ['haze', { fog: 0.4 }],
    ['heavy sensor noise', { noise: 6 }],
    ['a harder JPEG compression', { quality: 35 }],
    ['a small wobble (4 px)', { shiftPx: 4 }],
  ])('%s is ok', async (_name, o) => {
    const a = await judge(o);
    expect(a.state).toBe('ok');
  });

  test('a lens cap or failed IR is dark', async () => {
    const a = await judge({ gain: 0.04 });
    expect(a.state).toBe('dark');
    expect(a.metrics.mean).toBeLessThan(VIEW_DEFAULTS.darkMean);
  });

  test('a cover over 40 % of the width is a partial block with its share', async () => {
    const a = await judge({ cover: 0.4 });
    expect(a.state).toBe('blocked');
    expect(a.metrics.blocked_kind).toBe('partial');
    expect(a.metrics.blocked_share).toBeGreaterThan(0.25);
    expect(a.metrics.blocked_share).toBeLessThan(0.6);
  });

  test('a cover over the whole lens is a complete block', async () => {
    const a = await judge({ cover: 1 });
    expect(a.state).toBe('blocked');
    expect(a.metrics.blocked_kind).toBe('complete');
  });

  test('a defocused lens is blurred, with the sharpness ratio', async () => {
    const a = await judge({ blurSigma: 3 });
    expect(a.state).toBe('blurred');
    expect(a.metrics.sharpness_ratio).toBeLessThan(VIEW_DEFAULTS.blurRatio);
  });

  test('a camera turned 12° is moved, with the shift estimated', async () => {
    // 96 px of a 480 px, 60° wide frame = 12°
    const a = await judge({ shiftPx: 96 });
    expect(a.state).toBe('moved');
    expect(a.metrics.shift_deg).toBeGreaterThan(10);
    expect(a.metrics.shift_deg).toBeLessThan(14);
    const left = await judge({ shiftPx: -96 });
    expect(left.state).toBe('moved');
    expect(left.metrics.shift_deg).toBeLessThan(-10);
  });

  test('night (monochrome IR) light gets its own slot', async () => {
    const f = features(await frame({ seed, mono: true, gain: 0.6 }));
    expect(lightSlot(f, VIEW_DEFAULTS)).toBe('night');
    expect(lightSlot(refF, VIEW_DEFAULTS)).toBe('day');
  });
});

describe('a turn towards a plainer view', () => {
  // Seed 103's street is busy on the left and plain (sky, verge) where a 40° turn looks:
  // the turned picture has well under half the reference's detail without any blur.
  test('loses sharpness but not focus: moved, not blurred', async () => {
    const judge = async (o: Partial<SceneOptions>) => features(await frame({ seed: 103, ...o }));
    const ref = await judge({ noiseSeed: 100 });
    // 320 px of a 480 px, 60° wide frame = 40°
    const a = analyse(
      { features: await judge({ shiftPx: 320 }), madToPrevious: 50, previousFrozenRun: 0, reference: ref, otherReference: null, fovDeg: 60 },
      VIEW_DEFAULTS,
    );
    expect(a.metrics.sharpness_ratio).toBeLessThan(VIEW_DEFAULTS.blurRatio);
    expect(a.state).toBe('moved');
  });
});

describe('frozen', () => {
  const settings = VIEW_DEFAULTS;
  const run = (frames: DecodedFrame[]): Analysis[] => {
    const out: Analysis[] = [];
    let prev: DecodedFrame | null = null;
    let frozenRun = 0;
    const refF = features(frames[0]);
    for (const f of frames) {
      const a = analyse(
        // as the service does: the half-size signature kept from the previous snapshot
        {
          features: features(f),
          madToPrevious: prev === null ? null : meanAbsDiff(frameSignature(f.grey), frameSignature(prev.grey)),
          previousFrozenRun: frozenRun,
          reference: refF,
          otherReference: null,
          fovDeg: 60,
        },
        settings,
      );
      out.push(a);
      frozenRun = a.frozenRun;
      prev = f;
    }
    return out;
  };

  test('the same picture served again and again is frozen from the third snapshot, not the second', async () => {
    const bytes = await sceneJpeg({ seed: 3, width: W, height: H });
    const frames = await Promise.all([0, 1, 2, 3].map(() => decodeFrame(bytes)));
    expect(run(frames).map((a) => a.state)).toEqual(['ok', 'ok', 'frozen', 'frozen']);
  });

  test('a frozen picture re-encoded by the camera each time is still frozen', async () => {
    const first = await sceneJpeg({ seed: 3, width: W, height: H });
    const sharp = (await import('sharp')).default;
    const again = await sharp(first).jpeg({ quality: 80 }).toBuffer();
    const frames = await Promise.all([first, again, again].map((b) => decodeFrame(b)));
    expect(run(frames)[2].state).toBe('frozen');
  });

  test('a live camera on a still scene (a new JPEG with new sensor noise each time) is never frozen', async () => {
    const frames = await Promise.all([1, 2, 3, 4].map((n) => frame({ seed: 3, noiseSeed: n, noise: 1.5 })));
    expect(run(frames).map((a) => a.state)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });
});

describe('without a reference', () => {
  test('a good first snapshot is a reference candidate; a dark or covered one is not', async () => {
    const judge = async (o: Partial<SceneOptions>) => {
      const f = await frame({ seed: 8, ...o });
      return analyse({ features: features(f), madToPrevious: null, previousFrozenRun: 0, reference: null, otherReference: null, fovDeg: null }, VIEW_DEFAULTS);
    };
    const good = await judge({});
    expect(good.state).toBe('no_reference');
    expect(good.referenceCandidate).toBe(true);
    const dark = await judge({ gain: 0.04 });
    expect(dark.state).toBe('dark');
    expect(dark.referenceCandidate).toBe(false);
    const covered = await judge({ cover: 1 });
    expect(covered.state).toBe('blocked');
  });

  test('a first night snapshot of a turned camera is moved against the day reference', async () => {
    const day = features(await frame({ seed: 8 }));
    const night = features(await frame({ seed: 8, mono: true, gain: 0.6, shiftPx: 120 }));
    const a = analyse({ features: night, madToPrevious: null, previousFrozenRun: 0, reference: null, otherReference: day, fovDeg: 60 }, VIEW_DEFAULTS);
    expect(a.state).toBe('moved');
    const same = features(await frame({ seed: 8, mono: true, gain: 0.6 }));
    const b = analyse({ features: same, madToPrevious: null, previousFrozenRun: 0, reference: null, otherReference: day, fovDeg: 60 }, VIEW_DEFAULTS);
    expect(b.state).toBe('no_reference');
    expect(b.referenceCandidate).toBe(true);
  });
});

describe('features', () => {
  test('pack and unpack keep every value', async () => {
    const f = features(await frame({ seed: 4 }));
    const p = packFeatures(f);
    const back = unpackFeatures(JSON.parse(JSON.stringify(p.scalars)), Buffer.concat([Buffer.alloc(1), p.vectors]).subarray(1));
    expect(back.mean).toBeCloseTo(f.mean, 6);
    expect(Array.from(back.edges)).toEqual(Array.from(f.edges));
    expect(Array.from(back.cellStd)).toEqual(Array.from(f.cellStd));
  });

  test('a frame of the wrong size is refused, saying so', () => {
    expect(() => extractFeatures(new Uint8Array(10), 0)).toThrow(/320×180/);
  });

  test('a file that is not a picture is refused, saying so', async () => {
    await expect(decodeFrame(Buffer.from('<html>401</html>'))).rejects.toThrow(/not a readable picture/);
  });
});
