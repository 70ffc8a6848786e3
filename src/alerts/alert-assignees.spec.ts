/**
 * AlertAssignees decides on in-memory accounts who an alert may go to: an active
 * technician or admin whose scope, when they have one, holds the alert's camera
 * or station; each refusal names `assignee` and says why by a code. The
 * accounts and places are in-memory fakes held to AssigneeRepository's and
 * ScopeRepository's contracts (test/alerts/assignee.repository.test.ts runs them on
 * both databases); the routes keep their own tests
 * (test/alerts/alert-work.http.test.ts).
 */
import { BadRequestException } from '@nestjs/common';
import { InMemoryAssigneeAccounts } from '../../test/support/fakes/assignee-accounts.fake';
import { InMemoryAssigneePlaces } from '../../test/support/fakes/assignee-places.fake';
import { AlertAssignees } from './alert-assignees';

function world() {
  const accounts = new InMemoryAssigneeAccounts();
  const places = new InMemoryAssigneePlaces()
    .addUnit('2019', 'commune', '27700', '800')
    .addUnit('2019', 'commune', '27703', '800')
    .addUnit('2019', 'commune', '27800', '801')
    .addCamera('ST-A-C3', '27700')
    .addStation('ST-A', '27700')
    .addStation('ST-B', '27800');
  accounts.add({ login: 'admin', name: 'Admin', role: 'admin' });
  accounts.add({ login: 'nguyen.van.a', name: 'Nguyễn Văn A', role: 'technician', scopeKind: 'commune', scopeCode: '27700' });
  accounts.add({ login: 'le.van.c', name: 'Lê Văn C', role: 'technician', scopeKind: 'district', scopeCode: '801' });
  accounts.add({ login: 'tran.thi.b', name: 'Trần Thị B', role: 'technician', scopeKind: 'district', scopeCode: '800' });
  accounts.add({ login: 'pham.cong.an', name: 'Phạm Công An', role: 'police' });
  accounts.add({ login: 'vo.da.nghi', name: 'Võ Đã Nghỉ', role: 'technician', state: 'disabled' });
  return new AlertAssignees(accounts, places);
}

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BadRequestException);
  return ((err as BadRequestException).getResponse() as { errors: Array<{ field: string; reason: string; code: string; params: Record<string, unknown> }> })
    .errors[0];
}

describe('AlertAssignees', () => {
  it('offers every active technician and admin, by name, and for a subject only those whose scope holds it', async () => {
    const people = world();
    const all = await people.candidates();
    expect(all.map((p) => p.login)).toEqual(['admin', 'le.van.c', 'nguyen.van.a', 'tran.thi.b']);
    expect(all[1]).toEqual({ user_id: 3, login: 'le.van.c', name: 'Lê Văn C', role: 'technician', scope: { kind: 'district', code: '801' } });
    expect((await people.candidates('camera:ST-A-C3')).map((p) => p.login)).toEqual(['admin', 'nguyen.van.a', 'tran.thi.b']);
    expect((await people.candidates('station:ST-B')).map((p) => p.login)).toEqual(['admin', 'le.van.c']);
    // A subject camnet does not know is held by no scope: only the province-wide may take it.
    expect((await people.candidates('camera:GONE')).map((p) => p.login)).toEqual(['admin']);
  });

  it('hands an alert to such a person by login, written any way a login may be', async () => {
    const people = world();
    expect(await people.resolve('  Nguyen.Van.A ', 'camera:ST-A-C3')).toEqual({
      user_id: 2,
      login: 'nguyen.van.a',
      name: 'Nguyễn Văn A',
      role: 'technician',
      scope: { kind: 'commune', code: '27700' },
    });
    expect((await people.resolve('admin', 'station:ST-B')).scope).toBeNull();
  });

  it('refuses anyone else, naming the field and saying why by a code', async () => {
    const people = world();
    expect(await refusal(people.resolve('Nobody.Here', 'camera:ST-A-C3'))).toMatchObject({
      field: 'assignee',
      code: 'assignee_unknown',
      params: { value: 'nobody.here' },
    });
    expect(await refusal(people.resolve('pham.cong.an', 'camera:ST-A-C3'))).toMatchObject({ code: 'assignee_role', params: { role: 'police' } });
    expect(await refusal(people.resolve('vo.da.nghi', 'camera:ST-A-C3'))).toMatchObject({ code: 'assignee_inactive' });
    const outside = await refusal(people.resolve('le.van.c', 'camera:ST-A-C3'));
    expect(outside).toMatchObject({ field: 'assignee', code: 'assignee_out_of_scope', params: { value: 'le.van.c', scope: 'district 801' } });
    expect(outside.reason).toMatch(/does not hold camera:ST-A-C3/);
  });
});
