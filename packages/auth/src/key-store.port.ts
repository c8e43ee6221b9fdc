// Where the token signing keys live. The gateway owns the private keys; everyone else only
// ever sees the public half, as a JWKS.
import type { CryptoKey, JSONWebKeySet } from 'jose';

/** ES256 (ECDSA P-256): supported by every JOSE library, WebCrypto and browsers, without flags. */
export const SIGNING_ALGORITHM = 'ES256';

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key; sent as the token's `kid` header. */
  kid: string;
  alg: typeof SIGNING_ALGORITHM;
  privateKey: CryptoKey;
}

/** The public keys tokens may be signed with, as served on `GET /.well-known/jwks.json`. */
export interface PublicKeySource {
  publicKeys(): Promise<JSONWebKeySet>;
}

export interface KeyStore extends PublicKeySource {
  /** The key new tokens are signed with; created on first use when there is none. */
  signingKey(): Promise<SigningKey>;
}

/** What one rotation did: the key that signs from now on, and what happened to the older ones. */
export interface SigningKeyRotation {
  /** The new current key. */
  kid: string;
  /** Keys that stopped signing now; they keep verifying until their tokens have expired. */
  retired: string[];
  /** Retired keys old enough that no token they signed is still valid; gone from the store. */
  dropped: string[];
}

export interface RotatableKeyStore extends KeyStore {
  /** Creates a new key and makes it current; older keys keep verifying for a while. */
  rotate(): Promise<SigningKeyRotation>;
}
