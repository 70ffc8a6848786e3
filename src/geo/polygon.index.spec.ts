import { haversineM, LonLat } from './geo.math';
import { PolygonIndex } from './polygon.index';
import { RouteChainage } from './route-chainage';

/** A lon/lat box as a closed ring. */
const box = (x0: number, y0: number, x1: number, y1: number): LonLat[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

// West and east squares with a 0.001° sliver between them; "islands" is a MultiPolygon.
const index = new PolygonIndex([
  { key: 'west', geometry: { type: 'Polygon', coordinates: [box(106.0, 10.0, 106.1, 10.1)] } },
  { key: 'east', geometry: { type: 'Polygon', coordinates: [box(106.101, 10.0, 106.2, 10.1)] } },
  { key: 'islands', geometry: { type: 'MultiPolygon', coordinates: [[box(107.0, 10.0, 107.01, 10.01)], [box(107.5, 10.5, 107.51, 10.51)]] } },
  {
    key: 'a-line',
    geometry: {
      type: 'LineString',
      coordinates: [
        [106, 10],
        [107, 11],
      ],
    },
  },
  { key: 'nothing', geometry: null },
]);

describe('PolygonIndex', () => {
  it('keeps polygons and multipolygons, and leaves out other geometries', () => {
    expect(index.size).toBe(3);
    expect(() => index.contains('a-line', [106.05, 10.05])).toThrow(/no polygon a-line/);
  });

  it('finds the polygon holding a point, in any part of a multipolygon', () => {
    expect(index.find([106.05, 10.05])).toBe('west');
    expect(index.find([106.15, 10.05])).toBe('east');
    expect(index.find([107.505, 10.505])).toBe('islands');
    expect(index.find([107.25, 10.25])).toBeNull();
    expect(index.contains('islands', [107.005, 10.005])).toBe(true);
    expect(index.contains('west', [106.15, 10.05])).toBe(false);
  });

  it('tries the hinted polygons first and ignores unknown hints', () => {
    const overlapping = new PolygonIndex([
      { key: 'big', geometry: { type: 'Polygon', coordinates: [box(106.0, 10.0, 106.2, 10.2)] } },
      { key: 'small', geometry: { type: 'Polygon', coordinates: [box(106.05, 10.05, 106.1, 10.1)] } },
    ]);
    expect(overlapping.find([106.07, 10.07])).toBe('big');
    expect(overlapping.find([106.07, 10.07], ['no-such', 'small'])).toBe('small');
  });

  it('locates a point in a sliver between polygons by the nearest boundary vertex', () => {
    const inSliver: LonLat = [106.1007, 10.0001];
    expect(index.find(inSliver)).toBeNull();
    expect(index.locate(inSliver)).toBe('east');
    expect(index.locate([106.05, 10.05])).toBe('west');
    expect(() => new PolygonIndex([]).nearest([106, 10])).toThrow(/empty/);
  });

  it('splits a route into the stretches inside each polygon, to within half a step', () => {
    const route = new RouteChainage([
      [106.05, 10.05],
      [106.15, 10.05],
    ]);
    const shares = index.routeShares(route, 10);
    expect([...shares.keys()].sort()).toEqual(['east', 'west']);
    const [west] = shares.get('west')!;
    const [east] = shares.get('east')!;
    const westEdge = haversineM(10.05, 106.05, 10.05, 106.1);
    const eastEdge = haversineM(10.05, 106.05, 10.05, 106.101);
    expect(west[0]).toBe(0);
    expect(Math.abs(west[1] - westEdge)).toBeLessThanOrEqual(5);
    expect(Math.abs(east[0] - eastEdge)).toBeLessThanOrEqual(5);
    expect(east[1]).toBeCloseTo(route.length, 6);
  });
});
