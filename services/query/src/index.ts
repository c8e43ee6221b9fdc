// @ordo/query: read models (order view, customer history, kitchen board, courier job) projected
// from the other services' events, and the read API served from them (ADR 0012).
export { IndexName, Source, ViewKey } from './domain/keys.js';
export type { OrderViewDoc } from './domain/order-view.js';
export { projectedTypes } from './domain/projections.js';
export { PROJECTED_TOPICS, type ProjectionConsumerTuning } from './entry-points/messaging/projection.consumers.js';
export {
  createQueryService,
  QUERY_SCHEMA,
  type QueryService,
  type QueryServiceOptions,
  queryMigrations,
} from './main.js';
export { QueryErrors } from './use-cases/query-errors.js';
export {
  type EnvelopeSource,
  RebuildIncompleteError,
  type RebuildResult,
  rebuildProjections,
} from './use-cases/rebuild-projections.use-case.js';
