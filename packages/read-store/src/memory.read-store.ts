// The embedded read store: views and sorted indexes in this process's memory (no server). Every
// operation runs synchronously between awaits, so each is atomic like the Redis scripts.
import { boundedLimit, decodeCursor, encodeCursor } from './cursor.js';
import {
  type Activation,
  type ApplyOptions,
  ApplyOutcome,
  type Generation,
  type IndexEntry,
  type Page,
  type PageRequest,
  type ReadStore,
  RebuildInProgressError,
  type Reducer,
  type SourceVersion,
  type View,
} from './read-store.port.js';
import { decide, diffIndexes, dominates, validateChange } from './versioning.js';

interface Keyspace {
  readonly views: Map<string, View<unknown>>;
  /** Each index is a sorted array of members (ascending). */
  readonly indexes: Map<string, string[]>;
  /** Views a live update found behind in this (building) keyspace. */
  readonly lagging: Set<string>;
}

const emptyKeyspace = (): Keyspace => ({ views: new Map(), indexes: new Map(), lagging: new Set() });

export class MemoryReadStore implements ReadStore {
  private readonly keyspaces = new Map<number, Keyspace>([[1, emptyKeyspace()]]);
  private current = 1;
  private building: number | undefined;
  private lastId = 1;

  async get<T>(key: string): Promise<View<T> | undefined> {
    return this.read<T>(this.space(this.current), key);
  }

  async getMany<T>(keys: readonly string[]): Promise<Array<View<T> | undefined>> {
    const space = this.space(this.current);
    return keys.map((key) => this.read<T>(space, key));
  }

  async page(index: string, request: PageRequest): Promise<Page<string>> {
    const limit = boundedLimit(request.limit);
    const after = request.cursor ? decodeCursor(request.cursor) : undefined;
    const members = this.space(this.current).indexes.get(index) ?? [];
    // Greatest first: start below the cursor's member.
    let i = after === undefined ? members.length - 1 : lowerBound(members, after) - 1;
    const data: string[] = [];
    for (; i >= 0 && data.length < limit; i--) data.push(members[i]!);
    const nextCursor = i >= 0 && data.length > 0 ? encodeCursor(data[data.length - 1]!) : null;
    return { data, nextCursor };
  }

  async apply<T>(
    key: string,
    change: SourceVersion,
    reduce: Reducer<T>,
    options: ApplyOptions = {},
  ): Promise<ApplyOutcome> {
    validateChange(change.source, change.version);
    const outcome = this.applyTo(this.space(this.current), key, change, reduce as Reducer<unknown>, options);
    if (outcome !== ApplyOutcome.Gap && this.building !== undefined) {
      this.applyToBuilding(this.building, key, change, reduce as Reducer<unknown>, true, {});
    }
    return outcome;
  }

  async currentGeneration(): Promise<number> {
    return this.current;
  }

  async beginGeneration(): Promise<Generation> {
    if (this.building !== undefined) throw new RebuildInProgressError(this.building);
    const id = ++this.lastId;
    this.keyspaces.set(id, emptyKeyspace());
    this.building = id;
    return {
      id,
      apply: async (key, change, reduce, options = {}) => {
        validateChange(change.source, change.version);
        if (this.building !== id) throw new Error(`generation ${id} is not being built`);
        return this.applyToBuilding(id, key, change, reduce as Reducer<unknown>, false, options);
      },
      activate: async () => this.activate(id),
      abandon: async () => {
        if (this.building !== id) return;
        this.building = undefined;
        this.keyspaces.delete(id);
      },
    };
  }

  private activate(id: number): Activation {
    if (this.building !== id) throw new Error(`generation ${id} is not being built`);
    const next = this.space(id);
    const now = this.space(this.current);
    for (const key of next.lagging) {
      const ahead = next.views.get(key);
      const behind = now.views.get(key);
      if (ahead && (!behind || dominates(ahead.versions, behind.versions))) next.lagging.delete(key);
    }
    if (next.lagging.size > 0) return { activated: false, lagging: [...next.lagging] };
    this.keyspaces.delete(this.current);
    this.current = id;
    this.building = undefined;
    return { activated: true };
  }

  private applyToBuilding(
    id: number,
    key: string,
    change: SourceVersion,
    reduce: Reducer<unknown>,
    live: boolean,
    options: ApplyOptions,
  ) {
    const space = this.space(id);
    const outcome = this.applyTo(space, key, change, reduce, options);
    if (outcome === ApplyOutcome.Gap && live) space.lagging.add(key);
    if (outcome === ApplyOutcome.Applied && space.lagging.has(key)) {
      const behind = this.space(this.current).views.get(key);
      if (!behind || dominates(space.views.get(key)!.versions, behind.versions)) space.lagging.delete(key);
    }
    return outcome;
  }

  private applyTo(
    space: Keyspace,
    key: string,
    change: SourceVersion,
    reduce: Reducer<unknown>,
    options: ApplyOptions,
  ): ApplyOutcome {
    const stored = space.views.get(key);
    const outcome = decide(stored?.versions[change.source], change.version, options.acceptGap);
    if (outcome !== ApplyOutcome.Applied) return outcome;
    const next = reduce(stored ? structuredClone(stored) : undefined);
    const indexes: IndexEntry[] = [...(next.indexes ?? [])];
    const { remove, add } = diffIndexes(stored?.indexes ?? [], indexes);
    for (const e of remove) removeMember(space.indexes, e);
    for (const e of add) addMember(space.indexes, e);
    space.views.set(
      key,
      structuredClone({
        key,
        doc: next.doc,
        versions: { ...stored?.versions, [change.source]: change.version },
        indexes,
      }),
    );
    return outcome;
  }

  private read<T>(space: Keyspace, key: string): View<T> | undefined {
    const view = space.views.get(key);
    return view ? (structuredClone(view) as View<T>) : undefined;
  }

  private space(id: number): Keyspace {
    const space = this.keyspaces.get(id);
    if (!space) throw new Error(`no generation ${id}`);
    return space;
  }
}

/** The first position whose member is >= `member`. */
function lowerBound(members: readonly string[], member: string): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (members[mid]! < member) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function addMember(indexes: Map<string, string[]>, entry: IndexEntry): void {
  const members = indexes.get(entry.index) ?? [];
  const at = lowerBound(members, entry.member);
  if (members[at] !== entry.member) members.splice(at, 0, entry.member);
  indexes.set(entry.index, members);
}

function removeMember(indexes: Map<string, string[]>, entry: IndexEntry): void {
  const members = indexes.get(entry.index);
  if (!members) return;
  const at = lowerBound(members, entry.member);
  if (members[at] === entry.member) members.splice(at, 1);
  if (members.length === 0) indexes.delete(entry.index);
}
