import { isLockConflict, isTransientDbError, retryDelayMs } from './transient-error';

describe('isTransientDbError', () => {
  it.each([
    ['a deadlock', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    ['a serialization failure', Object.assign(new Error('could not serialize access'), { code: '40001' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a refused connection on IPv4 and IPv6', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'refused')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['PostgreSQL shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a connection-class SQLSTATE', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a TypeORM wrapper', Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: '40P01' }) })],
  ])('retries %s', (_name, err) => {
    expect(isTransientDbError(err)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax error at or near'), { code: '42601' })],
    ['a plain error', new Error('no camera with id 7')],
    ['nothing', undefined],
  ])('does not retry %s', (_name, err) => {
    expect(isTransientDbError(err)).toBe(false);
  });

  it('tells lock conflicts from outages', () => {
    expect(isLockConflict(Object.assign(new Error('d'), { code: '40P01' }))).toBe(true);
    expect(isLockConflict(Object.assign(new Error('r'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 50 ms and stops at 5 s, within the jitter', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(50);
    expect(retryDelayMs(3, () => 0.5)).toBe(200);
    expect(retryDelayMs(30, () => 0.5)).toBe(5000);
    expect(retryDelayMs(30, () => 1)).toBe(6000);
    expect(retryDelayMs(30, () => 0)).toBe(4000);
  });
});
