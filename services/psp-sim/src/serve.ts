// `npm start -w @ordo/psp-sim`: the simulator as its own process, until SIGTERM or SIGINT.
import { runPspSim } from './main.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
  process.once('SIGTERM', resolve);
  process.once('SIGINT', resolve);
});
const sim = await runPspSim();
const signal = await stopRequested;
sim.app.log.info({ signal }, 'psp-sim shutting down');
setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
await sim.close();
