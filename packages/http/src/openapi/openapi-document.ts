// Builds the OpenAPI 3.1 document of a set of operations: their paths, parameters, bodies and
// responses from the zod schemas the routes validate with, a bearer-JWT security scheme, and
// the error body every Ordo service answers with as one shared component.
import { type ErrorDefinition, Errors } from '@ordo/errors';
import { z } from 'zod';
import { type ApiOperation, type ApiResponse, openApiPath } from './api-operation.js';
import { componentRef, type JsonSchema, SchemaCollector } from './json-schema.js';

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiContent {
  'application/json': { schema: JsonSchema };
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: OpenApiContent;
}

export interface OpenApiOperation {
  tags: string[];
  summary: string;
  description: string;
  /** The roles that may call the operation; absent on anonymous ones. */
  'x-roles'?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: OpenApiContent };
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiTag {
  name: string;
  description?: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  tags: OpenApiTag[];
  /** Path, then lower-case method. */
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    securitySchemes: Record<string, Record<string, string>>;
    schemas: Record<string, JsonSchema>;
  };
}

export interface OpenApiDocumentOptions {
  info: OpenApiDocument['info'];
  operations: readonly ApiOperation[];
  /** Descriptions of the tags the operations use, in the order the page should show them. */
  tags?: readonly OpenApiTag[];
}

export const BEARER_SCHEME = 'bearerAuth';
export const ERROR_SCHEMA = 'Error';

/** The body of every error response (see @ordo/http's error mapping and docs/errors.md). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable code, `ORDO_ERR_<AREA>_<PROBLEM>`, listed in docs/errors.md.' }),
    message: z.string().meta({ description: 'For people; may change wording.' }),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Facts about this failure (the failing fields of a 400, the id not found).' }),
  }),
});

function parameters(collector: SchemaCollector, schema: z.ZodType, location: 'path' | 'query'): OpenApiParameter[] {
  const json = collector.convert(schema, 'input');
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  if (json.type !== 'object' || properties === undefined) {
    throw new Error(`${location} parameters must be described by a zod object schema`);
  }
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function jsonContent(schema: JsonSchema): OpenApiContent {
  return { 'application/json': { schema } };
}

function errorResponse(description: string): OpenApiResponse {
  return { description, content: jsonContent(componentRef(ERROR_SCHEMA)) };
}

function withCodes(description: string, errors: readonly ErrorDefinition[]): string {
  if (errors.length === 0) return description;
  return `${description.replace(/\.$/, '')}: ${errors.map((e) => `\`${e.code}\``).join(', ')}.`;
}

function declaredResponse(
  collector: SchemaCollector,
  operation: ApiOperation,
  status: string,
  response: ApiResponse,
): OpenApiResponse {
  const errors = response.errors ?? [];
  const mismatch = errors.find((e) => String(e.httpStatus) !== status);
  if (mismatch) {
    throw new Error(
      `${operation.method} ${operation.path}: ${mismatch.code} is a ${mismatch.httpStatus}, listed under ${status}`,
    );
  }
  const description = withCodes(response.description, errors);
  if (response.schema) {
    return { description, content: jsonContent(collector.convert(response.schema, 'output')) };
  }
  return Number(status) >= 400 ? errorResponse(description) : { description };
}

function accessNote(roles: readonly string[] | undefined): string {
  return roles === undefined ? 'Anonymous: no token needed.' : `Roles: ${roles.join(', ')}.`;
}

// The answers the shared plumbing gives, so a service does not list them on every operation.
function standardResponses(operation: ApiOperation): Record<string, OpenApiResponse> {
  const responses: Record<string, OpenApiResponse> = {};
  if (operation.body || operation.query || operation.params) {
    const codes = operation.body ? [Errors.VALIDATION, Errors.MALFORMED_JSON] : [Errors.VALIDATION];
    responses['400'] = errorResponse(
      withCodes('The request is not valid (`details.in` and `details.issues` name the fields)', codes),
    );
  }
  if (operation.roles !== undefined) {
    responses['401'] = errorResponse(withCodes('No valid access token', [Errors.AUTH_UNAUTHENTICATED]));
    responses['403'] = errorResponse(withCodes('The caller’s role may not do this', [Errors.AUTH_FORBIDDEN]));
  }
  if (operation.body) {
    responses['413'] = errorResponse(withCodes('The body is too large', [Errors.BODY_TOO_LARGE]));
    responses['415'] = errorResponse(withCodes('The body is not JSON', [Errors.UNSUPPORTED_MEDIA_TYPE]));
  }
  return responses;
}

/** The header of idempotent operations (ADR 0018), as Stripe defines it. */
export const IDEMPOTENCY_KEY_PARAMETER: OpenApiParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A unique key per intended operation (a UUID, say), reused on every retry of it. The first request with a ' +
    'key runs; its answer is kept for 24 hours and replayed to every retry with the same key and the same ' +
    'request, marked `Idempotent-Replayed: true`. The key is scoped to the caller. A request refused before it ' +
    'ran (400, 401, 403, 404, 413, 415, 429) does not use the key up.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
};

const REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    description: '`true` when this is the kept answer of an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
};

// The answers of the idempotency layer, on top of the operation's own.
function idempotencyResponses(operation: ApiOperation): Record<string, OpenApiResponse> {
  if (!operation.idempotent) return {};
  return {
    '400': errorResponse(withCodes('The `Idempotency-Key` header is malformed', [Errors.IDEMPOTENCY_KEY_INVALID])),
    '409': errorResponse(
      withCodes(
        'A request with this `Idempotency-Key` is still running (retry after `Retry-After`), or never finished',
        [Errors.IDEMPOTENCY_KEY_IN_USE, Errors.IDEMPOTENCY_OUTCOME_UNKNOWN],
      ),
    ),
    '422': errorResponse(
      withCodes('The `Idempotency-Key` was used for a different request', [Errors.IDEMPOTENCY_KEY_REUSED]),
    ),
  };
}

function merge(into: Record<string, OpenApiResponse>, extra: Record<string, OpenApiResponse>): void {
  for (const [status, response] of Object.entries(extra)) {
    const present = into[status];
    into[status] = present ? { ...present, description: `${present.description} ${response.description}` } : response;
  }
}

function checkPathParams(operation: ApiOperation, path: string, params: OpenApiParameter[]): void {
  const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
  const declared = params.map((p) => p.name).sort();
  if (JSON.stringify(inPath) !== JSON.stringify(declared)) {
    throw new Error(
      `${operation.method} ${operation.path}: the path has parameters [${inPath.join(', ')}] ` +
        `but the params schema declares [${declared.join(', ')}]`,
    );
  }
}

function toOperation(collector: SchemaCollector, operation: ApiOperation, path: string): OpenApiOperation {
  const pathParams = operation.params ? parameters(collector, operation.params, 'path') : [];
  checkPathParams(operation, path, pathParams);
  const queryParams = operation.query ? parameters(collector, operation.query, 'query') : [];
  const responses = standardResponses(operation);
  for (const [status, response] of Object.entries(operation.responses)) {
    const declared = declaredResponse(collector, operation, status, response);
    const standard = responses[status];
    // An operation's own reasons for a 400 or 401 come on top of the shared ones.
    responses[status] =
      standard && !response.schema
        ? { ...standard, description: `${standard.description} ${declared.description}` }
        : declared;
  }
  if (operation.idempotent) {
    merge(responses, idempotencyResponses(operation));
    for (const [status, response] of Object.entries(responses)) {
      if (Number(status) < 400) response.headers = { ...response.headers, ...REPLAYED_HEADER };
    }
  }
  const headerParams = operation.idempotent ? [IDEMPOTENCY_KEY_PARAMETER] : [];
  const description = [operation.description, accessNote(operation.roles)].filter(Boolean).join('\n\n');

  return {
    tags: [...operation.tags],
    summary: operation.summary,
    description,
    ...(operation.roles !== undefined
      ? { 'x-roles': [...operation.roles], security: [{ [BEARER_SCHEME]: [] }] }
      : { security: [] }),
    ...(pathParams.length + queryParams.length + headerParams.length > 0
      ? { parameters: [...pathParams, ...queryParams, ...headerParams] }
      : {}),
    ...(operation.body
      ? {
          requestBody: {
            // Routes check an absent body as `{}` (see parseInput): it is optional when `{}` would do.
            required: !operation.body.safeParse({}).success,
            content: jsonContent(collector.convert(operation.body, 'input')),
          },
        }
      : {}),
    // Status codes are integer keys: JavaScript keeps them in ascending order.
    responses,
  };
}

/** The document; throws when two operations share a method and path, or a path and its params disagree. */
export function openApiDocument(options: OpenApiDocumentOptions): OpenApiDocument {
  const collector = new SchemaCollector();
  collector.add(ERROR_SCHEMA, collector.convert(errorBodySchema, 'output'));
  const paths: OpenApiDocument['paths'] = {};
  const tagNames: string[] = (options.tags ?? []).map((t) => t.name);

  for (const operation of options.operations) {
    const path = openApiPath(operation.path);
    const method = operation.method.toLowerCase();
    paths[path] ??= {};
    if (paths[path][method]) throw new Error(`${operation.method} ${operation.path} is described twice`);
    paths[path][method] = toOperation(collector, operation, path);
    for (const tag of operation.tags) if (!tagNames.includes(tag)) tagNames.push(tag);
  }

  const described = new Map((options.tags ?? []).map((t) => [t.name, t]));
  return {
    openapi: '3.1.0',
    info: { ...options.info },
    tags: tagNames.map((name) => described.get(name) ?? { name }),
    paths,
    components: {
      securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: Object.fromEntries(Object.entries(collector.components).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
