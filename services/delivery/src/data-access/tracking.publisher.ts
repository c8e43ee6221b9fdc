// Publishes location-ping batches to the tracking stream and pushes back when the broker cannot
// keep up: a bounded number of batches wait for the broker's ack at once (beyond it: 429), a
// publish that is not acknowledged in time fails (503), and after a failure the publisher answers
// 503 at once for a short while instead of queueing callers behind a broker that is down.
// A batch is acknowledged to the courier app only after the broker acknowledged it.
import { AppError, Errors, errorMessage } from '@ordo/errors';
import type { Logger } from '@ordo/logger';
import { type Envelope, type Publisher, toTransportMessage } from '@ordo/messaging';

export interface TrackingPublisherOptions {
  readonly publisher: Publisher;
  readonly topic: string;
  readonly logger: Logger;
  /** Batches waiting for the broker at once; one more is answered 429. Default 256. */
  readonly maxInFlight?: number;
  /** How long one publish may wait for the broker's ack. Default 2 s. */
  readonly ackTimeoutMs?: number;
  /** After a failed publish, new batches are refused (503) for this long. Default 1 s. */
  readonly failFastMs?: number;
}

export class TrackingPublisher {
  private inFlight = 0;
  private refuseUntil = 0;
  private readonly maxInFlight: number;
  private readonly ackTimeoutMs: number;
  private readonly failFastMs: number;

  constructor(private readonly options: TrackingPublisherOptions) {
    this.maxInFlight = options.maxInFlight ?? 256;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2_000;
    this.failFastMs = options.failFastMs ?? 1_000;
  }

  /** Batches waiting for the broker's ack now. */
  get pending(): number {
    return this.inFlight;
  }

  /** Resolves once the broker has durably accepted the batch; throws TRACKING_BUSY or TRACKING_UNAVAILABLE. */
  async publish(envelope: Envelope): Promise<void> {
    const now = Date.now();
    if (now < this.refuseUntil) {
      throw new AppError(Errors.TRACKING_UNAVAILABLE, { retryAfterSeconds: (this.refuseUntil - now) / 1_000 });
    }
    if (this.inFlight >= this.maxInFlight) {
      throw new AppError(Errors.TRACKING_BUSY, { retryAfterSeconds: 1 });
    }
    this.inFlight++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ack within ${this.ackTimeoutMs} ms`)), this.ackTimeoutMs);
      });
      await Promise.race([this.options.publisher.publish([toTransportMessage(this.options.topic, envelope)]), timeout]);
    } catch (error) {
      this.refuseUntil = Date.now() + this.failFastMs;
      this.options.logger.warn(
        { err: error, messageId: envelope.id },
        'tracking publish failed; refusing pings briefly',
      );
      throw new AppError(Errors.TRACKING_UNAVAILABLE, {
        message: `tracking stream did not acknowledge: ${errorMessage(error)}`,
        cause: error,
        retryAfterSeconds: Math.max(1, this.failFastMs / 1_000),
      });
    } finally {
      clearTimeout(timer);
      this.inFlight--;
    }
  }
}
