// The NATS transport against the real local server (scripts/services.sh): delivery, dedup, redelivery,
// groups, seek, close, deleting topics and namespaces.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Delivery, Subscription, Transport, TransportMessage } from '@ordo/messaging';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerName, streamName } from './nats.names.js';
import { createNatsTransport, type NatsTransportOptions } from './nats.transport.js';

const servers = process.env.ORDO_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

let transport: Transport;
let admin: NatsConnection;
const topics: string[] = [];
const transports: Transport[] = [];

function newTopic(): string {
  const topic = `test.nats_${randomBytes(5).toString('hex')}`;
  topics.push(topic);
  return topic;
}

function newGroup(): string {
  return `test.group-${randomBytes(4).toString('hex')}`;
}

function message(topic: string, extra: Partial<TransportMessage> = {}): TransportMessage {
  const id = randomUUID();
  return {
    id,
    topic,
    type: 'order.placed.v1',
    key: `order-${id.slice(0, 8)}`,
    headers: { 'ordo-message-id': id, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    body: JSON.stringify({ id, note: 'crème brûlée ×2' }),
    ...extra,
  };
}

async function secondTransport(options: Partial<NatsTransportOptions> = {}): Promise<Transport> {
  const t = await createNatsTransport({ servers, name: 'transport-nats-test-2', ...options });
  transports.push(t);
  return t;
}

/** The stream as the server reports it, or undefined when it does not exist. */
async function serverStream(name: string): Promise<{ subjects: string[]; messages: number } | undefined> {
  const jsm = await admin.jetstreamManager();
  const info = await jsm.streams.info(name).catch(() => undefined);
  return info && { subjects: info.config.subjects ?? [], messages: info.state.messages };
}

/** The group's consumer as the server reports it: pull requests parked, deliveries not yet acked. */
async function serverConsumer(topic: string, group: string): Promise<{ waiting: number; ackPending: number }> {
  const jsm = await admin.jetstreamManager();
  const info = await jsm.consumers.info(streamName(topic), consumerName(group));
  return { waiting: info.num_waiting, ackPending: info.num_ack_pending };
}

/** Fetches until `count` deliveries came or `waitMs` passed. */
async function fetchAll(subscription: Subscription, count: number, waitMs = 5_000): Promise<Delivery[]> {
  const deadline = Date.now() + waitMs;
  const got: Delivery[] = [];
  while (got.length < count && Date.now() < deadline) {
    got.push(...(await subscription.fetch(count - got.length, Math.max(1, deadline - Date.now()))));
  }
  return got;
}

beforeAll(async () => {
  transport = await createNatsTransport({ servers, name: 'transport-nats-test' });
  admin = await connect({ servers });
});

afterAll(async () => {
  await Promise.all(topics.map((t) => transport.deleteTopic(t)));
  await Promise.all([transport, ...transports].map((t) => t?.close()));
  await admin.drain();
});

describe('nats transport', () => {
  it('when a message is published and fetched, then it arrives intact and an ack settles it', async () => {
    const topic = newTopic();
    const sent = message(topic);
    await transport.publish([sent]);
    const subscription = await transport.subscribe({ topic, group: newGroup(), ackWaitMs: 1_000 });

    const [delivery, ...rest] = await fetchAll(subscription, 1);
    expect(rest).toEqual([]);
    expect(delivery?.message).toEqual(sent);
    expect(delivery?.deliveryCount).toBe(1);
    expect(delivery?.position).toBe(await transport.headPosition(topic));
    await delivery?.ack();

    // Acked: past the ack wait it does not come back.
    expect(await subscription.fetch(10, 2_000)).toEqual([]);
    await subscription.close();
  });

  it('when the same id is published twice, then it is stored once', async () => {
    const topic = newTopic();
    const sent = message(topic);
    await transport.publish([sent]);
    await transport.publish([sent, message(topic, { id: sent.id, body: 'a retry carries the same id' })]);

    expect(await transport.headPosition(topic)).toBe(1);
    const subscription = await transport.subscribe({ topic, group: newGroup(), ackWaitMs: 5_000 });
    const deliveries = await fetchAll(subscription, 1);
    expect(deliveries.map((d) => d.message.body)).toEqual([sent.body]);
    expect(await subscription.fetch(10, 300)).toEqual([]);
    await subscription.close();
  });

  it('when a delivery is naked with a delay, then it comes back with deliveryCount 2, not before the delay', async () => {
    const topic = newTopic();
    const sent = message(topic);
    await transport.publish([sent]);
    const subscription = await transport.subscribe({ topic, group: newGroup(), ackWaitMs: 30_000 });
    const [first] = await fetchAll(subscription, 1);

    const nakedAt = Date.now();
    await first?.nak(1_500);
    expect(await subscription.fetch(10, 500)).toEqual([]);
    const [again] = await fetchAll(subscription, 1);

    expect(again?.message.id).toBe(sent.id);
    expect(again?.deliveryCount).toBe(2);
    expect(Date.now() - nakedAt).toBeGreaterThanOrEqual(1_500);
    await again?.ack();
    await subscription.close();
  });

  it('when a delivery is not acked within the ack wait, then it is delivered again', async () => {
    const topic = newTopic();
    const sent = message(topic);
    await transport.publish([sent]);
    const subscription = await transport.subscribe({ topic, group: newGroup(), ackWaitMs: 1_000 });

    const [first] = await fetchAll(subscription, 1);
    expect(first?.deliveryCount).toBe(1);
    const [again] = await fetchAll(subscription, 1);

    expect(again?.message.id).toBe(sent.id);
    expect(again?.deliveryCount).toBe(2);
    expect(again?.position).toBe(first?.position);
    await again?.ack();
    await subscription.close();
  });

  it('when two subscriptions in two processes share a group, then they split the messages and none reaches both', async () => {
    const topic = newTopic();
    const group = newGroup();
    const sent = Array.from({ length: 20 }, () => message(topic));
    await transport.publish(sent);
    const a = await transport.subscribe({ topic, group, ackWaitMs: 30_000 });
    const b = await (await secondTransport()).subscribe({ topic, group, ackWaitMs: 30_000 });

    const seenByA: string[] = [];
    const seenByB: string[] = [];
    const take = async (subscription: Subscription, seen: string[]) => {
      for (const d of await subscription.fetch(5, 1_000)) {
        seen.push(d.message.id);
        await d.ack();
      }
    };
    for (let round = 0; round < 10 && seenByA.length + seenByB.length < sent.length; round++) {
      await Promise.all([take(a, seenByA), take(b, seenByB)]);
    }

    expect(seenByA.length).toBeGreaterThan(0);
    expect(seenByB.length).toBeGreaterThan(0);
    expect(seenByA.filter((id) => seenByB.includes(id))).toEqual([]);
    expect([...seenByA, ...seenByB].sort()).toEqual(sent.map((m) => m.id).sort());
    await Promise.all([a.close(), b.close()]);
  });

  it('when a group seeks to a position, then its members get the messages from there again', async () => {
    const topic = newTopic();
    const group = newGroup();
    const sent = Array.from({ length: 5 }, () => message(topic));
    await transport.publish(sent);
    const subscription = await transport.subscribe({ topic, group, ackWaitMs: 30_000 });
    const firstPass = await fetchAll(subscription, 5);
    await Promise.all(firstPass.map((d) => d.ack()));
    const third = firstPass[2]!.position;

    await transport.seek(topic, group, { kind: 'position', position: third });
    const replay = await fetchAll(subscription, 3);

    expect(replay.map((d) => d.message.id)).toEqual(sent.slice(2).map((m) => m.id));
    expect(replay.map((d) => d.position)).toEqual([third, third + 1, third + 2]);
    expect(await subscription.fetch(10, 300)).toEqual([]);
    await subscription.close();
  });

  // The test timeout is far below the fetch's wait: a fetch that only returned at the end of
  // its wait would fail this test without it asserting any timing.
  it('when a fetch is waiting and a message is published meanwhile, then it returns with that message', {
    timeout: 10_000,
  }, async () => {
    const topic = newTopic();
    await transport.ensureTopic(topic);
    const group = newGroup();
    const subscription = await transport.subscribe({ topic, group, ackWaitMs: 30_000 });

    const waiting = subscription.fetch(10, 30_000);
    // The fetch's pull request is parked on the server before anything is published.
    await expect.poll(async () => (await serverConsumer(topic, group)).waiting).toBeGreaterThan(0);
    const sent = message(topic);
    await transport.publish([sent]);

    const deliveries = await waiting;
    expect(deliveries.map((d) => d.message.id)).toEqual([sent.id]);
    await deliveries[0]?.ack();
    await subscription.close();
  });

  it('when messages arrive one at a time, then the member does not send a pull request for each', {
    timeout: 20_000,
  }, async () => {
    const topic = newTopic();
    await transport.ensureTopic(topic);
    // Pull requests are publishes to the consumer's "next" API subject: the admin connection sees them.
    let pulls = 0;
    const watch = admin.subscribe(`$JS.API.CONSUMER.MSG.NEXT.${streamName(topic)}.>`, {
      callback: () => {
        pulls++;
      },
    });
    await admin.flush();
    const subscription = await transport.subscribe({ topic, group: newGroup(), ackWaitMs: 30_000 });
    const received: string[] = [];
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) {
      const next = message(topic);
      sent.push(next.id);
      // As a consumer with room for ten, waiting when the message comes: the fetch returns as
      // soon as it arrives.
      const fetching = subscription.fetch(10, 5_000);
      await transport.publish([next]);
      const deliveries = await fetching;
      for (const delivery of deliveries) {
        received.push(delivery.message.id);
        await delivery.ack();
      }
    }
    await admin.flush();
    expect(received).toEqual(sent);
    // A fetch of 10 keeps one request open and tops it up once half of it has arrived; one
    // request per message would be 10 or more.
    expect(pulls).toBeGreaterThan(0);
    expect(pulls).toBeLessThanOrEqual(4);
    watch.unsubscribe();
    await subscription.close();
  });

  // With a one-minute ack wait, anything the closed member kept would reach the other member
  // only after the test timed out.
  it('when a subscription closes, then fetch returns [] and what it had pulled goes to another member at once', {
    timeout: 15_000,
  }, async () => {
    const topic = newTopic();
    const group = newGroup();
    await transport.ensureTopic(topic);
    const closing = await transport.subscribe({ topic, group, ackWaitMs: 60_000 });

    // The first message ends the fetch early; its request stays open for 4 more, which the next
    // two messages fill while nobody fetches.
    const waiting = closing.fetch(5, 30_000);
    await expect.poll(async () => (await serverConsumer(topic, group)).waiting).toBeGreaterThan(0);
    await transport.publish([message(topic)]);
    const [first] = await waiting;
    await first?.ack();
    const leftovers = [message(topic), message(topic)];
    await transport.publish(leftovers);
    // The server has sent both to the open request (they wait for an ack that never comes).
    await expect.poll(async () => (await serverConsumer(topic, group)).ackPending).toBe(2);

    await closing.close();
    expect(await closing.fetch(10, 1_000)).toEqual([]);

    const other = await (await secondTransport()).subscribe({ topic, group, ackWaitMs: 60_000 });
    const handedBack = await fetchAll(other, 2, 10_000);
    expect(handedBack.map((d) => d.message.id).sort()).toEqual(leftovers.map((m) => m.id).sort());
    await Promise.all(handedBack.map((d) => d.ack()));
    await other.close();
  });

  it('when the transport closes right after acks, then the acks have reached the server and a new member keeps the position', async () => {
    const topic = newTopic();
    const group = newGroup();
    await transport.publish([message(topic), message(topic)]);
    const short = await secondTransport();
    const first = await short.subscribe({ topic, group, ackWaitMs: 1_000 });
    const deliveries = await fetchAll(first, 2);
    expect(deliveries).toHaveLength(2);
    for (const d of deliveries) void d.ack();
    await short.close();

    const again = await transport.subscribe({ topic, group, ackWaitMs: 1_000, start: { kind: 'beginning' } });
    expect(await again.fetch(10, 2_000)).toEqual([]);
    await again.close();
  });

  it('when the transport closes while a fetch waits, then that fetch returns [] and later ones too', {
    timeout: 10_000,
  }, async () => {
    const topic = newTopic();
    const closing = await secondTransport();
    await closing.ensureTopic(topic);
    const group = newGroup();
    const subscription = await closing.subscribe({ topic, group, ackWaitMs: 30_000 });

    const waiting = subscription.fetch(10, 30_000);
    await expect.poll(async () => (await serverConsumer(topic, group)).waiting).toBeGreaterThan(0);
    await closing.close();

    expect(await waiting).toEqual([]);
    expect(await subscription.fetch(10, 1_000)).toEqual([]);
  });

  it('when the transport is closed, then publishing is refused with the transport-closed code', async () => {
    const closed = await secondTransport();
    await closed.close();
    await expect(closed.publish([message(newTopic())])).rejects.toMatchObject({
      code: 'ORDO_ERR_MSG_TRANSPORT_CLOSED',
    });
  });
});

