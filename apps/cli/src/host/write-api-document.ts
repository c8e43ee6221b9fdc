// `npm run docs:api`: writes docs/api/openapi.json from a host built in a temporary data dir
// (nothing listens, no work starts), so the file holds exactly what the host serves at /docs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { hostConfig } from '@ordo/config';
import { silentLogger } from '@ordo/logger';
import { API_DOCUMENT_FILE, apiDocument, apiDocumentFile } from './api-document.js';
import { buildHost } from './build-host.js';

const dataDir = await mkdtemp(join(tmpdir(), 'ordo-api-docs-'));
try {
  const host = await buildHost({
    config: hostConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', seed: false }),
    logger: silentLogger,
  });
  try {
    const document = apiDocument(host.services.services);
    await mkdir(dirname(API_DOCUMENT_FILE), { recursive: true });
    await writeFile(API_DOCUMENT_FILE, apiDocumentFile(document));
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods)).length;
    console.log(`wrote ${relative(process.cwd(), API_DOCUMENT_FILE)} (${operations} operations)`);
  } finally {
    await host.close();
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
