import { describe, expect, it } from 'vitest';
import type { Order } from '../api/types.js';
import { SseParser, type TrackEvent, type TrackMode, toTrackEvent, trackOrder } from './track-client.js';

describe('SseParser', () => {
  it('when events arrive split across chunks and line endings, then each is parsed once, with its id', () => {
    const parser = new SseParser();
    const chunks = [
      'retry: 2000\nid: 7\nevent: posi',
      'tion\ndata: {"lat":52.5,',
      '"lng":13.4}\r',
      '\n\r\n',
      ': keep-alive\n\n',
    ];
    const messages = chunks.flatMap((chunk) => parser.push(chunk));
    expect(messages).toEqual([{ event: 'position', data: '{"lat":52.5,"lng":13.4}', id: '7' }]);
    expect(parser.lastEventId).toBe('7');
    expect(parser.retryMs).toBe(2000);
  });

  it('when data spans several lines, then they are joined with newlines; an event without data is dropped', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\ndata: b\n\nevent: eta\n\n')).toEqual([
      { event: 'message', data: 'a\nb', id: undefined },
    ]);
  });
});

describe('toTrackEvent', () => {
  it('when position, status and eta messages come, then typed events; malformed ones are skipped', () => {
    const at = '2026-01-01T12:00:00.000Z';
    expect(toTrackEvent({ event: 'position', data: JSON.stringify({ lat: 1, lng: 2, at }), id: '1' })).toEqual({
      type: 'position',
      lat: 1,
      lng: 2,
      at,
    });
    expect(toTrackEvent({ event: 'status', data: JSON.stringify({ status: 'PICKED_UP', at }), id: '2' })).toEqual({
      type: 'status',
      status: 'PICKED_UP',
      at,
    });
    const eta = { seconds: 90, arrivesAt: '2026-12-06T10:01:30.000Z', at: '2026-12-06T10:00:00.000Z' };
    expect(toTrackEvent({ event: 'eta', data: JSON.stringify(eta), id: '3' })).toEqual({
      type: 'eta',
      etaSeconds: 90,
      at: eta.arrivesAt,
    });
    expect(toTrackEvent({ event: 'position', data: '{"lat":"x"}', id: '4' })).toBeUndefined();
    expect(toTrackEvent({ event: 'position', data: 'not json', id: '5' })).toBeUndefined();
    expect(toTrackEvent({ event: 'other', data: '{}', id: '6' })).toBeUndefined();
  });
});

function sseResponse(body: string): Response {
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

/** Waits (on the real clock, briefly) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('trackOrder', () => {
  const order = { id: 'o1', status: 'CONFIRMED' } as Order;

  it('when the stream endpoint does not exist (404), then it polls GET /v1/orders/:id with the token instead', async () => {
    const calls: Array<{ url: string; auth: string | null }> = [];
    const events: TrackEvent[] = [];
    const modes: TrackMode[] = [];
    const tracker = trackOrder({
      orderId: 'o1',
      token: () => 'tkn',
      pollMs: 10,
      onEvent: (e) => events.push(e),
      onMode: (m) => modes.push(m),
      fetch: async (input, init) => {
        calls.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
        return String(input).endsWith('/track')
          ? new Response('{"error":{"code":"ORDO_ERR_HTTP_NOT_FOUND"}}', { status: 404 })
          : Response.json(order);
      },
    });
    await until(() => events.length >= 2);
    tracker.stop();
    expect(modes.slice(0, 2)).toEqual(['connecting', 'polling']);
    expect(calls[0]).toEqual({ url: '/v1/orders/o1/track', auth: 'Bearer tkn' });
    expect(calls[1]).toEqual({ url: '/v1/orders/o1', auth: 'Bearer tkn' });
    expect(events[0]).toEqual({ type: 'order', order });
  });

  it('when the stream drops, then it reconnects with Last-Event-ID and gets only what followed', async () => {
    const lastEventIds: Array<string | null> = [];
    const events: TrackEvent[] = [];
    const tracker = trackOrder({
      orderId: 'o1',
      token: () => 'tkn',
      retryMs: 1,
      onEvent: (e) => events.push(e),
      fetch: async (_input, init) => {
        const last = new Headers(init?.headers).get('last-event-id');
        lastEventIds.push(last);
        return last === null
          ? sseResponse('id: 1\nevent: position\ndata: {"lat":52.51,"lng":13.4,"at":"t1"}\n\n')
          : sseResponse('id: 2\nevent: position\ndata: {"lat":52.52,"lng":13.41,"at":"t2"}\n\n');
      },
    });
    await until(() => events.length >= 2);
    tracker.stop();
    expect(lastEventIds.slice(0, 2)).toEqual([null, '1']);
    expect(events.slice(0, 2)).toEqual([
      { type: 'position', lat: 52.51, lng: 13.4, at: 't1' },
      { type: 'position', lat: 52.52, lng: 13.41, at: 't2' },
    ]);
  });

  it('when the stream keeps failing, then after a few reconnects it falls back to polling', async () => {
    const modes: TrackMode[] = [];
    const tracker = trackOrder({
      orderId: 'o1',
      token: () => undefined,
      retryMs: 1,
      maxReconnects: 2,
      pollMs: 10,
      onEvent: () => {},
      onMode: (m) => modes.push(m),
      fetch: async (input) => {
        if (String(input).endsWith('/track')) throw new TypeError('network down');
        return Response.json(order);
      },
    });
    await until(() => modes.includes('polling'));
    tracker.stop();
    expect(modes).toEqual(['connecting', 'reconnecting', 'reconnecting', 'polling']);
  });

  it('when the order is not the caller’s (404 while polling), then tracking stops with the error', async () => {
    const errors: number[] = [];
    trackOrder({
      orderId: 'o1',
      token: () => 'tkn',
      onEvent: () => {},
      onError: (status) => errors.push(status),
      fetch: async () => new Response('{}', { status: 404 }),
    });
    await until(() => errors.length > 0);
    expect(errors).toEqual([404]);
  });
});
