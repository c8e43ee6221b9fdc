// Picks how the shape under test comes up: started here, or one already running (`--url`).
import type { BenchOptions } from '../options.js';
import { startDistributed } from './distributed.shape.js';
import { startEmbedded } from './embedded.shape.js';
import { useRunning } from './running.shape.js';
import type { RunningShape } from './shape.js';
import { startSingle } from './single.shape.js';

export function openShape(options: BenchOptions, log: (message: string) => void): Promise<RunningShape> {
  if (options.url) return useRunning(options, log);
  switch (options.shape) {
    case 'distributed':
      return startDistributed(options, log);
    case 'single':
      return startSingle(options, log);
    case 'embedded':
      return startEmbedded(options, log);
  }
}
