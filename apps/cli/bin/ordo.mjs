#!/usr/bin/env node
// `ordo` without a build step. Ordo's own code starts from its cached bundle when one is there and
// nothing it was built from has changed (bundle.mjs, ADR 0028); otherwise tsx's loader compiles
// the TypeScript sources as they are imported. In-process (not a child) so signals reach the host
// directly.
import { freshBundle } from './bundle.mjs';

const bundle = freshBundle();
if (bundle) {
  // Stack traces name the TypeScript sources, as under tsx.
  process.setSourceMapsEnabled(true);
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
