import { describe, expect, it } from 'vitest';
import { normalizeEmail, tryNormalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it('when an address has spaces around it and capitals, then it is trimmed and lower-cased', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });

  it('when an address is implausible, then ORDO_ERR_AUTH_INVALID_EMAIL', () => {
    const bad = [
      '',
      'ada',
      'ada@',
      '@example.com',
      'ada@example',
      'ada@@example.com',
      'a da@example.com',
      'ada@example.',
    ];
    for (const raw of bad) expect(tryNormalizeEmail(raw), raw).toBeUndefined();
    expect(() => normalizeEmail('ada@example')).toThrow(
      expect.objectContaining({ code: 'ORDO_ERR_AUTH_INVALID_EMAIL' }),
    );
  });

  it('when an address is longer than 254 characters or its local part longer than 64, then it is refused', () => {
    expect(tryNormalizeEmail(`${'a'.repeat(65)}@example.com`)).toBeUndefined();
    expect(tryNormalizeEmail(`a@${'b'.repeat(250)}.com`)).toBeUndefined();
    expect(tryNormalizeEmail(`${'a'.repeat(64)}@example.com`)).toBeDefined();
  });
});
