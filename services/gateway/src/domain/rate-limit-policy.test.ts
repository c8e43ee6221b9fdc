import { describe, expect, it } from 'vitest';
import {
  classify,
  DEFAULT_RATE_LIMITS,
  parseRateLimitSettings,
  RateLimitClass,
  resolveRateLimits,
} from './rate-limit-policy.js';

describe('rate-limit classes', () => {
  it.each([
    ['POST', '/v1/auth/login', RateLimitClass.Auth],
    ['POST', '/v1/auth/register', RateLimitClass.Auth],
    ['POST', '/v1/orders', RateLimitClass.Money],
    ['POST', '/v1/orders/o-1/cancel', RateLimitClass.Money],
    ['POST', '/v1/ops/sagas/s-1/retry', RateLimitClass.Money],
    ['POST', '/v1/ops/sagas/s-1/resolve', RateLimitClass.Money],
    ['POST', '/v1/ops/payments/reconcile', RateLimitClass.Money],
    ['POST', '/v1/courier/deliveries/d-1/picked-up', RateLimitClass.Money],
    ['POST', '/v1/courier/deliveries/d-1/delivered', RateLimitClass.Write],
    ['POST', '/v1/couriers/me/locations', RateLimitClass.Locations],
    ['POST', '/v1/courier/position', RateLimitClass.Locations],
    ['PUT', '/v1/restaurants/r-1/availability', RateLimitClass.Write],
    ['POST', '/v1/users', RateLimitClass.Write],
    ['GET', '/v1/orders/o-1', RateLimitClass.Read],
    ['HEAD', '/v1/restaurants', RateLimitClass.Read],
  ])('when %s %s arrives, then it counts as %s', (method, path, expected) => {
    expect(classify(method, path)).toBe(expected);
  });

  it.each([
    ['GET', '/healthz'],
    ['GET', '/readyz'],
    ['GET', '/metrics'],
    ['GET', '/.well-known/jwks.json'],
    ['GET', '/docs'],
    ['GET', '/assets/index.js'],
    ['GET', '/'],
  ])('when %s %s arrives, then it is not limited', (method, path) => {
    expect(classify(method, path)).toBeUndefined();
  });
});

describe('rate-limit settings', () => {
  it('when nothing is changed, then the defaults apply: 10/min for logins and money, 100/min for reads', () => {
    expect(resolveRateLimits()).toEqual(DEFAULT_RATE_LIMITS);
    expect(DEFAULT_RATE_LIMITS).toMatchObject({
      auth: { max: 10, windowSeconds: 60 },
      money: { max: 10, windowSeconds: 60 },
      read: { max: 100, windowSeconds: 60 },
    });
  });

  it('when a factor and a class are given, then every max is scaled and the named class set as given', () => {
    const rules = resolveRateLimits(parseRateLimitSettings('{"factor":10,"auth":{"max":3,"windowSeconds":600}}'));
    expect(rules?.read).toEqual({ max: 1000, windowSeconds: 60 });
    expect(rules?.money).toEqual({ max: 100, windowSeconds: 60 });
    expect(rules?.auth).toEqual({ max: 3, windowSeconds: 600 });
  });

  it('when the setting is off, then there are no limits', () => {
    expect(resolveRateLimits(parseRateLimitSettings('off'))).toBeUndefined();
  });

  it.each([
    ['not json', 'must be `off` or JSON'],
    ['{"reads":{"max":5}}', 'reads'],
    ['{"read":{"max":-1}}', 'read.max'],
    ['{"read":{"max":5,"burst":2}}', 'burst'],
    ['{"factor":0}', 'factor'],
  ])('when the setting is %s, then it is refused naming the problem', (text, problem) => {
    expect(() => parseRateLimitSettings(text)).toThrow(problem);
  });
});
