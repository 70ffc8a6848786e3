import { localDay } from './clock';

describe('localDay', () => {
  it("answers the calendar day in Long An's time (UTC+7), not UTC", () => {
    expect(localDay(new Date('2025-03-01T16:59:59.999Z'))).toBe('2025-03-01');
    // 02:00 on 2 March in Long An is still 1 March in UTC.
    expect(localDay(new Date('2025-03-01T19:00:00Z'))).toBe('2025-03-02');
    expect(localDay(new Date('2025-03-01T17:00:00+07:00'))).toBe('2025-03-01');
  });
});
