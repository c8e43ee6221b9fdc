import { AppError, Errors } from '@ordo/errors';
import { silentLogger } from '@ordo/logger';
import type { Envelope, Publisher, TransportMessage } from '@ordo/messaging';
import { describe, expect, it } from 'vitest';
import { TrackingPublisher } from './tracking.publisher.js';

/** A broker whose acks the test releases (or fails) by hand. */
class HeldBroker implements Publisher {
  readonly waiting: Array<{ messages: readonly TransportMessage[]; ack: () => void; fail: (e: Error) => void }> = [];
  publish(messages: readonly TransportMessage[]): Promise<void> {
    return new Promise((ack, fail) => this.waiting.push({ messages, ack, fail }));
  }
  async close(): Promise<void> {}
}

function envelope(n: number): Envelope {
  return {
    id: `m-${n}`,
    type: 'delivery.locations_reported.v1',
    key: 'd-1',
    seq: 0,
    occurredAt: new Date().toISOString(),
    correlationId: 'c',
    causationId: null,
    traceparent: null,
    payload: {},
  };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('TrackingPublisher', () => {
  it('when the broker acknowledges, then publish resolves only after the ack', async () => {
    const broker = new HeldBroker();
    const publisher = new TrackingPublisher({ publisher: broker, topic: 't', logger: silentLogger });
    let done = false;
    const publishing = publisher.publish(envelope(1)).then(() => {
      done = true;
    });
    await expect.poll(() => broker.waiting.length).toBe(1);
    expect(done).toBe(false);
    expect(broker.waiting[0]?.messages[0]).toMatchObject({ id: 'm-1', topic: 't', key: 'd-1' });
    broker.waiting[0]?.ack();
    await publishing;
    expect(publisher.pending).toBe(0);
  });

  it('when as many batches as allowed wait for the broker, then the next is refused with 429 and Retry-After', async () => {
    const broker = new HeldBroker();
    const publisher = new TrackingPublisher({ publisher: broker, topic: 't', logger: silentLogger, maxInFlight: 2 });
    const held = [publisher.publish(envelope(1)), publisher.publish(envelope(2))];
    const error = await refusal(publisher.publish(envelope(3)));
    expect(error.code).toBe(Errors.TRACKING_BUSY.code);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(broker.waiting).toHaveLength(2);
    for (const w of broker.waiting) w.ack();
    await Promise.all(held);
    broker.waiting.length = 0;
    const next = publisher.publish(envelope(4));
    await expect.poll(() => broker.waiting.length).toBe(1);
    broker.waiting[0]?.ack();
    await next;
  });

  it('when the broker does not acknowledge in time or fails, then 503 with Retry-After, and new batches are refused at once for a while', async () => {
    const broker = new HeldBroker();
    const publisher = new TrackingPublisher({
      publisher: broker,
      topic: 't',
      logger: silentLogger,
      ackTimeoutMs: 20,
      failFastMs: 60_000,
    });
    const timedOut = await refusal(publisher.publish(envelope(1)));
    expect(timedOut.code).toBe(Errors.TRACKING_UNAVAILABLE.code);
    expect(timedOut.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    const refused = await refusal(publisher.publish(envelope(2)));
    expect(refused.code).toBe(Errors.TRACKING_UNAVAILABLE.code);
    expect(broker.waiting).toHaveLength(1); // the second never reached the broker

    const failing = new HeldBroker();
    const other = new TrackingPublisher({ publisher: failing, topic: 't', logger: silentLogger });
    const publishing = refusal(other.publish(envelope(3)));
    await expect.poll(() => failing.waiting.length).toBe(1);
    failing.waiting[0]?.fail(new Error('stream not found'));
    expect((await publishing).code).toBe(Errors.TRACKING_UNAVAILABLE.code);
  });
});
