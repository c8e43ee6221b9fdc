// Conformance case about a topic's lifecycle: deleting one removes its messages, groups and
// dedup memory on every adapter, so tests and benchmarks leave nothing behind on a shared broker.
import { newMessageId, type Subscription, type TransportMessage } from '@ordo/messaging';
import { expect, it } from 'vitest';
import type { SuiteContext } from './suite.js';

function message(topic: string): TransportMessage {
  const id = newMessageId();
  return { id, topic, type: 'thing.happened.v1', key: 'k1', headers: {}, body: JSON.stringify({ id }) };
}

async function fetchIds(subscription: Subscription, count: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  const ids: string[] = [];
  while (ids.length < count && Date.now() < deadline) {
    for (const d of await subscription.fetch(count - ids.length, 1_000)) {
      ids.push(d.message.id);
      await d.ack();
    }
  }
  return ids;
}

export function topicCases(suite: SuiteContext): void {
  it('k. when a topic is deleted, then its messages, groups and dedup memory are gone, deleting again succeeds, and the name starts over', async () => {
    const { transport, topic: topicFor } = suite.ctx();
    const topic = topicFor('conf.k');
    const group = 'c.k';
    await transport.ensureTopic(topic);
    const first = message(topic);
    await transport.publish([first, message(topic)]);
    const before = await transport.subscribe({ topic, group, ackWaitMs: 30_000 });
    expect(await fetchIds(before, 2)).toHaveLength(2);
    await before.close();

    await transport.deleteTopic(topic);
    await transport.deleteTopic(topic);
    await transport.deleteTopic(topicFor('conf.k.never'));

    expect(await transport.headPosition(topic)).toBe(0);
    // The same id is new again, and the group, gone with the topic, starts from the beginning.
    await transport.publish([first]);
    const after = await transport.subscribe({ topic, group, ackWaitMs: 30_000 });
    expect(await fetchIds(after, 1)).toEqual([first.id]);
    expect(await after.fetch(10, 300)).toEqual([]);
    await after.close();
  });
}
