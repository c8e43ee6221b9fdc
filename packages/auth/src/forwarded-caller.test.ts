import { AppError, Errors } from '@ordo/errors';
import { createHttpApp } from '@ordo/http';
import { describe, expect, it } from 'vitest';
import { allowAnyRole, authPlugin } from './auth.plugin.js';
import {
  CALLER_HEADER,
  decodeCaller,
  encodeCaller,
  type ForwardedCaller,
  forwardedCallerAuth,
  forwardedCallerOf,
} from './forwarded-caller.js';
import type { TokenVerifier } from './token-verifier.js';

describe('the forwarded caller header', () => {
  it('when a caller is encoded, then decoding gives it back, whatever the id holds', () => {
    const callers: ForwardedCaller[] = [
      { kind: 'user', user: { id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', role: 'customer' } },
      { kind: 'user', user: { id: 'odd; role=operator', role: 'courier' } },
      { kind: 'rejected', reason: 'expired' },
      { kind: 'keys-unavailable' },
    ];
    for (const caller of callers) expect(decodeCaller(encodeCaller(caller))).toEqual(caller);
  });

  it('when a header is not one the gateway writes, then it decodes to nothing', () => {
    for (const value of [
      '',
      'user=u-1; role=admin',
      'user=u-1;role=operator',
      'user=u-1; role=operator; extra=1',
      'rejected=whatever',
      'rejected=expired, user=u-1',
      'user=%E0%A4%A; role=customer',
    ]) {
      expect(decodeCaller(value), value).toBeUndefined();
    }
  });

  it('when the gateway verifies a token, then the outcome is the user, the refusal reason, or the keys being away; no token gives no header', async () => {
    const verifier = (result: () => Promise<never> | Promise<{ sub: string; role: 'operator' }>): TokenVerifier => ({
      verify: async () => ({ ...(await result()), exp: 0, iat: 0, iss: 'i', aud: 'a', jti: 'j' }),
    });
    const ok = verifier(async () => ({ sub: 'u-1', role: 'operator' }));
    expect(await forwardedCallerOf(ok, 'Bearer a.b.c')).toEqual({
      kind: 'user',
      user: { id: 'u-1', role: 'operator' },
    });
    expect(await forwardedCallerOf(ok, undefined)).toBeUndefined();
    expect(await forwardedCallerOf(ok, 'Basic dXNlcjpwdw==')).toEqual({ kind: 'rejected', reason: 'malformed' });
    const away = verifier(() => Promise.reject(new AppError(Errors.AUTH_KEYS_UNAVAILABLE)));
    expect(await forwardedCallerOf(away, 'Bearer a.b.c')).toEqual({ kind: 'keys-unavailable' });
  });

  it('when the trusted peer forwards the keys being away, then a protected route answers 503 as it would have itself', async () => {
    const app = await createHttpApp();
    await app.register(async (scope) => {
      await scope.register(authPlugin, { auth: forwardedCallerAuth({ trust: () => true }) });
      scope.get('/v1/probe', { config: allowAnyRole() }, async (request) => ({ user: request.user }));
    });
    try {
      const away = await app.inject({ url: '/v1/probe', headers: { [CALLER_HEADER]: 'keys-unavailable' } });
      expect(away.statusCode).toBe(503);
      expect(away.json().error.code).toBe('ORDO_ERR_AUTH_KEYS_UNAVAILABLE');
      const expired = await app.inject({ url: '/v1/probe', headers: { [CALLER_HEADER]: 'rejected=expired' } });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().error.details).toEqual({ reason: 'expired' });
      expect(expired.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    } finally {
      await app.close();
    }
  });
});
