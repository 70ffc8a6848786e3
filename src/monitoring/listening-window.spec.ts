import { ListeningWindow } from './listening-window';

const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 0, 0, s));

describe('ListeningWindow', () => {
  it('covers a time only while camnet both hears the broker and records what it hears', () => {
    const w = new ListeningWindow({ stationSilentMs: 90_000 });
    expect(w.coversSince(at(0))).toBe(false); // not connected yet
    w.connected(at(10));
    expect(w.coversSince(at(10))).toBe(true);
    expect(w.coversSince(at(5))).toBe(false);
    // The database goes away: nothing is covered until every buffered heartbeat is written.
    w.recordingLost();
    expect(w.coversSince(at(10))).toBe(false);
    w.recordingRestored(at(40));
    expect(w.since).toEqual(at(40));
    expect(w.coversSince(at(30))).toBe(false);
    // A later success does not move the start of an unbroken spell.
    w.recordingRestored(at(50));
    expect(w.since).toEqual(at(40));
    // The broker connection breaks and comes back: the later of the two starts counts.
    w.lost();
    expect(w.since).toBeNull();
    w.connected(at(60));
    expect(w.since).toEqual(at(60));
    expect(w.silentAfterMs).toBe(90_000);
  });
});
