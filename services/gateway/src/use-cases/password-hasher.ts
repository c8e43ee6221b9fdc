// Password hashing as the use cases need it, including the decoy verification that makes a
// login for an unknown email cost as much as one with a wrong password.
import { randomUUID } from 'node:crypto';
import { DEFAULT_PASSWORD_HASH_PARAMS, hashPassword, type PasswordHashParams, verifyPassword } from '@ordo/auth';

export class PasswordHasher {
  private decoy: Promise<string> | undefined;

  constructor(private readonly params: PasswordHashParams = DEFAULT_PASSWORD_HASH_PARAMS) {}

  hash(password: string): Promise<string> {
    return hashPassword(password, this.params);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verifyPassword(passwordHash, password);
  }

  /** Runs a verification as expensive as a real one, against a hash no password matches; always false. */
  async verifyDecoy(password: string): Promise<false> {
    await verifyPassword(await this.decoyHash(), password);
    return false;
  }

  /** Computes the decoy hash ahead of the first login (at service start). */
  async warmUp(): Promise<void> {
    await this.decoyHash();
  }

  private decoyHash(): Promise<string> {
    // Same parameters as real hashes, so the decoy takes as long; a random password nobody knows.
    this.decoy ??= this.hash(randomUUID());
    return this.decoy;
  }
}
