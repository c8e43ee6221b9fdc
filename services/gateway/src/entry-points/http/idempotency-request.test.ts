import { describe, expect, it } from 'vitest';
import { idempotencyKeyOf, idempotentRouteMatcher, Outcome, outcomeOf, requestHash } from './idempotency-request.js';

describe('idempotency requests', () => {
  it('when a path matches a route pattern with its method, then it takes a key; the query does not matter', () => {
    const matches = idempotentRouteMatcher([
      { method: 'POST', path: '/v1/orders' },
      { method: 'POST', path: '/v1/orders/:id/cancel' },
    ]);
    expect(matches('POST', '/v1/orders')).toBe(true);
    expect(matches('POST', '/v1/orders?x=1')).toBe(true);
    expect(matches('POST', '/v1/orders/o-1/cancel')).toBe(true);
    expect(matches('GET', '/v1/orders')).toBe(false);
    expect(matches('POST', '/v1/orders/o-1')).toBe(false);
    expect(matches('POST', '/v1/orders/a/b/cancel')).toBe(false);
  });

  it('when the key is 1 to 255 printable ASCII characters, then it is taken; else 400', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('a b~')).toBe('a b~');
    for (const bad of ['', 'x'.repeat(256), 'tab\there', 'é', ['a', 'b']]) {
      expect(() => idempotencyKeyOf(bad)).toThrow(
        expect.objectContaining({ code: 'ORDO_ERR_IDEMPOTENCY_KEY_INVALID' }),
      );
    }
  });

  it('when two bodies differ only in key order or spacing, then they are the same request; a parsed and a raw body agree', () => {
    const parsed = requestHash('POST', '/v1/orders', { b: [1, { d: 2, c: 3 }], a: 'x' });
    expect(requestHash('POST', '/v1/orders', Buffer.from('{ "a": "x", "b": [1, {"c": 3, "d": 2}] }'))).toBe(parsed);
    expect(requestHash('POST', '/v1/orders', { a: 'x', b: [{ c: 3, d: 2 }, 1] })).not.toBe(parsed);
    expect(requestHash('POST', '/v1/other', { b: [1, { d: 2, c: 3 }], a: 'x' })).not.toBe(parsed);
    expect(requestHash('POST', '/v1/orders', undefined)).toBe(requestHash('POST', '/v1/orders', Buffer.alloc(0)));
  });

  it('when an answer is a refusal or a retryable 4xx, then the key is released; results and every 5xx are kept', () => {
    const error = (code: string) => JSON.stringify({ error: { code, message: '' } });
    expect(outcomeOf(202, '{}')).toBe(Outcome.Store);
    for (const status of [400, 401, 403, 404, 413, 415, 429]) expect(outcomeOf(status, '')).toBe(Outcome.Release);
    expect(outcomeOf(409, error('ORDO_ERR_ORDER_CONCURRENT_UPDATE'))).toBe(Outcome.Release);
    expect(outcomeOf(409, error('ORDO_ERR_ORDER_NOT_CANCELLABLE'))).toBe(Outcome.Store);
    expect(outcomeOf(422, error('ORDO_ERR_ORDER_ITEM_UNAVAILABLE'))).toBe(Outcome.Store);
    expect(outcomeOf(500, error('ORDO_ERR_HTTP_INTERNAL'))).toBe(Outcome.Store);
    expect(outcomeOf(503, error('ORDO_ERR_GATEWAY_UPSTREAM_UNAVAILABLE'))).toBe(Outcome.Store);
  });
});
