// Starts the benchmark's consumer in a process of its own and relays its reports.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConsumerProcessConfig } from './consumer-process.js';
import type { BenchConsumer } from './scenario.js';

const script = fileURLToPath(new URL('./consumer-process.ts', import.meta.url));

export function separateProcessConsumer(config: ConsumerProcessConfig): BenchConsumer {
  const child = fork(script, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async start(onProcessed) {
      await new Promise<void>((resolve, reject) => {
        child.on('message', (message: { type: string; items?: Array<[string, number]> }) => {
          if (message.type === 'ready') resolve();
          if (message.type === 'processed') for (const [id, at] of message.items ?? []) onProcessed(id, at);
        });
        child.once('exit', (code) => reject(new Error(`consumer process exited with ${code}`)));
      });
    },
    async stop() {
      child.send({ type: 'stop' });
      await exited;
    },
  };
}
