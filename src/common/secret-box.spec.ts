import { generateSecretKey, OpenedSecrets, SecretBox } from './secret-box';

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

describe('OpenedSecrets', () => {
  /** A SecretBox that counts how often it decrypts. */
  class CountingBox extends SecretBox {
    decrypts = 0;
    decrypt(sealed: string): string {
      this.decrypts++;
      return super.decrypt(sealed);
    }
  }

  it('opens each sealed value once; a changed secret (a new sealed value) is opened afresh', () => {
    const box = new CountingBox(generateSecretKey());
    const opened = new OpenedSecrets(box);
    const a = box.encrypt('first');
    for (let i = 0; i < 5; i++) expect(opened.open(a)).toBe('first');
    expect(box.decrypts).toBe(1);
    const b = box.encrypt('second');
    expect(opened.open(b)).toBe('second');
    expect(opened.open(a)).toBe('first');
    expect(box.decrypts).toBe(2);
  });

  it('keeps no failure: a value that cannot be opened throws every time', () => {
    const other = new SecretBox(generateSecretKey()).encrypt('x');
    const box = new CountingBox(generateSecretKey());
    const opened = new OpenedSecrets(box);
    expect(() => opened.open(other)).toThrow();
    expect(() => opened.open(other)).toThrow();
    expect(box.decrypts).toBe(2);
  });

  it('stays bounded', () => {
    const box = new CountingBox(generateSecretKey());
    const opened = new OpenedSecrets(box, 3);
    const sealed = ['a', 'b', 'c', 'd'].map((s) => box.encrypt(s));
    sealed.forEach((s) => opened.open(s));
    expect(opened.open(sealed[0])).toBe('a');
    // The fourth value cleared the cache: the first is opened again.
    expect(box.decrypts).toBe(5);
  });
});
