import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from './password-policy.js';

describe('checkPasswordPolicy', () => {
  it('when a password has 8 to 128 characters, then it passes', () => {
    expect(() => checkPasswordPolicy('12345678')).not.toThrow();
    expect(() => checkPasswordPolicy('x'.repeat(128))).not.toThrow();
  });

  it('when a password has 7 or 129 characters, then ORDO_ERR_AUTH_PASSWORD_POLICY', () => {
    for (const password of ['1234567', 'x'.repeat(129)]) {
      expect(() => checkPasswordPolicy(password)).toThrow(
        expect.objectContaining({ code: 'ORDO_ERR_AUTH_PASSWORD_POLICY', details: { minLength: 8, maxLength: 128 } }),
      );
    }
  });

  it('when characters lie outside the basic plane, then each counts once', () => {
    expect(() => checkPasswordPolicy('🍕'.repeat(8))).not.toThrow(); // 16 UTF-16 units, 8 characters
    expect(() => checkPasswordPolicy('🍕'.repeat(7))).toThrow();
  });
});
