// The distributed read store on Redis 7 (ioredis). An update reads the view, runs the reducer here,
// and writes with a Lua script that re-checks the view's revision and the source's version, so
// concurrent writers (several query instances) never lose or reorder an update.
import type { Redis } from 'ioredis';
import { boundedLimit, decodeCursor, encodeCursor } from './cursor.js';
import {
  type Activation,
  type ApplyOptions,
  ApplyOutcome,
  type Generation,
  type IndexEntry,
  type Page,
  type PageRequest,
  type ReadOptions,
  type ReadStore,
  RebuildInProgressError,
  type Reducer,
  type SourceVersion,
  type View,
} from './read-store.port.js';
import { ABANDON, ACTIVATE, APPLY, BEGIN, GET_MANY, PAGE, RESOLVE } from './redis.scripts.js';
import { diffIndexes, validateChange } from './versioning.js';
import { ViewCache, type ViewCacheOptions } from './view-cache.js';

export interface RedisReadStoreOptions {
  /** A connected client; the store does not close it. */
  readonly redis: Redis;
  /** Every key starts with it (one deployment, one test). */
  readonly prefix: string;
  /** Read-compute-write rounds before an update gives up under contention. Default 50. */
  readonly maxConflicts?: number;
  /**
   * Keep views read in process, dropped when any instance changes them (ADR 0012 amendment).
   * Without it every read goes to Redis.
   */
  readonly cache?: ViewCacheOptions;
}

type Mode = 'current' | 'live' | 'replay';
type ScriptResult = ApplyOutcome | 'conflict' | 'moved';

interface Stored {
  readonly view: View<unknown> | undefined;
  readonly revision: number;
}

const SCRIPTS = {
  ordoRsResolve: RESOLVE,
  ordoRsGetMany: GET_MANY,
  ordoRsPage: PAGE,
  ordoRsApply: APPLY,
  ordoRsBegin: BEGIN,
  ordoRsActivate: ACTIVATE,
  ordoRsAbandon: ABANDON,
} as const;

type ScriptRunner = (numberOfKeys: number, ...args: Array<string | number>) => Promise<unknown>;

