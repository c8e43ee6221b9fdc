// The cached bundle `ordo` starts from (ADR 0028), built from a small workspace of its own: each
// module keeps its own import.meta.url, packages stay imports for Node to resolve, and the bundle
// counts as fresh only while every file it was built from is exactly as the build read it.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBundle, freshBundle } from '../bin/bundle.mjs';

const run = promisify(execFile);

let root: string;
let dir: string;
let entry: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ordo-bundle-'));
  dir = join(root, 'dist');
  entry = join(root, 'src', 'main.ts');
  await mkdir(join(root, 'src', 'lib'), { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'bundle-fixture', type: 'module' }));
  await writeFile(
    entry,
    [
      "import { where } from './lib/where.js';",
      'const seen: string = where;',
      'console.log(JSON.stringify({ where: seen, main: import.meta.url }));',
      '',
    ].join('\n'),
  );
  await writeFile(join(root, 'src', 'lib', 'where.ts'), 'export const where = import.meta.url;\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function runBundle(): Promise<{ where: string; main: string }> {
  const url = freshBundle(dir);
  if (!url) throw new Error('no fresh bundle');
  const { stdout } = await run(process.execPath, [fileURLToPath(url)]);
  return JSON.parse(stdout);
}

describe('the bundle ordo starts from', () => {
  it('when built, then it runs with each module’s own import.meta.url, and a second build is skipped', async () => {
    expect(freshBundle(dir)).toBeUndefined();
    expect(await buildBundle({ entry, dir })).toBe(true);
    expect(await runBundle()).toEqual({
      where: pathToFileURL(join(root, 'src', 'lib', 'where.ts')).href,
      main: pathToFileURL(entry).href,
    });
    expect(await buildBundle({ entry, dir })).toBe(false);
  });

  it('when a source changes, is touched or is deleted, then the bundle is stale until built again', async () => {
    const where = join(root, 'src', 'lib', 'where.ts');
    await buildBundle({ entry, dir });
    expect(freshBundle(dir)).toBeDefined();

    await writeFile(where, "export const where = 'moved:' + import.meta.url;\n");
    expect(freshBundle(dir)).toBeUndefined();
    expect(await buildBundle({ entry, dir })).toBe(true);
    expect((await runBundle()).where).toBe(`moved:${pathToFileURL(where).href}`);

    // Same size, older time (a restored backup): still a change.
    await utimes(where, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(freshBundle(dir)).toBeUndefined();
    await buildBundle({ entry, dir });

    await rm(where);
    expect(freshBundle(dir)).toBeUndefined();
  });

  it('when a package.json of the sources changes, then the bundle is stale', async () => {
    await buildBundle({ entry, dir });
    await writeFile(
      join(root, 'package.json'),
      JSON.stringify({ name: 'bundle-fixture', type: 'module', exports: './src/main.ts' }),
    );
    expect(freshBundle(dir)).toBeUndefined();
  });

  it('when the code imports a package, then the bundle imports it from node_modules instead of holding it', async () => {
    await writeFile(entry, "import { z } from 'zod';\nconsole.log(typeof z.string);\n");
    await buildBundle({ entry, dir });
    const bundle = fileURLToPath(freshBundle(dir) as string);
    expect(await readFile(bundle, 'utf8')).toMatch(/from "zod"/);
  });

  it('when ORDO_BUNDLE is off, then no bundle is used', async () => {
    await buildBundle({ entry, dir });
    const before = process.env.ORDO_BUNDLE;
    process.env.ORDO_BUNDLE = 'off';
    try {
      expect(freshBundle(dir)).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.ORDO_BUNDLE;
      else process.env.ORDO_BUNDLE = before;
    }
    expect(freshBundle(dir)).toBeDefined();
  });

  it('when several builds run at once, then each finishes and the bundle left is whole and fresh', async () => {
    const built = await Promise.all(Array.from({ length: 3 }, () => buildBundle({ entry, dir })));
    expect(built).toContain(true);
    expect((await runBundle()).main).toBe(pathToFileURL(entry).href);
    // Bundles of the other builds are kept for a minute (a process may be about to import one).
    const files = (await readdir(dir)).filter((name) => name.endsWith('.mjs'));
    expect(files).toHaveLength(built.filter(Boolean).length);
  });
});