describe('nats transport: deleting topics', () => {
  it('when a topic is deleted, then its stream, messages and groups are gone and the name starts over', async () => {
    const topic = newTopic();
    const group = newGroup();
    const first = message(topic);
    await transport.publish([first, message(topic)]);
    const subscription = await transport.subscribe({ topic, group, ackWaitMs: 30_000 });
    await Promise.all((await fetchAll(subscription, 2)).map((d) => d.ack()));
    await subscription.close();

    await transport.deleteTopic(topic);

    expect(await serverStream(streamName(topic))).toBeUndefined();
    expect(await transport.headPosition(topic)).toBe(0);
    // Its dedup memory went with it: the same id is a new message, and the group starts afresh.
    await transport.publish([first]);
    expect(await serverStream(streamName(topic))).toMatchObject({ messages: 1 });
    const again = await transport.subscribe({ topic, group, ackWaitMs: 30_000 });
    const [delivery] = await fetchAll(again, 1);
    expect(delivery?.message.id).toBe(first.id);
    expect(delivery?.position).toBe(1);
    await delivery?.ack();
    await again.close();
  });

  it('when a topic that does not exist is deleted, then that succeeds, twice', async () => {
    const topic = newTopic();
    await transport.deleteTopic(topic);
    await transport.deleteTopic(topic);
    expect(await serverStream(streamName(topic))).toBeUndefined();
  });

  it("when a topic's stream name belongs to another topic, then deleting it is refused and the stream kept", async () => {
    const topic = newTopic();
    await transport.publish([message(topic)]);
    // `_` and `-` map to the same stream name.
    const lookalike = topic.replace('nats_', 'nats-');

    await expect(transport.deleteTopic(lookalike)).rejects.toMatchObject({ code: 'ORDO_ERR_CONFIG_INVALID' });
    expect(await serverStream(streamName(topic))).toMatchObject({ messages: 1 });
  });

  it('when the transport is closed, then deleting is refused with the transport-closed code', async () => {
    const closed = await secondTransport();
    await closed.close();
    await expect(closed.deleteTopic(newTopic())).rejects.toMatchObject({ code: 'ORDO_ERR_MSG_TRANSPORT_CLOSED' });
  });
});

