// What an access token says, and who the caller is once it has been verified.
import type { Role } from './role.js';

/** The claims of an Ordo access token (RFC 9068 profile, `typ: at+jwt`). Times in seconds since the epoch. */
export interface AccessTokenClaims {
  /** The user id. */
  sub: string;
  role: Role;
  exp: number;
  iat: number;
  iss: string;
  aud: string;
  /** Unique per token, so a later step can revoke or audit single tokens. */
  jti: string;
}

/** `request.user` on an authenticated request. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
}

/** What `TokenIssuer.issue` returns; the body of a successful login. */
export interface TokenResponse {
  accessToken: string;
  /** Seconds until the token expires. */
  expiresIn: number;
  tokenType: 'Bearer';
}
