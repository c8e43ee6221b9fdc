import { deliverySchemas } from '@ordo/contracts-delivery';
import { orderSchemas } from '@ordo/contracts-order';
import { PaymentCommands, paymentSchemas } from '@ordo/contracts-payment';
import { restaurantSchemas } from '@ordo/contracts-restaurant';
import { SchemaRegistry } from '@ordo/messaging';
import { describe, expect, it } from 'vitest';

const all = [
  ['order', orderSchemas],
  ['restaurant', restaurantSchemas],
  ['payment', paymentSchemas],
  ['delivery', deliverySchemas],
] as const;

describe('published contracts', () => {
  it('when all contexts are registered together, then every message type is unique, versioned and owned by its context', () => {
    const registry = new SchemaRegistry();
    const seen = new Set<string>();
    for (const [context, schemas] of all) {
      for (const type of Object.keys(schemas)) {
        expect(seen.has(type), type).toBe(false);
        seen.add(type);
        expect(type, type).toMatch(new RegExp(`^${context}\\.[a-z_.]+\\.v\\d+$`));
      }
      registry.registerAll(schemas);
    }
    expect(seen.size).toBeGreaterThan(25);
  });

  it('when a command lacks the saga fields or has a negative amount, then its schema rejects it', () => {
    const authorize = PaymentCommands.authorize.schema;
    const valid = {
      sagaId: 's1',
      commandId: 's1:authorize-payment:invoke',
      orderId: 'o1',
      customerId: 'c1',
      amountCents: 1250,
      currency: 'EUR',
      paymentToken: 'tok_visa',
    };
    expect(authorize.safeParse(valid).success).toBe(true);
    expect(authorize.safeParse({ ...valid, sagaId: undefined }).success).toBe(false);
    expect(authorize.safeParse({ ...valid, amountCents: -1 }).success).toBe(false);
    expect(authorize.safeParse({ ...valid, currency: 'USD' }).success).toBe(false);
  });
});
