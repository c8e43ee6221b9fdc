// Builds the web app (vite build into apps/web/dist) when the build is missing or older than its
// sources, so `npm start` and the tests always serve the current app with no extra command.
// Quick when nothing changed: it only compares modification times. Run by the root `prestart`
// script and by the tests' global setup (docs/adr/0013-web-app.md).
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = join(WEB_DIR, 'dist');
const SOURCES = ['index.html', 'vite.config.ts', 'package.json', 'src', 'public'];

async function newestSource(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestSource(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** Whether dist/ is missing or older than anything it is built from. */
export async function webBuildIsStale(): Promise<boolean> {
  const built = await stat(join(WEB_DIST, 'index.html')).catch(() => undefined);
  if (!built) return true;
  const sources = await Promise.all(SOURCES.map((s) => newestSource(join(WEB_DIR, s))));
  return Math.max(...sources) > built.mtimeMs;
}

/**
 * Builds into a directory of its own, then swaps it in: a server reading dist/ meanwhile, or a
 * second build running at the same time, never sees half a build.
 */
export async function ensureWebBuild(log: (line: string) => void = () => {}): Promise<boolean> {
  if (!(await webBuildIsStale())) return false;
  log('building the web app (apps/web) …');
  const { build } = await import('vite');
  const outDir = join(WEB_DIR, `.dist-${process.pid}-${Date.now()}`);
  try {
    await build({ root: WEB_DIR, configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn', build: { outDir } });
    const old = `${outDir}-old`;
    await rename(WEB_DIST, old).catch(() => undefined);
    try {
      await rename(outDir, WEB_DIST);
    } catch (error) {
      // Another build swapped its own in between: that one is as fresh as this one.
      if (!(await stat(join(WEB_DIST, 'index.html')).catch(() => undefined))) throw error;
    }
    await rm(old, { recursive: true, force: true });
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  log(`web app built into ${WEB_DIST}`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureWebBuild((line) => console.log(line));
}
