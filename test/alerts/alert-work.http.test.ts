import { UserService } from '../../src/auth/user.service';
import { ManualClock } from '../../src/common/clock';
import { startTestCamnet, TestCamnet } from '../support/camnet';
import { loadConsoleFixtures } from '../console/console.fixtures';

describe('working on an alert: assign to a person, notes, acknowledge, resolve, with its history', () => {
  let t: TestCamnet;
  const clock = new ManualClock(Date.parse('2026-12-01T12:00:00Z'));
  let offlineId: number;
  let turnedId: number;

  beforeAll(async () => {
    t = await startTestCamnet({ seed: false, clock });
    await loadConsoleFixtures(t.db.dataSource);
    const ids = await t.db.dataSource.query(`SELECT id, subject FROM alert ORDER BY id`);
    offlineId = ids.find((a: any) => a.subject === 'camera:ST-A-C1').id;
    turnedId = ids.find((a: any) => a.subject === 'camera:ST-A-C3').id;
    // The people alerts go to: accounts, each with a role and perhaps a scope (ST-A lies in district 800, ST-B in 801).
    const users = t.camnet.app.get(UserService);
    await users.create({ login: 'nguyen.van.a', name: 'Nguyễn Văn A', role: 'technician' });
    await users.create({ login: 'tran.thi.b', name: 'Trần Thị B', role: 'admin' });
    await users.create({ login: 'le.van.c', name: 'Lê Văn C', role: 'technician', scope: { kind: 'district', code: '801' } });
    await users.create({ login: 'pham.cong.an', name: 'Phạm Công An', role: 'police' });
    const gone = await users.create({ login: 'vo.da.nghi', name: 'Võ Đã Nghỉ', role: 'technician' });
    await users.update(gone.user.id, { state: 'disabled' });
  });
  afterAll(() => t?.close());

  it('assigns, notes, acknowledges with a note and resolves with a note; the history and the audit keep every step', async () => {
    const tech = t.as('technician');
    const assigned = await tech.post(`/api/alerts/${offlineId}/assign`).send({ assignee: 'Nguyen.Van.A ' }).expect(200);
    expect(assigned.body).toMatchObject({ id: offlineId, assignee: 'nguyen.van.a', assignee_name: 'Nguyễn Văn A', state: 'open' });
    const [linked] = await t.db.dataSource.query(`SELECT u.login FROM alert a JOIN app_user u ON u.id = a.assignee_user_id WHERE a.id = $1`, [offlineId]);
    expect(linked).toEqual({ login: 'nguyen.van.a' });
    clock.advance(60_000);
    await tech.post(`/api/alerts/${offlineId}/notes`).send({ note: 'trạm báo mất nguồn' }).expect(200);
    clock.advance(60_000);
    const acked = await tech.post(`/api/alerts/${offlineId}/ack`).send({ note: 'đang đến hiện trường' }).expect(200);
    expect(acked.body).toMatchObject({ state: 'acked', acked_by: 'test technician' });
    clock.advance(60_000);
    const resolved = await tech.post(`/api/alerts/${offlineId}/resolve`).send({ note: 'thay bộ nguồn PoE' }).expect(200);
    expect(resolved.body).toMatchObject({ state: 'resolved', resolved_by: 'test technician' });

    const one = await tech.get(`/api/alerts/${offlineId}`).expect(200);
    expect(one.body.history.map((h: any) => [h.action, h.by, h.note, h.assignee])).toEqual([
      ['assigned', 'test technician', null, 'nguyen.van.a'],
      ['note', 'test technician', 'trạm báo mất nguồn', null],
      ['acked', 'test technician', 'đang đến hiện trường', null],
      ['resolved', 'test technician', 'thay bộ nguồn PoE', null],
    ]);
    const audit = await t.as('admin').get('/api/audit?limit=50').expect(200);
    const actions = JSON.stringify(audit.body);
    for (const a of ['alert.assign', 'alert.note', 'alert.ack', 'alert.resolve']) expect(actions).toContain(a);

    // A resolved alert takes no more work, but notes still go to its history.
    await tech.post(`/api/alerts/${offlineId}/resolve`).send({ note: 'again' }).expect(409);
    await tech.post(`/api/alerts/${offlineId}/assign`).send({ assignee: 'tran.thi.b' }).expect(409);
    await tech.post(`/api/alerts/${offlineId}/notes`).send({ note: 'kiểm tra lại sau 1 tuần' }).expect(200);
  });

  it('offers the people an alert can go to: active technicians and admins whose scope holds it', async () => {
    const everyone = await t.as('technician').get('/api/alerts/assignees').expect(200);
    // "admin" is the first admin, made at the first start; the police officer and the disabled account are not offered.
    expect(everyone.body.map((p: any) => p.login)).toEqual(['admin', 'le.van.c', 'nguyen.van.a', 'tran.thi.b']);
    expect(everyone.body[1]).toEqual({
      user_id: expect.any(Number),
      login: 'le.van.c',
      name: 'Lê Văn C',
      role: 'technician',
      scope: { kind: 'district', code: '801' },
    });
    const forStA = await t.as('technician').get('/api/alerts/assignees?subject=camera:ST-A-C3').expect(200);
    expect(forStA.body.map((p: any) => p.login)).toEqual(['admin', 'nguyen.van.a', 'tran.thi.b']);
    const forStB = await t.as('admin').get('/api/alerts/assignees?subject=station:ST-B').expect(200);
    expect(forStB.body.map((p: any) => p.login)).toEqual(['admin', 'le.van.c', 'nguyen.van.a', 'tran.thi.b']);
    await t.as('technician').get('/api/alerts/assignees?subject=ST-B').expect(400);
    await t.as('police').get('/api/alerts/assignees').expect(403);
  });

  it('assigns only to such a person, saying why not by a code', async () => {
    const tech = t.as('technician');
    const refused = async (assignee: string) => (await tech.post(`/api/alerts/${turnedId}/assign`).send({ assignee }).expect(400)).body.errors[0];
    expect(await refused('nobody.here')).toMatchObject({ field: 'assignee', code: 'assignee_unknown', params: { value: 'nobody.here' } });
    expect(await refused('pham.cong.an')).toMatchObject({ field: 'assignee', code: 'assignee_role', params: { role: 'police' } });
    expect(await refused('vo.da.nghi')).toMatchObject({ field: 'assignee', code: 'assignee_inactive' });
    const outside = await refused('le.van.c');
    expect(outside).toMatchObject({ field: 'assignee', code: 'assignee_out_of_scope', params: { scope: 'district 801' } });
    expect(outside.reason).toMatch(/does not hold camera:ST-A-C3/);
    // Refusals change nothing.
    const [row] = await t.db.dataSource.query(`SELECT assignee, assignee_user_id FROM alert WHERE id = $1`, [turnedId]);
    expect(row).toEqual({ assignee: null, assignee_user_id: null });
  });

  it('lists alerts by assignee and subject', async () => {
    await t.as('technician').post(`/api/alerts/${turnedId}/assign`).send({ assignee: 'tran.thi.b' }).expect(200);
    const mine = await t.as('technician').get('/api/alerts?assignee=tran.thi.b').expect(200);
    expect(mine.body.map((a: any) => [a.id, a.assignee_name])).toEqual([[turnedId, 'Trần Thị B']]);
    const bySubject = await t.as('admin').get('/api/alerts?subject=camera:ST-A-C3').expect(200);
    expect(bySubject.body.map((a: any) => a.id)).toEqual([turnedId]);
    const back = await t.as('technician').post(`/api/alerts/${turnedId}/assign`).send({ assignee: null }).expect(200);
    expect(back.body).toMatchObject({ assignee: null, assignee_name: null });
  });

  it('refuses notes over the limit, empty resolutions and unknown alerts, naming the field', async () => {
    const tech = t.as('technician');
    const long = await tech
      .post(`/api/alerts/${turnedId}/notes`)
      .send({ note: 'x'.repeat(2001) })
      .expect(400);
    expect(long.body.errors[0]).toMatchObject({
      field: 'note',
      reason: 'note must be at most 2000 characters, got 2001',
      code: 'invalid_field',
      params: { field: 'note', constraint: 'maxLength' },
    });
    const longAck = await tech
      .post(`/api/alerts/${turnedId}/ack`)
      .send({ note: 'x'.repeat(2001) })
      .expect(400);
    expect(longAck.body.errors[0].field).toBe('note');
    const empty = await tech.post(`/api/alerts/${turnedId}/resolve`).send({}).expect(400);
    expect(empty.body.errors[0].field).toBe('note');
    const bigAssignee = await tech
      .post(`/api/alerts/${turnedId}/assign`)
      .send({ assignee: 'y'.repeat(101) })
      .expect(400);
    expect(bigAssignee.body.errors[0].field).toBe('assignee');
    const extra = await tech.post(`/api/alerts/${turnedId}/ack`).send({ colour: 'red' }).expect(400);
    expect(extra.body.errors[0].field).toBe('colour');
    await tech.post('/api/alerts/999999/ack').send({}).expect(404);
    await tech.get('/api/alerts/999999').expect(404);
    await tech.post('/api/alerts/abc/notes').send({ note: 'x' }).expect(400);
    await tech.get('/api/alerts?subject=cam').expect(400);
  });

  it('is for technicians and admins only', async () => {
    for (const role of ['police', 'planner'] as const) {
      await t.as(role).get(`/api/alerts/${turnedId}`).expect(403);
      await t.as(role).post(`/api/alerts/${turnedId}/ack`).send({}).expect(403);
      await t.as(role).post(`/api/alerts/${turnedId}/assign`).send({ assignee: 'a' }).expect(403);
      await t.as(role).post(`/api/alerts/${turnedId}/notes`).send({ note: 'a' }).expect(403);
      await t.as(role).post(`/api/alerts/${turnedId}/resolve`).send({ note: 'a' }).expect(403);
    }
  });
});
