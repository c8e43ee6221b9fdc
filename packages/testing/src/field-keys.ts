// Field-encryption keys for in-process tests: one random master key per test process, and each
// service handed only its own purposes, as the hosts do (ADR 0023).
import { type FieldKeys, generateMasterKey, Keyring, parseMasterKey, purposesOf } from '@ordo/crypto';

const master = parseMasterKey(generateMasterKey());

/** The keys `service` holds in production (none for restaurant, payment, psp-sim). */
export function testFieldKeys(service: string, options: Omit<FieldKeys, 'keyring'> = {}): FieldKeys {
  return { ...options, keyring: Keyring.fromMasterKeys([master], purposesOf(service)) };
}

/** A string shaped like a sealed address, for repository tests that never open it. */
export const SEALED_PLACEHOLDER = 'ordo1.address.0000000000000000.0000000000000000.AAAA.AAAA';
