import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('when a password is hashed, then the hash is argon2id with the default parameters and a salt', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
  });

  it('when the right password is given, then it verifies, and a wrong one does not', async () => {
    const stored = await hashPassword('correct horse battery');
    await expect(verifyPassword(stored, 'correct horse battery')).resolves.toBe(true);
    await expect(verifyPassword(stored, 'correct horse batterY')).resolves.toBe(false);
  });

  it('when the same password arrives in another Unicode form, then it still verifies', async () => {
    const stored = await hashPassword('cafe\u0301-secret'); // e + combining acute accent
    await expect(verifyPassword(stored, 'caf\u00e9-secret')).resolves.toBe(true);
  });
});
