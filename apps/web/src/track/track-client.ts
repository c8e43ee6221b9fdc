// Follows one order live: `GET /v1/orders/:id/track` as Server-Sent Events, read with fetch so the
// access token travels in the Authorization header (EventSource cannot set headers, and a token in
// the URL would end up in logs and history). Resumes with Last-Event-ID after a drop. Where the
// stream does not exist (404/501) or keeps failing, it polls `GET /v1/orders/:id` instead.
import type { Order, OrderStatus } from '../api/types.js';

export type TrackEvent =
  | { type: 'position'; lat: number; lng: number; at: string }
  | { type: 'status'; status: OrderStatus; at: string }
  | { type: 'eta'; etaSeconds?: number; at?: string }
  | { type: 'order'; order: Order };

/** How the page is being kept up to date, for the "live" badge. */
export type TrackMode = 'connecting' | 'live' | 'reconnecting' | 'polling';

export interface TrackOptions {
  orderId: string;
  token: () => string | undefined;
  onEvent: (event: TrackEvent) => void;
  onMode?: (mode: TrackMode) => void;
  /** A failure the page should show (the order is gone, the session ended). Tracking stops. */
  onError?: (status: number) => void;
  /** Polling period when there is no stream (default 3 s). */
  pollMs?: number;
  /** First reconnect delay (default 1 s, or the stream's `retry:`); doubles up to 15 s. */
  retryMs?: number;
  /** Failed reconnects in a row before giving up on the stream for polling (default 3). */
  maxReconnects?: number;
  fetch?: typeof fetch;
}

export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

/** The text/event-stream format (WHATWG HTML §9.2), fed chunk by chunk. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  /** The last `id:` seen, to resume from. */
  lastEventId: string | undefined;
  /** The last `retry:` seen, in ms. */
  retryMs: number | undefined;

  push(chunk: string): SseMessage[] {
    let text = this.buffer + chunk;
    // A trailing \r may be the first half of \r\n: keep it for the next chunk.
    const held = text.endsWith('\r') ? '\r' : '';
    if (held) text = text.slice(0, -1);
    const messages: SseMessage[] = [];
    const lines = text.split(/\r\n|\r|\n/);
    // The last piece is an unfinished line (or '').
    this.buffer = (lines.pop() ?? '') + held;
    for (const line of lines) {
      if (line === '') {
        if (this.data.length > 0) {
          messages.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
        }
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
      else if (field === 'id' && !value.includes('\0')) {
        this.id = value;
        this.lastEventId = value;
      } else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    return messages;
  }
}

/** A stream message as an event of the order; unknown or malformed ones are skipped. */
export function toTrackEvent(message: SseMessage): TrackEvent | undefined {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(message.data) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const at = typeof data.at === 'string' ? data.at : new Date().toISOString();
  switch (message.event) {
    case 'position':
      return typeof data.lat === 'number' && typeof data.lng === 'number'
        ? { type: 'position', lat: data.lat, lng: data.lng, at }
        : undefined;
    case 'status':
      return typeof data.status === 'string' ? { type: 'status', status: data.status as OrderStatus, at } : undefined;
    case 'eta':
      // `{seconds, arrivesAt, at}`: `at` is the ping the estimate was made from, not the arrival.
      return {
        type: 'eta',
        ...(typeof data.seconds === 'number' ? { etaSeconds: data.seconds } : {}),
        ...(typeof data.arrivesAt === 'string' ? { at: data.arrivesAt } : {}),
      };
    default:
      return undefined;
  }
}

const NO_STREAM = new Set([404, 405, 501]);
const FATAL = new Set([401, 403]);

/** Starts following the order; `stop()` ends the stream or the polling. */
export function trackOrder(options: TrackOptions): { stop(): void } {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const pollMs = options.pollMs ?? 3000;
  const maxReconnects = options.maxReconnects ?? 3;
  const parser = new SseParser();
  const controller = new AbortController();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  const setMode = (mode: TrackMode) => options.onMode?.(mode);
  const headers = (extra: Record<string, string>): Record<string, string> => {
    const token = options.token();
    return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
  };
  const later = (fn: () => void, ms: number) => {
    if (!stopped) timer = setTimeout(fn, ms);
  };
  const fail = (status: number) => {
    stopped = true;
    options.onError?.(status);
  };

  async function poll(): Promise<void> {
    if (stopped) return;
    try {
      const res = await doFetch(`/v1/orders/${encodeURIComponent(options.orderId)}`, {
        headers: headers({ accept: 'application/json' }),
        signal: controller.signal,
      });
      if (FATAL.has(res.status) || res.status === 404) return fail(res.status);
      if (res.ok && !stopped) options.onEvent({ type: 'order', order: (await res.json()) as Order });
    } catch {
      // Offline for a moment: the next poll tries again.
    }
    later(() => void poll(), pollMs);
  }

  function startPolling() {
    setMode('polling');
    void poll();
  }

  async function stream(): Promise<void> {
    if (stopped) return;
    try {
      const res = await doFetch(`/v1/orders/${encodeURIComponent(options.orderId)}/track`, {
        headers: headers({
          accept: 'text/event-stream',
          ...(parser.lastEventId ? { 'last-event-id': parser.lastEventId } : {}),
        }),
        signal: controller.signal,
        cache: 'no-store',
      });
      if (NO_STREAM.has(res.status)) return startPolling();
      if (FATAL.has(res.status)) return fail(res.status);
      if (!res.ok || !res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
        throw new Error(`stream answered ${res.status}`);
      }
      setMode('live');
      failures = 0;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.push(value)) {
          const event = toTrackEvent(message);
          if (event && !stopped) options.onEvent(event);
        }
      }
    } catch {
      if (stopped) return;
    }
    // The stream ended or failed: resume from the last event, or poll once it keeps failing.
    failures += 1;
    if (failures > maxReconnects) return startPolling();
    setMode('reconnecting');
    const base = parser.retryMs ?? options.retryMs ?? 1000;
    later(() => void stream(), Math.min(15_000, base * 2 ** (failures - 1)));
  }

  setMode('connecting');
  void stream();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller.abort();
    },
  };
}
