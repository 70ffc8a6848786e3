import { reasonCauses, recordedAt, recordedRank } from './recording';

describe('recordedAt', () => {
  it.each([
    // sees, status, reason, expected
    [false, 'online', null, false],
    [true, 'online', 'check ok', true],
    [true, 'offline', 'unreachable: timeout: no answer in 5000 ms', false],
    [true, 'offline', 'station down', false],
    [true, 'degraded', 'clock_drift', true],
    [true, 'degraded', 'turned', true],
    [true, 'degraded', 'clock_drift,turned: clock offset 812 s', true],
    [true, 'degraded', 'view_blocked', false],
    [true, 'degraded', 'clock_drift,view_dark', false],
    [true, 'degraded', 'view_frozen', false],
    [true, 'degraded', 'view_moved', false],
    [true, 'degraded', 'view_blurred', null],
    [true, 'degraded', 'clock_drift,view_blurred', null],
    [true, 'degraded', 'auth_failed: auth: 401 Unauthorized', null],
    [true, 'degraded', 'bad_reply: malformed: not XML', null],
    [true, 'degraded', null, null],
    [true, 'maintenance', 'maintenance window', null],
    [true, 'unknown', null, null],
    [false, 'unknown', null, false],
  ] as const)('sees=%s %s (%s) → %s', (sees, status, reason, expected) => {
    expect(recordedAt(sees, status, reason)).toBe(expected);
  });
});

describe('reasonCauses', () => {
  it('reads the cause list before the first colon', () => {
    expect(reasonCauses('auth_failed,clock_drift: auth: 401')).toEqual(['auth_failed', 'clock_drift']);
    expect(reasonCauses('turned')).toEqual(['turned']);
    expect(reasonCauses(null)).toEqual([]);
    expect(reasonCauses('')).toEqual([]);
  });
});

describe('recordedRank', () => {
  it('puts recorded first, unknown next, not recording last', () => {
    const sorted = [false, null, true].sort((a, b) => recordedRank(a) - recordedRank(b));
    expect(sorted).toEqual([true, null, false]);
  });
});
