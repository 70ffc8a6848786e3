import { localDay, localIsoString, parseLocalDateTime } from './clock';

describe('localDay', () => {
  it("answers the calendar day in Long An's time (UTC+7), not UTC", () => {
    expect(localDay(new Date('2025-03-01T16:59:59.999Z'))).toBe('2025-03-01');
    // 02:00 on 2 March in Long An is still 1 March in UTC.
    expect(localDay(new Date('2025-03-01T19:00:00Z'))).toBe('2025-03-02');
    expect(localDay(new Date('2025-03-01T17:00:00+07:00'))).toBe('2025-03-01');
  });
});

describe('parseLocalDateTime', () => {
  it('reads a time without an offset as Long An time (UTC+7)', () => {
    expect(parseLocalDateTime('2025-03-01T17:30')?.toISOString()).toBe('2025-03-01T10:30:00.000Z');
    expect(parseLocalDateTime('2025-03-01T07:05:09')?.toISOString()).toBe('2025-03-01T00:05:09.000Z');
    expect(parseLocalDateTime('2025-03-01T06:59:59.500')?.toISOString()).toBe('2025-02-28T23:59:59.500Z');
    expect(parseLocalDateTime('2025-03-01')?.toISOString()).toBe('2025-02-28T17:00:00.000Z');
  });

  it('takes a stated offset as written', () => {
    expect(parseLocalDateTime('2025-03-01T17:30:00Z')?.toISOString()).toBe('2025-03-01T17:30:00.000Z');
    expect(parseLocalDateTime('2025-03-01T17:30:00+07:00')?.toISOString()).toBe('2025-03-01T10:30:00.000Z');
    expect(parseLocalDateTime('2025-03-01T17:30:00+0700')?.toISOString()).toBe('2025-03-01T10:30:00.000Z');
    expect(parseLocalDateTime('2025-03-01T17:30:00-02:00')?.toISOString()).toBe('2025-03-01T19:30:00.000Z');
  });

  it('answers null for what is not a date', () => {
    for (const s of ['yesterday', '', '2025-13-45T10:00', '17:30']) expect(parseLocalDateTime(s)).toBeNull();
  });

  it('writes Long An time back with its offset', () => {
    expect(localIsoString(new Date('2025-03-01T10:30:00Z'))).toBe('2025-03-01T17:30:00+07:00');
    expect(localIsoString(new Date('2025-03-01T20:00:00Z'))).toBe('2025-03-02T03:00:00+07:00');
  });
});
