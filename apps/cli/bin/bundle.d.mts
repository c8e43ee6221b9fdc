// Types of bundle.mjs, for the TypeScript code that builds the bundle (cluster, tests).

/** Where `ordo`'s bundle and its manifest live. */
export declare const BUNDLE_DIR: string;

/** The URL of the bundle in `dir` when it is fresh; `undefined` otherwise. */
export declare function freshBundle(dir?: string): string | undefined;

/** Builds `entry` into a bundle in `dir` unless a fresh one is there; resolves to whether it built. */
export declare function buildBundle(options?: { entry?: string; dir?: string }): Promise<boolean>;
