// POST /v1/auth/refresh: a refresh token in, a new access token and the next refresh token of
// the same family out. The token presented is spent; presenting it again revokes the family.
import { AppError, Errors } from '@ordo/errors';
import type { UserRepository } from '../data-access/user.repository.js';
import { hashRefreshToken, isRefreshTokenShaped, RefreshRefusal } from '../domain/refresh-token.js';
import { mintRefreshToken, type SessionDeps, type SessionTokens, withAccessToken } from './session.js';

export interface RefreshSessionDeps extends SessionDeps {
  users: UserRepository;
}

export function refreshRefused(reason: RefreshRefusal): AppError {
  return new AppError(Errors.AUTH_REFRESH_TOKEN_INVALID, { details: { reason } });
}

export async function refreshSession(deps: RefreshSessionDeps, refreshToken: string): Promise<SessionTokens> {
  if (!isRefreshTokenShaped(refreshToken)) throw refreshRefused(RefreshRefusal.Unknown);
  const next = mintRefreshToken(deps);
  const result = await deps.refreshTokens.rotate(hashRefreshToken(refreshToken), next.row);
  if (!result.ok) throw refreshRefused(result.refusal);
  // The role is read again, so a role change takes effect at the next refresh.
  const user = await deps.users.findById(result.userId);
  if (!user) throw refreshRefused(RefreshRefusal.Unknown);
  return withAccessToken(deps, user, next.token);
}
