import { requestTargetProblem } from './request-chars';

describe('requestTargetProblem', () => {
  it.each([
    ['/api/cameras/%00', /path holds a control character \(U\+0000\)/],
    ['/api/search/near?case_ref=a%00b', /query holds a control character \(U\+0000\)/],
    ['/api/search/near?case_ref=a%0d%0aX', /query holds a control character \(U\+000D\)/],
    ['/api/cameras/%1b[31m', /U\+001B/],
    ['/api/cameras?x=%E0%A4%A', /malformed %-escape/],
  ])('refuses %s', (url, problem) => {
    expect(requestTargetProblem(url)).toMatch(problem);
  });

  it.each([
    '/api/cameras/ST-0001-C1',
    '/api/search/near?lat=10.5&lon=106.4&case_ref=VV+2025%2F01',
    '/api/communes/27685?layout=2025-07',
    '/api/x?name=Nguy%E1%BB%85n',
  ])('lets %s through', (url) => {
    expect(requestTargetProblem(url)).toBeNull();
  });
});
