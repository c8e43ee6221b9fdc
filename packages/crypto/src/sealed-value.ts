// The stored and transmitted form of a sealed field: one self-describing string,
//   ordo1.<purpose>.<kek id>.<data key id>.<wrapped data key>.<nonce‖ciphertext‖tag>
// It carries everything an entitled reader needs (the data key, wrapped by its purpose's KEK), so
// a consumer in another database, or a Redis view, opens it with its own KEKs and nothing else.
import { isPurpose, type Purpose } from './purposes.js';

export const SEALED_PREFIX = 'ordo1';

export interface SealedParts {
  purpose: Purpose;
  kekId: string;
  dataKeyId: string;
  wrappedKey: string;
  ciphertext: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const HEX = /^[0-9a-f]+$/;

/** Whether `value` has the shape of a sealed value (says nothing about whether it opens). */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && parseSealed(value) !== undefined;
}

export function formatSealed(parts: SealedParts): string {
  return [SEALED_PREFIX, parts.purpose, parts.kekId, parts.dataKeyId, parts.wrappedKey, parts.ciphertext].join('.');
}

export function parseSealed(value: string): SealedParts | undefined {
  const parts = value.split('.');
  if (parts.length !== 6 || parts[0] !== SEALED_PREFIX) return undefined;
  const [, purpose, kekId, dataKeyId, wrappedKey, ciphertext] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!isPurpose(purpose) || !HEX.test(kekId) || !HEX.test(dataKeyId)) return undefined;
  if (!B64URL.test(wrappedKey) || !B64URL.test(ciphertext)) return undefined;
  return { purpose, kekId, dataKeyId, wrappedKey, ciphertext };
}
