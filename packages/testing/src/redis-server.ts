// A Redis server of the test's own, on a free port with its files in a temp dir, for tests of what
// happens while Redis is away: stopping the shared one would break every other test running. It
// persists nothing, so a restarted server is empty.
import { startLocalServer, type TestServer } from './local-server.js';

export type TestRedisServer = TestServer;

export function startRedisServer(): Promise<TestRedisServer> {
  return startLocalServer({
    command: 'redis-server',
    args: (port, dir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    url: (port) => `redis://127.0.0.1:${port}`,
  });
}