describe('nats transport: namespaces', () => {
  it('when two namespaces publish on one topic, then each group sees only its own messages', async () => {
    const topic = newTopic();
    const group = newGroup();
    const run = randomBytes(3).toString('hex');
    const [a, b] = await Promise.all([
      secondTransport({ namespace: `ta${run}` }),
      secondTransport({ namespace: `tb${run}` }),
    ]);
    const streamA = streamName(topic, `ta${run}`);
    try {
      const sentA = [message(topic), message(topic)];
      const sentB = [message(topic)];
      await a.publish(sentA);
      await b.publish(sentB);

      const subA = await a.subscribe({ topic, group, ackWaitMs: 30_000 });
      const subB = await b.subscribe({ topic, group, ackWaitMs: 30_000 });
      const gotA = await fetchAll(subA, 2);
      const gotB = await fetchAll(subB, 1);
      await Promise.all([...gotA, ...gotB].map((d) => d.ack()));

      expect(gotA.map((d) => d.message.id)).toEqual(sentA.map((m) => m.id));
      expect(gotB.map((d) => d.message.id)).toEqual(sentB.map((m) => m.id));
      expect(gotA[0]?.message.topic).toBe(topic);
      expect(await subA.fetch(10, 500)).toEqual([]);
      expect(await subB.fetch(10, 500)).toEqual([]);
      await Promise.all([subA.close(), subB.close()]);
      expect(streamA).toBe(`ORDO_TA${run.toUpperCase()}_${streamName(topic).slice('ORDO_'.length)}`);
      expect(await serverStream(streamA)).toEqual({ subjects: [`ta${run}.${topic}.>`], messages: 2 });
      expect(await serverStream(streamName(topic, `tb${run}`))).toMatchObject({ messages: 1 });
      // Nor does the deployment without a namespace see either of them.
      expect(await transport.headPosition(topic)).toBe(0);
    } finally {
      await Promise.all([a.deleteTopic(topic), b.deleteTopic(topic)]);
    }
    expect(await serverStream(streamA)).toBeUndefined();
  });

  it('when a message reaches a namespaced topic without a type header, then its type comes from the subject', async () => {
    const topic = newTopic();
    const namespace = `tc${randomBytes(3).toString('hex')}`;
    const namespaced = await secondTransport({ namespace });
    try {
      await namespaced.ensureTopic(topic);
      await admin.jetstream().publish(`${namespace}.${topic}.order.shipped.v1`, 'published around Ordo');
      const subscription = await namespaced.subscribe({ topic, group: newGroup(), ackWaitMs: 30_000 });
      const [delivery] = await fetchAll(subscription, 1);
      expect(delivery?.message).toMatchObject({ topic, type: 'order.shipped.v1', body: 'published around Ordo' });
      await delivery?.ack();
      await subscription.close();
    } finally {
      await namespaced.deleteTopic(topic);
    }
  });

  it('when the namespace is not one lowercase token, then the transport is refused with a stable code', async () => {
    await expect(createNatsTransport({ servers, namespace: 'Tenant.1' })).rejects.toMatchObject({
      code: 'ORDO_ERR_CONFIG_INVALID',
    });
  });
});
