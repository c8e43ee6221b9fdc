// A session is an access token plus a refresh token of one family. Login starts a family;
// each refresh continues it with a new pair.
import { randomUUID } from 'node:crypto';
import type { Role, TokenIssuer, TokenResponse } from '@ordo/auth';
import type { NewRefreshToken, RefreshTokenRepository } from '../data-access/refresh-token.repository.js';
import { hashRefreshToken, newRefreshToken } from '../domain/refresh-token.js';

export interface SessionDeps {
  tokens: TokenIssuer;
  refreshTokens: RefreshTokenRepository;
  refreshTokenTtlSeconds: number;
  now: () => Date;
}

/** The body of a successful login or refresh. */
export interface SessionTokens extends TokenResponse {
  /** Opaque; exchange it at POST /v1/auth/refresh. Single use. */
  refreshToken: string;
  /** Seconds until the refresh token expires. */
  refreshExpiresIn: number;
}

/** A fresh refresh token: the value for the client, the row for the store. */
export function mintRefreshToken(deps: SessionDeps): { token: string; row: NewRefreshToken } {
  const token = newRefreshToken();
  const issuedAt = deps.now();
  const expiresAt = new Date(issuedAt.getTime() + deps.refreshTokenTtlSeconds * 1000);
  return { token, row: { tokenHash: hashRefreshToken(token), issuedAt, expiresAt } };
}

export async function withAccessToken(
  deps: SessionDeps,
  user: { id: string; role: Role },
  refreshToken: string,
): Promise<SessionTokens> {
  const access = await deps.tokens.issue({ userId: user.id, role: user.role });
  return { ...access, refreshToken, refreshExpiresIn: deps.refreshTokenTtlSeconds };
}

/** Starts a new family for `user` (a login). */
export async function startSession(deps: SessionDeps, user: { id: string; role: Role }): Promise<SessionTokens> {
  const { token, row } = mintRefreshToken(deps);
  await deps.refreshTokens.startFamily(randomUUID(), user.id, row);
  return withAccessToken(deps, user, token);
}
