import { MessageEvent } from '@nestjs/common';
import { EventBus } from '../common/event-bus';
import type { AuthContext } from '../auth/auth-context';
import type { CameraVisibility } from './camera-visibility';
import { EventsService } from './events.service';

/** Station camera ST-1-C1 is known; every other camera code is a private one. */
const visibility = { reload: async () => undefined, isStationCamera: (code: string) => code === 'ST-1-C1' } as unknown as CameraVisibility;
const as = (role: AuthContext['role']): AuthContext => ({ tokenId: 1, name: role, role });

describe('EventsService', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends heartbeats while subscribed and lets go of the bus and the timer when the client leaves', () => {
    const bus = new EventBus();
    const got: MessageEvent[] = [];
    const sub = new EventsService(bus, 15_000, visibility).stream(as('admin')).subscribe((m) => got.push(m));
    expect(got).toEqual([{ comment: 'connected' }]);
    jest.advanceTimersByTime(30_000);
    expect(got.filter((m) => m.comment === 'heartbeat')).toHaveLength(2);

    bus.emit('alert.changed', { id: 7, kind: 'offline', subject: 'camera:C1', state: 'resolved', at: new Date('2025-01-01T00:00:00Z') });
    expect(got.at(-1)).toEqual({ type: 'alert', data: { id: 7, kind: 'offline', subject: 'camera:C1', state: 'resolved', at: '2025-01-01T00:00:00.000Z' } });

    sub.unsubscribe();
    const count = got.length;
    bus.emit('alert.changed', { id: 8, kind: 'offline', subject: 'camera:C1', state: 'open', at: new Date() });
    jest.advanceTimersByTime(60_000);
    expect(got).toHaveLength(count);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('tells technicians and planners of stations and station cameras only, police and admin of every camera', () => {
    const bus = new EventBus();
    const heard = (role: AuthContext['role']) => {
      const got: MessageEvent[] = [];
      new EventsService(bus, 15_000, visibility).stream(as(role)).subscribe((m) => m.type && got.push(m));
      return got;
    };
    const byRole = { technician: heard('technician'), planner: heard('planner'), police: heard('police'), admin: heard('admin') };
    const at = new Date('2025-01-01T00:00:00Z');
    for (const code of ['ST-1-C1', 'CIT-00001']) {
      bus.emit('status.changed', { subject: 'camera', id: 1, code, status: 'offline', previous: 'online', at, reason: 'timeout' });
      bus.emit('alert.changed', { id: 1, kind: 'offline', subject: `camera:${code}`, state: 'open', at });
    }
    bus.emit('status.changed', { subject: 'station', id: 1, code: 'ST-1', status: 'offline', previous: 'online', at, reason: 'will' });
    const named = (got: MessageEvent[]) =>
      got.map((m) => `${m.type}:${(m.data as { code?: string; subject: string }).code ?? (m.data as { subject: string }).subject}`);
    for (const role of ['technician', 'planner'] as const) expect(named(byRole[role])).toEqual(['status:ST-1-C1', 'alert:camera:ST-1-C1', 'status:ST-1']);
    for (const role of ['police', 'admin'] as const) expect(byRole[role]).toHaveLength(5);
  });
});
