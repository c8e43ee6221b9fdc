// A refusal or failure of a payment operation: a registry code plus what happened. It travels
// in replies as `detail` text (`ORDO_ERR_…: …`), since the reply contracts carry no code field.
import type { ErrorDefinition } from '@ordo/errors';

export interface PaymentError {
  readonly error: ErrorDefinition;
  readonly detail: string;
}

export function describe(failure: PaymentError): string {
  return `${failure.error.code}: ${failure.detail}`;
}
