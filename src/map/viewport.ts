/**
 * A viewport as the map sends it (bbox + zoom), checked: four numbers in
 * range, west < east, south < north, and no larger than a big screen at that
 * zoom, so that "zoomed in" can never mean "every camera of the province".
 */

/** The largest viewport side accepted, in screen pixels (a 4K screen with Leaflet's padding). */
export const MAX_VIEWPORT_PX = 4096;

export type Bbox = [west: number, south: number, east: number, north: number];

export type ViewportCheck =
  { ok: true; bbox: Bbox } | { ok: false; code: 'bad_bbox' | 'bbox_too_large'; params: Record<string, number | string>; message: string };

/** Degrees of longitude one screen pixel spans at a zoom (Web Mercator, 256-pixel tiles). */
export const degreesPerPixel = (zoom: number) => 360 / (256 * 2 ** zoom);

export function checkViewport(bboxText: string, zoom: number): ViewportCheck {
  const parts = bboxText.split(',').map((s) => Number(s.trim()));
  const bad = (why: string): ViewportCheck => ({
    ok: false,
    code: 'bad_bbox',
    params: { field: 'bbox', value: bboxText, why },
    message: `bbox ${why}, got "${bboxText}"`,
  });
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return bad('must be four numbers: west,south,east,north');
  const [west, south, east, north] = parts;
  if (west < -180 || east > 180 || south < -90 || north > 90) return bad('must lie within longitude -180..180 and latitude -90..90');
  if (!(west < east && south < north)) return bad('must have west < east and south < north');
  const maxDeg = MAX_VIEWPORT_PX * degreesPerPixel(zoom);
  if (east - west > maxDeg || north - south > maxDeg) {
    return {
      ok: false,
      code: 'bbox_too_large',
      params: { zoom, max_px: MAX_VIEWPORT_PX, max_deg: Number(maxDeg.toPrecision(4)) },
      message: `bbox is larger than ${MAX_VIEWPORT_PX} pixels at zoom ${zoom} (at most ${maxDeg.toPrecision(4)}° a side): ask for the viewport, or a lower zoom`,
    };
  }
  return { ok: true, bbox: [west, south, east, north] };
}
