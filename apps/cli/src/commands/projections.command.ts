// `ordo projections rebuild`: replays the projected topics from their beginning into a fresh
// keyspace of the query service's Redis read store and switches readers to it at once (ADR 0012).
// Runs beside the live query instances, with the same environment as `ordo serve query`; they
// keep serving reads from the current keyspace, and write to both while the rebuild runs.
import { forwardedCallerAuth } from '@ordo/auth';
import { type Env, parseConfig } from '@ordo/config';
import { createPgDb, migrate } from '@ordo/db';
import { Faults } from '@ordo/faults';
import { createLogger } from '@ordo/logger';
import type { RebuildResult } from '@ordo/query';
import { createNatsTransport } from '@ordo/transport-nats';
import { buildService } from '../host/service-catalog.js';
import { RedisConnections } from '../serve/redis.js';
import { serveConfigSchema } from '../serve/serve-config.js';
import { redisBacked } from '../serve/serve-service.js';

export async function projectionsRebuild(env: Env = process.env): Promise<RebuildResult> {
  const config = parseConfig(serveConfigSchema('query', 'tool'), env);
  const logger = createLogger({ level: config.logLevel, name: 'ordo-projections' });
  const db = createPgDb({ connectionString: config.databaseUrl, max: 2, applicationName: 'ordo-projections' });
  const redis = new RedisConnections(config.redisUrl as string, 'projections', logger);
  try {
    const transport = await createNatsTransport({
      servers: config.natsUrl,
      name: 'ordo-projections',
      namespace: config.natsNamespace,
    });
    try {
      const context = { db, transport, logger, faults: new Faults(), now: () => new Date() };
      // The query service is built only to rebuild: its routes never serve, and trust nobody.
      const query = buildService('query', context, {
        auth: forwardedCallerAuth({ trust: () => false }),
        ...redisBacked('query', redis, `ordo:${config.natsNamespace ?? 'ordo'}`, logger),
      });
      await migrate(db, query.schema, query.migrations);
      const result = await query.rebuild();
      logger.info({ ...result }, 'projections rebuilt; readers switched to the new keyspace');
      return result;
    } finally {
      await transport.close();
    }
  } finally {
    await redis.close();
    await db.close();
  }
}
