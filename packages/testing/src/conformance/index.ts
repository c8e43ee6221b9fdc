export type { ChildConsumerConfig, ChildReport } from './child-consumer.js';
export { EVENT, KernelFixture, migrateFixture, recordEffect, SCHEMA } from './kernel-fixture.js';
export {
  natsOnPostgres,
  openShape,
  pglogOnPglite,
  pglogOnPostgres,
  type ShapeConfig,
  type ShapeContext,
  type TransportShape,
} from './shapes.js';
export { ChildConsumer, spawnConsumer } from './spawn.js';
export { defineTransportConformance, type SuiteContext } from './suite.js';
