// The OpenAPI document of Ordo's public API: every operation the given services declare next to
// their routes. The embedded host serves it at /docs; `npm run docs:api` writes it to
// docs/api/openapi.json; the distributed gateway can serve the same from the same services.
import { fileURLToPath } from 'node:url';
import { type OpenApiDocument, type OpenApiTag, openApiDocument } from '@ordo/http';
import type { OrdoService } from '@ordo/service-kit';

/** Where the generated document is committed; a test keeps it equal to what the host serves. */
export const API_DOCUMENT_FILE = fileURLToPath(new URL('../../../../docs/api/openapi.json', import.meta.url));

// In the order the docs page shows them: how to get a token first, then a customer's journey,
// then the staff's and couriers' apps, then the operators' tools.
const TAGS: readonly OpenApiTag[] = [
  { name: 'Auth', description: 'Accounts and access tokens. Log in, then send `Authorization: Bearer <accessToken>`.' },
  { name: 'Users', description: 'The caller’s account; operators create accounts of any role.' },
  { name: 'Restaurants', description: 'Browse restaurants and menus; staff and operators change availability.' },
  {
    name: 'Orders',
    description:
      'Place, follow and cancel orders. An order is confirmed or rejected by the create-order saga ' +
      '(kitchen ticket, payment hold, courier) shortly after it is placed.',
  },
  { name: 'Kitchen', description: 'Restaurant staff work through their kitchen tickets.' },
  { name: 'Courier', description: 'Couriers take jobs, report pickup and delivery, and share their position.' },
  { name: 'Operations: sagas', description: 'Operators find stuck or parked sagas and retry, skip or resolve them.' },
  { name: 'Operations: payments', description: 'Operators look payments up and reconcile them with the PSP.' },
  { name: 'Operations: fleet', description: 'Operators see where couriers are and who is busy.' },
];

const INFO: OpenApiDocument['info'] = {
  title: 'Ordo API',
  // The API's major version, as in its /v1 paths.
  version: '1',
  description:
    'Ordo is a food-ordering platform: customers order from restaurants, pay, and follow a courier ' +
    'bringing the food. Request and response bodies are JSON; errors carry a stable code listed in docs/errors.md.',
};

export function apiDocument(services: readonly Pick<OrdoService, 'api'>[]): OpenApiDocument {
  return openApiDocument({ info: INFO, tags: TAGS, operations: services.flatMap((s) => s.api ?? []) });
}

/** The document as docs/api/openapi.json holds it. */
export function apiDocumentFile(document: OpenApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
