/**
 * Encrypts camera secrets at rest with AES-256-GCM. The stored form is
 * "v1:<iv>:<tag>:<ciphertext>" (base64), so a wrong key or a tampered value fails
 * loudly instead of yielding garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = /^[0-9a-fA-F]{64}$/.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
    if (this.key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a camnet sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}

export function generateSecretKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Secrets opened once and kept by their sealed form, for a hot path that opens the same
 * ones again and again (the poll loop decrypts every leased camera's ONVIF password:
 * AES-GCM per check was about 2 % of the poller's CPU in bench:poll). A changed secret
 * is a new sealed value, so it is opened afresh; one that fails to open is not kept
 * (the caller sees the error every time). Bounded: cleared past `max` entries.
 */
export class OpenedSecrets {
  private readonly opened = new Map<string, string>();

  constructor(
    private readonly box: SecretBox,
    private readonly max = 100_000,
  ) {}

  open(sealed: string): string {
    let plain = this.opened.get(sealed);
    if (plain === undefined) {
      plain = this.box.decrypt(sealed);
      if (this.opened.size >= this.max) this.opened.clear();
      this.opened.set(sealed, plain);
    }
    return plain;
  }
}
