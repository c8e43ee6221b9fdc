// The development master key: when no ORDO_MASTER_KEY is configured, the embedded host (in its
// data dir) and `ordo cluster up` (in its state dir) generate one at first start, mode 0600, and
// reuse it after. It is never committed (`.ordo/` is ignored) and is not for production.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateMasterKey } from './master-keys.js';

export const DEV_MASTER_KEY_FILE = 'master-key';

/** The base64 master key kept in `dir`, created on first use. */
export async function loadOrCreateDevMasterKey(dir: string): Promise<string> {
  const file = join(dir, DEV_MASTER_KEY_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateMasterKey();
  try {
    // Exclusive: two processes starting on one directory keep the first key.
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}
