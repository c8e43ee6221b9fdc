// Ordo's own code as one cached ES module, so an `ordo` process starts without compiling and
// loading four hundred TypeScript files through tsx's loader: 2.5–3 s of CPU less per start on a
// 2-core box, which a cluster of eight processes, a restart after a crash and every test that
// spawns a service pay (ADR 0028). Dependencies in node_modules are not bundled: Node loads them
// as usual.
//
// The bundle is a cache, never the source of truth. `freshBundle` hands it out only while every
// file it was built from (and the package.json of each package they belong to) is exactly as it
// was when the build read it; otherwise `ordo` runs the sources through tsx as before.
// `buildBundle` is run by `startCluster`, by the tests' global setup and by `npm run build`
// (which `npm start` runs first).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// This file's directory's parent: apps/cli, whether it runs from bin/ or bundled into dist/.
const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Where `ordo`'s bundle and its manifest live. */
export const BUNDLE_DIR = join(CLI_DIR, 'dist');
const ENTRY = join(CLI_DIR, 'src', 'main.ts');
const MANIFEST = 'bundle.json';

/**
 * The URL of the bundle in `dir` to import, when one was built and none of the files it was built
 * from has changed (modification time and size) or gone since; `undefined` otherwise.
 * Synchronous and cheap: a stat per input file, a few milliseconds.
 */
export function freshBundle(dir = BUNDLE_DIR) {
  // `ORDO_BUNDLE=off`: always run the sources (debugging the loader, comparing the two).
  if (process.env.ORDO_BUNDLE === 'off') return undefined;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
    for (const [path, mtimeMs, size] of manifest.inputs) {
      const now = statSync(path);
      if (now.mtimeMs !== mtimeMs || now.size !== size) return undefined;
    }
    const file = join(dir, manifest.file);
    statSync(file);
    return pathToFileURL(file).href;
  } catch {
    return undefined; // no manifest yet, or an input or the bundle is gone
  }
}

/**
 * Builds `entry` into a bundle in `dir` unless a fresh one is there. Safe to run from several
 * processes at once: each writes a bundle file of its own and swaps the manifest in with one
 * rename, so a reader takes one whole manifest or the other. Resolves to whether it built.
 */
export async function buildBundle({ entry = ENTRY, dir = BUNDLE_DIR } = {}) {
  if (freshBundle(dir)) return false;
  const { build } = await import('esbuild');
  // Taken before the first source is read: a file changed during the build is newer than this.
  const started = Date.now();
  const file = `ordo-${started}-${randomUUID().slice(0, 8)}.mjs`;
  const result = await build({
    entryPoints: [entry],
    outfile: join(dir, file),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Names stay as written: errors and logs name classes and functions.
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    plugins: [ownCodeOnly],
  });
  const sources = Object.keys(result.metafile.inputs).map((input) => resolve(input));
  const inputs = [...sources, ...packageFilesOf(sources)].map((path) => {
    const { mtimeMs, size } = statSync(path);
    // Changed while the build ran: what the bundle holds may be older, so it never counts as fresh.
    return [path, mtimeMs > started ? -1 : mtimeMs, size];
  });
  const temporary = join(dir, `${MANIFEST}.${process.pid}.${randomUUID().slice(0, 8)}`);
  writeFileSync(temporary, JSON.stringify({ file, inputs }));
  renameSync(temporary, join(dir, MANIFEST));
  removeOtherBundles(dir, file);
  return true;
}

/**
 * Bundles Ordo's workspace code (`@ordo/*` and relative imports) and leaves every other package
 * to Node. Each source file keeps its own `import.meta.url`, so a path it resolves next to itself
 * (the web app's build, the API document, the `ordo` binary) is the same as when run from source.
 */
const ownCodeOnly = {
  name: 'ordo-own-code-only',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@ordo/') ? undefined : { path: args.path, external: true },
    );
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
};

/** The package.json of the package each source belongs to: a changed `exports` map counts too. */
function packageFilesOf(sources) {
  const packages = new Set();
  for (const source of sources) {
    for (let dir = dirname(source); dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, 'package.json');
      if (exists(candidate)) {
        packages.add(candidate);
        break;
      }
    }
  }
  return [...packages];
}

function exists(path) {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Bundles of earlier builds, once no process can still be about to import one: a process that
 * read their manifest imported them within moments, and holds them in memory since.
 */
function removeOtherBundles(dir, keep) {
  const before = Date.now() - 60_000;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('ordo-') || name.startsWith(keep)) continue;
    try {
      if (statSync(join(dir, name)).mtimeMs < before) rmSync(join(dir, name), { force: true });
    } catch {
      // removed by another build meanwhile
    }
  }
}
