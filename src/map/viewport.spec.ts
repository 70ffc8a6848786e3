import { checkViewport, MAX_VIEWPORT_PX } from './viewport';

describe('checkViewport', () => {
  it('accepts a screen-sized box and returns it as numbers', () => {
    expect(checkViewport('106.3, 10.5,106.4,10.55', 12)).toEqual({ ok: true, bbox: [106.3, 10.5, 106.4, 10.55] });
  });

  it.each([
    ['106.3,10.5,106.4', /four numbers/],
    ['106.3,10.5,106.4,abc', /four numbers/],
    ['106.4,10.5,106.3,10.55', /west < east/],
    ['106.3,10.5,190,10.55', /within longitude/],
  ])('refuses %s as bad_bbox', (bbox, why) => {
    const r = checkViewport(bbox, 10);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('bad_bbox');
      expect(r.message).toMatch(why);
    }
  });

  it(`refuses a box wider than ${MAX_VIEWPORT_PX} pixels at its zoom, and accepts the same box zoomed out`, () => {
    const province = '105.5,10.3,107,11.2';
    const r = checkViewport(province, 14);
    expect(r).toMatchObject({ ok: false, code: 'bbox_too_large', params: { zoom: 14, max_px: MAX_VIEWPORT_PX } });
    expect(checkViewport(province, 9).ok).toBe(true);
  });
});
