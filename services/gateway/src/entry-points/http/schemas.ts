// JSON schemas of the gateway's bodies and responses. Bodies check shape only; the rules
// (email format, password length) live in the domain, so every entry point applies the same ones.
import { ALL_ROLES } from '@ordo/auth';

export const credentialsBody = {
  type: 'object',
  required: ['email', 'password'],
  properties: {
    email: { type: 'string' },
    password: { type: 'string' },
  },
} as const;

export const registerBody = {
  type: 'object',
  required: ['email', 'password'],
  properties: {
    email: { type: 'string' },
    password: { type: 'string' },
    name: { type: 'string', minLength: 1, maxLength: 100 },
  },
} as const;

export const createUserBody = {
  type: 'object',
  required: ['email', 'password', 'role'],
  properties: {
    email: { type: 'string' },
    password: { type: 'string' },
    role: { type: 'string', enum: [...ALL_ROLES] },
    name: { type: 'string', minLength: 1, maxLength: 100 },
  },
} as const;

// Response schemas double as an allow-list: fields not named here (a password hash) are never serialized.
export const userView = {
  type: 'object',
  required: ['id', 'email', 'role'],
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
  },
} as const;

export const meView = {
  type: 'object',
  required: ['id', 'email', 'role', 'name', 'createdAt'],
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const tokenResponse = {
  type: 'object',
  required: ['accessToken', 'expiresIn', 'tokenType'],
  properties: {
    accessToken: { type: 'string' },
    expiresIn: { type: 'integer' },
    tokenType: { type: 'string' },
  },
} as const;
