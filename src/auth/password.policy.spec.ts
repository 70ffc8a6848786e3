import { passwordProblems } from './password.policy';

describe('passwordProblems', () => {
  it.each([
    ['short', 'lan', /at least 12 characters/],
    ['lan.nguyen-2026!', 'lan.nguyen', /must not contain the login/],
    ['Password1234', 'lan', /most common/],
    ['aaaaaaaaaaaaaaaa', 'lan', /4 different characters/],
    ['x'.repeat(257), 'lan', /at most 256/],
    ['good password\u0000here', 'lan', /control characters/],
  ])('refuses %j for login %j', (password, login, reason) => {
    expect(passwordProblems(password, login).join('; ')).toMatch(reason);
  });

  it('accepts a long passphrase, counting characters not bytes', () => {
    expect(passwordProblems('cầu Bến Lức sáng', 'lan')).toEqual([]);
    expect(passwordProblems('mười hai ký', 'lan').join()).toMatch(/got 11/);
  });
});
