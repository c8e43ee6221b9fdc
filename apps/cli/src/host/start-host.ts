// Builds the host and binds it to HOST:PORT; with the demo traffic on, starts the demo simulator
// against it once it listens.
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type DemoSimulator, startDemoSimulator } from '../demo/demo-simulator.js';
import { buildHost, type Host, type HostOptions } from './build-host.js';

export interface RunningHost extends Host {
  /** Where it listens, e.g. `http://0.0.0.0:3000`. */
  url: string;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const host = await buildHost(options);
  try {
    // The Node server is bound directly (the app is ready): Fastify's listen() logs one line
    // per network interface, and the host logs exactly one, below. app.close() still closes it.
    await new Promise<void>((done, fail) => {
      host.app.server.once('error', fail);
      host.app.server.listen({ port: options.config.port, host: options.config.host }, () => {
        host.app.server.off('error', fail);
        done();
      });
    });
  } catch (error) {
    await host.close();
    throw error;
  }
  const address = host.app.server.address() as AddressInfo;
  const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostname}:${address.port}`;
  const shape = options.config.databaseUrl ? 'single-node' : 'embedded';
  options.logger.info(
    { url, shape, dataDir: options.config.dataDir },
    `ordo listening on ${url} (${shape}${options.config.databaseUrl ? ', PostgreSQL' : ', PGlite'})`,
  );
  const demo = host.demo;
  if (demo) {
    const customer = demo.accounts.find((a) => a.role === 'customer');
    const credentials = join(resolve(options.config.dataDir), 'demo-credentials.json');
    options.logger.info(
      { credentials, customer: customer?.email },
      `demo accounts (${customer?.email}, an operator, restaurant staff, couriers) and their passwords: ${credentials}`,
    );
  }
  const simulator: DemoSimulator | undefined =
    demo && options.config.demo
      ? startDemoSimulator({
          baseUrl: clientUrl(address),
          accounts: demo.accounts,
          logger: options.logger.child({ component: 'demo' }),
        })
      : undefined;
  // The simulator stops first: its requests in flight end before the server stops answering.
  const close = async () => {
    await simulator?.stop();
    await host.close();
  };
  return { ...host, url, close };
}

/** How a client on this machine reaches the server: over loopback when it listens on every interface. */
function clientUrl(address: AddressInfo): string {
  const anyInterface = address.address === '0.0.0.0' || address.address === '::';
  const hostname = anyInterface ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${hostname}:${address.port}`;
}
