// The gateway's operations as the docs at /docs list them, with the schemas its routes validate with.
import { ALL_ROLES, JWKS_PATH } from '@ordo/auth';
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import {
  createUserBody,
  credentialsBody,
  jwksSchema,
  keyRotationSchema,
  meSchema,
  refreshTokenBody,
  registerBody,
  rotateKeysBody,
  tokenSchema,
  userSchema,
} from './schemas.js';

const badCredentials = {
  description: 'The email is not plausible or the password breaks the policy.',
  errors: [Errors.AUTH_INVALID_EMAIL, Errors.AUTH_PASSWORD_POLICY],
};
const emailTaken = { description: 'An account with this email exists.', errors: [Errors.AUTH_EMAIL_TAKEN] };
const bodyLimit = 'Bodies are limited to 16 KiB.';

export const gatewayApi: readonly ApiOperation[] = [
  {
    method: 'POST',
    path: '/v1/auth/register',
    summary: 'Register as a customer',
    description: `Self-registration always creates a customer account. ${bodyLimit}`,
    tags: ['Auth'],
    body: registerBody,
    responses: {
      201: { description: 'The new account.', schema: userSchema },
      400: badCredentials,
      409: emailTaken,
    },
  },
  {
    method: 'POST',
    path: '/v1/auth/login',
    summary: 'Log in',
    description: `Email and password for an access token and a refresh token. An unknown email and a wrong password get the same answer. After 5 failures in a row, further attempts for the account or from the address wait 1, 2, 4… seconds (up to 1 minute per account, 15 minutes per address): meanwhile the answer is 429 with Retry-After and the password is not checked. ${bodyLimit}`,
    tags: ['Auth'],
    body: credentialsBody,
    responses: {
      200: { description: 'A session: access token and refresh token (not cached).', schema: tokenSchema },
      401: { description: 'Wrong email or password.', errors: [Errors.AUTH_INVALID_CREDENTIALS] },
      429: { description: 'Too many failures; retry after Retry-After.', errors: [Errors.AUTH_LOGIN_THROTTLED] },
    },
  },
  {
    method: 'POST',
    path: '/v1/auth/refresh',
    summary: 'Renew a session',
    description: `Exchanges a refresh token for a new access token and the next refresh token of the same session; the one presented is spent. Presenting a spent token again ends the whole session (every token of it is refused afterwards), so a client must not refresh twice with one token. ${bodyLimit}`,
    tags: ['Auth'],
    body: refreshTokenBody,
    responses: {
      200: { description: 'The next access and refresh token (not cached).', schema: tokenSchema },
      401: {
        description: 'The refresh token is unknown, expired, revoked or was already used; log in again.',
        errors: [Errors.AUTH_REFRESH_TOKEN_INVALID],
      },
    },
  },
  {
    method: 'POST',
    path: '/v1/auth/logout',
    summary: 'Log out',
    description: `Ends the session the refresh token belongs to: none of its refresh tokens works again. Idempotent; an unknown token is answered the same way. Access tokens already issued stay valid until they expire (at most 15 minutes). ${bodyLimit}`,
    tags: ['Auth'],
    body: refreshTokenBody,
    responses: { 204: { description: 'Logged out.' } },
  },
  {
    method: 'GET',
    path: JWKS_PATH,
    summary: 'The token signing keys',
    description: 'The public keys (JWKS) access tokens are signed with, for services that verify tokens.',
    tags: ['Auth'],
    responses: { 200: { description: 'The key set.', schema: jwksSchema } },
  },
  {
    method: 'POST',
    path: '/v1/users',
    summary: 'Create an account of any role',
    description: bodyLimit,
    tags: ['Users'],
    roles: ['operator'],
    body: createUserBody,
    responses: {
      201: { description: 'The new account.', schema: userSchema },
      400: badCredentials,
      409: emailTaken,
    },
  },
  {
    method: 'GET',
    path: '/v1/me',
    summary: 'Who am I',
    tags: ['Users'],
    roles: [...ALL_ROLES],
    responses: { 200: { description: 'The caller’s account.', schema: meSchema } },
  },
  {
    method: 'POST',
    path: '/v1/ops/keys/rotate',
    summary: 'Rotate the token signing key and the data keys',
    description:
      'Creates a new signing key and makes it current. Older keys stay in the JWKS until every token they signed has expired, so nobody is logged out; other gateway replicas switch within a minute. Then makes new data-encryption keys current and re-wraps the stored ones under the current master key (ADR 0023): the gateway’s own, or every service’s in the embedded shape. `ordo keys rotate --url` calls this.',
    tags: ['Auth'],
    roles: ['operator'],
    body: rotateKeysBody,
    responses: { 200: { description: 'What the rotation did.', schema: keyRotationSchema } },
  },
];
