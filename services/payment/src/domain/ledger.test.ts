import { describe, expect, it } from 'vitest';
import { captureJournal, holdJournal, type Journal, refundJournal, voidJournal } from './ledger.js';

const sum = (j: Journal) => j.lines.reduce((s, l) => s + l.amountCents, 0);
const balance = (journals: Journal[], account: string) =>
  journals.flatMap((j) => j.lines).reduce((s, l) => (l.account === account ? s + l.amountCents : s), 0);

describe('ledger journals', () => {
  it('when any journal is built, then its lines sum to zero', () => {
    for (const j of [holdJournal(1_000), captureJournal(1_000, 800), voidJournal(1_000), refundJournal(300)]) {
      expect(sum(j), j.kind).toBe(0);
    }
  });

  it('when a hold is captured in part and then refunded, then nothing is held and the card is down by what stays settled', () => {
    const journals = [holdJournal(1_000), captureJournal(1_000, 800), refundJournal(300)];
    expect(balance(journals, 'psp_holds')).toBe(0);
    expect(balance(journals, 'merchant_settled')).toBe(500);
    expect(balance(journals, 'customer_funds')).toBe(-500);
  });

  it('when a hold is voided, then every account is back to zero', () => {
    const journals = [holdJournal(1_000), voidJournal(1_000)];
    for (const account of ['psp_holds', 'merchant_settled', 'customer_funds'])
      expect(balance(journals, account)).toBe(0);
  });

  it('when the whole hold is captured, then no zero line is written', () => {
    expect(captureJournal(500, 500).lines.map((l) => l.account)).toEqual(['psp_holds', 'merchant_settled']);
  });
});
