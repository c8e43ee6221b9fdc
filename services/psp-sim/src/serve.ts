// `npm start -w @ordo/psp-sim`: the simulator as its own process, until SIGTERM or SIGINT.
// Once it listens it logs `psp-sim listening` with its `url` (at level info): with `PORT=0`
// that line is how a parent process (the payment service's tests) learns the chosen port.
import { runPspSim } from './main.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

const stopRequested = new Promise<string>((resolve) => {
  process.once('SIGTERM', resolve);
  process.once('SIGINT', resolve);
  // Forked with an IPC channel (by a test): stop with the parent, even one that died without a word.
  if (process.send) {
    process.once('disconnect', () => resolve('parent disconnected'));
    process.channel?.unref();
  }
});
const sim = await runPspSim();
sim.app.log.info({ url: sim.url }, 'psp-sim listening');
const reason = await stopRequested;
sim.app.log.info({ reason }, 'psp-sim shutting down');
setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
await sim.close();
