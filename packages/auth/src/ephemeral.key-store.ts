// A KeyStore that keeps one fresh key pair in memory: for unit tests, and for tests that need
// "a token signed by some other key". Never for a running service (tokens die with the process).
import type { JSONWebKeySet } from 'jose';
import type { KeyStore, SigningKey } from './key-store.port.js';
import { generateStoredKeyPair, type StoredKeyPair, toPublishedJwk, toSigningKey } from './signing-key.js';

export class EphemeralKeyStore implements KeyStore {
  private pair: Promise<StoredKeyPair> | undefined;
  private key: Promise<SigningKey> | undefined;

  async signingKey(): Promise<SigningKey> {
    this.key ??= this.stored().then(toSigningKey);
    return this.key;
  }

  async publicKeys(): Promise<JSONWebKeySet> {
    return { keys: [toPublishedJwk(await this.stored())] };
  }

  private stored(): Promise<StoredKeyPair> {
    this.pair ??= generateStoredKeyPair();
    return this.pair;
  }
}
