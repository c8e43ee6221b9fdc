// What every live-feed adapter promises, checked the same way against each: ids that increase,
// reads after an id, bounds, subscribers that hear appends (from another instance too, where the
// adapter is shared), and `followFeed` handing on each event once, in order, while appends race.
import { describe, expect, it } from 'vitest';
import { followFeed } from './follow-feed.js';
import { compareEventIds, type FeedEvent, type LiveFeed, type LiveFeedBounds } from './live-feed.port.js';

/** Appends one event; its id. */
async function add(feed: LiveFeed, key: string, type: string, data: unknown): Promise<string> {
  const [id] = await feed.append(key, [{ type, data }]);
  if (!id) throw new Error('an event without an order was not appended');
  return id;
}

export interface LiveFeedShape {
  readonly name: string;
  /** Instances of `open` in one test share their feeds when the adapter is shared (Redis). */
  readonly shared: boolean;
  /** A fresh namespace per test; every instance it returns is closed by `cleanup`. */
  setup(): Promise<{ open(bounds?: LiveFeedBounds): Promise<LiveFeed>; cleanup(): Promise<void> }>;
}

export function defineLiveFeedConformance(shape: LiveFeedShape): void {
  describe(`live feed conformance: ${shape.name}`, () => {
    async function withFeeds(run: (open: (bounds?: LiveFeedBounds) => Promise<LiveFeed>) => Promise<void>) {
      const ctx = await shape.setup();
      try {
        await run(ctx.open);
      } finally {
        await ctx.cleanup();
      }
    }

    it('when events are appended, then ids increase and reads return them in order, after an id exclusively, up to a limit', () =>
      withFeeds(async (open) => {
        const feed = await open();
        const ids: string[] = [];
        for (let i = 0; i < 10; i++) ids.push(await add(feed, 'order-1', i % 2 ? 'status' : 'position', { i }));
        for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i]!, ids[i - 1]!)).toBeGreaterThan(0);
        const all = await feed.read('order-1', null);
        expect(all.map((e) => e.id)).toEqual(ids);
        expect(all[3]).toEqual({ id: ids[3], type: 'status', data: { i: 3 } });
        expect((await feed.read('order-1', ids[6]!)).map((e) => e.id)).toEqual(ids.slice(7));
        expect((await feed.read('order-1', ids[2]!, 2)).map((e) => e.id)).toEqual(ids.slice(3, 5));
        expect(await feed.read('order-1', ids[9]!)).toEqual([]);
        expect(await feed.read('order-2', null)).toEqual([]);
      }));

    it('when more events than the bound are appended, then only the newest are kept', () =>
      withFeeds(async (open) => {
        const feed = await open({ maxEventsPerFeed: 5 });
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) ids.push(await add(feed, 'order-1', 'position', { i }));
        expect((await feed.read('order-1', null)).map((e) => e.id)).toEqual(ids.slice(7));
      }));

    it('when events carry an order, then one not newer than the last of its type is skipped, atomically with the rest', () =>
      withFeeds(async (open) => {
        const feed = await open();
        const first = await feed.append('o', [
          { type: 'position', data: { at: 1 }, order: 1 },
          { type: 'position', data: { at: 2 }, order: 2 },
          { type: 'status', data: { s: 'CONFIRMED' }, order: 1 },
        ]);
        expect(first.every((id) => id !== null)).toBe(true);
        // A redelivered batch, with one new ping: only the new one is appended.
        const again = await feed.append('o', [
          { type: 'position', data: { at: 2 }, order: 2 },
          { type: 'position', data: { at: 3 }, order: 3 },
          { type: 'status', data: { s: 'CONFIRMED' }, order: 1 },
          { type: 'eta', data: { seconds: 60 } },
        ]);
        expect(again.map((id) => id !== null)).toEqual([false, true, false, true]);
        const types = (await feed.read('o', null)).map((e) => `${e.type}:${JSON.stringify(e.data)}`);
        const latest = await feed.latest('o');
        expect(Object.keys(latest).sort()).toEqual(['eta', 'position', 'status']);
        expect(latest.position).toEqual({ id: again[1], type: 'position', data: { at: 3 } });
        expect(latest.status?.data).toEqual({ s: 'CONFIRMED' });
        expect(await feed.latest('nothing-here')).toEqual({});
        expect(types).toEqual([
          'position:{"at":1}',
          'position:{"at":2}',
          'status:{"s":"CONFIRMED"}',
          'position:{"at":3}',
          'eta:{"seconds":60}',
        ]);
      }));

    it('when nothing is appended to a feed for its time to live, then it is gone', () =>
      withFeeds(async (open) => {
        const feed = await open({ feedTtlMs: 200 });
        await add(feed, 'order-1', 'position', {});
        expect(await feed.read('order-1', null)).toHaveLength(1);
        await expect.poll(() => feed.read('order-1', null), { timeout: 5_000 }).toEqual([]);
        expect(await feed.latest('order-1')).toEqual({});
      }));

    it('when a subscriber listens, then it hears each later append of its feed only, until it stops', () =>
      withFeeds(async (open) => {
        const writer = await open();
        const reader = shape.shared ? await open() : writer;
        const heard: FeedEvent[] = [];
        const stop = await reader.subscribe('order-1', (e) => heard.push(e));
        const id = await add(writer, 'order-1', 'eta', { seconds: 300 });
        await add(writer, 'order-2', 'eta', { seconds: 1 });
        await expect.poll(() => heard).toEqual([{ id, type: 'eta', data: { seconds: 300 } }]);
        await stop();
        await add(writer, 'order-1', 'eta', { seconds: 200 });
        // A second subscriber hears the next append; by then the first would have heard the one
        // before it, had it still listened.
        const late: string[] = [];
        const stopLate = await reader.subscribe('order-1', (e) => late.push(e.id));
        const next = await add(writer, 'order-1', 'eta', { seconds: 50 });
        await expect.poll(() => late).toEqual([next]);
        expect(heard.map((e) => e.id)).toEqual([id]);
        await stopLate();
      }));

    it('when appends race a follower joining from an id, then it gets every later event once, in order', () =>
      withFeeds(async (open) => {
        const writer = await open();
        const reader = shape.shared ? await open() : writer;
        const ids: string[] = [];
        for (let i = 0; i < 50; i++) ids.push(await add(writer, 'order-1', 'position', { i }));
        let appending = true;
        const appender = (async () => {
          for (let i = 50; i < 250; i++) ids.push(await add(writer, 'order-1', 'position', { i }));
          appending = false;
        })();
        const got: string[] = [];
        const stop = await followFeed(reader, 'order-1', ids[19]!, (e) => got.push(e.id));
        await appender;
        expect(appending).toBe(false);
        await expect.poll(() => got.length).toBe(230);
        expect(got).toEqual(ids.slice(20));
        await stop();
      }));

    it('when a follower joins with no id, then it gets the whole kept history first', () =>
      withFeeds(async (open) => {
        const feed = await open();
        const ids = [await add(feed, 'o', 'status', { s: 'CONFIRMED' }), await add(feed, 'o', 'position', {})];
        const got: string[] = [];
        const stop = await followFeed(feed, 'o', null, (e) => got.push(e.id));
        expect(got).toEqual(ids);
        const next = await add(feed, 'o', 'position', { n: 1 });
        await expect.poll(() => got).toEqual([...ids, next]);
        await stop();
      }));
  });
}
