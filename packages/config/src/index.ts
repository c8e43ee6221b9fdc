export { envInt, envLogLevel, envOnOff, envPort, LOG_LEVELS, type LogLevel } from './env-types.js';
export { type HostConfig, hostConfigSchema } from './host-config.js';
export { type ConfigIssue, type Env, parseConfig } from './parse-config.js';
