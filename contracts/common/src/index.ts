// Shapes every context's contracts share: ids, money, places, and the fields the saga
// orchestrator adds to each command and expects back in each reply.
import { z } from 'zod';

export const id = z.string().min(1).max(100);
export const uuid = z.uuid();
export const amountCents = z.number().int().nonnegative().max(100_000_000);
export const currency = z.enum(['EUR']);
export const isoTime = z.iso.datetime({ offset: true });

export const geoPoint = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});
export type GeoPoint = z.infer<typeof geoPoint>;

export const address = geoPoint.extend({ line1: z.string().min(1).max(200) });
export type Address = z.infer<typeof address>;

/** Who takes the order at the door: what the courier needs to reach them. */
export const contact = z.object({
  name: z.string().min(1).max(100),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()/-]{3,32}$/, 'must be a phone number: digits, spaces, ( ) / - and an optional leading +'),
});
export type Contact = z.infer<typeof contact>;

/**
 * A personal field sealed with AES-256-GCM (ADR 0023): `ordo1.<purpose>.<key id>.<data key id>.
 * <wrapped data key>.<ciphertext>`. Only the services that hold the purpose's key can open it.
 */
export const sealedValue = z
  .string()
  .max(16_384)
  .regex(/^ordo1\.[a-z]+\.[0-9a-f]{16}\.[0-9a-f]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be a sealed value')
  .meta({ description: 'A sealed personal field (ADR 0023); opened only by the services entitled to it.' });
export type SealedValue = z.infer<typeof sealedValue>;

/**
 * A sealed address, or a clear one from a message published before sealing (ADR 0023): a consumer
 * accepts both, so messages in flight during the upgrade still go through.
 */
export const sealedAddress = z.union([sealedValue, address]);
export type SealedAddress = z.infer<typeof sealedAddress>;

/** Added by the orchestrator to every command; `commandId` is the same on every retry. */
export const commandMeta = z.object({ sagaId: id, commandId: id });

/** Echoed by the participant in every reply, so the orchestrator can match it. */
export const replyMeta = z.object({ sagaId: id, commandId: id });

/** A message type and its payload schema, as published in a context's contract. */
export interface MessageContract<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly schema: S;
}

export function message<const T extends string, S extends z.ZodType>(
  type: T,
  schema: S,
): MessageContract<S> & { type: T } {
  return { type, schema };
}

/** `{ type: schema }` for a SchemaRegistry, from a group of contracts. */
export function schemasOf(group: Readonly<Record<string, MessageContract>>): Record<string, z.ZodType> {
  return Object.fromEntries(Object.values(group).map((c) => [c.type, c.schema]));
}
