/**
 * What makes a password acceptable, as one pure function: long enough to resist
 * guessing (NIST SP 800-63B: length over composition rules), not the login, and
 * not one of the passwords every attacker tries first.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const COMMON = new Set([
  '123456789012',
  '1234567890123',
  'password1234',
  'passwordpassword',
  'qwertyuiopas',
  'qwerty123456',
  'iloveyou1234',
  'admin1234567',
  'administrator',
  'letmein12345',
  'welcome12345',
  'matkhau12345',
  'camnet123456',
  'camnetcamnet',
  'longan123456',
  'abc123456789',
  '111111111111',
  '000000000000',
]);

/** The reasons the password is refused; empty when it is acceptable. */
export function passwordProblems(password: string, login: string): string[] {
  const problems: string[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters long, got ${chars.length}`);
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  const lower = password.toLowerCase();
  if (login && lower.includes(login.toLowerCase())) problems.push('password must not contain the login');
  if (COMMON.has(lower)) problems.push('password is one of the most common passwords');
  if (chars.length >= PASSWORD_MIN_LENGTH && new Set(chars).size < 4) problems.push('password must use at least 4 different characters');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(password)) problems.push('password must not contain control characters');
  return problems;
}
