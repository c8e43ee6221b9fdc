// The double-entry ledger of a payment: every movement is a journal of lines whose signed
// amounts sum to zero, so money is never created or lost between accounts.
//
//   customer_funds   what the customer's card can still spend (goes negative while held/paid)
//   psp_holds        authorized and not yet captured or released
//   merchant_settled captured: owed to Ordo by the PSP, less refunds
export const LedgerAccount = {
  CustomerFunds: 'customer_funds',
  PspHolds: 'psp_holds',
  MerchantSettled: 'merchant_settled',
} as const;
export type LedgerAccount = (typeof LedgerAccount)[keyof typeof LedgerAccount];

export const JournalKind = {
  Hold: 'hold',
  Capture: 'capture',
  Void: 'void',
  Refund: 'refund',
} as const;
export type JournalKind = (typeof JournalKind)[keyof typeof JournalKind];

export interface LedgerLine {
  readonly account: LedgerAccount;
  /** Signed: positive debits the account, negative credits it. */
  readonly amountCents: number;
}

export interface Journal {
  readonly kind: JournalKind;
  readonly lines: readonly LedgerLine[];
}

function journal(kind: JournalKind, lines: LedgerLine[]): Journal {
  const nonZero = lines.filter((l) => l.amountCents !== 0);
  if (nonZero.reduce((sum, l) => sum + l.amountCents, 0) !== 0) throw new Error(`unbalanced ${kind} journal`);
  return { kind, lines: nonZero };
}

/** The card's funds move into a hold. */
export function holdJournal(authorizedCents: number): Journal {
  return journal(JournalKind.Hold, [
    { account: LedgerAccount.PspHolds, amountCents: authorizedCents },
    { account: LedgerAccount.CustomerFunds, amountCents: -authorizedCents },
  ]);
}

/** The hold ends: the captured part is settled, the rest goes back to the card. */
export function captureJournal(authorizedCents: number, capturedCents: number): Journal {
  return journal(JournalKind.Capture, [
    { account: LedgerAccount.PspHolds, amountCents: -authorizedCents },
    { account: LedgerAccount.MerchantSettled, amountCents: capturedCents },
    { account: LedgerAccount.CustomerFunds, amountCents: authorizedCents - capturedCents },
  ]);
}

/** The whole hold goes back to the card. */
export function voidJournal(authorizedCents: number): Journal {
  return journal(JournalKind.Void, [
    { account: LedgerAccount.PspHolds, amountCents: -authorizedCents },
    { account: LedgerAccount.CustomerFunds, amountCents: authorizedCents },
  ]);
}

/** Settled money goes back to the card. */
export function refundJournal(refundedCents: number): Journal {
  return journal(JournalKind.Refund, [
    { account: LedgerAccount.MerchantSettled, amountCents: -refundedCents },
    { account: LedgerAccount.CustomerFunds, amountCents: refundedCents },
  ]);
}
