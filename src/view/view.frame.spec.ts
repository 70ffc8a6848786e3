import sharp from 'sharp';
import { FRAME_H, FRAME_W } from './view.features';
import { decodeFrame, jpegSize, THUMB_W } from './view.frame';

// The snapshot's own size is read from the JPEG header instead of a second libvips call;
// these check that shortcut against sharp's own metadata and its fallbacks.
const picture = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 60 } } });

describe('jpegSize', () => {
  test.each([
    ['baseline', { progressive: false }],
    ['progressive', { progressive: true }],
  ])('reads a %s JPEG frame header as sharp does', async (_name, o) => {
    const bytes = await picture(1366, 768).jpeg(o).toBuffer();
    const meta = await sharp(bytes).metadata();
    expect(jpegSize(bytes)).toEqual({ width: meta.width, height: meta.height });
  });

  test('reads the stored size of an EXIF-rotated JPEG (before rotation, like metadata())', async () => {
    const bytes = await picture(640, 360).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(jpegSize(bytes)).toEqual({ width: 640, height: 360 });
  });

  test('answers null for a PNG, a truncated header and an HTML error page', async () => {
    const png = await picture(40, 30).png().toBuffer();
    const jpeg = await picture(40, 30).jpeg().toBuffer();
    expect(jpegSize(png)).toBeNull();
    expect(jpegSize(jpeg.subarray(0, 20))).toBeNull();
    expect(jpegSize(Buffer.from('<html>401 Unauthorized</html>'))).toBeNull();
  });
});

describe('decodeFrame', () => {
  test('a 1080p JPEG gives the analysis frame, a 320-wide thumbnail and its own size', async () => {
    const d = await decodeFrame(await picture(1920, 1080).jpeg().toBuffer());
    expect(d.grey.length).toBe(FRAME_W * FRAME_H);
    expect({ width: d.width, height: d.height }).toEqual({ width: 1920, height: 1080 });
    expect((await sharp(d.thumbnail).metadata()).width).toBe(THUMB_W);
    // 0.299·90 + 0.587·120 + 0.114·60 ≈ 104, give or take the JPEG
    expect(Math.abs(d.grey[FRAME_W * 90 + 160] - 104)).toBeLessThanOrEqual(2);
    expect(d.chroma).toBeGreaterThan(40);
  });

  test('a 4:3 PNG is resampled to the analysis frame, its size from sharp metadata', async () => {
    const d = await decodeFrame(await picture(800, 600).png().toBuffer());
    expect(d.grey.length).toBe(FRAME_W * FRAME_H);
    expect({ width: d.width, height: d.height }).toEqual({ width: 800, height: 600 });
  });

  test('a truncated JPEG is refused, not half-analysed', async () => {
    const bytes = await picture(640, 360).jpeg().toBuffer();
    await expect(decodeFrame(bytes.subarray(0, bytes.length - 200))).rejects.toThrow(/not a readable picture/);
  });
});
