import { CheckRun, countDuplicates, WarmUp } from '../../bench/poll.replicas';

describe('bench:poll duplicate checks across replicas', () => {
  it('counts nothing when each camera is checked one at a time, even back to back', () => {
    const runs: CheckRun[] = [
      [1, 0, 10],
      [1, 10, 20],
      [2, 5, 15],
      [1, 30, 40],
    ];
    expect(countDuplicates(runs)).toBe(0);
  });

  it('counts every check of a camera that starts while another check of it runs', () => {
    const runs: CheckRun[] = [
      [7, 0, 100],
      [7, 50, 60], // inside the first
      [7, 90, 120], // still inside the first
      [8, 0, 10],
      [8, 200, 210],
    ];
    expect(countDuplicates(runs)).toBe(2);
  });

  it('does not depend on the order in which the replicas reported', () => {
    const runs: CheckRun[] = [
      [3, 40, 60],
      [3, 0, 50],
    ];
    expect(countDuplicates(runs)).toBe(1);
  });
});

describe('bench:poll replicas warm-up', () => {
  it('lasts while first contacts keep starting, even once every camera was checked', () => {
    const w = new WarmUp(100, 3000, 0);
    expect(w.over(150, 10, 1000)).toBe(false);
    expect(w.over(300, 20, 2000)).toBe(false);
    expect(w.over(450, 30, 4000)).toBe(false);
    expect(w.over(600, 31, 6000)).toBe(false);
  });

  it('ends once no first contact started for the quiet time and every camera was checked', () => {
    const w = new WarmUp(100, 3000, 0);
    expect(w.over(150, 10, 1000)).toBe(false);
    expect(w.over(300, 10, 3999)).toBe(false);
    expect(w.over(450, 10, 4000)).toBe(true);
  });

  it('does not end before every camera was checked, first contacts or not', () => {
    const w = new WarmUp(100, 3000, 0);
    expect(w.over(0, 0, 1000)).toBe(false);
    expect(w.over(99, 0, 10_000)).toBe(false);
    expect(w.over(100, 0, 10_001)).toBe(true);
  });
});
