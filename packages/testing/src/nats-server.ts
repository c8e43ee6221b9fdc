// A NATS JetStream server of the test's own, on a free port with its store in a temp dir, so a
// test shares streams and consumer groups with nobody else. It can be stopped and started again
// on the same port and store (SIGTERM: JetStream flushes its store first), for tests of what
// happens while the broker is away.
import { startLocalServer, type TestServer } from './local-server.js';

export type TestNatsServer = TestServer;

export function startNatsServer(): Promise<TestNatsServer> {
  return startLocalServer({
    command: 'nats-server',
    args: (port, dir) => ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir],
    url: (port) => `nats://127.0.0.1:${port}`,
  });
}
