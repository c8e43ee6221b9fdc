import { Errors } from '@ordo/errors';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app.js';
import { hostileCharacter } from './hostile-text.js';

let app: FastifyInstance;
afterEach(() => app?.close());

async function echoApp(): Promise<FastifyInstance> {
  const instance = await createHttpApp();
  let handled = 0;
  instance.get('/things/:id', async (request) => ({ id: (request.params as { id: string }).id, q: request.query }));
  // Like the gateway's proxy: a parser that hands the route the request stream, unread.
  instance.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post('/raw', async (request) => {
      let text = '';
      for await (const chunk of request.body as AsyncIterable<Buffer>) text += chunk.toString('utf8');
      return { length: text.length };
    });
  });
  instance.post('/things', async (request) => {
    handled++;
    return { body: request.body, handled };
  });
  return instance;
}

const HOSTILE = {
  nul: 'a\u0000b',
  bell: 'a\u0007b',
  escape: 'a\u001bb',
  del: 'a\u007fb',
  c1: 'a\u0085b',
  rlo: 'admin\u202Egpj.exe',
  isolate: 'a\u2066b\u2069',
  loneHigh: 'a\uD800b',
  loneLow: 'a\uDC00b',
};

const FINE = [
  'plain',
  'Crème brûlée',
  'Rua Augusta, 100 — 2º',
  '東京',
  'شارع\u200Fالملك',
  'pizza 🍕',
  'tab\there',
  'two\nlines\r\n',
];

describe('hostile text', () => {
  it('when text has a NUL, a control, a bidi override or a lone surrogate, then it is found; letters, emoji and marks are fine', () => {
    for (const [name, text] of Object.entries(HOSTILE)) expect(hostileCharacter(text), name).toBeDefined();
    expect(hostileCharacter(HOSTILE.nul)).toBe('U+0000');
    expect(hostileCharacter(HOSTILE.rlo)).toBe('U+202E');
    for (const text of FINE) expect(hostileCharacter(text), text).toBeUndefined();
  });

  it('when a path or query carries such a character, then 400 ORDO_ERR_HTTP_INVALID_TEXT before the route runs', async () => {
    app = await echoApp();
    const urls = [
      '/things/%00',
      '/things/a%00b?x=1',
      '/things/1?q=%00',
      '/things/1?q=%E2%80%AE',
      '/things/%1B%5B31m',
      '/things/1?q=%ED%A0%80',
      '/things/1?q=%FF',
      '/nothing/%00',
    ];
    for (const url of urls) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe(Errors.HTTP_INVALID_TEXT.code);
    }
    // A path that is not valid UTF-8 is refused by Fastify's router first, also with a 400.
    for (const url of ['/things/%ED%A0%80', '/things/%FF']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe(Errors.VALIDATION.code);
    }
    const fine = await app.inject({
      method: 'GET',
      url: `/things/${encodeURIComponent('東京 🍕')}?q=${encodeURIComponent('crème')}`,
    });
    expect(fine.json()).toEqual({ id: '東京 🍕', q: { q: 'crème' } });
  });

  it('when any string or key of a JSON body carries such a character, then 400 naming where, and the handler never runs', async () => {
    app = await echoApp();
    const bodies: Array<[object, string]> = [
      [{ name: HOSTILE.nul }, '/name'],
      [{ address: { line1: HOSTILE.rlo } }, '/address/line1'],
      [{ lines: [{ note: 'ok' }, { note: HOSTILE.bell }] }, '/lines/1/note'],
      [{ [HOSTILE.nul]: 1 }, '/a?b'],
    ];
    for (const [body, path] of bodies) {
      const res = await app.inject({ method: 'POST', url: '/things', payload: body });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: Errors.HTTP_INVALID_TEXT.code, details: { in: 'body', path } });
    }
    // A lone surrogate can only arrive escaped in JSON text.
    const escaped = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"a\\ud800b"}',
    });
    expect(escaped.statusCode).toBe(400);
    // A body left as a stream (proxied on) is not walked: its receiver checks it.
    const raw = await app.inject({ method: 'POST', url: '/raw', payload: { name: 'proxied' } });
    expect(raw.statusCode).toBe(200);
    expect(raw.json()).toEqual({ length: JSON.stringify({ name: 'proxied' }).length });
    const ok = await app.inject({ method: 'POST', url: '/things', payload: { names: FINE } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ body: { names: FINE }, handled: 1 });
  });
});
