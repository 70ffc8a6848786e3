import { MessageEvent } from '@nestjs/common';
import { EventBus } from '../common/event-bus';
import { EventsService } from './events.service';

describe('EventsService', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends heartbeats while subscribed and lets go of the bus and the timer when the client leaves', () => {
    const bus = new EventBus();
    const got: MessageEvent[] = [];
    const sub = new EventsService(bus, 15_000).stream().subscribe((m) => got.push(m));
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
});
