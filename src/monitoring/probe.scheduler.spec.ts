import { defaultTickMs } from './probe.scheduler';

describe('defaultTickMs', () => {
  test('a sixtieth of the poll interval, so a check starts at most that late', () => {
    expect(defaultTickMs(30)).toBe(500);
    expect(defaultTickMs(45)).toBe(750);
  });

  test('one round a second at most apart for long intervals (Long An polls every 60 s)', () => {
    expect(defaultTickMs(60)).toBe(1000);
    expect(defaultTickMs(3600)).toBe(1000);
  });

  test('short intervals keep the 250 ms floor (due checks are still leased together)', () => {
    expect(defaultTickMs(1)).toBe(250);
    expect(defaultTickMs(15)).toBe(250);
  });
});
