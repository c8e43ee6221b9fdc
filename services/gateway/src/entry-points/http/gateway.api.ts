// The gateway's operations as the docs at /docs list them, with the schemas its routes validate with.
import { ALL_ROLES, JWKS_PATH } from '@ordo/auth';
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import {
  createUserBody,
  credentialsBody,
  jwksSchema,
  meSchema,
  registerBody,
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
    description: `Email and password for an access token. An unknown email and a wrong password get the same answer. ${bodyLimit}`,
    tags: ['Auth'],
    body: credentialsBody,
    responses: {
      200: { description: 'An access token (not cached).', schema: tokenSchema },
      401: { description: 'Wrong email or password.', errors: [Errors.AUTH_INVALID_CREDENTIALS] },
    },
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
];
