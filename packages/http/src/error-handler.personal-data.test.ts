// A request that fails inside a database statement is a 500 whose log line helps find the fault
// (the code, the message, the stack) without the statement's parameters or the row it touched.
import type { Db } from '@ordo/db';
import { createLogger } from '@ordo/logger';
import { openTestDatabase, TEST_DATABASES } from '@ordo/testing';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app.js';

const STREET = 'Zqxwstrasse 17';
const EMAIL = 'canary.zqxw@example.com';

async function appOn(db: Db, lines: string[]) {
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const app = await createHttpApp({ logger });
  app.post('/v1/people', async (request) => {
    const body = request.body as { id: string; email: string; street: string };
    await db.query('INSERT INTO people (id, email, street) VALUES ($1::uuid, $2, $3)', [
      body.id,
      body.email,
      body.street,
    ]);
    return { ok: true };
  });
  return app;
}

describe.each(TEST_DATABASES)('a 500 from a failed statement, $name', ({ kind }) => {
  it('when a statement with personal data fails, then the answer is a bare 500 and the error log has the code but no parameter, query text or row', async () => {
    const { db, close } = await openTestDatabase(kind);
    const lines: string[] = [];
    const app = await appOn(db, lines);
    try {
      await db.query('CREATE TABLE people (id uuid PRIMARY KEY, email text UNIQUE, street text)');
      const first = { id: '0195f3c2-0000-7000-8000-000000000001', email: EMAIL, street: STREET };
      expect((await app.inject({ method: 'POST', url: '/v1/people', payload: first })).statusCode).toBe(200);
      // A duplicate email (the row's values in `detail`) and an id Postgres cannot read (the value in the message).
      const duplicate = await app.inject({
        method: 'POST',
        url: '/v1/people',
        payload: { ...first, id: '0195f3c2-0000-7000-8000-000000000002' },
      });
      const unreadable = await app.inject({ method: 'POST', url: '/v1/people', payload: { ...first, id: STREET } });

      for (const res of [duplicate, unreadable]) {
        expect(res.statusCode).toBe(500);
        expect(res.json()).toEqual({ error: { code: 'ORDO_ERR_HTTP_INTERNAL', message: 'Internal error' } });
      }
      const errors = lines.map((l) => JSON.parse(l)).filter((r) => r.msg === 'request failed');
      expect(errors.map((r) => r.err.code)).toEqual(['23505', '22P02']);
      expect(errors[1].err.message).toBe('invalid input syntax for type uuid: "[redacted]"');
      const log = lines.join('');
      expect(log).not.toContain('Zqxw');
      expect(log).not.toContain('zqxw');
      expect(log).not.toContain('INSERT INTO');
    } finally {
      await app.close();
      await close();
    }
  });
});
