/** Limits that never refuse (the limiter still runs): for tests and benchmarks that load one user heavily. */

/** Couriers written straight into the delivery database, for tests and benchmarks that need many. */
export { demoCouriers, seedCouriers } from '@ordo/delivery';
export { LOAD_TEST_RATE_LIMITS } from '@ordo/gateway';
export { buildHost, type Host, type HostOptions } from './build-host.js';
export type { DemoAccount, DemoCredentials } from './demo-seed.js';
export { FieldKeyDispenser, hostKeyring } from './field-keys.js';
export { type RunningHost, startHost } from './start-host.js';
