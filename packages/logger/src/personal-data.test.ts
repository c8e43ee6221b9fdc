import { describe, expect, it } from 'vitest';
import { initials, maskEmail, maskPaymentToken, maskPersonalData, scrubText } from './personal-data.js';

describe('masked forms for operators', () => {
  it('when a card token is masked, then its first 4 and last 3 characters remain, and masking twice changes nothing', () => {
    expect(maskPaymentToken('tok_chargeable_visa')).toBe('tok_…isa');
    expect(maskPaymentToken(maskPaymentToken('tok_chargeable_visa'))).toBe('tok_…isa');
    expect(maskPaymentToken('tok_visa')).toBe('…');
  });

  it('when names and emails are masked, then initials and the domain remain', () => {
    expect(initials('  ada   lovelace ')).toBe('A. L.');
    expect(initials('Émile Zola')).toBe('É. Z.');
    expect(maskEmail('ada@example.com')).toBe('a…@example.com');
  });

  it('when a stored saga document is masked, then personal fields are masked at any depth and the rest is kept', () => {
    const data = {
      orderId: 'o-1',
      paymentToken: 'tok_chargeable_visa',
      dropoff: { line1: 'Unter den Linden 1', lat: 52.517123, lng: 13.389456 },
      lines: [{ menuItemId: 'm-1', quantity: 2 }],
      reply: { payload: { customer: { customerName: 'Ada Lovelace', email: 'ada@example.com' } } },
      note: 'called ada@example.com about tok_chargeable_visa',
    };
    expect(maskPersonalData(data)).toEqual({
      orderId: 'o-1',
      paymentToken: 'tok_…isa',
      dropoff: { lat: 52.52, lng: 13.39 },
      lines: [{ menuItemId: 'm-1', quantity: 2 }],
      reply: { payload: { customer: { customerName: 'A. L.', email: 'a…@example.com' } } },
      note: 'called a…@example.com about tok_…isa',
    });
    expect(data.dropoff.line1).toBe('Unter den Linden 1');
  });

  it('when free text holds no email or token, then it is returned unchanged', () => {
    const text = 'ORDO_ERR_PAYMENT_DECLINED: card_token is required at /items/0';
    expect(scrubText(text)).toBe(text);
  });
});
