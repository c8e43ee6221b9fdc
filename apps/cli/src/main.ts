// Entry point of the `ordo` command (`npm start`, `npx ordo`).
import { isAppError } from '@ordo/errors';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  // A known failure (bad config, a migration) reads as one line; anything else keeps its stack.
  if (isAppError(error)) console.error(`ordo: ${error.code}: ${error.message}`);
  else console.error('ordo: failed:', error);
  process.exitCode = 1;
}
