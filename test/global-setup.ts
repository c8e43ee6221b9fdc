// Runs once per test run, before any worker: prepares what every worker would otherwise
// build on its own (a PGlite cluster to clone).
import { pgliteTemplateSetup } from '@ordo/testing';

export default async function setup(): Promise<() => Promise<void>> {
  return pgliteTemplateSetup();
}
