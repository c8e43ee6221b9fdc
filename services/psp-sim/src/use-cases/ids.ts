// Ids of charges and operations: prefixed UUIDv7, so they sort by creation time (the list's keyset).
import { v7 as uuidv7 } from 'uuid';

export const newChargeId = (): string => `ch_${uuidv7()}`;
export const newOperationId = (): string => `op_${uuidv7()}`;
