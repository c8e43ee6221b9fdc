// Before a cluster starts: are Postgres, NATS and Redis there? One clear message if not,
// instead of six services failing to connect.
import { connect } from 'node:net';
import { createPgDb } from '@ordo/db';

export interface ServerUrls {
  /** A connection with the right to create databases (default postgres://postgres@127.0.0.1:5432/postgres). */
  postgresUrl: string;
  natsUrl: string;
  redisUrl: string;
}

export const DEFAULT_SERVERS: ServerUrls = {
  postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: 'nats://127.0.0.1:4222',
  redisUrl: 'redis://127.0.0.1:6379',
};

/** Opens a TCP connection, writes `send` (if any) and resolves with the first bytes back. */
function probe(url: string, defaultPort: number, send?: string, timeoutMs = 2_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || defaultPort) });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => {
      if (send) socket.write(send);
    });
    socket.once('data', (data) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data.toString('utf8'));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Checks all three servers and reports every one that does not answer, in one error. */
export async function checkServers(given: Partial<ServerUrls>): Promise<ServerUrls> {
  const urls: ServerUrls = {
    postgresUrl: given.postgresUrl ?? DEFAULT_SERVERS.postgresUrl,
    natsUrl: given.natsUrl ?? DEFAULT_SERVERS.natsUrl,
    redisUrl: given.redisUrl ?? DEFAULT_SERVERS.redisUrl,
  };
  const problems: string[] = [];
  const pg = createPgDb({ connectionString: urls.postgresUrl, max: 1, applicationName: 'ordo-cluster' });
  try {
    await pg.query('SELECT 1');
  } catch (error) {
    problems.push(`Postgres at ${urls.postgresUrl}: ${(error as Error).message}`);
  } finally {
    await pg.close();
  }
  try {
    // A NATS server greets every connection with an INFO line; JetStream shows in it.
    const info = await probe(urls.natsUrl, 4222);
    if (!info.startsWith('INFO')) problems.push(`NATS at ${urls.natsUrl}: not a NATS server`);
    else if (!info.includes('"jetstream":true'))
      problems.push(`NATS at ${urls.natsUrl}: JetStream is not enabled (-js)`);
  } catch (error) {
    problems.push(`NATS at ${urls.natsUrl}: ${(error as Error).message}`);
  }
  try {
    const pong = await probe(urls.redisUrl, 6379, 'PING\r\n');
    if (!pong.startsWith('+PONG')) problems.push(`Redis at ${urls.redisUrl}: answered ${pong.trim().slice(0, 60)}`);
  } catch (error) {
    problems.push(`Redis at ${urls.redisUrl}: ${(error as Error).message}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `the distributed shape needs Postgres, NATS JetStream and Redis:\n  ${problems.join('\n  ')}\n` +
        'start them with `bash scripts/services.sh` (installs what is missing on Debian)',
    );
  }
  return urls;
}
