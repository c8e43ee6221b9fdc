// Which fields hold personal data, and how each kind is shown when it must be shown at all. One
// policy for the log redaction and the operator views, so a field named here is hidden in both.

/** What stands in for a value that is not shown in any form. */
export const REDACTED = '[redacted]';

/** The kinds of personal data Ordo handles; each has its own masked form. */
export type PersonalKind = 'name' | 'email' | 'phone' | 'address' | 'street' | 'paymentToken' | 'secret';

// Field names as they appear in contracts, request bodies, rows and headers, compared without
// case, `_` or `-` (so `delivery_address`, `deliveryAddress` and `Delivery-Address` are one).
const FIELDS: Readonly<Record<string, PersonalKind>> = {
  name: 'name',
  customerName: 'name',
  courierName: 'name',
  fullName: 'name',
  firstName: 'name',
  lastName: 'name',
  displayName: 'name',
  email: 'email',
  emailAddress: 'email',
  phone: 'phone',
  phoneNumber: 'phone',
  mobile: 'phone',
  address: 'address',
  deliveryAddress: 'address',
  dropoff: 'address',
  line1: 'street',
  line2: 'street',
  street: 'street',
  dropoffLine1: 'street',
  paymentToken: 'paymentToken',
  cardToken: 'paymentToken',
  card: 'paymentToken',
  pan: 'secret',
  cvc: 'secret',
  cvv: 'secret',
  password: 'secret',
  newPassword: 'secret',
  passwordHash: 'secret',
  authorization: 'secret',
  proxyAuthorization: 'secret',
  cookie: 'secret',
  setCookie: 'secret',
  token: 'secret',
  accessToken: 'secret',
  refreshToken: 'secret',
  idToken: 'secret',
  claimToken: 'secret',
  secret: 'secret',
  apiKey: 'secret',
  xApiKey: 'secret',
};

const normalize = (field: string) => field.toLowerCase().replace(/[-_]/g, '');
const BY_NORMALIZED = new Map(Object.entries(FIELDS).map(([field, kind]) => [normalize(field), kind]));

/** The kind of personal data a field of this name holds, or undefined. */
export function personalKind(field: string): PersonalKind | undefined {
  return BY_NORMALIZED.get(normalize(field));
}

/** Every field name the policy covers, as camelCase, snake_case and kebab-case (for exact-match lookups). */
export function personalFieldNames(): readonly string[] {
  const spellings = Object.keys(FIELDS).flatMap((field) => {
    const words = field
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(' ');
    return [field, words.join('_'), words.join('-')];
  });
  return [...new Set(spellings)];
}

/** `tok_visa_4242` → `tok_…242`: enough to tell two cards apart, not enough to charge one. */
export function maskPaymentToken(token: string): string {
  if (token.includes('…')) return token;
  return token.length <= 8 ? '…' : `${token.slice(0, 4)}…${token.slice(-3)}`;
}

/** `Ada Lovelace` → `A. L.` */
export function initials(name: string): string {
  const letters = name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${Array.from(part)[0]?.toUpperCase()}.`);
  return letters.length > 0 ? letters.join(' ') : '…';
}

/** `ada@example.com` → `a…@example.com`: the domain helps support, the mailbox is hidden. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '…';
  return `${Array.from(email)[0]}…${email.slice(at)}`;
}

/** Only the last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length > 4 ? `…${digits.slice(-2)}` : '…';
}

/** A coordinate rounded to 0.01° (about a kilometre): the area, not the door. */
export function roundCoordinate(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface MaskedPlace {
  lat: number;
  lng: number;
}

/** An address without its street, its point rounded to the area. */
export function maskAddress(address: { lat: number; lng: number }): MaskedPlace {
  return { lat: roundCoordinate(address.lat), lng: roundCoordinate(address.lng) };
}

// Free text (error messages, notes, reasons) cannot be split into fields; these are the shapes
// of personal data that are recognisable in it.
const EMAIL = /[^\s@"'<>()[\],;:/?=&#]+@[^\s@"'<>()[\],;:/?=&#]+\.[A-Za-z]{2,}/g;
const PAYMENT_TOKEN = /\b(?:(?:tok|pm)_[A-Za-z0-9_]{4,}|card_[A-Za-z0-9]{8,})/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Free text with the recognisable personal data in it masked. */
export function scrubText(text: string): string {
  if (!text.includes('@') && !text.includes('_') && !text.includes('eyJ') && !/bearer|basic/i.test(text)) return text;
  return text
    .replace(JWT, '[token]')
    .replace(BEARER, '$1 [token]')
    .replace(EMAIL, (email) => maskEmail(email))
    .replace(PAYMENT_TOKEN, (token) => maskPaymentToken(token));
}

/** The masked form of a value of this kind, for a person who needs to recognise it, not use it. */
export function maskValue(kind: PersonalKind, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (kind) {
    case 'name':
      return typeof value === 'string' ? initials(value) : REDACTED;
    case 'email':
      return typeof value === 'string' ? maskEmail(value) : REDACTED;
    case 'phone':
      return typeof value === 'string' ? maskPhone(value) : REDACTED;
    case 'paymentToken':
      return typeof value === 'string' ? maskPaymentToken(value) : REDACTED;
    case 'address':
      return isPoint(value) ? maskAddress(value) : REDACTED;
    default:
      return REDACTED;
  }
}

function isPoint(value: unknown): value is { lat: number; lng: number } {
  const v = value as { lat?: unknown; lng?: unknown };
  return typeof value === 'object' && value !== null && typeof v.lat === 'number' && typeof v.lng === 'number';
}

const MAX_DEPTH = 12;

export interface MaskOptions {
  /** How an Error found inside the value is shown (the log's error serializer); default as is. */
  error?: (error: Error) => unknown;
}

/**
 * A copy of `value` with every personal field masked (`maskValue`) and free text scrubbed, at any
 * depth: for operator views of stored documents whose shape is open (saga data, step logs) and
 * for log records. Only plain objects and arrays are walked; other objects (a Date, a request)
 * are left to their own serializer.
 */
export function maskPersonalData<T>(value: T, options: MaskOptions = {}): T {
  return walk(value, 0, options) as T;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function walk(value: unknown, depth: number, options: MaskOptions): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return options.error ? options.error(value) : value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, options));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const kind = personalKind(key);
    out[key] = kind === undefined ? walk(item, depth + 1, options) : maskValue(kind, item);
  }
  return out;
}
