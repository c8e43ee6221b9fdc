// Component test: malformed requests get a 4xx with a stable code, and never write a row.
import type { Db } from '@ordo/db';
import { createTestPgliteDb } from '@ordo/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countUsers, type RunningGateway, startGateway } from './gateway-harness.js';

let db: Db;
let gw: RunningGateway;

beforeEach(async () => {
  db = await createTestPgliteDb();
  gw = await startGateway(db);
});
afterEach(async () => {
  await gw?.close();
  await db?.close();
});

function send(url: string, contentType: string, payload: string) {
  return gw.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
}

const ENDPOINTS = ['/v1/auth/register', '/v1/auth/login'];

describe('gateway: bad input', () => {
  it('when the JSON is malformed or empty, then 400 ORDO_ERR_HTTP_MALFORMED_JSON', async () => {
    for (const url of ENDPOINTS) {
      for (const payload of ['{"email": "ada@example.com", "password": ', '']) {
        const res = await send(url, 'application/json', payload);
        expect(res.statusCode, `${url} ${payload}`).toBe(400);
        expect(res.json().error.code).toBe('ORDO_ERR_HTTP_MALFORMED_JSON');
      }
    }
    expect(await countUsers(db)).toBe(0);
  });

  it('when the body is not JSON (text, form, XML), then 415 ORDO_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE', async () => {
    const bodies: Array<[string, string]> = [
      ['text/plain', '{"email":"ada@example.com","password":"correct horse"}'],
      ['application/x-www-form-urlencoded', 'email=ada%40example.com&password=correct+horse'],
      ['application/xml', '<user><email>ada@example.com</email></user>'],
    ];
    for (const url of ENDPOINTS) {
      for (const [contentType, payload] of bodies) {
        const res = await send(url, contentType, payload);
        expect(res.statusCode, `${url} ${contentType}`).toBe(415);
        expect(res.json().error.code).toBe('ORDO_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE');
      }
    }
    expect(await countUsers(db)).toBe(0);
  });

  it('when the body is larger than 16 KiB, then 413 ORDO_ERR_HTTP_BODY_TOO_LARGE', async () => {
    const payload = JSON.stringify({ email: 'ada@example.com', password: 'p'.repeat(20_000) });
    for (const url of ENDPOINTS) {
      const res = await send(url, 'application/json', payload);
      expect(res.statusCode, url).toBe(413);
      expect(res.json().error.code).toBe('ORDO_ERR_HTTP_BODY_TOO_LARGE');
    }
    expect(await countUsers(db)).toBe(0);
  });

  it('when fields are missing or of the wrong type, then 400 ORDO_ERR_HTTP_VALIDATION naming the field', async () => {
    const cases: Array<[string, unknown]> = [
      ['/v1/auth/register', { email: 'ada@example.com' }],
      ['/v1/auth/register', { email: { $ne: null }, password: 'correct horse' }],
      ['/v1/auth/register', { email: 'ada@example.com', password: 'correct horse', name: '' }],
      ['/v1/auth/register', ['ada@example.com', 'correct horse']],
      ['/v1/auth/login', { password: 'correct horse' }],
      ['/v1/auth/login', 'ada@example.com'],
    ];
    for (const [url, body] of cases) {
      const res = await send(url, 'application/json', JSON.stringify(body));
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
    }
    expect(await countUsers(db)).toBe(0);
  });

  it('when no body is sent at all, then 400, not a 500', async () => {
    for (const url of ENDPOINTS) {
      const res = await gw.app.inject({ method: 'POST', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toMatch(/^ORDO_ERR_HTTP_/);
    }
  });
});
