// GET /docs (the API as a readable page) and GET /docs/openapi.json (the OpenAPI document), both
// rendered once at registration.
import type { FastifyContextConfig, FastifyPluginAsync } from 'fastify';
import { renderDocsPage } from './docs-page.js';
import type { OpenApiDocument } from './openapi-document.js';

export interface DocsPluginOptions {
  document: OpenApiDocument;
  /**
   * Route config of both routes. Where @ordo/auth's plugin guards the scope, pass its
   * `allowAnonymous()`: the docs are public, and a route without an access rule fails to register.
   */
  config?: FastifyContextConfig;
}

export const DOCS_PATH = '/docs';
export const OPENAPI_JSON_PATH = '/docs/openapi.json';

// The page has no script and loads nothing; the policy keeps it that way.
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export const docsPlugin: FastifyPluginAsync<DocsPluginOptions> = async (app, { document, config = {} }) => {
  const json = JSON.stringify(document);
  const page = renderDocsPage(document, OPENAPI_JSON_PATH);

  app.get(DOCS_PATH, { config }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_POLICY).send(page),
  );
  app.get(OPENAPI_JSON_PATH, { config }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(json),
  );
};
