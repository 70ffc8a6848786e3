/**
 * The incident search's decisions on in-memory repositories: which cameras were
 * there on the day, what each saw and recorded with the status and heading in
 * force, the order, the times read as Long An time, the audit, the index reload.
 * The SQL (history in force, inventory reads) and the HTTP route keep their tests
 * on both databases (test/search/, test/monitoring/status-history.repository.test.ts).
 */
import { BadRequestException } from '@nestjs/common';
import { InMemorySearchCameras } from '../../test/support/fakes/search-cameras.fake';
import { InMemoryStatusHistory } from '../../test/support/fakes/status-history.fake';
import type { AuthContext } from '../auth/auth-context';
import { ManualClock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { destinationPoint } from '../geo/geo.math';
import type { NearQueryDto } from './search.dto';
import { SEARCH_INDEX_TTL_MS, SearchService } from './search.service';

const P = { lat: 10.5431, lon: 106.4072 };
const around = (bearing: number, distM: number) => destinationPoint(P.lat, P.lon, bearing, distM);
const t = (iso: string) => Date.parse(iso);
const police: AuthContext = { tokenId: 1, name: 'Công an xã', role: 'police' };

/** The route's fixture: ST-A sees P and goes offline at 11:00; ST-B turns towards P at 10:00, degraded from 9:30. */
function world() {
  // A square about P standing in for Long An's outline.
  const outline = {
    type: 'Polygon',
    coordinates: [
      [
        [106.3, 10.4],
        [106.5, 10.4],
        [106.5, 10.7],
        [106.3, 10.7],
        [106.3, 10.4],
      ],
    ],
  };
  const cameras = new InMemorySearchCameras(outline)
    .put({ id: 1, code: 'ST-A', ...around(180, 50), headingDeg: 0, fovDeg: 90, rangeM: 100 })
    .put({ id: 2, code: 'ST-B', ...around(90, 100), headingDeg: 90, fovDeg: 60, rangeM: 150 })
    .put({
      id: 3,
      code: 'CZ-C',
      ownership: 'citizen',
      ...around(0, 200),
      headingDeg: 180,
      fovDeg: 90,
      rangeM: 150,
      ownerName: 'Nguyễn Văn A',
      ownerPhone: '0909123456',
    })
    .put({ id: 4, code: 'BZ-D', ownership: 'business', ...around(45, 500), headingDeg: 225, rangeM: 600 })
    .put({ id: 5, code: 'HH-E', ownership: 'household', ...around(270, 30), headingDeg: 90, retiredOn: '2025-02-01' })
    .put({ id: 6, code: 'CZ-F', ownership: 'citizen', ...around(270, 40), headingDeg: 90, registeredOn: '2025-03-02' });
  const history = new InMemoryStatusHistory()
    .addStatus(1, t('2025-03-01T08:00:00Z'), 'online')
    .addStatus(1, t('2025-03-01T11:00:00Z'), 'offline')
    .addStatus(2, t('2025-03-01T09:30:00Z'), 'degraded')
    .addHeading(2, t('2025-03-01T10:00:00Z'), 270);
  const audits: Array<{ action: string; params: Record<string, unknown> }> = [];
  const audit = {
    record: async (_auth: AuthContext | undefined, action: string, _target: string | null, params: Record<string, unknown>) =>
      void audits.push({ action, params }),
  };
  const clock = new ManualClock(t('2025-03-01T12:00:00Z'));
  const service = new SearchService(cameras, history, audit, new EventBus(), clock);
  const near = (q: Partial<NearQueryDto>) => service.near({ lat: P.lat, lon: P.lon, radius_m: 300, case_ref: 'VV-TEST', ...q } as NearQueryDto, police);
  const rows = async (q: Partial<NearQueryDto>) => (await near(q)).cameras.map((c) => [c.code, c.sees_point, c.recorded, c.status_at, c.heading_at]);
  return { cameras, history, audits, clock, service, near, rows };
}

describe('SearchService (in-memory repositories)', () => {
  it('lists cameras nearest first with what each saw and recorded, the status and heading then, owners for police', async () => {
    const { near } = world();
    const r = await near({ at: '2025-03-01T10:30:00Z' });
    expect(r.cameras.map((c) => [c.code, c.sees_point, c.recorded, c.status_at, c.heading_at])).toEqual([
      ['ST-A', true, true, 'online', 0],
      // Turned towards P at 10:00; degraded with no recorded reason: whether it recorded is unknown.
      ['ST-B', true, null, 'degraded', 270],
      ['CZ-C', false, false, 'unknown', 180],
    ]);
    expect(r.cameras[0].distance_m).toBeCloseTo(50, 0);
    expect(r.cameras.map((c) => c.owner)).toEqual([null, null, { name: 'Nguyễn Văn A', phone: '0909123456' }]);
    expect(r.counts).toEqual({ cameras: 3, sees_point: 2, recorded: 1, not_recorded: 0, unknown: 1 });
  });

  it('says an offline camera that saw the point did not record it, and lists it after those that did', async () => {
    const { rows } = world();
    // ST-A went offline at 11:00; ST-B is still degraded with no known reason.
    expect(await rows({ at: '2025-03-01T11:30:00Z' })).toEqual([
      ['ST-B', true, null, 'degraded', 270],
      ['ST-A', true, false, 'offline', 0],
      ['CZ-C', false, false, 'unknown', 180],
    ]);
  });

  it('decides recorded from the reason of the transition in force: a turn that still covers the point keeps it, a dark picture does not', async () => {
    const { history, rows } = world();
    history.addStatus(2, t('2025-03-01T10:40:00Z'), 'degraded', { reason: 'turned' });
    history.addStatus(1, t('2025-03-01T10:40:00Z'), 'degraded', { reason: 'view_dark' });
    expect(await rows({ at: '2025-03-01T10:45:00Z' })).toEqual([
      ['ST-B', true, true, 'degraded', 270],
      // Both not recorded: nearest first.
      ['ST-A', true, false, 'degraded', 0],
      ['CZ-C', false, false, 'unknown', 180],
    ]);
  });

  it('answers from the history in force at an earlier time', async () => {
    const { rows } = world();
    // 00:00Z: before any event, ST-B still on its registered heading, facing away.
    expect(await rows({ at: '2025-03-01T07:00:00+07:00' })).toEqual([
      ['ST-A', true, null, 'unknown', 0],
      ['ST-B', false, false, 'unknown', 90],
      ['CZ-C', false, false, 'unknown', 180],
    ]);
    // A transition at the very time searched is in force.
    expect((await rows({ at: '2025-03-01T11:00:00Z' }))[1]).toEqual(['ST-A', true, false, 'offline', 0]);
  });

  it('reads a time without an offset as Long An time (UTC+7), and refuses one in the future', async () => {
    const { near } = world();
    expect((await near({ at: '2025-03-01T17:30' })).at).toBe('2025-03-01T10:30:00.000Z');
    // 18:30 local is 11:30Z, earlier than the clock's 12:00Z: not "in the future".
    expect((await near({ at: '2025-03-01T18:30' })).cameras.find((c) => c.code === 'ST-A')).toMatchObject({ status_at: 'offline', recorded: false });
    const refusal = await near({ at: '2025-03-01T19:30' }).catch((e) => e);
    expect(refusal).toBeInstanceOf(BadRequestException);
    expect(refusal.getResponse()).toMatchObject({ code: 'time_in_future', params: { field: 'at', value: '2025-03-01T19:30:00+07:00' } });
    // Within a minute of the clock is allowed (clocks disagree a little).
    await expect(near({ at: '2025-03-01T12:00:30Z' })).resolves.toBeDefined();
  });

  it('counts registration and retirement days in local time (UTC+7)', async () => {
    const { clock, near } = world();
    clock.set(new Date('2025-03-01T18:30:00Z'));
    // 18:00Z is already 2 March in Long An: CZ-F is registered by then; HH-E long retired.
    const codes = (await near({ at: '2025-03-01T18:00:00Z' })).cameras.map((c) => c.code);
    expect(codes).toContain('CZ-F');
    expect(codes).not.toContain('HH-E');
    expect((await near({ at: '2025-03-01T16:00:00Z' })).cameras.map((c) => c.code)).not.toContain('CZ-F');
  });

  it('refuses a search without a case reference or with an unreadable time, naming the field', async () => {
    const { near } = world();
    const noCase = await near({ case_ref: '  ' }).catch((e) => e);
    expect(noCase.getResponse()).toMatchObject({ code: 'case_ref_required', params: { field: 'case_ref' } });
    const badTime = await near({ at: 'tomorrow' }).catch((e) => e);
    expect(badTime.getResponse()).toMatchObject({ code: 'invalid_date_time', params: { field: 'at', value: 'tomorrow' } });
  });

  it('audits every search once, with its parameters and how many cameras likely recorded', async () => {
    const { near, audits } = world();
    await near({ at: '2025-03-01T10:30:00Z', case_ref: ' VV-2025-0142 ' });
    expect(audits).toEqual([
      {
        action: 'search.near',
        params: { lat: P.lat, lon: P.lon, radius_m: 300, at: '2025-03-01T10:30:00.000Z', case_ref: 'VV-2025-0142', results: 3, recorded: 1 },
      },
    ]);
  });

  it('reloads its index only when the cameras changed, after the refresh interval, without making a search wait', async () => {
    const { cameras, clock, near } = world();
    await near({});
    expect(cameras.loads).toBe(1);
    cameras.put({ id: 7, code: 'ST-G', ...around(0, 20), headingDeg: 180 });
    expect((await near({})).cameras.map((c) => c.code)).not.toContain('ST-G'); // still fresh: not checked
    clock.advance(SEARCH_INDEX_TTL_MS + 1);
    await near({}); // answers from the old index and starts the check
    for (let i = 0; i < 100 && cameras.loads < 2; i++) await new Promise((r) => setTimeout(r, 1));
    expect((await near({})).cameras.map((c) => c.code)).toContain('ST-G');
    clock.advance(SEARCH_INDEX_TTL_MS + 1);
    await near({});
    await new Promise((r) => setTimeout(r, 5));
    expect(cameras.loads).toBe(2); // unchanged fingerprint: no reload
  });

  it('refuses a point whose whole circle lies outside the province, and searches one whose circle reaches in', async () => {
    const { near } = world();
    const outside = await near({ lat: 10.4, lon: 106.2, radius_m: 1000 }).catch((e) => e);
    expect(outside.getResponse()).toMatchObject({ code: 'point_outside_province', params: { radius_m: 1000 } });
    // 0.001° of longitude west of the edge is about 110 m: a 300 m circle reaches in.
    await expect(near({ lat: 10.5, lon: 106.299, radius_m: 300 })).resolves.toMatchObject({ cameras: [] });
  });
});
