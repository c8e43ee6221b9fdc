/** The gateway's own schema; no other service reads it. */
export const GATEWAY_SCHEMA = 'gateway';
