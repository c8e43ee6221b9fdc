// Runs once per test run, before any worker: prepares what every worker would otherwise
// build on its own (a PGlite cluster to clone, the bundle that spawned `ordo` processes start from).
import { pgliteTemplateSetup } from '@ordo/testing';
import { buildBundle } from '../apps/cli/bin/bundle.mjs';

export default async function setup(): Promise<() => Promise<void>> {
  await buildBundle();
  return pgliteTemplateSetup();
}
