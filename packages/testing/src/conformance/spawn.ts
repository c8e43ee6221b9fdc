// Starts a child consumer process (node + tsx) and follows its IPC reports.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildConsumerConfig, ChildReport } from './child-consumer.js';

const script = fileURLToPath(new URL('./child-consumer.ts', import.meta.url));

export class ChildConsumer {
  readonly reports: ChildReport[] = [];
  processed = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly process: ChildProcess) {
    process.on('message', (report: ChildReport) => {
      this.reports.push(report);
      if (report.type === 'processed') this.processed = report.count;
    });
    this.exited = new Promise((resolve) => process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  has(type: ChildReport['type']): boolean {
    return this.reports.some((r) => r.type === type);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.process.kill(signal);
  }
}

export function spawnConsumer(config: ChildConsumerConfig): ChildConsumer {
  const child = fork(script, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new ChildConsumer(child);
}
