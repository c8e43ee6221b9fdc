// POST /v1/auth/logout: revokes the family of the refresh token presented, so neither it nor
// any other token of that login works again. Idempotent, and silent about unknown tokens.
import type { RefreshTokenRepository } from '../data-access/refresh-token.repository.js';
import { hashRefreshToken, isRefreshTokenShaped, RevokeReason } from '../domain/refresh-token.js';

export async function logOut(
  deps: { refreshTokens: RefreshTokenRepository; now: () => Date },
  refreshToken: string,
): Promise<void> {
  if (!isRefreshTokenShaped(refreshToken)) return;
  await deps.refreshTokens.revokeFamilyOf(hashRefreshToken(refreshToken), deps.now(), RevokeReason.Logout);
}
