// A cached entry and how it is stored in the second level: its value (or "the source has none")
// with the times it stays fresh and servable, as compact JSON every instance reads alike.

export interface Entry<V> {
  /** False: the source had nothing under the key (a negative entry). */
  readonly found: boolean;
  readonly value: V | undefined;
  /** Epoch milliseconds: fresh before, stale after. */
  readonly freshUntil: number;
  /** Epoch milliseconds: servable (stale, while one refresh runs) before, gone after. */
  readonly staleUntil: number;
}

export function encodeEntry<V>(entry: Entry<V>): string {
  const times = { f: entry.freshUntil, s: entry.staleUntil };
  return JSON.stringify(entry.found ? { ...times, v: entry.value } : times);
}

/** Throws on text that is not an entry; `decodeValue` checks the value (default: trusted as is). */
export function decodeEntry<V>(text: string, decodeValue?: (json: unknown) => V): Entry<V> {
  const stored = JSON.parse(text) as { f?: unknown; s?: unknown; v?: unknown };
  if (typeof stored.f !== 'number' || typeof stored.s !== 'number') throw new Error('not a cache entry');
  if (!('v' in stored)) return { found: false, value: undefined, freshUntil: stored.f, staleUntil: stored.s };
  const value = decodeValue ? decodeValue(stored.v) : (stored.v as V);
  return { found: true, value, freshUntil: stored.f, staleUntil: stored.s };
}
