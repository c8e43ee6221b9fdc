export { buildHost, type Host, type HostOptions } from './build-host.js';
export type { DemoAccount, DemoCredentials } from './demo-seed.js';
export { type RunningHost, startHost } from './start-host.js';
