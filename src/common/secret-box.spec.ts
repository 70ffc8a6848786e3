import { generateSecretKey, SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(generateSecretKey());

  it('round-trips a secret and never stores it in clear', () => {
    const sealed = box.encrypt('s3cret-Pass');
    expect(sealed).not.toContain('s3cret');
    expect(sealed).toMatch(/^v1:/);
    expect(box.decrypt(sealed)).toBe('s3cret-Pass');
  });

  it('uses a fresh IV each time', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('refuses a tampered value and a wrong key', () => {
    const sealed = box.encrypt('secret');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('other!').toString('base64');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
    expect(() => new SecretBox(generateSecretKey()).decrypt(sealed)).toThrow();
  });

  it('accepts hex and base64 keys and refuses short ones', () => {
    const hex = generateSecretKey();
    const b64 = Buffer.from(hex, 'hex').toString('base64');
    expect(new SecretBox(b64).decrypt(new SecretBox(hex).encrypt('x'))).toBe('x');
    expect(() => new SecretBox('abcd')).toThrow(/32 bytes/);
  });
});
