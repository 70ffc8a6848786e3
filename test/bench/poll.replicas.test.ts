import { CheckRun, countDuplicates } from '../../bench/poll.replicas';

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
