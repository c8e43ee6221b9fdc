// The identity of a request for idempotency: the operation, the charge it targets and its
// body, hashed from a canonical JSON form so that key order does not matter.
import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function requestFingerprint(operation: string, target: string | null, body: unknown): string {
  const text = JSON.stringify([operation, target, canonical(body ?? {})]);
  return createHash('sha256').update(text).digest('hex');
}
