// The read-store port: materialized views keyed by id, each updated only with the next version of
// the source aggregate that changed it, sorted indexes for listing, and generations for rebuilds.
// Adapters: Redis (distributed shape) and in-memory (embedded shape); both pass one conformance suite.

/** Outcome of an update: applied, or refused because it is old (`stale`) or early (`gap`). */
export const ApplyOutcome = {
  Applied: 'applied',
  /** The view already holds this version of the source (a duplicate, or older): nothing changed. */
  Stale: 'stale',
  /** The view has not seen the previous version of the source yet: try again later. */
  Gap: 'gap',
} as const;
export type ApplyOutcome = (typeof ApplyOutcome)[keyof typeof ApplyOutcome];

/** One aggregate's version that an update brings: `source` is e.g. `order:<id>`, `version` its seq. */
export interface SourceVersion {
  readonly source: string;
  readonly version: number;
}

/** A view's membership of a sorted index. Members sort as strings; pages run from the greatest. */
export interface IndexEntry {
  readonly index: string;
  readonly member: string;
}

export interface View<T> {
  readonly key: string;
  readonly doc: T;
  /** The last version applied from each source aggregate. */
  readonly versions: Readonly<Record<string, number>>;
  readonly indexes: readonly IndexEntry[];
}

/** The new document and the complete set of index memberships it should have. */
export interface Projected<T> {
  readonly doc: T;
  readonly indexes?: readonly IndexEntry[];
}

/** Pure: the current view (undefined for a new one) in, the next one out. May run more than once. */
export type Reducer<T> = (current: View<T> | undefined) => Projected<T>;

export interface PageRequest {
  readonly limit: number;
  /** The `nextCursor` of the previous page; absent for the first. */
  readonly cursor?: string | null;
}

export interface Page<T> {
  readonly data: T[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

export interface ApplyOptions {
  /**
   * Apply a later version over missing ones, the source jumping to it (still never an older one).
   * For a caller that knows the missing versions will never come: the consumer dead-lettered them.
   */
  readonly acceptGap?: boolean;
}

export interface ViewWriter {
  /**
   * Applies `reduce` to the view at `key` if `change.version` is the next version of
   * `change.source` in that view; atomic with the index changes the new document implies.
   */
  apply<T>(key: string, change: SourceVersion, reduce: Reducer<T>, options?: ApplyOptions): Promise<ApplyOutcome>;
}

export type Activation = { readonly activated: true } | { readonly activated: false; readonly lagging: string[] };

/**
 * A fresh keyspace being filled by a rebuild. While it exists, the store's own `apply` writes to
 * it as well, so it does not fall behind the live one; readers keep reading the current one.
 */
export interface Generation extends ViewWriter {
  readonly id: number;
  /**
   * Switches every reader to this generation in one step, unless a view here is behind the
   * current generation's (a live update arrived here before its predecessors): then nothing
   * changes and the lagging view keys are returned, for the caller to replay more and retry.
   */
  activate(): Promise<Activation>;
  /** Gives the generation up (a failed rebuild); the current one stays. */
  abandon(): Promise<void>;
}

export interface ReadOptions {
  /**
   * Read the store itself, past any cache in front of it: a caller waiting for a version it knows
   * was written (read-your-writes) asks again this way.
   */
  readonly fresh?: boolean;
}

export interface ReadStore extends ViewWriter {
  get<T>(key: string, options?: ReadOptions): Promise<View<T> | undefined>;
  getMany<T>(keys: readonly string[], options?: ReadOptions): Promise<Array<View<T> | undefined>>;
  /** An index's members, greatest first, in pages with an opaque cursor (keyset pagination). */
  page(index: string, request: PageRequest): Promise<Page<string>>;
  /** Starts a new generation for a rebuild; only one at a time. */
  beginGeneration(): Promise<Generation>;
  /** The generation readers read now. */
  currentGeneration(): Promise<number>;
}

/** A cursor that this store did not hand out (or that was tampered with). */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`not a cursor of this list: ${cursor.slice(0, 40)}`);
    this.name = 'InvalidCursorError';
  }
}

/** `beginGeneration` while another rebuild's generation exists. */
export class RebuildInProgressError extends Error {
  constructor(generation: number) {
    super(`generation ${generation} is being built already`);
    this.name = 'RebuildInProgressError';
  }
}
