/**
 * What any AlertStore must answer, run against AlertRepository on a real database
 * (test/alerts/alert.repository.test.ts, PostgreSQL and PGlite) and against the
 * in-memory fake AlertService's unit spec uses (test/support/fakes/), so a
 * service test on the fake says what it would say on PostgreSQL.
 */
import type { AlertStore } from '../../src/alerts/alert.repository';

export interface AlertStoreHarness {
  store: AlertStore;
  /** A camera; `station`: owned by a station (else private, e.g. a citizen's). */
  camera(code: string, station: boolean): Promise<void>;
  /** A person's account; answers its id. */
  person(login: string, name: string): Promise<number>;
  /** Renames a person's account. */
  rename(userId: number, name: string): Promise<void>;
}

const T = Date.parse('2025-06-01T08:00:00Z');
const MIN = 60_000;
const at = (m: number) => new Date(T + m * MIN);

export function alertStoreContract(harness: () => AlertStoreHarness): void {
  let h: AlertStoreHarness;
  let n = 0;
  /** A subject no other case uses (the database is shared by the cases). */
  const fresh = (kind: 'camera' | 'station' = 'camera') => `${kind}:K-${++n}`;
  beforeAll(() => {
    h = harness();
  });

  it('opens one alert per kind and subject until it is resolved, then a new one', async () => {
    const s = fresh();
    const first = await h.store.open('offline', s, at(0), { reason: 'timeout' });
    expect(first).toMatchObject({
      kind: 'offline',
      subject: s,
      openedAt: at(0),
      ackedAt: null,
      resolvedAt: null,
      resolvedBy: null,
      assignee: null,
      assigneeName: null,
      details: { reason: 'timeout' },
    });
    expect(await h.store.open('offline', s, at(1), {})).toBeNull();
    const other = await h.store.open('turned', s, at(1), {});
    expect(other?.id).not.toBe(first!.id);

    const resolved = await h.store.resolveOpen('offline', s, at(5));
    expect(resolved).toMatchObject({ id: first!.id, resolvedAt: at(5), resolvedBy: null });
    expect(await h.store.resolveOpen('offline', s, at(6))).toBeNull();
    const again = await h.store.open('offline', s, at(10), {});
    expect(again?.id).toBeGreaterThan(other!.id);
  });

  it('never resolves an alert before it opened', async () => {
    const s = fresh();
    const a = await h.store.open('offline', s, at(10), {});
    expect((await h.store.resolveOpen('offline', s, at(5)))?.resolvedAt).toEqual(at(10));
    const b = await h.store.open('offline', s, at(20), {});
    expect((await h.store.resolveByHand(b!.id, at(15), 'kt1'))?.resolvedAt).toEqual(at(20));
    const c = await h.store.open('turned', s, at(30), {});
    expect((await h.store.resolveAllOpen(s, at(25), {}))[0]).toMatchObject({ id: c!.id, resolvedAt: at(30) });
    expect(a!.id).toBeLessThan(b!.id);
  });

  it('resolves every open alert of a subject at once, merging details, and leaves others alone', async () => {
    const [s, other] = [fresh(), fresh()];
    const a = await h.store.open('offline', s, at(0), { reason: 'timeout' });
    const b = await h.store.open('turned', s, at(1), {});
    const done = await h.store.open('clock_drift', s, at(2), {});
    await h.store.resolveOpen('clock_drift', s, at(3));
    const kept = await h.store.open('offline', other, at(0), {});
    const closed = await h.store.resolveAllOpen(s, at(10), { resolution: 'maintenance' });
    expect(closed.map((r) => r.id)).toEqual([a!.id, b!.id]);
    expect(closed[0]).toMatchObject({ resolvedAt: at(10), details: { reason: 'timeout', resolution: 'maintenance' } });
    expect((await h.store.find(done!.id))?.details).toEqual({});
    expect((await h.store.find(kept!.id))?.resolvedAt).toBeNull();
    expect(await h.store.resolveAllOpen(s, at(11), {})).toEqual([]);
  });

  it('acknowledges once, and never a resolved alert', async () => {
    const s = fresh();
    const a = await h.store.open('auth_failed', s, at(0), {});
    expect(await h.store.ack(a!.id, at(1), 'Tổ kỹ thuật')).toMatchObject({ ackedAt: at(1), ackedBy: 'Tổ kỹ thuật', resolvedAt: null });
    expect(await h.store.ack(a!.id, at(2), 'someone else')).toBeNull();
    expect((await h.store.find(a!.id))?.ackedBy).toBe('Tổ kỹ thuật');
    const b = await h.store.open('offline', s, at(0), {});
    await h.store.resolveOpen('offline', s, at(1));
    expect(await h.store.ack(b!.id, at(2), 'x')).toBeNull();
    expect(await h.store.ack(999_999, at(2), 'x')).toBeNull();
    expect(await h.store.find(999_999)).toBeNull();
  });

  it('resolves by hand once, naming who', async () => {
    const s = fresh();
    const a = await h.store.open('offline', s, at(0), {});
    expect(await h.store.resolveByHand(a!.id, at(5), 'kt1')).toMatchObject({ resolvedAt: at(5), resolvedBy: 'kt1' });
    expect(await h.store.resolveByHand(a!.id, at(6), 'kt2')).toBeNull();
    expect(await h.store.resolveByHand(999_999, at(6), 'kt2')).toBeNull();
  });

  it('assigns to an account and shows its name as it is now; unassigning clears both', async () => {
    const s = fresh();
    const id = await h.person(`lan${n}`, 'Nguyễn Thị Lan');
    const a = await h.store.open('offline', s, at(0), {});
    expect(await h.store.assign(a!.id, `lan${n}`, id)).toMatchObject({ assignee: `lan${n}`, assigneeName: 'Nguyễn Thị Lan' });
    await h.rename(id, 'Nguyễn Lan');
    expect((await h.store.find(a!.id))?.assigneeName).toBe('Nguyễn Lan');
    // Free text from before accounts keeps its login and has no name.
    expect(await h.store.assign(a!.id, 'tổ 3', null)).toMatchObject({ assignee: 'tổ 3', assigneeName: null });
    expect(await h.store.assign(a!.id, null, null)).toMatchObject({ assignee: null, assigneeName: null });
    expect(await h.store.assign(999_999, null, null)).toBeNull();
  });

  it('keeps each alert its own history, oldest first, steps at one time in the order recorded', async () => {
    const [s1, s2] = [fresh(), fresh()];
    const a = await h.store.open('offline', s1, at(0), {});
    const b = await h.store.open('offline', s2, at(0), {});
    await h.store.record(a!.id, { at: at(5), action: 'note', by: 'kt1', note: 'second', assignee: null });
    await h.store.record(a!.id, { at: at(0), action: 'opened', by: 'camnet', note: null, assignee: null });
    await h.store.record(b!.id, { at: at(1), action: 'opened', by: 'camnet', note: null, assignee: null });
    await h.store.record(a!.id, { at: at(5), action: 'assigned', by: 'kt1', note: null, assignee: 'lan' });
    expect(await h.store.history(a!.id)).toEqual([
      { at: at(0), action: 'opened', by: 'camnet', note: null, assignee: null },
      { at: at(5), action: 'note', by: 'kt1', note: 'second', assignee: null },
      { at: at(5), action: 'assigned', by: 'kt1', note: null, assignee: 'lan' },
    ]);
    expect(await h.store.history(999_999)).toEqual([]);
  });

  it('lists by state, subject and assignee, newest first, up to a limit', async () => {
    const [s1, s2] = [fresh(), fresh('station')];
    const open = await h.store.open('offline', s1, at(100), {});
    const acked = await h.store.open('turned', s1, at(101), {});
    await h.store.ack(acked!.id, at(102), 'kt1');
    const resolved = await h.store.open('station_down', s2, at(101), {});
    await h.store.resolveOpen('station_down', s2, at(103));
    await h.store.assign(open!.id, `w${n}`, null);
    const ids = async (f: Parameters<AlertStore['list']>[0]) => (await h.store.list(f)).map((a) => a.id);
    expect(await ids({ limit: 10, subject: s1 })).toEqual([acked!.id, open!.id]);
    expect(await ids({ limit: 10, subject: s1, state: 'open' })).toEqual([open!.id]);
    expect(await ids({ limit: 10, subject: s1, state: 'acked' })).toEqual([acked!.id]);
    expect(await ids({ limit: 10, subject: s1, state: 'resolved' })).toEqual([]);
    expect(await ids({ limit: 10, subject: s2, state: 'resolved' })).toEqual([resolved!.id]);
    expect(await ids({ limit: 10, assignee: `w${n}` })).toEqual([open!.id]);
    expect(await ids({ limit: 1, subject: s1 })).toEqual([acked!.id]);
    // At one opening time the higher id comes first.
    const s3 = fresh();
    const x = await h.store.open('offline', s3, at(200), {});
    const y = await h.store.open('turned', s3, at(200), {});
    expect(await ids({ limit: 10, subject: s3 })).toEqual([y!.id, x!.id]);
  });

  it('leaves out alerts on private cameras when asked, never those on station cameras or stations', async () => {
    const code = `PRIV-${++n}`;
    const ownCode = `OWN-${n}`;
    await h.camera(code, false);
    await h.camera(ownCode, true);
    const priv = await h.store.open('offline', `camera:${code}`, at(300), {});
    const own = await h.store.open('offline', `camera:${ownCode}`, at(300), {});
    const station = await h.store.open('station_down', `station:ST-${n}`, at(300), {});
    const unknown = await h.store.open('offline', `camera:GONE-${n}`, at(300), {});
    const seen = async (hide: boolean) => (await h.store.list({ limit: 1000, hidePrivateCameras: hide })).map((a) => a.id);
    expect(await seen(false)).toEqual(expect.arrayContaining([priv!.id, own!.id, station!.id, unknown!.id]));
    const hidden = await seen(true);
    expect(hidden).toEqual(expect.arrayContaining([own!.id, station!.id]));
    // A camera camnet does not know as a station's is treated as private.
    expect(hidden).not.toContain(priv!.id);
    expect(hidden).not.toContain(unknown!.id);
  });

  it('counts the alerts not resolved, acknowledged or not', async () => {
    const before = await h.store.openCount();
    const s = fresh();
    const a = await h.store.open('offline', s, at(0), {});
    const b = await h.store.open('turned', s, at(0), {});
    await h.store.ack(b!.id, at(1), 'kt1');
    expect(await h.store.openCount()).toBe(before + 2);
    await h.store.resolveByHand(a!.id, at(2), 'kt1');
    expect(await h.store.openCount()).toBe(before + 1);
  });
}
