export { type ClaimStrategy, leasingClaims, lockingClaims } from './claim-strategies.js';
export { outboxChannel, outboxMigrations } from './migrations.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
export { OUTBOX_COLUMNS, type OutboxRow, rowToTransportMessage } from './outbox-row.js';
export { causedBy, OutboxWriter, type OutgoingMessage } from './outbox-writer.js';
