import { AlertService } from '../../src/alerts/alert.service';
import { ManualClock } from '../../src/common/clock';
import { startTestCamnet, TestCamnet } from '../support/camnet';
import { loadConsoleFixtures } from './console.fixtures';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

describe('maintenance windows: open, change, end early, cancel', () => {
  let t: TestCamnet;
  const clock = new ManualClock(NOW);
  const statusOf = async (code: string) =>
    (await t.db.dataSource.query(`SELECT cs.status FROM camera_state cs JOIN camera c ON c.id = cs.camera_id WHERE c.code = $1`, [code]))[0].status;

  beforeAll(async () => {
    t = await startTestCamnet({ seed: false, clock });
    await loadConsoleFixtures(t.db.dataSource);
  });
  afterAll(() => t?.close());

  it('refuses windows that end before they start, unknown scopes and overlaps, naming the field', async () => {
    const post = (body: object) => t.as('technician').post('/api/maintenance-windows').send(body);
    const backwards = await post({ scope: 'camera', scope_id: 'ST-A-C1', starts_at: at(60), ends_at: at(30) }).expect(400);
    expect(backwards.body.errors[0].field).toBe('ends_at');
    const unknown = await post({ scope: 'station', scope_id: 'ST-NOPE', starts_at: at(60), ends_at: at(90) }).expect(400);
    expect(unknown.body.errors[0]).toEqual({ field: 'scope_id', reason: 'no station with code ST-NOPE', code: 'invalid_field', params: { field: 'scope_id' } });
    const badScope = await post({ scope: 'province', scope_id: '80', starts_at: at(60), ends_at: at(90) }).expect(400);
    expect(badScope.body.errors[0].field).toBe('scope');
    const longReason = await post({ scope: 'camera', scope_id: 'ST-A-C1', starts_at: at(60), ends_at: at(90), reason: 'x'.repeat(501) }).expect(400);
    expect(longReason.body.errors[0].field).toBe('reason');
    const first = await post({ scope: 'camera', scope_id: 'ST-A-C2', starts_at: at(60), ends_at: at(120) }).expect(201);
    const overlap = await post({ scope: 'camera', scope_id: 'ST-A-C2', starts_at: at(90), ends_at: at(150) }).expect(400);
    expect(overlap.body.errors[0].field).toBe('starts_at');
    expect(overlap.body.errors[0].reason).toContain(`overlaps maintenance window ${first.body.id}`);
    // Back to back is not an overlap.
    await post({ scope: 'camera', scope_id: 'ST-A-C2', starts_at: at(120), ends_at: at(150) }).expect(201);
  });

  it('cancels a future window, and refuses to cancel one in force', async () => {
    const w = await t
      .as('technician')
      .post('/api/maintenance-windows')
      .send({ scope: 'commune', scope_id: '30003', starts_at: at(300), ends_at: at(400) })
      .expect(201);
    expect(w.body).toMatchObject({ active: false, created_by: 'test technician' });
    await t.as('police').delete(`/api/maintenance-windows/${w.body.id}`).expect(403);
    await t.as('technician').delete(`/api/maintenance-windows/${w.body.id}`).expect(200);
    await t.as('technician').delete(`/api/maintenance-windows/${w.body.id}`).expect(404);
    await t
      .as('technician')
      .patch('/api/maintenance-windows/999999')
      .send({ ends_at: at(10) })
      .expect(404);
    const audit = await t.as('admin').get('/api/audit?action=maintenance.cancel').expect(200);
    expect(JSON.stringify(audit.body)).toContain('maintenance.cancel');
  });

  it('a window in force puts the camera in maintenance and closes its open alert; extended, then ended early', async () => {
    const alerts = t.camnet.app.get(AlertService);
    const w = await t
      .as('technician')
      .post('/api/maintenance-windows')
      .send({ scope: 'camera', scope_id: 'ST-A-C1', starts_at: at(-5), ends_at: at(60), reason: 'thay nguồn' })
      .expect(201);
    expect(w.body.active).toBe(true);
    expect(await statusOf('ST-A-C1')).toBe('maintenance');
    await alerts.settled();
    const [alert] = await t.db.dataSource.query(`SELECT resolved_at, details FROM alert WHERE subject = 'camera:ST-A-C1'`);
    expect(alert.resolved_at).not.toBeNull();
    expect(alert.details).toMatchObject({ resolution: 'maintenance' });
    // Inside the window no alert opens.
    const opened = await alerts.apply({ action: 'open', kind: 'offline', subject: 'camera:ST-A-C1', at: clock.now(), details: {} });
    expect(opened).toBeNull();

    const extended = await t
      .as('technician')
      .patch(`/api/maintenance-windows/${w.body.id}`)
      .send({ ends_at: at(120) })
      .expect(200);
    expect(extended.body.ends_at).toBe(at(120));
    const moved = await t
      .as('technician')
      .patch(`/api/maintenance-windows/${w.body.id}`)
      .send({ starts_at: at(-1) })
      .expect(400);
    expect(moved.body.errors[0].field).toBe('starts_at');

    clock.advance(10 * 60_000);
    const ended = await t.as('technician').post(`/api/maintenance-windows/${w.body.id}/end`).expect(200);
    expect(ended.body).toMatchObject({ active: false, ends_at: clock.now().toISOString() });
    await t
      .as('technician')
      .patch(`/api/maintenance-windows/${w.body.id}`)
      .send({ ends_at: at(200) })
      .expect(409);
    await t.as('technician').delete(`/api/maintenance-windows/${w.body.id}`).expect(409);
  });

  it('a district window covers its communes’ stations and cameras, and only those', async () => {
    const w = await t
      .as('admin')
      .post('/api/maintenance-windows')
      .send({ scope: 'district', scope_id: '801', starts_at: clock.now().toISOString(), ends_at: at(500) })
      .expect(201);
    expect(await statusOf('ST-B-C1')).toBe('maintenance');
    expect(await statusOf('CIT-1')).toBe('degraded');
    const [st] = await t.db.dataSource.query(`SELECT ss.status FROM station_state ss JOIN station s ON s.id = ss.station_id WHERE s.code = 'ST-B'`);
    expect(st.status).toBe('maintenance');
    // The station's open alert is closed; the incidents list shows the reason.
    await t.camnet.app.get(AlertService).settled();
    const [stAlert] = await t.db.dataSource.query(`SELECT resolved_at FROM alert WHERE subject = 'station:ST-B'`);
    expect(stAlert.resolved_at).not.toBeNull();
    const inc = await t.as('technician').get('/api/incidents?reason=maintenance').expect(200);
    expect(inc.body.items.map((i: any) => i.code)).toEqual(expect.arrayContaining(['ST-B', 'ST-B-C1', 'ST-B-C2']));
    // Changing the scope to a commune of the other district is allowed while in force.
    const changed = await t.as('admin').patch(`/api/maintenance-windows/${w.body.id}`).send({ scope: 'commune', scope_id: '30003' }).expect(200);
    expect(changed.body).toMatchObject({ scope: 'commune', scope_id: '30003', active: true });
    expect(await statusOf('CIT-1')).toBe('maintenance');
  });
});
