// The gateway's request and response shapes as zod schemas: the routes validate with them and
// the docs at /docs show them. Bodies check shape only; the rules (email format, password length)
// live in the domain, so every entry point applies the same ones. Bodies are strict: an unknown
// key is a 400, not silently dropped (a client sending `role` learns it is not accepted).
import { ALL_ROLES, type Role } from '@ordo/auth';
import { z } from 'zod';

const role = z.enum(ALL_ROLES as [Role, ...Role[]]);

export const credentialsBody = z.strictObject({
  email: z.string(),
  password: z.string().meta({ description: '8 to 128 characters (after Unicode NFKC normalization).' }),
});

export const registerBody = credentialsBody.extend({ name: z.string().min(1).max(100).optional() });

export const createUserBody = registerBody.extend({ role });

// Responses name every field they send: a handler typed with one cannot leak another (a password hash).
export const userSchema = z.object({ id: z.string(), email: z.string(), role }).meta({ id: 'User' });
export type UserResponse = z.output<typeof userSchema>;

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  role,
  name: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type MeResponse = z.output<typeof meSchema>;

export const refreshTokenBody = z.strictObject({
  refreshToken: z.string().max(512).meta({ description: 'The refresh token of the last login or refresh.' }),
});

export const tokenSchema = z.object({
  accessToken: z.string().meta({ description: 'A JWT (RFC 9068 profile); send it as `Authorization: Bearer …`.' }),
  expiresIn: z.number().int().meta({ description: 'Seconds until it expires.' }),
  tokenType: z.literal('Bearer'),
  refreshToken: z.string().meta({
    description: 'Opaque and single-use: exchange it at POST /v1/auth/refresh for the next pair. Keep it secret.',
  }),
  refreshExpiresIn: z.number().int().meta({ description: 'Seconds until the refresh token expires.' }),
});

/** Nothing to say (yet): no body or `{}`; anything else is refused like every other body. */
export const rotateKeysBody = z.strictObject({});

export const keyRotationSchema = z.object({
  signing: z.object({
    kid: z.string().meta({ description: 'The key new tokens are signed with from now on.' }),
    retired: z
      .array(z.string())
      .meta({ description: 'Keys that stopped signing; they verify until their tokens expire.' }),
    dropped: z.array(z.string()).meta({ description: 'Retired keys removed from the JWKS (no valid token left).' }),
  }),
  dataKeys: z
    .record(
      z.string(),
      z.object({
        current: z.record(z.string(), z.string()).meta({ description: 'The new current data key id per purpose.' }),
        rewrapped: z.number().int().meta({ description: 'Stored data keys re-wrapped under the current master key.' }),
        unreadable: z
          .array(z.string())
          .meta({ description: 'Data keys no configured master key unwraps (they stay as they are).' }),
      }),
    )
    .meta({
      description:
        'Per service schema this gateway reaches (its own; every service in the embedded shape): data keys rotated (ADR 0023).',
    }),
});
export type KeyRotationResponse = z.output<typeof keyRotationSchema>;

export const jwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional() })),
});
