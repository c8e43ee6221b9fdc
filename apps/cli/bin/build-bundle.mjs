#!/usr/bin/env node
// `npm run build`: builds `ordo`'s cached bundle unless a fresh one is there (bundle.mjs, ADR 0028).
import { BUNDLE_DIR, buildBundle } from './bundle.mjs';

const built = await buildBundle();
console.log(built ? `ordo: bundle built into ${BUNDLE_DIR}` : `ordo: bundle in ${BUNDLE_DIR} is up to date`);
