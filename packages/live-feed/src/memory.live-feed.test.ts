import { describe, expect, it } from 'vitest';
import { defineLiveFeedConformance } from './live-feed.conformance.js';
import { MemoryLiveFeed } from './memory.live-feed.js';

defineLiveFeedConformance({
  name: 'memory',
  shared: false,
  async setup() {
    const feeds: MemoryLiveFeed[] = [];
    return {
      async open(bounds) {
        const feed = new MemoryLiveFeed(bounds);
        feeds.push(feed);
        return feed;
      },
      async cleanup() {
        for (const feed of feeds) await feed.close();
      },
    };
  },
});

describe('MemoryLiveFeed', () => {
  it('when more feeds than allowed are written, then the least recently appended-to go first', async () => {
    const feed = new MemoryLiveFeed({ maxFeeds: 3 });
    for (const key of ['a', 'b', 'c']) await feed.append(key, [{ type: 'x', data: {} }]);
    await feed.append('a', [{ type: 'x', data: {} }]);
    await feed.append('d', [{ type: 'x', data: {} }]);
    expect(await feed.read('b', null)).toEqual([]);
    for (const key of ['a', 'c', 'd']) expect((await feed.read(key, null)).length).toBeGreaterThan(0);
  });

  it('when events are appended within one millisecond, then their ids still increase', async () => {
    const feed = new MemoryLiveFeed({ now: () => 1_000 });
    expect(
      await feed.append('a', [
        { type: 'x', data: {} },
        { type: 'x', data: {} },
      ]),
    ).toEqual(['1000-0', '1000-1']);
    expect(await feed.append('a', [{ type: 'x', data: {} }])).toEqual(['1000-2']);
  });
});
