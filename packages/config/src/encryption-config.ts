// The environment variables of field encryption (ADR 0023), for a host's or a service's config
// schema to spread in: the master key, and the previous ones still accepted while data keys are
// re-wrapped. Values are checked for shape here and never echoed in an error.
import { z } from 'zod';

const KEY_BYTES = 32;
const HINT = `must be the base64 of ${KEY_BYTES} random bytes (\`openssl rand -base64 32\`)`;

function isMasterKey(text: string): boolean {
  const trimmed = text.trim();
  return /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && Buffer.from(trimmed, 'base64').length === KEY_BYTES;
}

export const encryptionConfigVariables = {
  /** The master key the data keys are wrapped under (base64, 32 bytes). Unset: a dev key file is used. */
  ORDO_MASTER_KEY: z.string().refine(isMasterKey, HINT).optional(),
  /** Earlier master keys, comma separated: they still unwrap until `ordo keys rotate` has re-wrapped. */
  ORDO_MASTER_KEYS_PREVIOUS: z
    .string()
    .refine(
      (text) =>
        text
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
          .every(isMasterKey),
      `each key ${HINT}`,
    )
    .optional(),
};

export interface EncryptionConfig {
  masterKey: string | undefined;
  previousMasterKeys: string | undefined;
}

export function encryptionConfig(env: {
  ORDO_MASTER_KEY?: string;
  ORDO_MASTER_KEYS_PREVIOUS?: string;
}): EncryptionConfig {
  return { masterKey: env.ORDO_MASTER_KEY, previousMasterKeys: env.ORDO_MASTER_KEYS_PREVIOUS };
}
