import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp } from '../create-http-app.js';
import { docsPlugin } from './docs.plugin.js';
import { openApiDocument } from './openapi-document.js';

const document = openApiDocument({
  info: { title: 'Test <API>', version: '1', description: 'Reads `things`.' },
  tags: [{ name: 'things', description: 'Things to read.' }],
  operations: [
    {
      method: 'GET',
      path: '/v1/things/:id',
      summary: 'Read a <thing>',
      tags: ['things'],
      roles: ['customer', 'operator'],
      params: z.object({ id: z.string().min(1).max(100) }),
      responses: {
        200: {
          description: 'The thing',
          schema: z.object({ id: z.string(), size: z.number().int().min(0), note: z.string().nullable() }),
        },
        404: { description: 'No such thing.' },
      },
    },
  ],
});

let app: FastifyInstance;
afterEach(() => app?.close());

async function docsApp(): Promise<FastifyInstance> {
  const instance = await createHttpApp();
  await instance.register(docsPlugin, { document });
  return instance;
}

describe('docsPlugin', () => {
  it('when GET /docs/openapi.json, then the document as JSON', async () => {
    app = await docsApp();
    const res = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('when GET /docs, then one self-contained page lists every operation with its roles and shapes', async () => {
    app = await docsApp();
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const html = res.body;
    expect(html).toContain('/v1/things/{id}');
    expect(html).toContain('Read a &#60;thing&#62;');
    expect(html).toContain('Roles: customer, operator.');
    expect(html).toContain('<code>things</code>');
    expect(html).toMatch(/size: integer {2}\/\/ at least 0/);
    expect(html).toContain('note: string | null');
    expect(html).toContain('href="/docs/openapi.json"');
    // Nothing loaded from elsewhere: the page must work offline.
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
  });
});