export class RedisReadStore implements ReadStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly meta: string;
  private readonly maxConflicts: number;
  private readonly cache: ViewCache | undefined;

  constructor(options: RedisReadStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.meta = `${options.prefix}:meta`;
    this.maxConflicts = options.maxConflicts ?? 50;
    this.cache = options.cache ? new ViewCache(options.cache, changeChannel(options.prefix)) : undefined;
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in this.redis)) this.redis.defineCommand(name, { lua });
    }
  }

  async get<T>(key: string, options?: ReadOptions): Promise<View<T> | undefined> {
    const [view] = await this.getMany<T>([key], options);
    return view;
  }

  async getMany<T>(keys: readonly string[], options: ReadOptions = {}): Promise<Array<View<T> | undefined>> {
    if (keys.length === 0) return [];
    const cache = this.cache;
    if (!cache) return (await this.read(keys)) as Array<View<T> | undefined>;
    const views: Array<View<unknown> | undefined> = options.fresh ? [] : keys.map((key) => cache.get(key));
    const missing = keys.filter((_, i) => views[i] === undefined);
    if (missing.length === 0) return views as Array<View<T> | undefined>;
    const fills = missing.map((key) => cache.begin(key));
    let read: Array<View<unknown> | undefined> = [];
    try {
      read = await this.read(missing);
    } finally {
      for (const [i, fill] of fills.entries()) cache.finish(fill, read[i]);
    }
    let next = 0;
    return keys.map((_, i) => views[i] ?? read[next++]) as Array<View<T> | undefined>;
  }

  private async read(keys: readonly string[]): Promise<Array<View<unknown> | undefined>> {
    const hashes = (await this.run('ordoRsGetMany', 1, this.meta, this.prefix, ...keys)) as string[][];
    return hashes.map((flat, i) => parseHash(keys[i]!, flat).view);
  }

  async page(index: string, request: PageRequest): Promise<Page<string>> {
    const limit = boundedLimit(request.limit);
    const after = request.cursor ? decodeCursor(request.cursor) : '';
    const members = (await this.run('ordoRsPage', 1, this.meta, this.prefix, index, after, limit + 1)) as string[];
    const data = members.slice(0, limit);
    const nextCursor = members.length > limit ? encodeCursor(data[data.length - 1]!) : null;
    return { data, nextCursor };
  }

  async apply<T>(
    key: string,
    change: SourceVersion,
    reduce: Reducer<T>,
    options: ApplyOptions = {},
  ): Promise<ApplyOutcome> {
    validateChange(change.source, change.version);
    let applied = false;
    for (;;) {
      const { current, building } = await this.resolve();
      const outcome = await this.applyIn(current, 'current', key, change, reduce as Reducer<unknown>, options);
      if (outcome === 'moved') continue;
      applied ||= outcome === ApplyOutcome.Applied;
      // Before the caller hears of it (a read-your-writes wait is woken by this process's updates);
      // other instances hear of it on the change channel.
      if (outcome === ApplyOutcome.Applied) this.cache?.invalidate(key);
      if (outcome !== ApplyOutcome.Gap && building !== undefined) {
        // A rebuild is filling `building`: keep it level with the live keyspace. If it was just
        // activated ('moved'), it is current now and takes the update on the retry.
        const mirrored = await this.applyIn(building, 'live', key, change, reduce as Reducer<unknown>, {});
        if (mirrored === 'moved') continue;
      }
      // A retry after a switch finds the update already there (stale): it was still applied here.
      return applied ? ApplyOutcome.Applied : outcome;
    }
  }

  async currentGeneration(): Promise<number> {
    return (await this.resolve()).current;
  }

  async beginGeneration(): Promise<Generation> {
    const [status, id] = (await this.run('ordoRsBegin', 1, this.meta, this.prefix)) as [string, string];
    if (status === 'busy') throw new RebuildInProgressError(Number(id));
    const generation = Number(id);
    return {
      id: generation,
      apply: async (key, change, reduce, options = {}) => {
        validateChange(change.source, change.version);
        const outcome = await this.applyIn(generation, 'replay', key, change, reduce as Reducer<unknown>, options);
        if (outcome === 'moved') throw new Error(`generation ${generation} is not being built`);
        return outcome;
      },
      activate: () => this.activate(generation),
      abandon: async () => {
        const stopped = (await this.run('ordoRsAbandon', 1, this.meta, String(generation))) as number;
        if (stopped === 1) await this.deleteGeneration(generation);
      },
    };
  }

  private async activate(generation: number): Promise<Activation> {
    const [status, ...rest] = (await this.run('ordoRsActivate', 1, this.meta, this.prefix, String(generation))) as [
      string,
      ...string[],
    ];
    if (status === 'moved') throw new Error(`generation ${generation} is not being built`);
    if (status === 'lagging') return { activated: false, lagging: rest };
    // Readers resolve the generation inside each script, so none reads the old one any more.
    await this.deleteGeneration(Number(rest[0]));
    return { activated: true };
  }

  /** Deletes a generation's keys in batches (UNLINK frees memory off Redis's main thread). */
  private async deleteGeneration(generation: number): Promise<void> {
    const match = `${escapeGlob(this.prefix)}:g${generation}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
      if (keys.length > 0) await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  private async applyIn(
    generation: number,
    mode: Mode,
    key: string,
    change: SourceVersion,
    reduce: Reducer<unknown>,
    options: ApplyOptions,
  ): Promise<ApplyOutcome | 'moved'> {
    const acceptGap = options.acceptGap === true;
    const viewKey = `${this.prefix}:g${generation}:v:${key}`;
    for (let attempt = 0; attempt < this.maxConflicts; attempt++) {
      const stored = parseHash(key, await this.redis.hgetall(viewKey));
      const have = stored.view?.versions[change.source] ?? 0;
      // Decided here too, so a duplicate costs one read and never runs the reducer.
      if (change.version <= have) return ApplyOutcome.Stale;
      const early = change.version > have + 1 && !acceptGap;
      // Only a live mirror needs the script for a gap (it marks the view lagging there); the
      // script's revision check makes sure the placeholder document below is never written.
      if (early && mode !== 'live') return ApplyOutcome.Gap;
      const next = early ? { doc: stored.view?.doc ?? null, indexes: undefined } : reduce(stored.view);
      const indexes: IndexEntry[] = [...(next.indexes ?? stored.view?.indexes ?? [])];
      const { remove, add } = diffIndexes(stored.view?.indexes ?? [], indexes);
      const result = (await this.run(
        'ordoRsApply',
        1,
        this.meta,
        this.prefix,
        String(generation),
        mode,
        key,
        stored.revision,
        change.source,
        change.version,
        acceptGap ? 1 : 0,
        JSON.stringify(next.doc),
        JSON.stringify(indexes),
        remove.length,
        ...remove.flatMap((e) => [e.index, e.member]),
        ...add.flatMap((e) => [e.index, e.member]),
      )) as ScriptResult;
      if (result !== 'conflict') return result;
      // Another writer changed the view since it was read: read it again.
    }
    throw new Error(`view ${key}: gave up after ${this.maxConflicts} concurrent updates`);
  }

  private async resolve(): Promise<{ current: number; building: number | undefined }> {
    const [current, building] = (await this.run('ordoRsResolve', 1, this.meta, this.prefix)) as [string, string];
    return { current: Number(current), building: building === '' ? undefined : Number(building) };
  }

  private run(name: keyof typeof SCRIPTS, ...args: [number, ...Array<string | number>]): Promise<unknown> {
    const runner = (this.redis as unknown as Record<string, ScriptRunner>)[name]!;
    return runner.apply(this.redis, args);
  }
}

/** A view's hash: HGETALL's flat `[field, value, …]` as a script returns it, or ioredis's object. */
function parseHash<T>(key: string, hash: string[] | Record<string, string>): Stored {
  // One pass over the flat form: this runs on every read.
  const flat = Array.isArray(hash) ? hash : Object.entries(hash).flat();
  let doc: string | undefined;
  let idx: string | undefined;
  let rev: string | undefined;
  const versions: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i] as string;
    const value = flat[i + 1] as string;
    if (field === 'doc') doc = value;
    else if (field === 'idx') idx = value;
    else if (field === 'rev') rev = value;
    else if (field.startsWith('v:')) versions[field.slice(2)] = Number(value);
  }
  if (rev === undefined) return { view: undefined, revision: 0 };
  const view: View<T> = {
    key,
    doc: JSON.parse(doc ?? 'null') as T,
    versions,
    indexes: JSON.parse(idx ?? '[]') as IndexEntry[],
  };
  return { view: view as View<unknown>, revision: Number(rev) };
}

/** Where the store's scripts announce changed views (their keys) and a switched keyspace (`*`). */
function changeChannel(prefix: string): string {
  return `${prefix}:changed`;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
