// Runs the delivery service in-process for component tests: its migrations, its HTTP routes
// on an Ordo HTTP app, its background work, a clock the test moves, and a fake orchestrator
// that sends commands and reads the replies and events the service wrote.
import type { GeoPoint } from '@ordo/contracts-common';
import { DeliveryCommands, DeliveryTopics } from '@ordo/contracts-delivery';
import { type Db, migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { createHttpApp } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import { type Envelope, newMessageId, type Transport, toTransportMessage } from '@ordo/messaging';
import type { OrdoService } from '@ordo/service-kit';
import { testFieldKeys } from '@ordo/testing';
import type { FastifyInstance } from 'fastify';
import { type CourierSeed, createDeliveryService, type DeliveryServiceOptions, seedCouriers } from '../../src/index.js';
import { testAuth } from './test-auth.js';

export const LISBON = { lat: 38.7223, lng: -9.1393 } as const;

/** A point `northKm` north and `eastKm` east of `from`. */
export function offset(from: GeoPoint, northKm: number, eastKm = 0): GeoPoint {
  return {
    lat: from.lat + northKm / 111.32,
    lng: from.lng + eastKm / (111.32 * Math.cos((from.lat * Math.PI) / 180)),
  };
}

export function courier(userId: string, position: GeoPoint, available = true): CourierSeed {
  return { id: `courier-${userId}`, userId, name: userId, position, available };
}

export class TestClock {
  private ms = Date.parse('2026-11-21T12:00:00.000Z');
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface MessageRow {
  message_id: string;
  type: string;
  key: string;
  seq: number;
  payload: Record<string, unknown>;
  correlation_id: string;
  causation_id: string | null;
}

export interface Harness {
  readonly db: Db;
  readonly app: FastifyInstance;
  readonly clock: TestClock;
  readonly service: OrdoService;
  /** Sends an assign-courier command (a new message each call; pass the same commandId to retry). */
  assign(sagaId: string, options?: { commandId?: string; pickup?: GeoPoint; orderId?: string }): Promise<Envelope>;
  cancel(sagaId: string, options?: { commandId?: string; orderId?: string }): Promise<Envelope>;
  /** Whether the service's consumer has committed this message (effects and inbox row). */
  processed(envelope: Envelope): Promise<boolean>;
  replies(): Promise<MessageRow[]>;
  events(): Promise<MessageRow[]>;
  close(): Promise<void>;
}

export async function startHarness(
  db: Db,
  transport: Transport,
  couriers: readonly CourierSeed[],
  options: Partial<DeliveryServiceOptions> = {},
  clock = new TestClock(),
): Promise<Harness> {
  const service = createDeliveryService(
    { db, transport, logger: silentLogger, faults: noFaults, now: clock.now, fieldKeys: testFieldKeys('delivery') },
    {
      auth: testAuth,
      assignmentRetryIntervalMs: 50,
      commandFetchWaitMs: 50,
      relayPollIntervalMs: 100,
      ...options,
    },
  );
  await migrate(db, service.schema, service.migrations);
  await seedCouriers(db, couriers, { now: clock.now() });
  const app = await createHttpApp();
  await app.register(service.routes);
  await app.ready();
  await service.start();

  const seqs = new Map<string, number>();
  async function send(type: string, sagaId: string, payload: Record<string, unknown>): Promise<Envelope> {
    const seq = (seqs.get(sagaId) ?? 0) + 1;
    seqs.set(sagaId, seq);
    const envelope: Envelope = {
      id: newMessageId(),
      type,
      key: sagaId,
      seq,
      occurredAt: clock.now().toISOString(),
      correlationId: `corr-${sagaId}`,
      causationId: null,
      traceparent: null,
      payload,
    };
    await transport.publish([toTransportMessage(DeliveryTopics.commands, envelope)]);
    return envelope;
  }
  const rows = async (topic: string) =>
    (
      await db.query<MessageRow>(
        `SELECT message_id, type, key, seq, payload, correlation_id, causation_id FROM delivery.outbox
         WHERE topic = $1 ORDER BY id`,
        [topic],
      )
    ).rows;

  return {
    db,
    app,
    clock,
    service,
    assign: (sagaId, o = {}) =>
      send(DeliveryCommands.assignCourier.type, sagaId, {
        sagaId,
        commandId: o.commandId ?? `${sagaId}:assign-courier`,
        orderId: o.orderId ?? `order-${sagaId}`,
        restaurantId: 'restaurant-1',
        pickup: o.pickup ?? LISBON,
        dropoff: { ...offset(LISBON, -1, 1), line1: 'Rua Augusta 100' },
      }),
    cancel: (sagaId, o = {}) =>
      send(DeliveryCommands.cancelDelivery.type, sagaId, {
        sagaId,
        commandId: o.commandId ?? `${sagaId}:cancel-delivery`,
        orderId: o.orderId ?? `order-${sagaId}`,
      }),
    processed: async (envelope) =>
      (await db.query('SELECT 1 FROM delivery.inbox WHERE message_id = $1', [envelope.id])).rows.length > 0,
    replies: () => rows(DeliveryTopics.replies),
    events: () => rows(DeliveryTopics.events),
    close: async () => {
      await service.stop();
      await app.close();
    },
  };
}
