// What may be sealed, and who may open it: the purposes (one key-encryption key each), the fields
// sealed under them, and which service holds which purpose. One declaration, read by the hosts
// when they hand each service its keys and by the tests that prove a service cannot open more.

/** A purpose has its own key-encryption key, derived from the master key. */
export const Purpose = {
  /** The customer's delivery address (order, delivery, query). */
  Address: 'address',
  /** The recipient's name and phone on an order (order, delivery, query). */
  Contact: 'contact',
  /** Users' names and emails in the gateway's accounts (gateway only). */
  Account: 'account',
  /** Stored answers of idempotent requests (gateway only). */
  Idempotency: 'idempotency',
  /** Private signing keys: the gateway's token keys, the audit log's checkpoint key. */
  Signing: 'signing',
} as const;
export type Purpose = (typeof Purpose)[keyof typeof Purpose];
export const ALL_PURPOSES: readonly Purpose[] = Object.values(Purpose);

export function isPurpose(value: string): value is Purpose {
  return (ALL_PURPOSES as readonly string[]).includes(value);
}

/**
 * A sealed field: its purpose (which key opens it) and its name, which is bound into the
 * ciphertext (AAD) so a value cannot be moved to another field, even one of the same purpose.
 */
export interface SealedField {
  readonly purpose: Purpose;
  readonly name: string;
}

function field(purpose: Purpose, name: string): SealedField {
  return { purpose, name };
}

/** Every field Ordo seals. A value keeps its field name wherever it travels (event, command, view). */
export const SealedFields = {
  deliveryAddress: field(Purpose.Address, 'delivery-address'),
  contact: field(Purpose.Contact, 'order-contact'),
  userName: field(Purpose.Account, 'user-name'),
  /** Sealed, and found by its keyed lookup hash (`FieldCipher.lookupHashes`). */
  userEmail: field(Purpose.Account, 'user-email'),
  idempotencyAnswer: field(Purpose.Idempotency, 'idempotency-answer'),
  tokenSigningKey: field(Purpose.Signing, 'token-signing-key'),
  auditSigningKey: field(Purpose.Signing, 'audit-signing-key'),
} as const;

/**
 * Fields that are never sealed, only HMACed under their purpose's lookup key, so that the hash of
 * one value differs from field to field: login failure counters are keyed by the email's.
 */
export const LookupFields = {
  loginAccount: field(Purpose.Account, 'login-account'),
} as const;

/** Purposes whose values are also found by a keyed index: they get a lookup key besides their KEK. */
export const LOOKUP_PURPOSES: readonly Purpose[] = [Purpose.Account];

/**
 * The purposes each service holds. A process is given the key-encryption keys of its own
 * purposes only: restaurant, payment and psp-sim hold none, so an address they see stays sealed.
 */
export const ENTITLEMENTS: Readonly<Record<string, readonly Purpose[]>> = {
  gateway: [Purpose.Account, Purpose.Idempotency, Purpose.Signing],
  order: [Purpose.Address, Purpose.Contact],
  delivery: [Purpose.Address, Purpose.Contact],
  query: [Purpose.Address, Purpose.Contact],
  audit: [Purpose.Signing],
  restaurant: [],
  payment: [],
  'psp-sim': [],
};

/** The purposes `service` holds (none for a service the table does not name). */
export function purposesOf(service: string): readonly Purpose[] {
  return ENTITLEMENTS[service] ?? [];
}
