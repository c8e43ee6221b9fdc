// Follows a feed from a known event on: subscribe first, then read what came after that event,
// then hand over to the live events. Each event is handed on once, in id order, whatever
// arrives twice (an event both read and heard) or while the history is being read.
import { compareEventIds, type FeedEvent, type LiveFeed } from './live-feed.port.js';

const PAGE = 500;

/** Resolves once caught up (history handed on); the returned function stops following. */
export async function followFeed(
  feed: LiveFeed,
  key: string,
  afterId: string | null,
  onEvent: (event: FeedEvent) => void,
): Promise<() => Promise<void>> {
  let last = afterId;
  let catchingUp = true;
  const heard: FeedEvent[] = [];
  const deliver = (event: FeedEvent) => {
    if (last !== null && compareEventIds(event.id, last) <= 0) return;
    last = event.id;
    onEvent(event);
  };
  const stop = await feed.subscribe(key, (event) => {
    if (catchingUp) heard.push(event);
    else deliver(event);
  });
  try {
    for (;;) {
      const page = await feed.read(key, last, PAGE);
      for (const event of page) deliver(event);
      if (page.length < PAGE) break;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  catchingUp = false;
  heard.sort((a, b) => compareEventIds(a.id, b.id));
  for (const event of heard.splice(0)) deliver(event);
  return stop;
}

/** One event as a server-sent-events frame (`id`, `event`, one `data` line of JSON). */
export function sseFrame(event: FeedEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
