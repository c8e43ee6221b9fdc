export { checkDemoSwitches, demoSwitches, demoSwitchVariables } from './demo-switches.js';
export {
  type EdgeConfig,
  edgeConfig,
  edgeConfigVariables,
  MIN_METRICS_TOKEN_LENGTH,
  type TrustedProxies,
} from './edge-config.js';
export { type EncryptionConfig, encryptionConfig, encryptionConfigVariables } from './encryption-config.js';
export { envInt, envLogLevel, envOnOff, envPort, LOG_LEVELS, type LogLevel } from './env-types.js';
export { type HostConfig, hostConfig, hostConfigSchema } from './host-config.js';
export { type ConfigIssue, type Env, parseConfig } from './parse-config.js';
