import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** Argon2id (the value of @node-rs/argon2's const enum Algorithm.Argon2id, which isolated modules cannot import). */
const ARGON2ID = 2;

/**
 * Password hashing behind one small class so tests of the rules around it need
 * not pay for argon2. Parameters: OWASP's argon2id minimum (19 MiB, 2 passes).
 */
@Injectable()
export class PasswordHasher {
  /** Verified against when the login is unknown, so a wrong login takes as long as a wrong password. */
  private dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  }

  async verify(stored: string | null, password: string): Promise<boolean> {
    if (!stored) {
      await verify(await (this.dummy ??= this.hash('camnet-no-such-user')), password).catch(() => false);
      return false;
    }
    return verify(stored, password).catch(() => false);
  }
}
