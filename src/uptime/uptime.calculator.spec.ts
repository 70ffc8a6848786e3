import { computeUptime, mergeIntervals, tallyUptime, Transition } from './uptime.calculator';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const H = 3600_000;
const M = 60_000;

describe('computeUptime', () => {
  it('charges a scripted 10-hour timeline to the second', () => {
    const transitions: Transition[] = [
      { at: T0 - H, status: 'offline' }, // before the window: in force at its start
      { at: T0 + 1 * H, status: 'online' },
      { at: T0 + 3 * H, status: 'degraded' },
      { at: T0 + 3.5 * H, status: 'online' },
      { at: T0 + 5 * H, status: 'offline' }, // inside maintenance: charged to maintenance
      { at: T0 + 6 * H, status: 'maintenance' },
      { at: T0 + 6.5 * H, status: 'online' },
      { at: T0 + 9 * H, status: 'unknown' },
      { at: T0 + 11 * H, status: 'online' }, // after the window: ignored
    ];
    const maintenance = [
      { from: T0 + 4 * H, to: T0 + 5.5 * H },
      { from: T0 + 5 * H + 15 * M, to: T0 + 6 * H + 15 * M }, // overlaps the first
      { from: T0 + 9.5 * H, to: T0 + 12 * H }, // over unknown time and past the window's end
    ];
    const r = computeUptime({ transitions, initial: 'unknown', maintenance, from: T0, to: T0 + 10 * H });
    // By hand: offline 0–1h; online 1–3h, 3.5–4h, 6.5–9h; degraded 3–3.5h;
    // maintenance 4h–6h15 (windows), 6h15–6.5h (status), 9.5–10h (window); unknown 9–9.5h.
    expect(r).toEqual({
      online_s: 7200 + 1800 + 9000,
      offline_s: 3600,
      degraded_s: 1800,
      maintenance_s: 8100 + 900 + 1800,
      unknown_s: 1800,
      known_s: 36000 - 1800,
      uptime_pct: (100 * 18000) / (18000 + 3600 + 1800),
    });
  });

  it('keeps milliseconds exact and sums to the window length', () => {
    const r = tallyUptime({
      transitions: [
        { at: T0 + 1234, status: 'online' },
        { at: T0 + 5678, status: 'offline' },
      ],
      initial: 'degraded',
      maintenance: [],
      from: T0,
      to: T0 + 10_000,
    });
    expect(r).toEqual({ online: 4444, offline: 4322, degraded: 1234, maintenance: 0, unknown: 0 });
  });

  it('treats a transition at `from` as in force and one at `to` as outside', () => {
    const r = computeUptime({
      transitions: [
        { at: T0, status: 'online' },
        { at: T0 + H, status: 'offline' },
      ],
      initial: 'offline',
      maintenance: [],
      from: T0,
      to: T0 + H,
    });
    expect(r.online_s).toBe(3600);
    expect(r.offline_s).toBe(0);
    expect(r.uptime_pct).toBe(100);
  });

  it('clips maintenance windows to the window edges', () => {
    const r = computeUptime({
      transitions: [],
      initial: 'online',
      maintenance: [
        { from: T0 - H, to: T0 + 15 * M },
        { from: T0 + 45 * M, to: T0 + 2 * H },
      ],
      from: T0,
      to: T0 + H,
    });
    expect(r).toMatchObject({ online_s: 1800, maintenance_s: 1800, known_s: 3600, uptime_pct: 100 });
  });

  it('answers null uptime when no time is known, or all of it is maintenance', () => {
    const unknown = computeUptime({ transitions: [{ at: T0 + 2 * H, status: 'online' }], initial: 'unknown', maintenance: [], from: T0, to: T0 + H });
    expect(unknown).toEqual({ online_s: 0, offline_s: 0, degraded_s: 0, maintenance_s: 0, unknown_s: 3600, known_s: 0, uptime_pct: null });
    const allMaintenance = computeUptime({
      transitions: [],
      initial: 'offline',
      maintenance: [{ from: T0, to: T0 + H }],
      from: T0,
      to: T0 + H,
    });
    expect(allMaintenance).toMatchObject({ maintenance_s: 3600, known_s: 3600, offline_s: 0, uptime_pct: null });
  });

  it('splits a window into parts whose tallies add up to the whole', () => {
    const input = {
      transitions: [
        { at: T0 + 10 * M, status: 'online' as const },
        { at: T0 + 50 * M, status: 'offline' as const },
        { at: T0 + 70 * M, status: 'online' as const },
      ],
      initial: 'unknown' as const,
      maintenance: [{ from: T0 + 55 * M, to: T0 + 65 * M }],
    };
    const whole = tallyUptime({ ...input, from: T0, to: T0 + 2 * H });
    const a = tallyUptime({ ...input, from: T0, to: T0 + 60 * M });
    const b = tallyUptime({ ...input, initial: 'offline', from: T0 + 60 * M, to: T0 + 2 * H });
    for (const k of Object.keys(whole) as (keyof typeof whole)[]) expect(a[k] + b[k]).toBe(whole[k]);
  });

  it('answers all zeros for an empty window', () => {
    expect(computeUptime({ transitions: [], initial: 'online', maintenance: [], from: T0, to: T0 }).known_s).toBe(0);
  });
});

describe('mergeIntervals', () => {
  it('merges overlapping and touching intervals and drops those outside', () => {
    expect(
      mergeIntervals(
        [
          { from: 5, to: 8 },
          { from: 0, to: 3 },
          { from: 3, to: 4 },
          { from: 7, to: 12 },
          { from: 20, to: 30 },
        ],
        1,
        10,
      ),
    ).toEqual([
      { from: 1, to: 4 },
      { from: 5, to: 10 },
    ]);
  });
});
