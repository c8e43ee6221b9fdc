// What the use cases work with: repositories, the repliers, the outbox writer and the clock.
// Built once in main.ts; the use cases never open connections or read configuration.
import type { FieldCipher } from '@ordo/crypto';
import type { OutboxWriter } from '@ordo/outbox';
import type { CommandReplier } from '@ordo/participant';
import type { AssignmentRequestRepository } from '../data-access/assignment-request.repository.js';
import type { CourierRepository } from '../data-access/courier.repository.js';
import type { DeliveryRepository } from '../data-access/delivery.repository.js';

export interface DeliveryDeps {
  readonly couriers: CourierRepository;
  readonly deliveries: DeliveryRepository;
  readonly requests: AssignmentRequestRepository;
  /** Decides each saga command once; an assignment may be deferred and completed later. */
  readonly replier: CommandReplier;
  readonly writer: OutboxWriter;
  /** Seals a dropoff that arrives in clear (a message from before sealing); opens it for the courier. */
  readonly cipher: FieldCipher;
  readonly now: () => Date;
  readonly newId: () => string;
  /** How long an assignment request may wait for a free courier, from its arrival. */
  readonly assignmentTimeoutMs: number;
}
