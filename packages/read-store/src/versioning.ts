// The one rule both adapters apply (the Redis one in Lua): the next version applies, an old one
// is stale, a later one is a gap. A source the view has never seen starts at version 1.
import { ApplyOutcome, type IndexEntry } from './read-store.port.js';

export function decide(have: number | undefined, version: number, acceptGap = false): ApplyOutcome {
  const last = have ?? 0;
  if (version <= last) return ApplyOutcome.Stale;
  if (version > last + 1 && !acceptGap) return ApplyOutcome.Gap;
  return ApplyOutcome.Applied;
}

/** Whether `ahead` holds at least every source version `behind` holds. */
export function dominates(ahead: Readonly<Record<string, number>>, behind: Readonly<Record<string, number>>): boolean {
  return Object.entries(behind).every(([source, version]) => (ahead[source] ?? 0) >= version);
}

const entryId = (e: IndexEntry) => `${e.index}\u0000${e.member}`;

/** Index memberships to drop and to add when a view's memberships change from `before` to `after`. */
export function diffIndexes(
  before: readonly IndexEntry[],
  after: readonly IndexEntry[],
): { remove: IndexEntry[]; add: IndexEntry[] } {
  const was = new Set(before.map(entryId));
  const will = new Set(after.map(entryId));
  return {
    remove: before.filter((e) => !will.has(entryId(e))),
    add: dedupe(after).filter((e) => !was.has(entryId(e))),
  };
}

function dedupe(entries: readonly IndexEntry[]): IndexEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const id = entryId(e);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function validateChange(source: string, version: number): void {
  if (!source) throw new TypeError('a change needs a source');
  if (!Number.isSafeInteger(version) || version < 1)
    throw new TypeError(`version must be a positive integer: ${version}`);
}
