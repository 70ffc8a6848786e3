import { gapAt, gapJustBefore, maskUnwatched, NOT_WATCHING, unwatchedGaps } from './unwatched';

const H = 3_600_000;

describe('unwatchedGaps', () => {
  it('finds no gap before any session was recorded (an upgraded camnet reads its history as before)', () => {
    expect(unwatchedGaps([], 0, 100 * H)).toEqual([]);
  });

  it('is the complement of the union of sessions after the first one, unclipped', () => {
    const spans = [
      { from: 10 * H, to: 12 * H },
      { from: 11 * H, to: 13 * H }, // a second replica: the union counts
      { from: 15 * H, to: 16 * H },
      { from: 18 * H, to: null }, // running
    ];
    expect(unwatchedGaps(spans, 0, 100 * H)).toEqual([
      { from: 13 * H, to: 15 * H },
      { from: 16 * H, to: 18 * H },
    ]);
    expect(unwatchedGaps(spans, 14 * H, 14 * H)).toEqual([{ from: 13 * H, to: 15 * H }]);
    expect(unwatchedGaps(spans, 0, 12 * H)).toEqual([]);
  });

  it('leaves the time since the last session open when nothing runs', () => {
    expect(unwatchedGaps([{ from: 0, to: H }], 0, 5 * H)).toEqual([{ from: H, to: null }]);
  });

  it('sees no gap between sessions that touch', () => {
    expect(
      unwatchedGaps(
        [
          { from: 0, to: H },
          { from: H, to: 2 * H },
        ],
        0,
        2 * H,
      ),
    ).toEqual([{ from: 2 * H, to: null }]);
  });
});

describe('gapAt and gapJustBefore', () => {
  const gaps = [{ from: H, to: 2 * H }];
  it.each([
    [H - 1, false, false],
    [H, true, false],
    [2 * H - 1, true, true],
    [2 * H, false, true],
    [2 * H + 1, false, false],
  ])('at %d: in a gap %s, just before in a gap %s', (t, at, before) => {
    expect(gapAt(gaps, t) !== null).toBe(at);
    expect(gapJustBefore(gaps, t) !== null).toBe(before);
  });
});

describe('maskUnwatched', () => {
  const c = (h: number, status: 'online' | 'offline', source: 'onvif' | 'system' = 'onvif') => ({ at: new Date(h * H), status, reason: null, source });
  const unknown = (h: number) => ({ at: new Date(h * H), status: 'unknown', reason: NOT_WATCHING, source: 'system' });

  it('leaves the history alone without gaps', () => {
    const changes = [c(1, 'online'), c(2, 'offline')];
    expect(maskUnwatched(null, changes, [], { from: 0, to: 3 * H })).toEqual({ initial: null, changes });
  });

  it('opens the gap, hides what was recorded in it, and closes it with the status carried on', () => {
    const got = maskUnwatched({ status: 'online', reason: null }, [c(3, 'offline'), c(6, 'online')], [{ from: 2 * H, to: 4 * H }], { from: 0, to: 8 * H });
    expect(got).toEqual({ initial: { status: 'online', reason: null }, changes: [unknown(2), c(4, 'offline', 'system'), c(6, 'online')] });
  });

  it('lets a change recorded at the very end of a gap stand for the status after it', () => {
    const got = maskUnwatched(null, [c(4, 'offline')], [{ from: 2 * H, to: 4 * H }], { from: 0, to: 8 * H });
    expect(got.changes).toEqual([unknown(2), c(4, 'offline')]);
  });

  it('starts unknown in a gap open since before the window, and keeps the end out of an open window', () => {
    const got = maskUnwatched({ status: 'online', reason: null }, [], [{ from: 0, to: 4 * H }], { from: H, to: 4 * H });
    expect(got).toEqual({ initial: { status: 'unknown', reason: NOT_WATCHING }, changes: [] });
    const through = maskUnwatched({ status: 'online', reason: null }, [], [{ from: 0, to: 4 * H }], { from: H, to: 4 * H, through: true });
    expect(through.changes).toEqual([c(4, 'online', 'system')]);
  });

  it('never closes a gap that lasts until now', () => {
    const got = maskUnwatched({ status: 'online', reason: null }, [c(5, 'offline')], [{ from: 2 * H, to: null }], { from: 0, to: 8 * H });
    expect(got.changes).toEqual([unknown(2)]);
  });
});
