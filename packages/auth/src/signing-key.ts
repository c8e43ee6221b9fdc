// Generating a key pair and moving it in and out of its stored form (JWK).
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { SIGNING_ALGORITHM, type SigningKey } from './key-store.port.js';

export interface StoredKeyPair {
  kid: string;
  alg: typeof SIGNING_ALGORITHM;
  publicJwk: JWK;
  privateJwk: JWK;
}

export async function generateStoredKeyPair(): Promise<StoredKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg: SIGNING_ALGORITHM, publicJwk, privateJwk };
}

export async function toSigningKey(stored: Pick<StoredKeyPair, 'kid' | 'privateJwk'>): Promise<SigningKey> {
  const privateKey = await importJWK(stored.privateJwk, SIGNING_ALGORITHM, { extractable: false });
  if (privateKey instanceof Uint8Array) throw new Error(`signing key ${stored.kid} is not an asymmetric key`);
  return { kid: stored.kid, alg: SIGNING_ALGORITHM, privateKey };
}

/** The public JWK as published: never the private parameters, always kid, alg and use. */
export function toPublishedJwk(stored: Pick<StoredKeyPair, 'kid' | 'publicJwk'>): JWK {
  const { kty, crv, x, y } = stored.publicJwk;
  return { kty, crv, x, y, kid: stored.kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}
